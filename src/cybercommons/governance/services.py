"""Every change to a consultation: permission check, transaction, audit entry, event.

Pages, the API, the CLI, the importer and the demo call these functions, so a vote or a
phase change behaves the same whichever door it comes through. Refusals name the reason:
PermissionDenied for someone not invited, Conflict for the wrong phase, a double vote or
an amendment against an old version, ServiceError for bad input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from enum import StrEnum
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cybercommons.core import audit, events
from cybercommons.core.errors import Conflict, ServiceError
from cybercommons.core.models import (
    Country,
    Organisation,
    Progress,
    StakeholderType,
    UNRegionalGroup,
    User,
)
from cybercommons.governance import outcomes, policy, tallies
from cybercommons.governance.kernel.decision_rules import BallotError
from cybercommons.governance.models import (
    INDIVIDUAL,
    Amendment,
    AmendmentStatus,
    Ballot,
    Comment,
    Decision,
    DecisionRule,
    DraftVersion,
    Language,
    Meeting,
    Notification,
    Participant,
    Phase,
    PhaseSchedule,
    Process,
    Publication,
    Section,
    Statement,
    Translation,
    TranslationStatus,
    Visibility,
    Vote,
    VoteValue,
)

SOURCE = "governance"
MAX_STATEMENT = 400


class GovernanceAction(StrEnum):
    """Audit action names of the governance module."""

    PROCESS_CREATED = "governance.process.created"
    PHASE_CHANGED = "governance.process.phase_changed"
    SCHEDULE_SET = "governance.process.schedule_set"
    VERSION_CREATED = "governance.version.created"
    TRANSLATION_SAVED = "governance.translation.saved"
    AMENDMENT_ACCEPTED = "governance.amendment.accepted"
    AMENDMENT_REJECTED = "governance.amendment.rejected"
    AMENDMENTS_MERGED = "governance.amendment.merged"
    STATEMENT_MODERATED = "governance.statement.moderated"
    DECISION_PUBLISHED = "governance.decision.published"
    MEETING_SAVED = "governance.meeting.saved"
    POLIS_IMPORTED = "governance.polis.imported"


SectionInput = tuple[str, str, str]  # (key, heading, Markdown body)


# --- Processes ----------------------------------------------------------------------------


def _clean_list(values: Iterable[str], allowed: set[str], what: str) -> list[str]:
    cleaned = sorted({v.strip() for v in values if v and v.strip()})
    unknown = [v for v in cleaned if v not in allowed]
    if unknown:
        raise ServiceError(_("Unknown %(what)s: %(values)s") % {
            "what": what, "values": ", ".join(unknown)}, field=what)
    return cleaned


def _check_rule(rule: str, threshold: str, options: Sequence[str]) -> tuple[str, list[str]]:
    if rule not in DecisionRule.values:
        raise ServiceError(_("Unknown decision rule: %s") % rule, field="decision_rule")
    try:
        share = Fraction(threshold)
    except (ValueError, ZeroDivisionError):
        raise ServiceError(_("The threshold must be a fraction such as 2/3."),
                           field="threshold") from None
    if not 0 < share <= 1:
        raise ServiceError(_("The threshold must be above 0 and at most 1."), field="threshold")
    cleaned = [o.strip() for o in options if o.strip()]
    if len(set(cleaned)) != len(cleaned):
        raise ServiceError(_("Each option must be named once."), field="options")
    if rule in (DecisionRule.SCHULZE, DecisionRule.INSTANT_RUNOFF) and len(cleaned) < 2:
        raise ServiceError(_("A ranked-choice rule needs at least two options."),
                           field="options")
    return f"{share.numerator}/{share.denominator}", cleaned


def _check_sections(sections: Sequence[SectionInput]) -> list[SectionInput]:
    if not sections:
        raise ServiceError(_("A draft needs at least one section."), field="sections")
    keys: set[str] = set()
    out = []
    for key, heading, body in sections:
        key = slugify(key or heading)[:60]
        if not key or not heading.strip():
            raise ServiceError(_("Every section needs a heading."), field="sections")
        if key in keys:
            raise ServiceError(_("Two sections have the key %s.") % key, field="sections")
        keys.add(key)
        out.append((key, heading.strip(), body))
    return out


def create_process(
    actor: User, *, convenor: Organisation, title: str, summary: str = "", slug: str = "",
    visibility: str = Visibility.PUBLIC, invited_groups: Iterable[str] = (),
    invited_regions: Iterable[str] = (), invited_countries: Iterable[str] = (),
    decision_rule: str = DecisionRule.SIMPLE_MAJORITY, threshold: str = "2/3",
    options: Sequence[str] = (), sections: Sequence[SectionInput] = (),
) -> Process:
    """Open a consultation in an organisation's name, with the first version of its draft."""
    if not policy.can_convene(actor, convenor):
        raise PermissionDenied(_("Only editors of %s may convene a consultation in its name.")
                               % convenor.name)
    title = title.strip()
    if not title:
        raise ServiceError(_("A title is required."), field="title")
    if visibility not in Visibility.values:
        raise ServiceError(_("Visibility must be public or restricted."), field="visibility")
    groups = _clean_list(invited_groups, {*StakeholderType.values, INDIVIDUAL},
                         "invited_groups")
    regions = _clean_list(invited_regions, set(UNRegionalGroup.values), "invited_regions")
    codes = [c.upper() for c in invited_countries]
    countries = _clean_list(codes, set(Country.objects.filter(code__in=codes)
                                       .values_list("code", flat=True)), "invited_countries")
    share, cleaned_options = _check_rule(decision_rule, threshold, options)
    checked = _check_sections(sections)
    slug = slugify(slug or title)[:80]
    if not slug:
        raise ServiceError(_("Choose a short name made of letters and digits."), field="slug")
    if Process.objects.filter(slug=slug).exists():
        raise Conflict(_("A consultation already has the short name %s.") % slug, field="slug")
    with transaction.atomic():
        process = Process.objects.create(
            slug=slug, title=title, summary=summary, convenor=convenor, visibility=visibility,
            invited_groups=groups, invited_regions=regions, invited_countries=countries,
            decision_rule=decision_rule, threshold=share, options=cleaned_options,
            created_by=actor,
        )
        version = _make_version(process, checked, actor, _("First draft."))
        audit.record(GovernanceAction.PROCESS_CREATED, actor=actor, obj=process,
                     data={"slug": slug, "visibility": visibility, "rule": decision_rule,
                           "version": version.number})
        events.publish("governance.process.created",
                       {"process": slug, "visibility": visibility}, source=SOURCE)
    return process


