"""Every change to the exchange module's state: permission check, transaction, audit entry,
event, and the federation activities the change implies.

Pages, the API, the CLI, importers and inbound federation all call these functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import nh3
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cybercommons.core import audit, events
from cybercommons.core.errors import Conflict, NotFound, ServiceError
from cybercommons.core.models import Country, Membership, Organisation, Role, User
from cybercommons.exchange import media, policy, safety, search_index
from cybercommons.exchange.kernel import hash_list as hash_list_kernel
from cybercommons.exchange.kernel import licences
from cybercommons.exchange.kernel import narratives as narratives_kernel
from cybercommons.exchange.models import (
    AgeRating,
    Appeal,
    CaseSource,
    CaseStatus,
    Decision,
    Exhibition,
    ExhibitionItem,
    ExhibitionStatus,
    Follower,
    FollowState,
    HashList,
    Instance,
    InstancePolicy,
    ListedHash,
    MediaFile,
    ModerationCase,
    Notice,
    Outcome,
    Report,
    Visibility,
    Work,
    WorkKind,
    WorkStatus,
    WorkText,
    WorkVersion,
)
from cybercommons.exchange.translation import backend as translation_backend
from cybercommons.exchange.version_notes import NoteCode

ALLOWED_TAGS = {"p", "br", "em", "strong", "i", "b", "ul", "ol", "li", "blockquote", "a",
                "h3", "h4", "cite", "q", "abbr", "span", "bdi"}
REPORT_REASONS = ("child_safety", "violence", "harassment", "copyright", "spam", "other")


class ExchangeAction(StrEnum):
    """Audit action names of the exchange module."""

    WORK_CREATED = "exchange.work.created"
    WORK_UPDATED = "exchange.work.updated"
    WORK_PUBLISHED = "exchange.work.published"
    WORK_UNPUBLISHED = "exchange.work.unpublished"
    WORK_DELETED = "exchange.work.deleted"
    WORK_HELD = "exchange.work.held"
    TEXT_SAVED = "exchange.text.saved"
    MEDIA_ADDED = "exchange.media.added"
    EXHIBITION_SAVED = "exchange.exhibition.saved"
    EXHIBITION_PUBLISHED = "exchange.exhibition.published"
    EXHIBITION_TRANSLATED = "exchange.exhibition.translated"
    EXHIBITION_REORDERED = "exchange.exhibition.reordered"
    HASH_LIST_IMPORTED = "exchange.hashlist.imported"
    REPORT_FILED = "exchange.report.filed"
    CASE_DECIDED = "exchange.case.decided"
    CASE_APPEALED = "exchange.case.appealed"
    CASE_VIEWED = "exchange.case.viewed"
    INSTANCE_POLICY_SET = "exchange.instance.policy_set"
    REMOTE_WORK_HELD = "exchange.remote_work.held"
    REMOTE_FOLLOWED = "exchange.remote.followed"
    REMOTE_FLAGGED = "exchange.remote.flagged"
    FOLLOWER_APPROVED = "exchange.follower.approved"
    FOLLOWER_REJECTED = "exchange.follower.rejected"


def _federation() -> Any:
    # Imported late: federation reads services' models and services call federation.
    from cybercommons.exchange.federation import outbound

    return outbound


def _language(code: str, field_name: str = "language") -> str:
    code = (code or "").strip().lower().replace("_", "-")
    if code == "zh":
        code = "zh-hans"
    known = tuple(c for c, _n in settings.LANGUAGES)
    if code not in known:
        raise ServiceError(_("Unknown language %(code)s; use one of %(known)s.")
                           % {"code": code or "(none)", "known": ", ".join(known)},
                           field=field_name)
    return code


def language_code(code: str) -> str:
    """The stored form of a language code (``zh`` is ``zh-hans``); unknown ones are refused."""
    return _language(code)


def sanitise(html: str) -> str:
    """Descriptions keep simple formatting; scripts, styles and event handlers are dropped."""
    return nh3.clean(html or "", tags=ALLOWED_TAGS, attributes={"a": {"href", "title"},
                                                               "abbr": {"title"},
                                                               "span": {"lang"},
                                                               "bdi": {"lang"}},
                     link_rel="nofollow noopener", url_schemes={"http", "https", "mailto"})


def _check_licence(code: object) -> str:
    if not isinstance(code, str) or not code.strip():
        raise ServiceError(_("A licence is required."), field="licence")
    try:
        return licences.get_licence(code).code
    except licences.LicenceError:
        raise ServiceError(_("Unknown licence: %(code)s.") % {"code": code[:80]},
                           field="licence") from None


def snapshot(work: Work) -> dict[str, Any]:
    """The state of a work and its texts, as kept in each version."""
    return {
        "kind": work.kind, "creator": work.creator, "licence": work.licence,
        "source_url": work.source_url, "subjects": list(work.subjects or []),
        "country": work.country_id, "place": work.place, "period": work.period,
        "year_start": work.year_start, "year_end": work.year_end,
        "age_rating": work.age_rating, "content_warning": work.content_warning,
        "status": work.status, "visibility": work.visibility,
        "primary_language": work.primary_language,
        "texts": {t.language: {"title": t.title, "description": t.description,
                               "translator": t.translator,
                               "machine": t.is_machine_translation}
                  for t in work.texts.all()},
    }


def _keep_version(actor: User | None, work: Work, code: NoteCode, note: str = "",
                  **params: str) -> WorkVersion:
    """Keep a snapshot; what happened is a code rendered in each reader's language, `note`
    the editor's own words."""
    return WorkVersion.objects.create(work=work, number=work.version, snapshot=snapshot(work),
                                      note_code=code, note_params=params, note=note[:200],
                                      created_by=actor)


