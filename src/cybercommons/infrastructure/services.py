"""Every change to the infrastructure module's state: permission, transaction, audit, event.

Pages, the API, the CLI and background tasks call these functions, so a change behaves the
same whichever door it comes through. Scenario runs and plans that are not saved change
nothing and live in :mod:`cybercommons.infrastructure.analysis`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cybercommons.core import audit, events
from cybercommons.core.errors import ServiceError
from cybercommons.core.models import Country, User
from cybercommons.core.policy import Viewer
from cybercommons.core.progress import Tracker
from cybercommons.infrastructure import analysis, policy
from cybercommons.infrastructure.audit_actions import InfraAction
from cybercommons.infrastructure.importers.links import LinkFileError, import_links
from cybercommons.infrastructure.importers.peeringdb import ExportError, import_peeringdb
from cybercommons.infrastructure.importers.population import (
    PopulationFileError,
    import_population,
)
from cybercommons.infrastructure.importers.report import ImportReport
from cybercommons.infrastructure.importers.satellites import (
    SatelliteFileError,
    import_ground_stations,
    import_tle,
)
from cybercommons.infrastructure.importers.telegeography import SnapshotError, import_snapshot
from cybercommons.infrastructure.models import (
    Cable,
    CandidateProject,
    Dataset,
    ImportRun,
    PlannerRun,
    Population,
    Scenario,
    Segment,
)
from cybercommons.infrastructure.queries import active_dataset

IMPORT_KINDS = ("telegeography-v3", "telegeography-v2", "peeringdb", "geojson", "csv",
                "population", "tle", "ground-stations")
SOURCE = "infrastructure"


def _actor(user: Viewer | None) -> User | None:
    return user if isinstance(user, User) else None


# --- imports ------------------------------------------------------------------------------


def import_file(
    actor: Viewer | None,
    kind: str,
    path: str | Path,
    *,
    dataset_slug: str = "",
    activate: bool | None = None,
    tracker: Tracker | None = None,
    system: bool = False,
    constellation: str = "",
) -> ImportRun:
    """Import one file or snapshot folder; returns the stored report.

    ``system`` is for the command line, run by whoever operates the server;
    ``constellation`` names the constellation of a TLE file.
    """
    if not system:
        policy.require_import(actor)  # type: ignore[arg-type]
    if kind not in IMPORT_KINDS:
        raise ServiceError(_("Unknown import kind %(kind)s; use one of %(kinds)s.")
                           % {"kind": kind, "kinds": ", ".join(IMPORT_KINDS)}, field="kind")
    path = Path(path)
    if not path.exists():
        raise ServiceError(_("%(path)s does not exist.") % {"path": path}, field="path")
    report: ImportReport
    try:
        if kind.startswith("telegeography"):
            report = import_snapshot(path, int(kind[-1]), slug=dataset_slug, activate=activate,
                                     tracker=tracker)
            action = InfraAction.DATASET_IMPORTED
        elif kind == "peeringdb":
            report = import_peeringdb(path, tracker=tracker)
            action = InfraAction.EXCHANGES_IMPORTED
        elif kind == "population":
            report = import_population(path)
            action = InfraAction.POPULATION_IMPORTED
        elif kind == "tle":
            report = import_tle(path, constellation or path.stem)
            action = InfraAction.SATELLITES_IMPORTED
        elif kind == "ground-stations":
            report = import_ground_stations(path)
            action = InfraAction.SATELLITES_IMPORTED
        else:
            target = (Dataset.objects.filter(slug=dataset_slug).first() if dataset_slug
                      else active_dataset())
            if target is None:
                raise ServiceError(_("Import a cable dataset first, or name one with its short "
                                     "name: links are added to a dataset."), field="dataset")
            report = import_links(path, kind, target, tracker=tracker)
            action = InfraAction.LINKS_IMPORTED
    except (SnapshotError, ExportError, LinkFileError, PopulationFileError,
            SatelliteFileError) as error:
        ImportRun.objects.create(kind=kind, path=str(path), status=ImportRun.Status.FAILED,
                                 message=str(error), created_by=_actor(actor))
        raise ServiceError(str(error), field="path") from None
    with transaction.atomic():
        run = ImportRun.objects.create(
            kind=kind, path=str(path), dataset_id=report.dataset_id, counts=dict(report.counts),
            problems=[p.as_dict() for p in report.problems], created_by=_actor(actor))
        audit.record(action, actor=_actor(actor), obj=run,
                     data={"kind": kind, "path": path.name, "counts": dict(report.counts)})
        events.publish(str(action), {"import_run": run.pk, "kind": kind,
                                     "dataset_id": report.dataset_id}, source=SOURCE)
    return run


def activate_dataset(actor: Viewer, dataset: Dataset) -> Dataset:
    """Make ``dataset`` the one the maps, country pages and scenarios read."""
    policy.require_import(actor)
    with transaction.atomic():
        Dataset.objects.exclude(pk=dataset.pk).update(is_active=False)
        dataset.is_active = True
        dataset.save(update_fields=["is_active"])
        audit.record(InfraAction.DATASET_ACTIVATED, actor=_actor(actor), obj=dataset,
                     data={"slug": dataset.slug})
        events.publish(str(InfraAction.DATASET_ACTIVATED), {"dataset": dataset.slug},
                       source=SOURCE)
    return dataset


def _touch(dataset: Dataset) -> None:
    """Raise the revision so the cached network build and resilience analysis are redone."""
    # An F() update, so two edits at once both count.
    Dataset.objects.filter(pk=dataset.pk).update(revision=F("revision") + 1,
                                                 updated_at=timezone.now())
    dataset.refresh_from_db(fields=["revision", "updated_at"])


def _clean_ends(end_a: str, end_b: str) -> tuple[str, str]:
    end_a, end_b = end_a.strip(), end_b.strip()
    if not end_a or not end_b:
        raise ServiceError(_("Both ends of a segment are needed."), field="end_a")
    if len(end_a) > 160 or len(end_b) > 160:
        raise ServiceError(_("A segment end is at most 160 characters long."), field="end_a")
    return end_a, end_b


def edit_segment(actor: Viewer, segment: Segment, *, end_a: str, end_b: str) -> Segment:
    """Correct the ends of a segment; the cable's segments are then kept on re-import."""
    policy.require_import(actor)
    end_a, end_b = _clean_ends(end_a, end_b)
    with transaction.atomic():
        old = (segment.end_a, segment.end_b)
        segment.end_a, segment.end_b = end_a, end_b
        segment.save(update_fields=["end_a", "end_b"])
        Segment.objects.filter(cable=segment.cable).update(inferred=False)
        _touch(segment.cable.dataset)
        audit.record(InfraAction.SEGMENT_EDITED, actor=_actor(actor), obj=segment,
                     data={"from": list(old), "to": [end_a, end_b]})
    return segment


