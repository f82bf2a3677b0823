"""``cybercommons infra …``: import network data, run failure scenarios, show resilience."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cybercommons.core.errors import ServiceError
from cybercommons.core.progress import TerminalBar, Tracker
from cybercommons.infrastructure import analysis, services
from cybercommons.infrastructure.kernel.events import NAMED_REGIONS, READY_SCENARIOS
from cybercommons.infrastructure.queries import active_dataset

IMPORT_KINDS = ("telegeography-v3", "telegeography-v2", "peeringdb", "geojson", "csv",
                "population", "tle", "ground-stations")


class Command(BaseCommand):
    help = "Infrastructure: import network data, run failure scenarios, show resilience."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import a snapshot folder or a file")
        imp.add_argument("kind", choices=IMPORT_KINDS)
        imp.add_argument("path", type=Path)
        imp.add_argument("--dataset", default="", help="short name of the dataset to fill")
        imp.add_argument("--activate", action="store_true",
                         help="make this dataset the one the analysis reads")
        imp.add_argument("--constellation", default="",
                         help="tle: the constellation (default: the file's name)")
        imp.add_argument("--json", action="store_true")

        sc = sub.add_parser("scenario", help="run a failure scenario on the active dataset")
        sc.add_argument("kind", choices=("cut", "region", "ready", "storm"))
        sc.add_argument("target", nargs="*",
                        help="cut: cable names or ids; region: a named region; ready: a key")
        sc.add_argument("--station", action="append", default=[],
                        help="cut: a landing station id (repeatable)")
        sc.add_argument("--bbox", default="",
                        help="region: west,south,east,north in degrees (--bbox=-176,...)")
        sc.add_argument("--level", choices=("cable", "segment"), default="cable")
        sc.add_argument("--band", action="append", default=[],
                        help="storm: min_abs_lat,max_abs_lat,p_repeater (repeatable)")
        sc.add_argument("--spacing", type=float, default=70.0,
                        help="storm: repeater spacing in km")
        sc.add_argument("--trials", type=int, default=10_000)
        sc.add_argument("--seed", type=int, default=0)
        sc.add_argument("--json", action="store_true")

        res = sub.add_parser("resilience", help="per-country resilience of the active dataset")
        res.add_argument("countries", nargs="*", help="alpha-2 codes (all when none)")
        res.add_argument("--json", action="store_true")

        sat = sub.add_parser("satellites",
                             help="where a constellation's satellites are, and what its "
                                  "ground stations see")
        sat.add_argument("constellation", help="the constellation's name")
        sat.add_argument("--at", default="", help="UTC time, ISO 8601 (default: now)")
        sat.add_argument("--min-elevation", type=float, default=25.0,
                         help="degrees above the horizon a station needs (0-90)")
        sat.add_argument("--json", action="store_true")

        sub.add_parser("list", help="list named regions and ready scenarios")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "import":
            self._import(options)
        elif action == "scenario":
            self._scenario(options)
        elif action == "resilience":
            self._resilience(options)
        elif action == "satellites":
            self._satellites(options)
        else:
            self.stdout.write("Named regions:")
            for key, region in sorted(NAMED_REGIONS.items()):
                self.stdout.write(f"  {key:20} {region.name}")
            self.stdout.write("Ready scenarios:")
            for key, event in sorted(READY_SCENARIOS.items()):
                self.stdout.write(f"  {key:20} {event.title} ({event.date})")

    def _bar(self) -> TerminalBar:
        stream: Any = getattr(self.stderr, "_out", sys.stderr)
        return TerminalBar(stream)

    def _import(self, options: dict[str, Any]) -> None:
        path: Path = options["path"]
        try:
            with Tracker(f"Importing {path.name}", terminal=self._bar()) as tracker:
                run = services.import_file(None, options["kind"], path,
                                           dataset_slug=options["dataset"],
                                           activate=True if options["activate"] else None,
                                           tracker=tracker, system=True,
                                           constellation=options["constellation"])
        except ServiceError as error:
            raise CommandError(error.message) from None
        if options["json"]:
            self.stdout.write(json.dumps({"kind": run.kind, "path": run.path,
                                          "counts": run.counts, "problems": run.problems},
                                         indent=2, ensure_ascii=False))
            return
        for key, value in sorted(run.counts.items()):
            self.stdout.write(f"{key:28} {value}")
        skipped = [p for p in run.problems if not p["kept"]]
        kept = [p for p in run.problems if p["kept"]]
        self.stdout.write(f"{'problems (skipped)':28} {len(skipped)}")
        self.stdout.write(f"{'problems (kept)':28} {len(kept)}")
        for problem in run.problems[:20]:
            flag = "kept" if problem["kept"] else "skipped"
            self.stdout.write(f"  [{flag}] {problem['record']}: {problem['reason']}")

    def _parameters(self, options: dict[str, Any]) -> dict[str, Any]:
        kind, target = options["kind"], options["target"]
        level = options["level"]
        if kind == "cut":
            return {"cables": target, "stations": options["station"], "level": level}
        if kind == "region":
            if options["bbox"]:
                try:
                    box = [float(v) for v in options["bbox"].split(",")]
                except ValueError:
                    raise CommandError("--bbox takes four numbers: west,south,east,north") from None
                return {"bbox": box, "level": level}
            if len(target) != 1:
                raise CommandError("name one region (see 'infra list') or give --bbox")
            return {"region": target[0], "level": level}
        if kind == "ready":
            if len(target) != 1:
                raise CommandError("name one ready scenario (see 'infra list')")
            return {"key": target[0], "level": level}
        bands = []
        for text in options["band"]:
            try:
                lo, hi, p = (float(v) for v in text.split(","))
            except ValueError:
                raise CommandError(f"--band {text!r}: give min_abs_lat,max_abs_lat,p") from None
            bands.append([lo, hi, p])
        params: dict[str, Any] = {"spacing_km": options["spacing"], "trials": options["trials"],
                                  "seed": options["seed"], "level": level}
        if bands:
            params["bands"] = bands
        return params

    def _scenario(self, options: dict[str, Any]) -> None:
        dataset = active_dataset()
        if dataset is None:
            raise CommandError("no dataset yet: run 'infra import' first")
        kind = options["kind"]
        params = self._parameters(options)
        bar = self._bar()
        try:
            if kind == "storm":
                with Tracker("Storm trials", total=options["trials"], terminal=bar) as tracker:
                    def progress(done: int, total: int) -> None:
                        tracker.done = done - 1
                        tracker.advance()
                    results = analysis.run(dataset, kind, params, progress=progress)
            else:
                results = analysis.run(dataset, kind, params)
        except ServiceError as error:
            raise CommandError(error.message) from None
        if options["json"]:
            self.stdout.write(json.dumps(results, indent=2, ensure_ascii=False))
            return
        if results["kind"] == "storm":
            self.stdout.write(f"{results['trials']} trials, {results['level']} level; "
                              f"expected countries cut off: "
                              f"{results['expected_countries_cut_off']:.3f}")
            self.stdout.write(f"{'country':8} {'P(cut off)':>11} {'links lost':>11}  name")
            for row in results["countries"][:40]:
                self.stdout.write(f"{row['country']:8} {row['p_cut_off']:>11.4f} "
                                  f"{row['mean_links_lost']:>11.3f}  {row['name']}")
            return
        self.stdout.write(f"{results['name']} ({results['level']} level): "
                          f"{len(results['cables_cut'])} cables hit, "
                          f"{results['affected']} countries affected, "
                          f"cut off: {', '.join(results['newly_cut_off']) or 'none'}")
        for note in results["notes"]:
            self.stdout.write(f"note: {note}")
        self.stdout.write(f"{'country':8} {'cables':>9} {'links':>9} {'min-cut':>9} cut-off  name")
        for row in results["countries"]:
            self.stdout.write(
                f"{row['country']:8} {row['cables_before']:>4}→{row['cables_after']:<4} "
                f"{row['links_before']:>4}→{row['links_after']:<4} "
                f"{row['min_cut_before']!s:>4}→{row['min_cut_after']!s:<4} "
                f"{'yes' if row['cut_off'] else 'no':7}  {row['name']}")

    def _satellites(self, options: dict[str, Any]) -> None:
        from django.contrib.auth.models import AnonymousUser

        from cybercommons.infrastructure import constellations, policy

        # The command line shows what anyone may see: constellations are public.
        anyone = AnonymousUser()
        group = policy.constellations(anyone).filter(name=options["constellation"]).first()
        if group is None:
            raise CommandError(f"no constellation is called {options['constellation']!r}")
        try:
            when = (datetime.fromisoformat(options["at"]) if options["at"]
                    else datetime.now(UTC))
        except ValueError:
            raise CommandError("--at takes an ISO 8601 time, e.g. 2024-03-01T12:00") from None
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        try:
            view = constellations.current_view(anyone, group, when,
                                               options["min_elevation"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            self.stdout.write(json.dumps({
                "constellation": group.name, "at": when.isoformat(),
                "stale_elements": view.stale,
                "satellites": [{"name": p.name, "lon": p.lon, "lat": p.lat,
                                "alt_km": p.alt_km} for p in view.points],
                "not_propagated": view.failed,
                "ground_stations": {s.station.name: [v.name for v in s.visible]
                                    for s in view.stations},
            }, indent=2, ensure_ascii=False))
            return
        self.stdout.write(f"{group.name} at {when:%Y-%m-%d %H:%M:%S} UTC"
                          + (" (elements far from this time: positions drift)"
                             if view.stale else ""))
        self.stdout.write(f"{'satellite':28} {'lon':>9} {'lat':>8} {'alt km':>8}")
        for point in view.points:
            self.stdout.write(f"{point.name[:28]:28} {point.lon:>9.2f} {point.lat:>8.2f} "
                              f"{point.alt_km:>8.0f}")
        for message in view.failed:
            self.stdout.write(f"not propagated: {message}")
        for row in view.stations:
            names = ", ".join(v.name for v in row.visible[:5]) or "-"
            self.stdout.write(f"station {row.station.name}: {len(row.visible)} in view "
                              f"above {view.min_elevation:g} deg ({names})")

    def _resilience(self, options: dict[str, Any]) -> None:
        dataset = active_dataset()
        if dataset is None:
            raise CommandError("no dataset yet: run 'infra import' first")
        data = analysis.resilience(dataset)["countries"]
        codes = [c.upper() for c in options["countries"]] or sorted(data)
        missing = [c for c in codes if c not in data]
        if missing:
            raise CommandError(f"not in the network: {', '.join(missing)}")
        rows = {c: data[c] for c in codes}
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
            return
        self.stdout.write(f"{'country':8} {'score':>6} {'cables':>6} {'stations':>8} "
                          f"{'links':>6} {'min-cut':>7} {'st-cut':>6} SPOFs")
        for code, row in rows.items():
            self.stdout.write(
                f"{code:8} {row['score']['value']:>6.1f} {row['cables']:>6} "
                f"{row['landing_stations']:>8} {row['international_links']:>6} "
                f"{row['min_cable_cut']!s:>7} {row['min_station_cut']!s:>6} "
                f"{', '.join(row['single_points_of_failure'])}")