def change_phase(actor: User, process: Process, phase: str, *, note: str = "") -> Process:
    """Move the consultation to another phase (convenors); participants are told."""
    policy.require_convenor(actor, process)
    if phase not in Phase.values:
        raise ServiceError(_("Unknown phase: %s") % phase, field="phase")
    if phase == process.phase:
        raise Conflict(_("The consultation is already in that phase."), field="phase")
    if phase == Phase.OUTCOME and not Decision.objects.filter(process=process).exists():
        raise Conflict(_("Publish the decision before moving to the outcome phase."),
                       field="phase")
    with transaction.atomic():
        previous = process.phase
        process.phase = phase
        process.save(update_fields=["phase"])
        audit.record(GovernanceAction.PHASE_CHANGED, actor=actor, obj=process,
                     data={"from": previous, "to": phase, "note": note})
        events.publish("governance.process.phase_changed",
                       {"process": process.slug, "from": previous, "to": phase}, source=SOURCE)
        _notify(process, "phase_changed",
                lambda: _("%(title)s is now in the %(phase)s phase.") % {
                    "title": process.title, "phase": Phase(phase).label},
                reverse("governance:process", args=[process.slug]))
    return process


def set_schedule(actor: User, process: Process, phase: str, *, starts_on: date | None,
                 ends_on: date | None) -> PhaseSchedule:
    """Plan the dates of a phase (convenors)."""
    policy.require_convenor(actor, process)
    if phase not in Phase.values:
        raise ServiceError(_("Unknown phase: %s") % phase, field="phase")
    if starts_on and ends_on and ends_on < starts_on:
        raise ServiceError(_("A phase cannot end before it starts."), field="ends_on")
    with transaction.atomic():
        schedule, _created = PhaseSchedule.objects.update_or_create(
            process=process, phase=phase, defaults={"starts_on": starts_on, "ends_on": ends_on})
        audit.record(GovernanceAction.SCHEDULE_SET, actor=actor, obj=process,
                     data={"phase": phase, "starts_on": starts_on, "ends_on": ends_on})
    return schedule