def _actor_or_none(actor: User | AnonymousUser | None) -> User | None:
    return actor if isinstance(actor, User) else None


@dataclass
class TextInput:
    language: str
    title: str
    description: str = ""
    translator: str = ""
    is_machine_translation: bool = False


WORK_FIELDS = {"kind", "creator", "creator_url", "source_url", "licence", "subjects",
               "country", "place", "period", "year_start", "year_end", "age_rating",
               "content_warning", "visibility", "external_key"}


def _clean_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - WORK_FIELDS
    if unknown:
        raise ServiceError(_("Unknown work fields: %s") % ", ".join(sorted(unknown)))
    cleaned = dict(fields)
    if "kind" in cleaned and cleaned["kind"] not in WorkKind.values:
        raise ServiceError(_("Unknown type of work: %s") % cleaned["kind"], field="kind")
    if "licence" in cleaned:
        cleaned["licence"] = _check_licence(cleaned["licence"])
    if "age_rating" in cleaned and cleaned["age_rating"] not in AgeRating.values:
        raise ServiceError(_("Unknown age rating: %s") % cleaned["age_rating"],
                           field="age_rating")
    if "visibility" in cleaned and cleaned["visibility"] not in Visibility.values:
        raise ServiceError(_("Unknown visibility: %s") % cleaned["visibility"],
                           field="visibility")
    if "country" in cleaned and cleaned["country"] is not None and \
            not isinstance(cleaned["country"], Country):
        country = Country.objects.filter(code=str(cleaned["country"]).upper()).first()
        if country is None:
            raise ServiceError(_("Unknown country code: %s") % cleaned["country"],
                               field="country")
        cleaned["country"] = country
    if "subjects" in cleaned:
        subjects = cleaned["subjects"] or []  # null clears the subjects
        if isinstance(subjects, str):
            subjects = re.split(r"[;,\n]", subjects)
        cleaned["subjects"] = [str(s).strip()[:100] for s in subjects if str(s).strip()][:30]
    start, end = cleaned.get("year_start"), cleaned.get("year_end")
    if start is not None and end is not None and end < start:
        raise ServiceError(_("The period ends before it starts."), field="year_end")
    for name in ("creator", "place", "period", "content_warning", "creator_url",
                 "source_url", "external_key"):
        if name in cleaned and cleaned[name] is None:
            cleaned[name] = ""
    return cleaned


def _check_text(text: TextInput) -> TextInput:
    language = _language(text.language)
    title = (text.title or "").strip()
    if not title:
        raise ServiceError(_("A title is required (%(lang)s).") % {"lang": language},
                           field="title")
    if len(title) > 300:
        raise ServiceError(_("Titles are at most 300 characters."), field="title")
    return TextInput(language, title, sanitise(text.description),
                     (text.translator or "").strip()[:200], bool(text.is_machine_translation))


def create_work(
    actor: User,
    organisation: Organisation,
    *,
    texts: Sequence[TextInput],
    primary_language: str = "",
    publish: bool = False,
    **fields: Any,
) -> Work:
    """Create a work (a draft unless ``publish``) with its texts; editors of the
    organisation only. The first text is the original unless ``primary_language`` says."""
    policy.require_contributor(actor, organisation)
    cleaned = _clean_fields(fields)
    if "kind" not in cleaned:
        raise ServiceError(_("The type of work is required."), field="kind")
    if "licence" not in cleaned:
        raise ServiceError(_("A licence is required."), field="licence")
    checked = [_check_text(t) for t in texts]
    if not checked:
        raise ServiceError(_("A work needs a title in at least one language."), field="title")
    languages = [t.language for t in checked]
    if len(set(languages)) != len(languages):
        raise ServiceError(_("Each language may have one text only."), field="language")
    primary = _language(primary_language) if primary_language else checked[0].language
    if primary not in languages:
        raise ServiceError(_("The primary language has no text."), field="primary_language")
    with transaction.atomic():
        work = Work.objects.create(organisation=organisation, primary_language=primary,
                                   created_by=actor, **cleaned)
        original = None
        stored = []
        for text in sorted(checked, key=lambda t: t.language != primary):
            row = WorkText.objects.create(
                work=work, language=text.language, title=text.title,
                description=text.description, translator=text.translator,
                is_machine_translation=text.is_machine_translation,
                is_primary=text.language == primary,
                translated_from=None if text.language == primary else original)
            if text.language == primary:
                original = row
            stored.append(row)
        search_index.index_work(stored)
        _keep_version(actor, work, NoteCode.CREATED)
        audit.record(ExchangeAction.WORK_CREATED, actor=actor, obj=work,
                     data={"organisation": organisation.slug, "kind": work.kind,
                           "languages": languages, "licence": work.licence})
        events.publish("exchange.work.created", {"work": str(work.uuid)}, source="exchange")
        if publish:
            publish_work(actor, work)
    return work