def add_segment(actor: Viewer, cable: Cable, *, end_a: str, end_b: str,
                length_km: float | None = None) -> Segment:
    """Add a segment a person knows of but the drawn route does not show.

    The cable's segments then count as corrected, so re-inference on import keeps them.
    """
    policy.require_import(actor)
    end_a, end_b = _clean_ends(end_a, end_b)
    if length_km is not None and not (0 <= length_km < 50_000):
        raise ServiceError(_("The length must be between 0 and 50,000 km."),
                           field="length_km")
    with transaction.atomic():
        taken = set(Segment.objects.filter(cable=cable).values_list("key", flat=True))
        number = len(taken)
        while f"{cable.source_id}#m{number}"[:160] in taken:
            number += 1
        segment = Segment.objects.create(
            cable=cable, key=f"{cable.source_id}#m{number}"[:160], end_a=end_a, end_b=end_b,
            length_km=length_km, inferred=False)
        Segment.objects.filter(cable=cable).update(inferred=False)
        _touch(cable.dataset)
        audit.record(InfraAction.SEGMENT_ADDED, actor=_actor(actor), obj=segment,
                     data={"cable": cable.source_id, "key": segment.key,
                           "ends": [end_a, end_b], "length_km": length_km})
    return segment


def delete_segment(actor: Viewer, segment: Segment) -> None:
    """Remove a segment the cable does not have; its other segments count as corrected.

    The last segment of a cable cannot be deleted (ServiceError).
    """
    policy.require_import(actor)
    cable = segment.cable
    with transaction.atomic():
        # With no segment left, nothing would record that the cable was corrected and
        # the next import would infer its segments again.
        if not Segment.objects.select_for_update().filter(cable=cable).exclude(
                pk=segment.pk).exists():
            raise ServiceError(_("A cable keeps at least one segment: correct its ends "
                                 "instead."), field="segment")
        audit.record(InfraAction.SEGMENT_DELETED, actor=_actor(actor), obj=segment,
                     data={"cable": cable.source_id, "key": segment.key,
                           "ends": [segment.end_a, segment.end_b]})
        segment.delete()
        Segment.objects.filter(cable=cable).update(inferred=False)
        _touch(cable.dataset)