# --- Participants and notifications -------------------------------------------------------


def participant_for(user: User, process: Process) -> Participant:
    """The person's participant record, made on first participation with their groups."""
    existing = Participant.objects.filter(process=process, user=user).first()
    if existing is not None:
        return existing
    profile = policy.profile_of(user)
    try:
        with transaction.atomic():
            return Participant.objects.create(
                process=process, user=user, organisation=profile.organisation,
                stakeholder_group=profile.stakeholder_group, country=profile.country,
                region=profile.region, developing=profile.developing,
            )
    except IntegrityError:  # two first actions at once: the other one made it
        return Participant.objects.get(process=process, user=user)


def _notify(process: Process, kind: str, message: Callable[[], str], url: str) -> None:
    """Store a notification for every participant and convenor, and e-mail them after
    the commit (a failed mail never undoes the change).

    ``message`` makes the sentence in the active language; it is called once per language
    of the recipients, so each reads it in their own (the site's language for those who
    chose none), whoever caused the change.
    """
    found: set[User | None] = {
        p.user for p in Participant.objects.filter(process=process, user__isnull=False)
        .select_related("user")}
    found |= {m.user for m in process.convenor.memberships.select_related("user")}
    users = {u for u in found if u is not None and u.is_active}
    sentences: dict[str, str] = {}

    def message_for(user: User) -> str:
        language = user.language or settings.LANGUAGE_CODE
        if language not in sentences:
            with translation.override(language):
                sentences[language] = message()
        return sentences[language]

    Notification.objects.bulk_create(
        [Notification(user=u, process=process, kind=kind, message=message_for(u), url=url)
         for u in users])
    mails = sorted((u.email, message_for(u)) for u in users if u.email)
    if not mails:
        return

    # Links in e-mail need the site's address; without one configured, the path is given.
    link = str(getattr(settings, "CYBERCOMMONS_SITE_URL", "")).rstrip("/") + url

    def send() -> None:
        for address, text in mails:
            send_mail(process.title, f"{text}\n\n{link}", settings.DEFAULT_FROM_EMAIL,
                      [address], fail_silently=True)

    transaction.on_commit(send)


def mark_notifications_read(actor: User) -> int:
    """Mark all of one's notifications read."""
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=timezone.now())


# --- Drafts -------------------------------------------------------------------------------


def _make_version(process: Process, sections: Sequence[SectionInput], actor: User | None,
                  note: str) -> DraftVersion:
    last = process.versions.order_by("-number").first()
    version = DraftVersion.objects.create(process=process, number=(last.number + 1) if last else 1,
                                          note=note, created_by=actor)
    Section.objects.bulk_create([
        Section(version=version, key=key, position=i, heading=heading, body=body)
        for i, (key, heading, body) in enumerate(sections)])
    Translation.objects.bulk_create([
        Translation(version=version, language=code,
                    status=TranslationStatus.FINAL if code == Language.ENGLISH
                    else TranslationStatus.MISSING)
        for code in Language.values])
    return version


def create_version(actor: User, process: Process, sections: Sequence[SectionInput], *,
                   note: str = "") -> DraftVersion:
    """A new version of the draft, written by the convenors; participants are told."""
    policy.require_convenor(actor, process)
    checked = _check_sections(sections)
    if process.phase in (Phase.DECISION, Phase.OUTCOME):
        raise Conflict(_("The text cannot change during the decision or after it."))
    with transaction.atomic():
        version = _make_version(process, checked, actor, note)
        _record_version(actor, process, version, [])
    return version


def _record_version(actor: User, process: Process, version: DraftVersion,
                    merged: list[int]) -> None:
    audit.record(GovernanceAction.VERSION_CREATED, actor=actor, obj=version,
                 data={"process": process.slug, "number": version.number, "merged": merged})
    events.publish("governance.version.created",
                   {"process": process.slug, "version": version.number}, source=SOURCE)
    _notify(process, "new_version",
            lambda: _("Version %(number)d of %(title)s is available.") % {
                "number": version.number, "title": process.title},
            reverse("governance:draft", args=[process.slug]) + f"?v={version.number}")