def update_work(actor: User, work: Work, *, note: str = "",
                note_code: NoteCode = NoteCode.UPDATED, **fields: Any) -> Work:
    """Change a work's metadata; a version is kept (noted with `note_code` and the editor's
    own `note`) and followers receive an Update."""
    if not policy.can_edit(actor, work):
        raise PermissionDenied(_("Only the organisation's editors may change this work."))
    cleaned = _clean_fields(fields)
    if not cleaned:
        return work
    with transaction.atomic():
        for name, value in cleaned.items():
            setattr(work, name, value)
        work.version += 1
        work.updated_at = timezone.now()
        work.save()
        search_index.index_work(list(work.texts.all()))
        _keep_version(actor, work, note_code, note)
        audit.record(ExchangeAction.WORK_UPDATED, actor=actor, obj=work,
                     data={"fields": sorted(cleaned), "version": work.version})
        _federation().work_changed(work)
    return work


def save_text(actor: User, work: Work, text: TextInput, *,
              translated_from: str = "") -> WorkText:
    """Add or replace the text of a work in one language (a translation, unless it is the
    primary language). Members of the organisation may translate."""
    if not policy.can_translate(actor, work):
        raise PermissionDenied(_("Only the organisation's members may translate this work."))
    checked = _check_text(text)
    with transaction.atomic():
        source = work.texts.filter(language=translated_from or work.primary_language).first()
        row, created = WorkText.objects.update_or_create(
            work=work, language=checked.language,
            defaults={"title": checked.title, "description": checked.description,
                      "translator": checked.translator,
                      "is_machine_translation": checked.is_machine_translation,
                      "is_primary": checked.language == work.primary_language,
                      "updated_at": timezone.now()})
        if not row.is_primary and source is not None and source.pk != row.pk:
            row.translated_from = source
            row.save(update_fields=["translated_from"])
        search_index.index_text(row)
        work.version += 1
        work.updated_at = timezone.now()
        work.save(update_fields=["version", "updated_at"])
        _keep_version(actor, work, NoteCode.TRANSLATION_ADDED if created
                      else NoteCode.TEXT_CHANGED, language=checked.language)
        audit.record(ExchangeAction.TEXT_SAVED, actor=actor, obj=work,
                     data={"language": checked.language, "created": created,
                           "machine": checked.is_machine_translation})
        _federation().work_changed(work)
    return row


def machine_translate(actor: User, work: Work, target: str) -> WorkText:
    """Translate the primary text with the configured backend; labelled as machine-made."""
    engine = translation_backend()
    if engine is None:
        raise ServiceError(_("No machine translation is installed on this server."))
    source = work.texts.get(language=work.primary_language)
    target = _language(target)
    try:
        title = engine.translate(source.title, source.language, target)
        description = engine.translate(source.description, source.language, target)
    except Exception as error:  # a backend is third-party code: its failure is the user's news
        raise ServiceError(_("Machine translation failed: %s") % error) from None
    return save_text(actor, work, TextInput(target, title, description, engine.name, True),
                     translated_from=source.language)


def _open_case(work: Work) -> ModerationCase | None:
    return work.cases.filter(status__in=[CaseStatus.OPEN, CaseStatus.APPEALED]).first()


def publish_work(actor: User, work: Work) -> Work:
    """Publish a draft. A work with an open moderation case stays held, and the author is
    told only that it is held for review."""
    if not policy.can_edit(actor, work):
        raise PermissionDenied(_("Only the organisation's editors may publish this work."))
    if work.status == WorkStatus.REMOVED:
        raise Conflict(_("This work was removed by moderators; you may appeal the decision."))
    if work.status == WorkStatus.PUBLISHED:
        return work
    with transaction.atomic():
        case = _open_case(work)
        if case is not None:
            case.status_before = WorkStatus.PUBLISHED
            case.save(update_fields=["status_before"])
            if work.status != WorkStatus.HELD:
                work.status = WorkStatus.HELD
                work.save(update_fields=["status"])
            return work
        work.status = WorkStatus.PUBLISHED
        work.published_at = work.published_at or timezone.now()
        work.save(update_fields=["status", "published_at"])
        audit.record(ExchangeAction.WORK_PUBLISHED, actor=actor, obj=work)
        events.publish("exchange.work.published", {"work": str(work.uuid)}, source="exchange")
        _federation().work_published(work)
    return work


def unpublish_work(actor: User, work: Work) -> Work:
    if not policy.can_edit(actor, work):
        raise PermissionDenied(_("Only the organisation's editors may withdraw this work."))
    if work.status != WorkStatus.PUBLISHED:
        return work
    with transaction.atomic():
        was_public = work.visibility == Visibility.PUBLIC
        work.status = WorkStatus.DRAFT
        work.save(update_fields=["status"])
        audit.record(ExchangeAction.WORK_UNPUBLISHED, actor=actor, obj=work)
        if was_public:
            _federation().work_deleted(work)
    return work


def delete_work(actor: User, work: Work) -> None:
    if not policy.can_edit(actor, work):
        raise PermissionDenied(_("Only the organisation's editors may delete this work."))
    with transaction.atomic():
        if work.status == WorkStatus.PUBLISHED and work.visibility == Visibility.PUBLIC:
            _federation().work_deleted(work)
        audit.record(ExchangeAction.WORK_DELETED, actor=actor, obj=work,
                     data={"uuid": str(work.uuid)})
        for item in work.media.all():
            item.file.delete(save=False)
            if item.thumbnail:
                item.thumbnail.delete(save=False)
        work.delete()