# --- population from other modules -----------------------------------------------------

# Census-era figures onward; a year outside this is a typing error, not a population.
POPULATION_YEARS = (1950, 2100)


def record_population(country: object, year: object, value: object, *, source: str) -> bool:
    """Store a country's population if ``year`` is at least as new as the stored one.

    Called for events published by other modules (no person acts, so no permission is
    checked: the publisher checked its own). Returns whether the row changed; raises
    ServiceError naming the bad field.
    """
    code = str(country or "").strip().upper()
    if not Country.objects.filter(code=code).exists():
        raise ServiceError(_("%(code)r is not an ISO 3166-1 alpha-2 country code.")
                           % {"code": country}, field="country")
    if isinstance(year, bool) or not isinstance(year, int) or not (
            POPULATION_YEARS[0] <= year <= POPULATION_YEARS[1]):
        raise ServiceError(_("The year must be a whole number from %(low)d to %(high)d.")
                           % {"low": POPULATION_YEARS[0], "high": POPULATION_YEARS[1]},
                           field="year")
    if isinstance(value, bool) or not isinstance(value, int | float) or not (
            0 <= value < 1e11) or value != value:
        raise ServiceError(_("The population must be a number from 0 to 100 billion."),
                           field="value")
    with transaction.atomic():
        row = Population.objects.select_for_update().filter(country_id=code).first()
        if row is not None and row.year is not None and row.year > year:
            return False
        old = (row.year, row.population) if row is not None else None
        Population.objects.update_or_create(
            country_id=code, defaults={"population": round(value), "year": year,
                                       "source": source[:200]})
        audit.record(InfraAction.POPULATION_RECEIVED, actor=None, object_type="population",
                     object_id=code, data={"year": year, "population": round(value),
                                           "previous": list(old) if old else None,
                                           "source": source})
    return True


# --- scenarios ----------------------------------------------------------------------------


def save_scenario(
    actor: Viewer,
    *,
    title: str,
    kind: str,
    parameters: dict[str, Any],
    is_public: bool = False,
    results: dict[str, Any] | None = None,
    system: bool = False,
) -> Scenario:
    """Run (unless ``results`` are given from a run just made) and save a scenario."""
    user = policy.require_signed_in(actor)
    title = title.strip()
    if not title:
        raise ServiceError(_("A title is required."), field="title")
    dataset = active_dataset()
    if dataset is None:
        raise ServiceError(_("There is no network to run scenarios on yet."))
    clean = analysis.validate(kind, parameters,
                              max_trials=None if system else analysis.WEB_MAX_TRIALS)
    if results is None:
        results = analysis.run(dataset, kind, clean)
    with transaction.atomic():
        scenario = Scenario.objects.create(
            title=title[:200], kind=kind, parameters=clean, results=results, dataset=dataset,
            dataset_revision=dataset.revision, created_by=user, is_public=is_public)
        audit.record(InfraAction.SCENARIO_SAVED, actor=user, obj=scenario,
                     data={"kind": kind, "parameters": clean, "public": is_public})
        _announce(scenario)
    return scenario