def save_translation(actor: User, version: DraftVersion, language: str, *, status: str,
                     sections: dict[str, dict[str, str]]) -> Translation:
    """Store a translation of a version with its status (convenors)."""
    policy.require_convenor(actor, version.process)
    if language not in Language.values:
        raise ServiceError(_("Not a UN language: %s") % language, field="language")
    if status not in TranslationStatus.values:
        raise ServiceError(_("Unknown translation status: %s") % status, field="status")
    keys = set(version.sections.values_list("key", flat=True))
    unknown = set(sections) - keys
    if unknown:
        raise ServiceError(_("Unknown sections: %s") % ", ".join(sorted(unknown)),
                           field="sections")
    with transaction.atomic():
        translation, _created = Translation.objects.update_or_create(
            version=version, language=language,
            defaults={"status": status, "sections": sections, "updated_at": timezone.now()})
        audit.record(GovernanceAction.TRANSLATION_SAVED, actor=actor, obj=translation,
                     data={"language": language, "status": status})
    return translation


def add_comment(actor: User, process: Process, section: Section, body: str, *,
                quote: str = "") -> Comment:
    """Comment on a section of the current version, optionally on a passage of it."""
    user = policy.require_participation(actor, process, Phase.COMMENTS)
    current = process.current_version
    if section.version.process_id != process.pk:
        raise ServiceError(_("That section is not part of this consultation."), field="section")
    if current is None or section.version_id != current.pk:
        raise Conflict(_("Comments go on the current version (%(current)s); this section is from "
                         "version %(old)s.") % {"current": current.number if current else "-",
                                                "old": section.version.number}, field="section")
    body = body.strip()
    quote = quote.strip()
    if not body:
        raise ServiceError(_("The comment is empty."), field="body")
    if quote and quote not in section.body:
        raise ServiceError(_("The quoted passage is not in the section's text."), field="quote")
    with transaction.atomic():
        participant_for(user, process)
        return Comment.objects.create(process=process, section=section, quote=quote, body=body,
                                      author=user)


def propose_amendment(actor: User, process: Process, version: DraftVersion, section: Section,
                      proposed_text: str, *, rationale: str = "") -> Amendment:
    """Suggest a new text for a section; only against the current version."""
    user = policy.require_participation(actor, process, Phase.AMENDMENTS)
    if version.process_id != process.pk or section.version_id != version.pk:
        raise ServiceError(_("That section is not part of this version."), field="section")
    current = process.current_version
    if current is None or version.pk != current.pk:
        raise Conflict(_("Version %(old)d has been replaced by version %(current)d: amend the "
                         "current text.") % {"old": version.number,
                                             "current": current.number if current else 0},
                       field="version")
    if not proposed_text.strip():
        raise ServiceError(_("The proposed text is empty."), field="proposed_text")
    if proposed_text.strip() == section.body.strip():
        raise ServiceError(_("The proposed text is the same as the current one."),
                           field="proposed_text")
    with transaction.atomic():
        participant_for(user, process)
        return Amendment.objects.create(process=process, version=version, section=section,
                                        proposed_text=proposed_text, rationale=rationale.strip(),
                                        author=user)


def decide_amendment(actor: User, amendment: Amendment, *, accept: bool,
                     reason: str = "") -> Amendment:
    """Accept an amendment (to be merged) or reject it with a reason (convenors)."""
    user = policy.require_convenor(actor, amendment.process)
    if amendment.status not in (AmendmentStatus.OPEN, AmendmentStatus.ACCEPTED):
        raise Conflict(_("This amendment has already been %s.") % amendment.get_status_display())
    reason = reason.strip()
    if not accept and not reason:
        raise ServiceError(_("Give the reason for rejecting the amendment."), field="reason")
    with transaction.atomic():
        amendment.status = AmendmentStatus.ACCEPTED if accept else AmendmentStatus.REJECTED
        amendment.decision_reason = reason
        amendment.decided_by = user
        amendment.decided_at = timezone.now()
        amendment.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
        audit.record(GovernanceAction.AMENDMENT_ACCEPTED if accept
                     else GovernanceAction.AMENDMENT_REJECTED,
                     actor=user, obj=amendment, data={"reason": reason})
    return amendment