def _hold(work: Work, source: str, details: dict[str, Any]) -> ModerationCase:
    """Hold a work from publication and federation and queue it for review."""
    case = _open_case(work)
    was_public = work.status == WorkStatus.PUBLISHED and work.visibility == Visibility.PUBLIC
    if case is None:
        case = ModerationCase.objects.create(work=work, source=source, match_details=details,
                                             status_before=work.status)
    else:
        merged = dict(case.match_details)
        merged.setdefault("matches", []).extend(details.get("matches", []))
        case.match_details = merged
        case.save(update_fields=["match_details"])
    if work.status != WorkStatus.HELD:
        work.status = WorkStatus.HELD
        work.save(update_fields=["status"])
        if was_public:
            _federation().work_deleted(work)
    audit.record(ExchangeAction.WORK_HELD, actor=None, obj=work,
                 data={"case": case.pk, "source": source})
    _notify_authors(work, _("Your work is held for review by moderators."))
    return case


def add_media(actor: User, work: Work, *, data: bytes, filename: str = "",
              declared_type: str = "", alt_text: str = "") -> MediaFile:
    """Attach a file, checked by content. Images get a thumbnail and a PDQ hash; an image
    matching a listed hash holds the work for review (the uploader learns nothing more)."""
    if not policy.can_edit(actor, work):
        raise PermissionDenied(_("Only the organisation's editors may add files."))
    checked = media.check_upload(data, kind=work.kind, declared_type=declared_type)
    check = safety.check_image(checked.image) if checked.image is not None else None
    with transaction.atomic():
        item = MediaFile(work=work, original_name=filename[:255],
                         content_type=checked.content_type, size=checked.size,
                         sha256=checked.sha256, width=checked.width, height=checked.height,
                         alt_text=alt_text[:500])
        item.file.save(filename or "upload", ContentFile(data), save=False)
        if checked.image is not None:
            item.thumbnail.save("thumb.webp", ContentFile(media.thumbnail(checked.image)),
                                save=False)
        if check is not None:
            item.pdq_hash = check.hash_hex
            item.pdq_quality = check.quality
        item.save()
        audit.record(ExchangeAction.MEDIA_ADDED, actor=actor, obj=work,
                     data={"media": item.pk, "content_type": item.content_type,
                           "size": item.size})
        if check is not None and check.matches:
            _hold(work, CaseSource.HASH_MATCH,
                  {"media": item.pk, "hash": check.hash_hex, "matches": check.matches})
        elif work.status == WorkStatus.PUBLISHED:
            _federation().work_changed(work)
    return item


def _notify_authors(work: Work, message: str) -> None:
    recipients: set[User] = set()
    if work.created_by is not None:
        recipients.add(work.created_by)
    for membership in Membership.objects.filter(
            organisation=work.organisation, role__in=[Role.EDITOR, Role.ADMIN]).select_related(
            "user"):
        recipients.add(membership.user)
    title = work.texts.filter(is_primary=True).values_list("title", flat=True).first() or ""
    full = f"{title}: {message}" if title else message
    for user in recipients:
        Notice.objects.create(user=user, work=work, message=full)
        if user.email:
            transaction.on_commit(_mailer(user.email, full))


def _mailer(email: str, message: str) -> Any:
    def send() -> None:
        send_mail(_("About your work on Cybercommons"), message, settings.DEFAULT_FROM_EMAIL,
                  [email], fail_silently=True)

    return send


def report_work(reporter: User | None, work: Work, *, reason: str, comment: str = "",
                remote_actor: str = "") -> Report:
    """File a report about a work; it joins the work's open case or opens one."""
    if reason not in REPORT_REASONS:
        raise ServiceError(_("Choose a reason among: %s") % ", ".join(REPORT_REASONS),
                           field="reason")
    source = CaseSource.FEDERATED_FLAG if remote_actor else CaseSource.USER_REPORT
    with transaction.atomic():
        case = _open_case(work)
        if case is None:
            case = ModerationCase.objects.create(work=work, source=source,
                                                 status_before=work.status)
        report = Report.objects.create(case=case, reporter=reporter,
                                       remote_actor=remote_actor[:500], reason=reason,
                                       comment=comment[:5000])
        audit.record(ExchangeAction.REPORT_FILED, actor=reporter, obj=report,
                     data={"case": case.pk, "reason": reason, "remote": bool(remote_actor)})
        # A report of child sexual abuse material holds the work at once; other reasons
        # wait for a moderator so that reports cannot be used to silence works.
        if reason == "child_safety" and work.status != WorkStatus.HELD:
            _hold(work, source, {"report": report.pk})
    return report


def record_case_view(moderator: User, case: ModerationCase) -> None:
    """Each time a moderator opens a case is logged: reviewing material is itself audited."""
    policy.require_moderator(moderator)
    with transaction.atomic():
        audit.record(ExchangeAction.CASE_VIEWED, actor=moderator, obj=case)