def _announce(scenario: Scenario) -> None:
    # Other modules (security's incidents) act on public scenarios only, so a private
    # scenario's findings never leave it through an event.
    payload: dict[str, Any] = {"scenario": str(scenario.public_id), "kind": scenario.kind,
                               "public": scenario.is_public}
    if scenario.is_public:
        payload["countries_cut_off"] = scenario.results.get("newly_cut_off", [])
        payload["countries_affected"] = [r["country"] for r in
                                         scenario.results.get("countries", [])]
    events.publish("infrastructure.scenario.saved", payload, source=SOURCE)


def share_scenario(actor: Viewer, scenario: Scenario, is_public: bool) -> Scenario:
    """Make a saved scenario public or private again (its author only)."""
    policy.require_change(actor, scenario.created_by_id)
    with transaction.atomic():
        scenario.is_public = is_public
        scenario.save(update_fields=["is_public"])
        audit.record(InfraAction.SCENARIO_SHARED, actor=_actor(actor), obj=scenario,
                     data={"public": is_public})
        if is_public:
            _announce(scenario)
    return scenario


def delete_scenario(actor: Viewer, scenario: Scenario) -> None:
    policy.require_change(actor, scenario.created_by_id)
    with transaction.atomic():
        audit.record(InfraAction.SCENARIO_DELETED, actor=_actor(actor), obj=scenario,
                     data={"title": scenario.title})
        scenario.delete()


# --- planner ------------------------------------------------------------------------------


def create_candidate(
    actor: Viewer,
    *,
    name: str,
    kind: str,
    cost: float,
    links: dict[str, Any],
    description: str = "",
    is_public: bool = False,
) -> CandidateProject:
    """Register a candidate project; its links are checked against the active network."""
    user = policy.require_signed_in(actor)
    if not name.strip():
        raise ServiceError(_("A name is required."), field="name")
    if kind not in CandidateProject.Kind.values:
        raise ServiceError(_("Unknown project kind %(kind)s.") % {"kind": kind}, field="kind")
    try:
        cost = float(cost)
    except (TypeError, ValueError):
        raise ServiceError(_("The cost must be a number."), field="cost") from None
    if not (cost > 0 and cost < 1e12):
        raise ServiceError(_("The cost must be a positive number."), field="cost")
    candidate = CandidateProject(name=name.strip()[:200], kind=kind, cost=cost, links=links,
                                 description=description, created_by=user, is_public=is_public)
    dataset = active_dataset()
    if dataset is not None:
        from cybercommons.infrastructure import network

        candidate.pk = 0  # the check needs an id only for the project's name
        analysis.to_project(candidate, network.load(dataset).network)
        candidate.pk = None
    with transaction.atomic():
        candidate.save()
        audit.record(InfraAction.CANDIDATE_CREATED, actor=user, obj=candidate,
                     data={"name": candidate.name, "kind": kind, "cost": cost})
    return candidate


def delete_candidate(actor: Viewer, candidate: CandidateProject) -> None:
    policy.require_change(actor, candidate.created_by_id)
    with transaction.atomic():
        audit.record(InfraAction.CANDIDATE_DELETED, actor=_actor(actor), obj=candidate,
                     data={"name": candidate.name})
        candidate.delete()


def run_plan(
    actor: Viewer,
    candidates: list[CandidateProject],
    *,
    budget: float,
    objective: str = "capped_min_cut",
    save: bool = True,
    is_public: bool = False,
) -> PlannerRun:
    """Choose the candidates that buy the most resilience for the budget; save the run."""
    user = policy.require_signed_in(actor)
    dataset = active_dataset()
    if dataset is None:
        raise ServiceError(_("There is no network to plan on yet."))
    if not candidates:
        raise ServiceError(_("No candidate projects were chosen: add or select some first."),
                           field="candidates")
    result = analysis.plan(dataset, candidates, float(budget), objective)
    run = PlannerRun(budget=float(budget), objective=objective,
                     candidate_ids=[c.pk for c in candidates], result=result, dataset=dataset,
                     created_by=user, is_public=is_public)
    if save:
        with transaction.atomic():
            run.save()
            audit.record(InfraAction.PLAN_SAVED, actor=user, obj=run,
                         data={"budget": run.budget, "objective": objective,
                               "chosen": [c["id"] for c in result["chosen"]]})
    return run
