"""Import a Pol.is export into a process's opinion map.

The kernel parses the three files (``comments.csv``, ``votes.csv`` — a raw log of which
the last vote per voter and statement counts — and ``participants-votes.csv``), reporting
bad records by file and line and keeping the good ones. This module writes them: Pol.is
comments become statements, Pol.is participants become external participants (no user),
their counted votes become votes. Re-importing the same export updates in place and never
duplicates; a failure leaves nothing behind (one transaction).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _

from cybercommons.core import audit
from cybercommons.core.errors import ServiceError
from cybercommons.core.models import User
from cybercommons.core.progress import Tracker
from cybercommons.governance import policy
from cybercommons.governance.kernel import polis_import as polis
from cybercommons.governance.models import Participant, Phase, Process, Statement, Vote
from cybercommons.governance.services import GovernanceAction

EXTERNAL_PREFIX = "polis:"


@dataclass
class ImportReport:
    """What an import did, with every rejected record (file, line, reason)."""

    statements_created: int = 0
    statements_updated: int = 0
    participants_created: int = 0
    votes_created: int = 0
    votes_updated: int = 0
    votes_skipped: int = 0
    errors: list[polis.RecordError] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "statements_created": self.statements_created,
            "statements_updated": self.statements_updated,
            "participants_created": self.participants_created,
            "votes_created": self.votes_created,
            "votes_updated": self.votes_updated,
            "votes_skipped": self.votes_skipped,
            "errors": [{"file": e.source, "line": e.line, "message": e.message}
                       for e in self.errors],
        }


def read_folder(folder: str | Path) -> polis.PolisConversation:
    """Parse an export folder (a clear error when it holds no export)."""
    try:
        return polis.load_conversation(folder)
    except (polis.PolisFormatError, OSError) as error:
        raise ServiceError(str(error)) from None


def read_uploads(comments: IO[str], votes: IO[str] | None,
                 participants: IO[str] | None) -> polis.PolisConversation:
    """Parse uploaded files held as text streams."""
    try:
        parsed_c = polis.parse_comments(comments)
        parsed_p = polis.parse_participants_votes(participants) if participants else None
        parsed_v = polis.parse_votes(votes) if votes else None
    except polis.PolisFormatError as error:
        raise ServiceError(str(error)) from None
    errors = list(parsed_c.errors)
    people = parsed_p.records if parsed_p else []
    if parsed_p:
        errors += parsed_p.errors
    if parsed_v:
        errors += parsed_v.errors
        counted = polis.latest_votes(parsed_v.records)
    else:
        counted = [polis.PolisVote(0, tid, p.participant_id, v) for p in people
                   for tid, v in sorted(p.votes.items())]
    return polis.PolisConversation(parsed_c.records, counted, people, errors)


def import_conversation(actor: User | None, process: Process,
                        conversation: polis.PolisConversation, *, system: bool = False,
                        tracker: Tracker | None = None) -> ImportReport:
    """Write a parsed conversation into the process (convenors, or the CLI as system)."""
    if not system:
        if actor is None:
            raise ServiceError(_("An import needs a convenor."))
        policy.require_convenor(actor, process)
    if process.phase == Phase.OUTCOME:
        raise ServiceError(_("The consultation is closed."))
    report = ImportReport(errors=list(conversation.errors))
    if tracker is not None:
        tracker.set_total(len(conversation.comments) + len(conversation.votes))
    with transaction.atomic():
        statements = _import_statements(process, conversation, report)
        if tracker is not None:
            tracker.advance(len(conversation.comments))
        people = _import_participants(process, conversation, report)
        _import_votes(conversation, statements, people, report)
        if tracker is not None:
            tracker.advance(len(conversation.votes))
        audit.record(GovernanceAction.POLIS_IMPORTED, actor=actor, obj=process,
                     data={k: v for k, v in report.as_dict().items() if k != "errors"}
                     | {"errors": len(report.errors)})
    return report


def _import_statements(process: Process, conversation: polis.PolisConversation,
                       report: ImportReport) -> dict[int, Statement]:
    existing = {s.external_id: s for s in process.statements.filter(external_id__isnull=False)}
    changed: list[Statement] = []
    new: list[Statement] = []
    for comment in conversation.comments:
        held = existing.get(comment.comment_id)
        if held is None:
            new.append(Statement(process=process, text=comment.body,
                                 external_id=comment.comment_id, moderated=comment.moderated))
        elif held.text != comment.body or held.moderated != comment.moderated:
            held.text, held.moderated = comment.body, comment.moderated
            changed.append(held)
    Statement.objects.bulk_create(new, batch_size=500)
    Statement.objects.bulk_update(changed, ["text", "moderated"], batch_size=500)
    report.statements_created += len(new)
    report.statements_updated += len(changed)
    return {s.external_id: s for s in process.statements.filter(external_id__isnull=False)
            if s.external_id is not None}


def _import_participants(process: Process, conversation: polis.PolisConversation,
                         report: ImportReport) -> dict[int, Participant]:
    groups = {p.participant_id: p.group_id for p in conversation.participants}
    ids = set(groups) | {v.voter_id for v in conversation.votes}
    existing = {p.external_id: p for p in process.participants.filter(
        external_id__startswith=EXTERNAL_PREFIX)}
    new = []
    changed = []
    for pid in sorted(ids):
        key = f"{EXTERNAL_PREFIX}{pid}"
        held = existing.get(key)
        if held is None:
            new.append(Participant(process=process, external_id=key,
                                   external_group=groups.get(pid)))
        elif held.external_group != groups.get(pid):
            held.external_group = groups.get(pid)
            changed.append(held)
    Participant.objects.bulk_create(new, batch_size=500)
    Participant.objects.bulk_update(changed, ["external_group"], batch_size=500)
    report.participants_created += len(new)
    return {int(p.external_id[len(EXTERNAL_PREFIX):]): p for p in process.participants.filter(
        external_id__startswith=EXTERNAL_PREFIX)}


def _import_votes(conversation: polis.PolisConversation, statements: dict[int, Statement],
                  people: dict[int, Participant], report: ImportReport) -> None:
    if not statements:
        return
    existing = {(v.participant_id, v.statement_id): v for v in Vote.objects.filter(
        statement__in=list(statements.values()), participant__in=list(people.values()))}
    new = []
    changed = []
    for vote in conversation.votes:
        statement = statements.get(vote.comment_id)
        participant = people.get(vote.voter_id)
        if statement is None or participant is None:
            # A vote on a comment the export does not list cannot be placed on the map.
            report.votes_skipped += 1
            continue
        held = existing.get((participant.pk, statement.pk))
        if held is None:
            new.append(Vote(statement=statement, participant=participant, value=vote.vote))
        elif held.value != vote.vote:
            held.value = vote.vote
            changed.append(held)
    Vote.objects.bulk_create(new, batch_size=1000)
    Vote.objects.bulk_update(changed, ["value"], batch_size=1000)
    report.votes_created += len(new)
    report.votes_updated += len(changed)