def decide(moderator: User, case: ModerationCase, *, outcome: str, reason: str) -> Decision:
    """A moderator's decision, with the reason sent to the authors."""
    policy.require_moderator(moderator)
    if outcome not in Outcome.values:
        raise ServiceError(_("Unknown outcome: %s") % outcome, field="outcome")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("A decision needs a reason."), field="reason")
    if case.status not in (CaseStatus.OPEN, CaseStatus.APPEALED):
        raise Conflict(_("This case is already decided."))
    work = case.work
    with transaction.atomic():
        on_appeal = case.status == CaseStatus.APPEALED
        decision = Decision.objects.create(case=case, moderator=moderator, outcome=outcome,
                                           reason=reason, on_appeal=on_appeal)
        was_public = work.status == WorkStatus.PUBLISHED and work.visibility == Visibility.PUBLIC
        if outcome == Outcome.REMOVE:
            work.status = WorkStatus.REMOVED
        elif outcome == Outcome.RESTRICT:
            work.status = WorkStatus.PUBLISHED
            work.age_rating = AgeRating.ADULT
            work.content_warning = work.content_warning or _("Sensitive content")
        else:
            before = case.status_before
            work.status = before if before in (WorkStatus.DRAFT, WorkStatus.PUBLISHED) \
                else WorkStatus.DRAFT
        if work.status == WorkStatus.PUBLISHED and work.published_at is None:
            work.published_at = timezone.now()
        work.save(update_fields=["status", "age_rating", "content_warning", "published_at"])
        case.status = CaseStatus.CLOSED if on_appeal else CaseStatus.DECIDED
        case.updated_at = timezone.now()
        case.save(update_fields=["status", "updated_at"])
        case.appeals.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
        audit.record(ExchangeAction.CASE_DECIDED, actor=moderator, obj=case,
                     data={"work": str(work.uuid), "outcome": outcome, "reason": reason,
                           "on_appeal": on_appeal, "source": case.source})
        _notify_authors(work, _("Moderators decided: %(outcome)s. Reason: %(reason)s")
                        % {"outcome": Outcome(outcome).label, "reason": reason})
        now_public = work.status == WorkStatus.PUBLISHED and work.visibility == Visibility.PUBLIC
        if now_public and not was_public:
            _federation().work_published(work)
        elif was_public and not now_public:
            _federation().work_deleted(work)
    return decision


def appeal(author: User, case: ModerationCase, *, statement: str) -> Appeal:
    """The organisation's editors may appeal a decision once."""
    if not policy.can_edit(author, case.work):
        raise PermissionDenied(_("Only the work's organisation may appeal."))
    if case.status != CaseStatus.DECIDED:
        raise Conflict(_("Only a decided case can be appealed, and only once."))
    statement = (statement or "").strip()
    if not statement:
        raise ServiceError(_("Say why the decision should change."), field="statement")
    with transaction.atomic():
        item = Appeal.objects.create(case=case, author=author, statement=statement[:5000])
        case.status = CaseStatus.APPEALED
        case.updated_at = timezone.now()
        case.save(update_fields=["status", "updated_at"])
        audit.record(ExchangeAction.CASE_APPEALED, actor=author, obj=case)
    return item


@dataclass
class HashImportReport:
    name: str
    created: int = 0
    updated: int = 0
    held: int = 0
    errors: list[hash_list_kernel.HashListError] = field(default_factory=list)

    @property
    def skipped(self) -> list[dict[str, Any]]:
        """Each skipped line: its number, the reason's code and parameters (for programs) and
        the reason worded in the active language (for people)."""
        from cybercommons.exchange.kernel_reasons import describe_skip

        return [{"line": e.line, "code": str(e.code), "params": e.params,
                 "message": describe_skip(e)} for e in self.errors]


def import_hash_list(moderator: User, *, name: str, lines: Iterable[str],
                     source: str = "") -> HashImportReport:
    """Import (or refresh) a hash list; malformed entries are reported and skipped. Existing
    images are matched against the list afterwards and any match is held."""
    policy.require_moderator(moderator)
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("A list needs a name."), field="name")
    report = HashImportReport(name)
    with transaction.atomic():
        hash_list, _created = HashList.objects.get_or_create(
            name=name[:200], defaults={"source": source[:300], "created_by": moderator})
        existing = dict(ListedHash.objects.filter(hash_list=hash_list)
                        .values_list("hash_hex", "pk"))
        fresh: dict[str, ListedHash] = {}
        for item in hash_list_kernel.iter_hash_list(lines):
            if isinstance(item, hash_list_kernel.HashListError):
                report.errors.append(item)
                continue
            metadata: dict[str, Any] = dict(item.metadata)
            if item.fields:
                metadata["fields"] = list(item.fields)
            if item.hash_hex in existing:
                ListedHash.objects.filter(pk=existing[item.hash_hex]).update(
                    quality=item.quality, metadata=metadata)
                report.updated += 1
            elif item.hash_hex not in fresh:
                fresh[item.hash_hex] = ListedHash(hash_list=hash_list, hash_hex=item.hash_hex,
                                                  quality=item.quality, metadata=metadata)
        ListedHash.objects.bulk_create(fresh.values(), batch_size=2000)
        report.created = len(fresh)
        hash_list.updated_at = timezone.now()
        if source:
            hash_list.source = source[:300]
        hash_list.save(update_fields=["updated_at", "source"])
        audit.record(ExchangeAction.HASH_LIST_IMPORTED, actor=moderator, obj=hash_list,
                     data={"created": report.created, "updated": report.updated,
                           "errors": len(report.errors)})
        safety.forget_index()
        report.held = _rescan()
    return report