def merge_amendments(actor: User, process: Process, amendments: Sequence[Amendment], *,
                     note: str = "") -> DraftVersion:
    """Make a new version from the current one with the amendments' texts (convenors)."""
    user = policy.require_convenor(actor, process)
    if not amendments:
        raise ServiceError(_("Choose at least one amendment to merge."), field="amendments")
    current = process.current_version
    assert current is not None
    by_section: dict[str, Amendment] = {}
    for amendment in amendments:
        if amendment.process_id != process.pk:
            raise ServiceError(_("Amendment %d is not part of this consultation.")
                               % amendment.pk, field="amendments")
        if amendment.version_id != current.pk:
            raise Conflict(_("Amendment %(id)d was made to version %(old)d, not the current "
                             "version %(current)d.") % {"id": amendment.pk,
                                                        "old": amendment.version.number,
                                                        "current": current.number})
        if amendment.status in (AmendmentStatus.REJECTED, AmendmentStatus.MERGED):
            raise Conflict(_("Amendment %d has already been rejected or merged.") % amendment.pk)
        if amendment.section.key in by_section:
            raise Conflict(_("Two amendments change section %s; merge one, then amend again.")
                           % amendment.section.heading)
        by_section[amendment.section.key] = amendment
    if process.phase in (Phase.DECISION, Phase.OUTCOME):
        raise Conflict(_("The text cannot change during the decision or after it."))
    sections = [(s.key, s.heading, by_section[s.key].proposed_text if s.key in by_section
                 else s.body) for s in current.sections.all()]
    with transaction.atomic():
        version = _make_version(process, sections, user,
                                note or _("Merged amendments %s.") % ", ".join(
                                    str(a.pk) for a in amendments))
        now = timezone.now()
        for amendment in amendments:
            amendment.status = AmendmentStatus.MERGED
            amendment.merged_into = version
            amendment.decided_by = user
            amendment.decided_at = now
            amendment.save(update_fields=["status", "merged_into", "decided_by", "decided_at"])
        audit.record(GovernanceAction.AMENDMENTS_MERGED, actor=user, obj=process,
                     data={"version": version.number, "amendments": [a.pk for a in amendments]})
        _record_version(user, process, version, [a.pk for a in amendments])
    return version


# --- Opinion map --------------------------------------------------------------------------


def add_statement(actor: User, process: Process, text: str) -> Statement:
    """Submit a short statement for others to vote on (opinion-map phase)."""
    user = policy.require_participation(actor, process, Phase.OPINION_MAP)
    text = " ".join(text.split())
    if not text:
        raise ServiceError(_("The statement is empty."), field="text")
    if len(text) > MAX_STATEMENT:
        raise ServiceError(_("A statement has at most %d characters.") % MAX_STATEMENT,
                           field="text")
    if Statement.objects.filter(process=process, text__iexact=text).exists():
        raise Conflict(_("This statement has already been made."), field="text")
    with transaction.atomic():
        participant = participant_for(user, process)
        return Statement.objects.create(process=process, text=text, author=participant)


def moderate_statement(actor: User, statement: Statement, *, accepted: bool) -> Statement:
    """Accept or reject a statement (convenors); rejected ones leave the map's math."""
    user = policy.require_convenor(actor, statement.process)
    with transaction.atomic():
        statement.moderated = 1 if accepted else -1
        statement.save(update_fields=["moderated"])
        audit.record(GovernanceAction.STATEMENT_MODERATED, actor=user, obj=statement,
                     data={"accepted": accepted})
    return statement


def cast_vote(actor: User, statement: Statement, value: int) -> Vote:
    """Agree (1), disagree (-1) or pass (0) on a statement, once."""
    process = statement.process
    user = policy.require_participation(actor, process, Phase.OPINION_MAP)
    if value not in VoteValue.values:
        raise ServiceError(_("A vote is 1 (agree), -1 (disagree) or 0 (pass)."), field="value")
    if statement.moderated < 0:
        raise Conflict(_("This statement was rejected by the moderators."))
    participant = participant_for(user, process)
    if Vote.objects.filter(statement=statement, participant=participant).exists():
        raise Conflict(_("You have already voted on this statement."))
    try:
        with transaction.atomic():
            return Vote.objects.create(statement=statement, participant=participant, value=value)
    except IntegrityError:
        raise Conflict(_("You have already voted on this statement.")) from None


