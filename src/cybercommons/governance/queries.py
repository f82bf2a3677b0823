"""Reads of consultations, always through policy: timelines, drafts, the opinion map, results."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cybercommons.core import policy as core_policy
from cybercommons.core.models import Country, Progress, StakeholderType, UNRegionalGroup
from cybercommons.governance import policy, services
from cybercommons.governance.kernel.decision_rules import Rule
from cybercommons.governance.kernel.opinion_map import (
    GroupCountState,
    OpinionMapError,
    VoteMatrix,
    compute_opinion_map,
)
from cybercommons.governance.models import (
    INDIVIDUAL,
    PHASE_ORDER,
    DraftVersion,
    Participant,
    Phase,
    Process,
    Publication,
    Statement,
    Vote,
)

GROUP_LABELS = {**dict(StakeholderType.choices), INDIVIDUAL: _("Individual")}
REGION_LABELS = dict(UNRegionalGroup.choices)


def process_list(viewer: policy.Viewer, *, phase: str = "", q: str = "") -> QuerySet[Process]:
    qs = policy.processes(viewer).annotate(
        participant_count=Count("participants", distinct=True))
    if phase:
        qs = qs.filter(phase=phase)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(summary__icontains=q))
    return qs.order_by("-created_at", "pk")


def process_for(viewer: policy.Viewer, slug: str) -> Process | None:
    return policy.processes(viewer).filter(slug=slug).first()


def timeline(process: Process) -> list[dict[str, Any]]:
    """Each phase with its planned dates and whether it is past, current or to come."""
    schedule = {s.phase: s for s in process.schedule.all()}
    current = PHASE_ORDER.index(process.phase)
    out = []
    for i, phase in enumerate(PHASE_ORDER):
        planned = schedule.get(phase)
        out.append({
            "phase": phase, "label": Phase(phase).label,
            "state": "past" if i < current else "current" if i == current else "future",
            "starts_on": planned.starts_on if planned else None,
            "ends_on": planned.ends_on if planned else None,
        })
    return out


def version_of(process: Process, number: int | None) -> DraftVersion | None:
    """A version by number (the current one when none is given)."""
    if number is None:
        return process.current_version
    return process.versions.filter(number=number).first()


def counts(process: Process) -> dict[str, int]:
    return {
        "participants": process.participants.count(),
        "comments": process.comments.count(),
        "amendments": process.amendments.count(),
        "statements": process.statements.count(),
        "votes": Vote.objects.filter(statement__process=process).count(),
        "ballots": process.ballots.count(),
    }


# --- Opinion map ------------------------------------------------------------------------


@dataclass
class StatementStats:
    statement: Statement
    agree: int
    disagree: int
    passed: int

    @property
    def total(self) -> int:
        return self.agree + self.disagree + self.passed


def statement_stats(process: Process) -> list[StatementStats]:
    rows = process.statements.annotate(
        n_agree=Count("votes", filter=Q(votes__value=1)),
        n_disagree=Count("votes", filter=Q(votes__value=-1)),
        n_pass=Count("votes", filter=Q(votes__value=0)),
    ).order_by("pk")
    return [StatementStats(s, s.n_agree, s.n_disagree, s.n_pass) for s in rows]


def _map_key(process: Process) -> str:
    stamp = Vote.objects.filter(statement__process=process).aggregate(
        n=Count("pk"), last=Max("pk"))
    moderated = process.statements.filter(moderated__lt=0).count()
    return f"governance:map:{process.pk}:{stamp['n']}:{stamp['last']}:{moderated}"


def opinion_map(process: Process) -> dict[str, Any]:
    """The opinion map of a process as plain data (cached until the next vote).

    ``points``: participants with their coordinates, group, stakeholder group and region;
    ``groups``: per group its size, its make-up by stakeholder group and region, and its
    representative statements; ``consensus``: statements agreed (or disagreed) across the
    whole conversation, ordered by group-informed consensus.
    """
    key = _map_key(process)
    cached = cache.get(key)
    if cached is not None:
        return dict(cached)
    result = _compute_map(process)
    cache.set(key, result, 3600)
    return result


def _compute_map(process: Process) -> dict[str, Any]:
    votes = list(Vote.objects.filter(statement__process=process)
                 .order_by("pk").values_list("participant_id", "statement_id", "value"))
    statements = {s.pk: s for s in process.statements.all()}
    empty: dict[str, Any] = {"points": [], "groups": [], "consensus": [], "votes": len(votes),
                             "group_count": 0, "error": ""}
    if not votes:
        return empty
    matrix = VoteMatrix.from_votes(votes)
    try:
        # Pol.is never drops a participant once clustered; for an imported conversation
        # the export says who was, so they stay in as Pol.is kept them.
        kept = process.participants.filter(external_group__isnull=False).values_list(
            "pk", flat=True)
        result = compute_opinion_map(
            matrix, moderated_out=[pk for pk, s in statements.items() if s.moderated < 0],
            state=GroupCountState.from_dict(process.opinion_state or None),
            previous_in_conv=list(kept), seed=0)
    except OpinionMapError as error:
        return {**empty, "error": str(error)}
    people = {p.pk: p for p in Participant.objects.filter(process=process)
              .select_related("country")}
    points = []
    members: dict[int, list[Participant]] = defaultdict(list)
    for i, pid in enumerate(result.participant_ids):
        person = people.get(int(pid))
        if person is None:
            continue
        group = int(result.group_of[i])
        if group >= 0:
            members[group].append(person)
        points.append({
            "participant": person.pk,
            "x": round(float(result.projection[i, 0]), 4),
            "y": round(float(result.projection[i, 1]), 4),
            "group": group_name(group),
            "stakeholder_group": str(GROUP_LABELS.get(person.stakeholder_group,
                                                      person.stakeholder_group or "-")),
            "region": str(REGION_LABELS.get(person.region, person.region or "-")),
        })
    groups = []
    for g in range(result.group_count):
        people_in = members.get(g, [])
        groups.append({
            "id": g, "name": group_name(g), "size": len(people_in),
            "by_stakeholder_group": _breakdown(p.stakeholder_group for p in people_in),
            "by_region": _breakdown(p.region for p in people_in),
            "representative": [
                {"statement": statements[int(r.statement_id)].text,
                 "statement_id": int(r.statement_id), "repful_for": r.repful_for,
                 "percent": round(100 * r.n_success / r.n_trials) if r.n_trials else 0,
                 "votes": r.n_trials}
                for r in result.repness.get(g, []) if int(r.statement_id) in statements],
        })
    gic = dict(zip(result.statement_ids, result.group_informed_consensus_agree, strict=True))
    consensus: list[dict[str, Any]] = []
    for item, way in [(c, "agree") for c in result.consensus_agree] + \
                     [(c, "disagree") for c in result.consensus_disagree]:
        sid = int(item.statement_id)
        if sid in statements:
            consensus.append({"statement": statements[sid].text, "statement_id": sid,
                              "way": way, "percent": round(100 * item.p_success),
                              "votes": item.n_trials,
                              "group_informed": round(float(gic.get(item.statement_id, 0)), 3)})
    consensus.sort(key=lambda c: -float(c["group_informed"]))
    services.record_opinion_state(process, result.state.as_dict())
    return {"points": points, "groups": groups, "consensus": consensus, "votes": len(votes),
            "group_count": result.group_count, "error": "",
            "state": result.state.as_dict()}


def group_name(index: int) -> str:
    """Groups are named A, B, C… as Pol.is names them."""
    return chr(ord("A") + index) if index >= 0 else "-"


def _breakdown(values: Any) -> list[tuple[str, int]]:
    counted = Counter(v or "" for v in values)
    labels = {**GROUP_LABELS, **REGION_LABELS, "": "Unknown"}
    return [(str(labels.get(k, k)), n) for k, n in counted.most_common()]


# --- Results ----------------------------------------------------------------------------


def organisation_names(viewer: policy.Viewer,
                       results: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """The names of the organisations whose ids key the parts of one-organisation-one-vote
    tallies (see ``tallies.result_json``), as the viewer may see them: the kernel only knows
    ids, readers know names. An organisation since deleted or hidden has no entry."""
    ids = {key for result in results if result.get("rule") == Rule.ONE_ORGANISATION_ONE_VOTE
           for key in result.get("parts") or {} if key.isdigit()}
    if not ids:
        return {}
    found = core_policy.organisations(viewer).filter(pk__in=[int(i) for i in ids])
    return {str(pk): name for pk, name in found.values_list("pk", "name")}


# --- Country panel ----------------------------------------------------------------------


def processes_open_to(viewer: policy.Viewer, country: Country) -> list[Process]:
    """Visible processes still running whose invitation covers the country."""
    running = policy.processes(viewer).exclude(phase=Phase.OUTCOME).order_by("-created_at")
    out = []
    for process in running:
        limited = bool(process.invited_regions or process.invited_countries)
        if limited and country.un_regional_group not in process.invited_regions and \
                country.code not in process.invited_countries:
            continue
        out.append(process)
    return out


STEP_CODES = frozenset(step.value for step in services.PublishStep)


@dataclass(frozen=True)
class PublicationState:
    """Where a requested publication of the result stands, as pages and the API show it."""

    status: str  # a Progress.Status value: pending, running, done or failed
    done: int  # steps done, of ``total``
    total: int | None
    step: str  # the services.PublishStep under way, "" when none is
    message: str  # why it failed, "" otherwise
    requested_at: datetime


def publication_state(viewer: policy.Viewer, process: Process) -> PublicationState | None:
    """The state of the process's publication request, if one was made or the result is
    out; a run whose worker stopped (see ``services.PUBLICATION_STALE_AFTER``) shows as
    failed, as it may be started again."""
    publication: Publication | None = policy.publications(viewer).filter(
        process=process).first()
    # Only the date: the decision row holds the whole ballot file, and this is polled.
    decided_at = policy.decisions(viewer).filter(process=process).values_list(
        "decided_at", flat=True).first()
    steps = len(services.PublishStep)
    if decided_at is not None:  # also a result published without a request (the demo's)
        return PublicationState(Progress.Status.DONE, steps, steps, "", "",
                                publication.requested_at if publication else decided_at)
    if publication is None:
        return None
    progress = services.publication_progress(publication)
    if progress is None or (progress.status not in Progress.FINISHED
                            and not services.tally_under_way(process)):
        return PublicationState(Progress.Status.FAILED, progress.done if progress else 0,
                                steps, "", str(_("The tally stopped before it finished; "
                                                 "nothing was published.")),
                                publication.requested_at)
    running = progress.status == Progress.Status.RUNNING
    step = progress.message if running and progress.message in STEP_CODES else ""
    failed = progress.status == Progress.Status.FAILED
    return PublicationState(progress.status, progress.done, progress.total or steps, step,
                            progress.message if failed else "", publication.requested_at)