def _rescan() -> int:
    """Hold every not-yet-held work with an image matching the lists now in force."""
    held = 0
    candidates = (MediaFile.objects.exclude(pdq_hash="")
                  .filter(pdq_quality__gte=safety.quality_threshold())
                  .exclude(work__status__in=[WorkStatus.HELD, WorkStatus.REMOVED])
                  .select_related("work"))
    for item in candidates.iterator():
        matches = safety.match_hash(item.pdq_hash)
        if matches:
            _hold(item.work, CaseSource.HASH_MATCH,
                  {"media": item.pk, "hash": item.pdq_hash, "matches": matches})
            held += 1
    return held


def set_instance_policy(moderator: User, domain: str, instance_policy: str,
                        note: str = "") -> Instance:
    """Allow, limit or block a remote server."""
    policy.require_moderator(moderator)
    domain = (domain or "").strip().lower()
    if not domain or "/" in domain or " " in domain:
        raise ServiceError(_("Give a server's domain name, such as example.org."),
                           field="domain")
    if instance_policy not in InstancePolicy.values:
        raise ServiceError(_("Unknown policy: %s") % instance_policy, field="policy")
    with transaction.atomic():
        instance, _created = Instance.objects.update_or_create(
            domain=domain, defaults={"policy": instance_policy, "note": note[:500],
                                     "updated_at": timezone.now()})
        audit.record(ExchangeAction.INSTANCE_POLICY_SET, actor=moderator, obj=instance,
                     data={"domain": domain, "policy": instance_policy})
    return instance


# ---- exhibitions ---------------------------------------------------------------------------


def _text_map(values: Mapping[str, str], *, required: bool, field_name: str,
              html: bool = False) -> dict[str, str]:
    cleaned = {}
    for language, value in (values or {}).items():
        value = (value or "").strip()
        if value:
            cleaned[_language(language, field_name)] = sanitise(value) if html else value[:300]
    if required and not cleaned:
        raise ServiceError(_("A title is required in at least one language."), field=field_name)
    return cleaned


def _resolve_items(actor: User, items: Sequence[Mapping[str, Any]],
                   stored_keys: set[int]) -> list[narratives_kernel.IncomingItem]:
    """Check the items of a replacement list: works the actor can see, text or a work in
    each, item ids (when given) of this exhibition and each named once."""
    resolved = []
    named: set[int] = set()
    for position, item in enumerate(items, start=1):
        work = None
        if item.get("work"):
            work = policy.works(actor).filter(uuid=str(item["work"])).first() \
                if _is_uuid(str(item["work"])) else None
            if work is None:
                raise ServiceError(_("Item %(n)d names no work you can see.") % {"n": position},
                                   field="items")
        key = item.get("id")
        if key is not None:
            if key not in stored_keys or key in named:
                raise ServiceError(_("Item %(n)d names an item id this exhibition does not "
                                     "have, or one named twice.") % {"n": position},
                                   field="items")
            named.add(key)
        given = item.get("narrative") or {}
        narrative = _text_map(given, required=False, field_name="items", html=True)
        removed = frozenset(_language(code, "items") for code, text in given.items()
                            if not (text or "").strip())
        if work is None and not narrative:
            raise ServiceError(_("Item %(n)d has neither a work nor text.") % {"n": position},
                               field="items")
        resolved.append(narratives_kernel.IncomingItem(key, work.pk if work else None,
                                                       narrative, removed))
    return resolved


def _replace_items(exhibition: Exhibition, incoming: list[narratives_kernel.IncomingItem]
                   ) -> None:
    """Store the new list; blocks that survive keep their row and their translations."""
    stored = list(exhibition.items.select_for_update().order_by("position", "pk"))
    placed = narratives_kernel.replace_items(
        [narratives_kernel.StoredItem(item.pk, item.work_id, item.narrative,
                                      frozenset(item.outdated_translations))
         for item in stored], incoming, exhibition.primary_language)
    kept = {p.key for p in placed if p.key is not None}
    exhibition.items.exclude(pk__in=kept).delete()
    rows = {item.pk: item for item in stored}
    changed: list[ExhibitionItem] = []
    created: list[ExhibitionItem] = []
    for position, plan in enumerate(placed, start=1):
        row = rows[plan.key] if plan.key is not None else ExhibitionItem(exhibition=exhibition)
        row.position, row.work_id, row.narrative = position, plan.work, plan.narrative
        row.outdated_translations = list(plan.outdated)
        (changed if plan.key is not None else created).append(row)
    ExhibitionItem.objects.bulk_update(changed, ["position", "work", "narrative",
                                                 "outdated_translations"])
    ExhibitionItem.objects.bulk_create(created)