def record_opinion_state(process: Process, state: dict[str, int | None]) -> None:
    """Keep the group-count smoother's state between map updates, so a new number of
    groups shows only after winning several updates in a row (derived data: not audited)."""
    if process.opinion_state != state:
        Process.objects.filter(pk=process.pk).update(opinion_state=state)
        process.opinion_state = state


# --- Decision -----------------------------------------------------------------------------


def cast_ballot(actor: User, process: Process, *, choice: str = "",
                ranking: Sequence[str] = (), reason: str = "") -> Ballot:
    """Vote on the current version (yes / no / abstain) or rank the options, once."""
    user = policy.require_participation(actor, process, Phase.DECISION)
    if Decision.objects.filter(process=process).exists():
        raise Conflict(_("The result has been published; voting is closed."))
    if tally_under_way(process):
        raise Conflict(_("The ballots are being tallied; voting is closed."))
    ranking = [r.strip() for r in ranking if r.strip()]
    if process.is_ranked:
        if not ranking:
            raise ServiceError(_("Rank at least one option."), field="ranking")
        unknown = set(ranking) - set(process.options)
        if unknown:
            raise ServiceError(_("Unknown options: %s") % ", ".join(sorted(unknown)),
                               field="ranking")
        choice = ""
    else:
        if choice not in Ballot.Choice.values:
            raise ServiceError(_("Vote yes, no or abstain."), field="choice")
        ranking = []
    participant = participant_for(user, process)
    try:
        tallies.kernel_ballots([Ballot(participant=participant, choice=choice, ranking=ranking,
                                       reason=reason)])
    except BallotError as error:
        raise ServiceError(str(error)) from None
    if Ballot.objects.filter(process=process, participant=participant).exists():
        raise Conflict(_("You have already voted in this consultation."))
    try:
        with transaction.atomic():
            return Ballot.objects.create(process=process, participant=participant,
                                         version=process.current_version, choice=choice,
                                         ranking=ranking, reason=reason.strip())
    except IntegrityError:
        raise Conflict(_("You have already voted in this consultation.")) from None


class PublishStep(StrEnum):
    """The steps of publishing a result, in order; progress names them by these codes and
    pages and the API say them in the reader's language."""

    READING = "reading_ballots"
    TALLYING = "tallying"
    BALLOT_FILE = "writing_ballot_file"
    STORING = "storing"


# A request whose progress has not moved for this long is taken as abandoned (its worker
# stopped) and may be started again. A late first run still cannot publish twice: a
# process has one decision (a unique row), which the second run finds.
PUBLICATION_STALE_AFTER = timedelta(minutes=30)


def publication_progress(publication: Publication) -> Progress | None:
    """The progress record of the request's latest run."""
    return Progress.objects.filter(key=publication.progress_key).first()


def _running(publication: Publication | None) -> bool:
    if publication is None:
        return False
    progress = publication_progress(publication)
    return (progress is not None and progress.status not in Progress.FINISHED
            and progress.updated_at > timezone.now() - PUBLICATION_STALE_AFTER)


def tally_under_way(process: Process) -> bool:
    """Whether a requested tally is waiting or running (voting is closed meanwhile)."""
    return _running(Publication.objects.filter(process=process).first())


def _check_publishable(process: Process) -> None:
    if process.phase != Phase.DECISION:
        raise Conflict(_("The result is published at the end of the decision phase."))
    if Decision.objects.filter(process=process).exists():
        raise Conflict(_("The result has already been published."))


class _Superseded(Exception):
    """Another request restarted the same failed publication first."""


def publication_label(process: Process) -> str:
    """What the publication's progress record is called, in the active language."""
    return _("Publishing the result of %(title)s") % {"title": process.title}


def request_publication(actor: User, process: Process) -> Publication:
    """Have the result tallied and published in the background (convenors); voting closes
    while the tally runs. Asking again while it waits or runs returns the same request, so
    two clicks start one tally; after a failure, asking again starts a new run."""
    from cybercommons.core.tasks import start_tracked
    from cybercommons.governance.tasks import publish_decision_task

    user = policy.require_convenor(actor, process)
    _check_publishable(process)
    existing = Publication.objects.filter(process=process).first()
    if existing is not None and _running(existing):
        return existing
    label = publication_label(process)
    try:
        # The task is enqueued when this block commits, never for a request that lost.
        with transaction.atomic():
            progress = start_tracked(publish_decision_task, label, owner=user,
                                     process_id=process.pk, user_id=user.pk)
            if existing is None:
                return Publication.objects.create(process=process, progress_key=progress.key,
                                                  requested_by=user)
            restarted = Publication.objects.filter(
                pk=existing.pk, progress_key=existing.progress_key).update(
                progress_key=progress.key, requested_by=user, requested_at=timezone.now())
            if not restarted:
                raise _Superseded
    except (IntegrityError, _Superseded):
        pass  # two requests at once: both follow the one that was stored
    return Publication.objects.get(process=process)


