"""``cybercommons economy …``: import indicator files, list index rankings."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from cybercommons.core.errors import ServiceError
from cybercommons.core.models import Country
from cybercommons.core.progress import TerminalBar, Tracker
from cybercommons.economy import explanations, policy, queries, services
from cybercommons.economy.importers.formats import FormatError, ImportKind, parse_column_map
from cybercommons.economy.kernel.progress import DEFAULT_TREND_WINDOW, check_window

REPORT_COLUMNS = ("file", "written", "created", "updated", "countries", "aggregates",
                  "unknown_places", "skipped", "footnote_marker", "non_numeric", "missing_value",
                  "out_of_range")


class Command(BaseCommand):
    help = ("Digital-economy observatory: import indicator files; rankings, index steps, "
            "progress to 2030 and project-funder matches.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import indicator files (one report per file)")
        imp.add_argument("kind", choices=[k.value for k in ImportKind])
        imp.add_argument("files", nargs="+", type=Path)
        imp.add_argument("--map", dest="column_map", default=None,
                         help="column map for 'csv': JSON text or a JSON file, e.g. "
                              '{"geo": "iso3", "year": "year", "value": "v", '
                              '"indicator": "MY.CODE"}')
        imp.add_argument("--json", action="store_true", help="print the reports as JSON")
        rank = sub.add_parser("rank", help="rank countries by an index for one year")
        rank.add_argument("index", nargs="?", default="itu-idi-2023")
        rank.add_argument("--year", type=int, default=None)
        rank.add_argument("--top", type=int, default=20)
        rank.add_argument("--json", action="store_true")
        explain = sub.add_parser("explain", help="an index step by step for one country")
        explain.add_argument("country", help="ISO alpha-2 or alpha-3")
        explain.add_argument("--index", default="itu-idi-2023")
        explain.add_argument("--json", action="store_true")
        explain.add_argument("--language", choices=_languages(), default=None,
                             help="language of the sentences (default: the site's)")
        progress = sub.add_parser("progress", help="progress to the 2030 targets")
        progress.add_argument("country", help="ISO alpha-2 or alpha-3")
        progress.add_argument("--json", action="store_true")
        progress.add_argument("--window", type=_window, default=DEFAULT_TREND_WINDOW,
                              help="years fitted for the trend (default "
                                   f"{DEFAULT_TREND_WINDOW}; 'all' for every year)")
        matches = sub.add_parser("matches", help="funders ranked for a project, with reasons")
        matches.add_argument("project", type=int, help="project id")
        matches.add_argument("--json", action="store_true")
        matches.add_argument("--language", choices=_languages(), default=None,
                             help="language of the reasons (default: the site's)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "import":
            self._import(options)
        elif action == "rank":
            self._rank(options)
        elif action == "explain":
            with translation.override(options["language"] or settings.LANGUAGE_CODE):
                self._explain(options)
        elif action == "progress":
            self._progress(options)
        else:
            with translation.override(options["language"] or settings.LANGUAGE_CODE):
                self._matches(options)

    def _country(self, code: str) -> Country:
        field = "code" if len(code) == 2 else "alpha3"
        country = Country.objects.filter(**{field: code.upper()}).first()
        if country is None:
            raise CommandError(f"no country has the code {code}")
        return country

    def _emit(self, data: Any, lines: list[str], as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str))
        else:
            for line in lines:
                self.stdout.write(line)

    def _explain(self, options: dict[str, Any]) -> None:
        services.ensure_built_in_indices()
        row = queries.index_definition(None, options["index"])
        if row is None:
            raise CommandError(f"no index with the code {options['index']}")
        country = self._country(options["country"])
        year, breakdown = queries.explain_country(country, queries.kernel_definition(row))
        if breakdown is None:
            raise CommandError(f"no data for {row.code} in {country.name}")
        lines = [f"{row.name}: {country.name} {year}"]
        for step in breakdown.indicators:
            raw = "missing" if step.raw is None else f"{step.raw:g}"
            score = "-" if step.score is None else f"{step.score:.1f}"
            lines.append(f"  {step.code:20} {raw:>10} [{step.worst:g} .. {step.best:g}] "
                         f"-> {score:>6}  x {step.weight:.3f}  ({step.pillar})")
        for pillar in breakdown.pillars:
            score = "-" if pillar.score is None else f"{pillar.score:.1f}"
            lines.append(f"  pillar {pillar.label}: {score}")
        lines.append(f"  score: {'-' if breakdown.score is None else f'{breakdown.score:.1f}'}"
                     f" {explanations.render(breakdown.reason_if_missing)}")
        lines.append(f"  {explanations.render(breakdown.missing_data_rule)}")
        data = {"country": country.code, "year": year, **asdict(breakdown),
                "missing_data_rule": explanations.as_json(breakdown.missing_data_rule),
                "reason_if_missing": explanations.as_json(breakdown.reason_if_missing)}
        self._emit(data, lines, options["json"])

    def _progress(self, options: dict[str, Any]) -> None:
        country = self._country(options["country"])
        data, lines = [], [f"Progress to 2030: {country.name}"]
        for item in queries.country_progress(AnonymousUser(), country,
                                             window_years=options["window"]):
            p = item.progress
            slope = p.trend.slope if p.trend else None
            data.append({"indicator": item.indicator.code, "status": p.status.value,
                         "latest_year": p.latest_year, "latest_value": p.latest_value,
                         "slope_per_year": slope, "projected_2030": p.projected,
                         "year_reached": p.year_reached, "rate_needed": p.rate_needed,
                         "target": p.target.value})
            lines.append(f"  {item.indicator.code}: {p.status.value}, latest {p.latest_value:g} "
                         f"({p.latest_year}), pace {_rounded(slope)}/yr, 2030 "
                         f"{_rounded(p.projected)}, needed {_rounded(p.rate_needed)}/yr")
        self._emit(data, lines, options["json"])

    def _matches(self, options: dict[str, Any]) -> None:
        # The operator at the command line sees what a signed-out visitor sees.
        viewer = AnonymousUser()
        project = policy.projects(viewer).filter(pk=options["project"]).first()
        if project is None:
            raise CommandError(f"no public project has the id {options['project']}")
        data, lines = [], [f"Funders for {project.name}"]
        for funder, match in queries.funders_for_project(viewer, project):
            reasons = explanations.rendered_list(match.reasons)
            data.append({"funder": funder.pk, "name": funder.name, "score": match.score,
                         "eligible": match.eligible, "reasons": reasons,
                         "reason_messages": [m.to_dict() for m in match.reasons]})
            head = f"{match.score:5.1f}" if match.eligible else "  n/e"
            lines.append(f"  {head}  {funder.name}: {'; '.join(reasons)}")
        self._emit(data, lines, options["json"])

    def _import(self, options: dict[str, Any]) -> None:
        column_map = None
        if options["column_map"]:
            try:
                column_map = parse_column_map(options["column_map"])
            except FormatError as error:
                raise CommandError(str(error)) from None
        elif options["kind"] == ImportKind.CSV:
            raise CommandError("a plain CSV import needs --map")
        reports = []
        failed = False
        for path in options["files"]:
            stream: Any = getattr(self.stderr, "_out", None)
            bar = TerminalBar(stream)
            try:
                with Tracker(f"Importing {path.name}", terminal=bar) as tracker:
                    run = services.import_file(None, options["kind"], path,
                                               column_map=column_map, tracker=tracker,
                                               system=True)
            except ServiceError as error:
                failed = True
                reports.append({"file": str(path), "error": error.message})
                self.stderr.write(f"{path}: {error.message}")
                continue
            reports.append({**run.counts, "file": run.file_name, "problems": run.problems[:10]})
        if options["json"]:
            self.stdout.write(json.dumps(reports, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(" | ".join(REPORT_COLUMNS))
            for report in reports:
                if "error" in report:
                    self.stdout.write(f"{report['file']} | failed: {report['error']}")
                    continue
                self.stdout.write(" | ".join(str(report.get(c, "")) for c in REPORT_COLUMNS))
        if failed:
            raise CommandError("some files could not be imported")

    def _rank(self, options: dict[str, Any]) -> None:
        services.ensure_built_in_indices()
        row = queries.index_definition(None, options["index"])
        if row is None:
            raise CommandError(f"no index with the code {options['index']}")
        table = queries.ranking(None, row, year=options["year"])
        rows = table.rows[: options["top"]]
        if options["json"]:
            self.stdout.write(json.dumps({
                "index": row.code, "year": table.year,
                "rows": [{"rank": r.rank, "country": r.country.code, "name": r.country.name,
                          "score": r.score} for r in rows]}, indent=2, ensure_ascii=False))
            return
        self.stdout.write(f"{row.name} — {table.year}")
        for r in rows:
            self.stdout.write(f"{r.rank:>5g}  {r.country.code}  {r.score:6.1f}  {r.country.name}")


def _window(text: str) -> int | None:
    """``--window``: a number of years (at least 2) or ``all``."""
    if text.strip().lower() == "all":
        return None
    try:
        return check_window(int(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a trend window: give a whole number of years, at least 2, "
            "or 'all'") from None


def _rounded(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]