def save_exhibition(actor: User, organisation: Organisation, *, slug: str,
                    title: Mapping[str, str], introduction: Mapping[str, str] | None = None,
                    primary_language: str = "",
                    items: Sequence[Mapping[str, Any]] | None = None,
                    publish: bool | None = None) -> Exhibition:
    """Create or replace an exhibition: titles, introduction and ordered items, each item a
    work (by uuid) and/or narrative text in several languages.

    Replacing the items keeps the narrative translations of the blocks that survive (see
    ``kernel/narratives.py``): an item may name the ``id`` of the item it continues, else it
    is matched by its unchanged original text.
    """
    from django.utils.text import slugify

    policy.require_contributor(actor, organisation)
    slug = slugify(slug)[:80]
    if not slug:
        raise ServiceError(_("A short name is required."), field="slug")
    titles = _text_map(title, required=True, field_name="title")
    intro = _text_map(introduction or {}, required=False, field_name="introduction", html=True)
    primary = _language(primary_language) if primary_language else next(iter(titles))
    existing = Exhibition.objects.filter(slug=slug).first()
    if existing is not None and existing.organisation_id != organisation.pk:
        raise Conflict(_("That short name is taken."), field="slug")
    stored_keys = set(existing.items.values_list("pk", flat=True)) if existing else set()
    resolved = _resolve_items(actor, items or [], stored_keys)
    with transaction.atomic():
        if existing is None:
            exhibition = Exhibition.objects.create(
                slug=slug, organisation=organisation, title=titles, introduction=intro,
                primary_language=primary, created_by=actor)
        else:
            exhibition = existing
            exhibition.title, exhibition.introduction = titles, intro
            # A full replacement: credits stay only for languages still present.
            exhibition.translators = {code: name for code, name in
                                      exhibition.translators.items() if code in titles}
            exhibition.machine_translations = [code for code in exhibition.machine_translations
                                               if code in titles]
            exhibition.primary_language = primary
            exhibition.updated_at = timezone.now()
            exhibition.save()
        if items is not None:
            _replace_items(exhibition, resolved)
        became_public = False
        if publish is not None:
            target = ExhibitionStatus.PUBLISHED if publish else ExhibitionStatus.DRAFT
            became_public = target == ExhibitionStatus.PUBLISHED and \
                exhibition.status != target
            exhibition.status = target
            exhibition.save(update_fields=["status"])
        audit.record(ExchangeAction.EXHIBITION_SAVED, actor=actor, obj=exhibition,
                     data={"slug": slug, "items": len(resolved), "status": exhibition.status})
        if became_public:
            audit.record(ExchangeAction.EXHIBITION_PUBLISHED, actor=actor, obj=exhibition)
            _federation().exhibition_published(exhibition)
    return exhibition


def move_exhibition_item(actor: User, exhibition: Exhibition, item_pk: int, *,
                         direction: str) -> int:
    """Move one item a step earlier ("up") or later ("down"), swapping it with its neighbour;
    returns its new position (1-based). Why: curators reorder without retyping the list."""
    policy.require_contributor(actor, exhibition.organisation)
    if direction not in ("up", "down"):
        raise ServiceError(_("Move an item up or down."), field="direction")
    with transaction.atomic():
        items = list(exhibition.items.select_for_update().order_by("position", "pk"))
        index = next((i for i, item in enumerate(items) if item.pk == item_pk), None)
        if index is None:
            raise NotFound(_("The exhibition has no such item."))
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(items):
            raise Conflict(_("The item is already first.") if direction == "up"
                           else _("The item is already last."))
        items[index], items[other] = items[other], items[index]
        # Renumber all so that gaps or ties left by older edits disappear too.
        for position, item in enumerate(items, start=1):
            item.position = position
        ExhibitionItem.objects.bulk_update(items, ["position"])
        exhibition.updated_at = timezone.now()
        exhibition.save(update_fields=["updated_at"])
        audit.record(ExchangeAction.EXHIBITION_REORDERED, actor=actor, obj=exhibition,
                     data={"item": item_pk, "direction": direction, "position": other + 1})
    return other + 1


def save_exhibition_translation(actor: User, exhibition: Exhibition, *, language: str,
                                title: str, introduction: str = "",
                                narratives: Mapping[int, str] | None = None,
                                translator: str = "", is_machine_translation: bool = False,
                                item_narratives: Mapping[int, str] | None = None
                                ) -> Exhibition:
    """Add or replace one language of an exhibition: its title, introduction and the narrative
    text between works (keyed by item position in ``narratives``, or by item id in
    ``item_narratives``), crediting the translator and saying whether a machine made it.

    Why: exhibitions are read in every UN language; a translation sits beside the original
    rather than replacing it, so the page can fall back to the original where a text is
    missing. An empty narrative removes that language's text of that item. Saving a
    narrative makes its translation current again; changing an original narrative marks the
    other languages' translations of it outdated.
    """
    if not policy.can_translate_exhibition(actor, exhibition):
        raise PermissionDenied(_("Only the organisation's members may translate this "
                                 "exhibition."))
    language = _language(language)
    primary = exhibition.primary_language
    title = (title or "").strip()[:300]
    if not title:
        raise ServiceError(_("A title is required."), field="title")
    translator = (translator or "").strip()[:200]
    if language != primary and not translator:
        raise ServiceError(_("Say who translated it."), field="translator")
    if language == primary and is_machine_translation:
        raise ServiceError(_("The original is not a machine translation."),
                           field="is_machine_translation")
    rows = list(exhibition.items.all())
    by_position = {item.position: item for item in rows}
    by_key = {item.pk: item for item in rows}
    cleaned: dict[int, str] = {}  # item id -> sanitised text ("" removes)
    for position, text in (narratives or {}).items():
        if position not in by_position:
            raise ServiceError(_("The exhibition has no item %(n)d.") % {"n": position},
                               field="narratives")
        cleaned[by_position[position].pk] = (text or "").strip()
    for key, text in (item_narratives or {}).items():
        if key not in by_key:
            raise ServiceError(_("The exhibition has no item with the id %(id)d.")
                               % {"id": key}, field="narratives")
        cleaned[key] = (text or "").strip()
    cleaned = {key: sanitise(text) if text else "" for key, text in cleaned.items()}
    with transaction.atomic():
        exhibition.title = {**exhibition.title, language: title}
        intro = sanitise(introduction.strip()) if (introduction or "").strip() else ""
        exhibition.introduction = {k: v for k, v in
                                   {**exhibition.introduction, language: intro}.items() if v}
        if language != primary:
            exhibition.translators = {**exhibition.translators, language: translator}
            machine = set(exhibition.machine_translations) - {language}
            exhibition.machine_translations = sorted(
                machine | ({language} if is_machine_translation else set()))
        exhibition.updated_at = timezone.now()
        exhibition.save(update_fields=["title", "introduction", "translators",
                                       "machine_translations", "updated_at"])
        for key, text in cleaned.items():
            item = by_key[key]
            before = item.narrative.get(language, "")
            item.narrative = {k: v for k, v in {**item.narrative, language: text}.items() if v}
            outdated = set(item.outdated_translations) - {language}
            if language == primary and narratives_kernel.text_key(before) != \
                    narratives_kernel.text_key(text):
                outdated |= set(item.narrative) - {primary}
            item.outdated_translations = sorted(outdated & set(item.narrative))
            item.save(update_fields=["narrative", "outdated_translations"])
        audit.record(ExchangeAction.EXHIBITION_TRANSLATED, actor=actor, obj=exhibition,
                     data={"slug": exhibition.slug, "language": language,
                           "translator": translator, "machine": is_machine_translation,
                           "narratives": len(cleaned)})
    return exhibition


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