def publish_decision(actor: User, process: Process, *,
                     report: Callable[[PublishStep], None] | None = None) -> Decision:
    """Tally the ballots under the process rule through the kernel, with every other
    rule's result beside it, and publish the anonymised ballot file and its hash.

    The work before the last step only reads; the decision, its audit entry, event and
    notifications are written in one transaction at the end, so the result is either
    wholly published or not at all. ``report`` hears each step as it starts.
    """
    user = policy.require_convenor(actor, process)
    _check_publishable(process)
    step = report or (lambda _step: None)
    step(PublishStep.READING)
    ballots = tallies.process_ballots(process)
    step(PublishStep.TALLYING)
    official, others = tallies.tally_process(process, ballots)
    step(PublishStep.BALLOT_FILE)
    data, sha = tallies.ballot_file_bytes(process, ballots)
    step(PublishStep.STORING)
    try:
        with transaction.atomic():
            current = Process.objects.select_for_update().get(pk=process.pk)
            if current.phase != Phase.DECISION:
                raise Conflict(_("The consultation left the decision phase during the tally; "
                                 "nothing was published."))
            if Ballot.objects.filter(process=process).count() != len(ballots):
                raise Conflict(_("Ballots arrived during the tally; nothing was published. "
                                 "Publish again."))
            decision = Decision.objects.create(
                process=process, version=process.current_version, rule=process.decision_rule,
                outcome=official.outcome.value, result=tallies.result_json(official),
                other_results={rule.value: tallies.result_json(r)
                               for rule, r in others.items()},
                ballot_file=data.decode("utf-8"), sha256=sha, decided_by=user,
            )
            audit.record(GovernanceAction.DECISION_PUBLISHED, actor=user, obj=decision,
                         data={"process": process.slug, "rule": process.decision_rule,
                               "outcome": official.outcome.value, "ballots": len(ballots),
                               "sha256": sha})
            events.publish("governance.decision.published",
                           {"process": process.slug, "outcome": official.outcome.value,
                            "sha256": sha}, source=SOURCE)
            _notify(process, "decision",
                    lambda: outcomes.decision_published(process.title, official.outcome.value),
                    reverse("governance:result", args=[process.slug]))
    except IntegrityError:  # another run stored the decision first
        raise Conflict(_("The result has already been published.")) from None
    return decision


# --- Meetings -----------------------------------------------------------------------------


def save_meeting(actor: User, process: Process, *, title: str, starts_at: datetime,
                 location: str = "", agenda: str = "", minutes: str = "",
                 section_keys: Iterable[str] = (), meeting: Meeting | None = None) -> Meeting:
    """Plan a meeting or record its minutes, linked to the sections it discusses."""
    user = policy.require_convenor(actor, process)
    if not title.strip():
        raise ServiceError(_("A title is required."), field="title")
    if timezone.is_naive(starts_at):
        raise ServiceError(_("Give the meeting's time with its time zone."), field="starts_at")
    current = process.current_version
    keys = set(section_keys)
    sections = list(current.sections.filter(key__in=keys)) if current else []
    if len(sections) != len(keys):
        raise ServiceError(_("Some sections are not in the current version."), field="sections")
    with transaction.atomic():
        if meeting is None:
            meeting = Meeting(process=process)
        elif meeting.process_id != process.pk:
            raise ServiceError(_("That meeting is not part of this consultation."))
        meeting.title = title.strip()
        meeting.starts_at = starts_at
        meeting.location = location
        meeting.agenda = agenda
        meeting.minutes = minutes
        meeting.save()
        meeting.sections.set(sections)
        audit.record(GovernanceAction.MEETING_SAVED, actor=user, obj=meeting,
                     data={"title": meeting.title, "sections": sorted(keys)})
    return meeting