# ---- federation initiated here ------------------------------------------------------------


def follow_remote(actor: User, organisation: Organisation, actor_url: str) -> Any:
    """Make the organisation's actor follow a remote actor (its administrators only)."""
    from cybercommons.core import policy as core_policy
    from cybercommons.exchange.federation import fetch

    core_policy.require_role(actor, organisation, Role.ADMIN)
    domain = actor_url.split("/")[2].lower() if actor_url.count("/") >= 2 else ""
    blocked = Instance.objects.filter(domain=domain, policy=InstancePolicy.BLOCK).exists()
    if blocked:
        raise Conflict(_("That server is blocked by moderators."))
    try:
        remote = fetch.remote_actor(actor_url, refresh=True)
    except fetch.FetchError as error:
        raise ServiceError(_("The remote actor could not be read: %s") % error,
                           field="actor") from None
    with transaction.atomic():
        following = _federation().follow(_federation().organisation_actor(organisation), remote)
        audit.record(ExchangeAction.REMOTE_FOLLOWED, actor=actor, obj=following,
                     data={"organisation": organisation.slug, "remote": remote.ap_id})
    return following


FOLLOW_DECISIONS = {"accept": True, "approve": True, "reject": False}


def follow_decision(word: str) -> bool:
    """Whether a decision word accepts a follow request ("accept" or "approve") or rejects it
    ("reject"); anything else is refused, naming the choices."""
    if word not in FOLLOW_DECISIONS:
        raise ServiceError(_("Choose to approve or to reject."), field="decision")
    return FOLLOW_DECISIONS[word]


def decide_follower(moderator: User, follower: Follower, *, approve: bool) -> Follower:
    """Approve or reject a follow request from a limited server, answering it with Accept or
    Reject. Why: limited servers may only follow once a moderator has looked at them."""
    from cybercommons.exchange.federation import addresses, outbound

    policy.require_moderator(moderator)
    if follower.state != FollowState.PENDING:
        raise Conflict(_("That follow request was already answered."))
    # The original Follow is rebuilt from what was kept of it: its id, actor and object.
    follow = {"id": follower.follow_id, "type": "Follow", "actor": follower.remote.ap_id,
              "object": addresses.actor_url(follower.actor.username)}
    with transaction.atomic():
        follower.state = FollowState.ACCEPTED if approve else FollowState.REJECTED
        follower.save(update_fields=["state"])
        outbound.answer_follow(follower.actor, follower.remote, follow, accept=approve)
        audit.record(ExchangeAction.FOLLOWER_APPROVED if approve
                     else ExchangeAction.FOLLOWER_REJECTED, actor=moderator, obj=follower,
                     data={"remote": follower.remote.ap_id, "actor": follower.actor.username})
    return follower


def flag_remote_work(moderator: User, remote_work: Any, *, comment: str) -> None:
    """Report a work received from another server to that server's moderators (Flag),
    and hide it here until then."""
    from cybercommons.core.models import Organisation as CoreOrganisation

    policy.require_moderator(moderator)
    comment = (comment or "").strip()
    if not comment:
        raise ServiceError(_("Say what is wrong."), field="comment")
    sender = CoreOrganisation.objects.filter(
        memberships__user=moderator).order_by("pk").first()
    with transaction.atomic():
        remote_work.held = True
        remote_work.save(update_fields=["held"])
        if sender is not None:
            _federation().flag(_federation().organisation_actor(sender), remote_work.actor,
                               [remote_work.ap_id], comment[:2000])
        audit.record(ExchangeAction.REMOTE_FLAGGED, actor=moderator, obj=remote_work,
                     data={"ap_id": remote_work.ap_id, "sent": sender is not None})
