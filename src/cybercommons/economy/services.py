"""Every change the economy module makes: imports, index definitions, projects, funders and
expressions of interest. Each service checks permission, runs in a transaction, writes the
audit log and publishes an event."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cybercommons.core import audit, events
from cybercommons.core.errors import Conflict, ServiceError
from cybercommons.core.models import Country, Organisation, Reference, Role, User
from cybercommons.core.policy import Viewer, require_role, require_signed_in
from cybercommons.core.progress import Tracker
from cybercommons.economy import explanations, policy
from cybercommons.economy.importers.formats import FormatError, ImportKind, records
from cybercommons.economy.importers.store import write_records
from cybercommons.economy.kernel.composite import IndexDefinitionError, definition_from_dict
from cybercommons.economy.kernel.idi import IDI_2023, OPEN_CONNECTIVITY_INDEX
from cybercommons.economy.kernel.messages import Message
from cybercommons.economy.kernel.sources import ColumnMap
from cybercommons.economy.models import (
    ExpressionOfInterest,
    Funder,
    FunderType,
    ImportRun,
    IndexDefinition,
    Observation,
    Project,
    Visibility,
)

SOURCE = "economy"
SDG_TARGET = re.compile(r"^\d{1,2}\.[0-9a-z]{1,2}$")
SECTOR = re.compile(r"^[\w -]{1,40}$")


class IndexRefused(ServiceError):
    """An index definition the kernel refuses: each problem as a code and parameters, and
    the message as the sentences in the active language (for pages and problem documents)."""

    def __init__(self, problems: list[Message]) -> None:
        self.problems = problems
        super().__init__("; ".join(explanations.rendered_list(problems)), field="definition")


class EconomyAction(StrEnum):
    """Audit action names of the economy module."""

    FILE_IMPORTED = "economy.file.imported"
    INDEX_DEFINED = "economy.index.defined"
    PROJECT_CREATED = "economy.project.created"
    PROJECT_UPDATED = "economy.project.updated"
    PROJECT_LINKED = "economy.project.linked"
    FUNDER_CREATED = "economy.funder.created"
    FUNDER_UPDATED = "economy.funder.updated"
    INTEREST_EXPRESSED = "economy.interest.expressed"
    INTEREST_ANSWERED = "economy.interest.answered"


def _actor(user: Viewer | None) -> User | None:
    return user if isinstance(user, User) else None


# --- Imports ------------------------------------------------------------------------------


def import_file(actor: Viewer | None, kind: str, path: str | Path, *,
                column_map: ColumnMap | None = None, display_name: str = "",
                tracker: Tracker | None = None, system: bool = False) -> ImportRun:
    """Import one file of ``kind`` (see ImportKind) and return its run with the report.

    ``system`` is for the command line, where the operator owns the installation. The file
    is all-or-nothing: a failure rolls back its observations and marks the run failed.
    """
    if not system and (actor is None or not policy.can_import(actor)):
        raise PermissionDenied(_("only site staff may import indicator files"))
    try:
        import_kind = ImportKind(kind)
    except ValueError:
        raise ServiceError(_("unknown import format %(kind)s; use one of %(kinds)s") % {
            "kind": repr(kind), "kinds": ", ".join(k.value for k in ImportKind)},
            field="kind") from None
    path = Path(path)
    if not path.is_file():
        raise ServiceError(_("no such file: %(path)s") % {"path": path}, field="file")
    # Our World in Data packages all call their file data.csv: the folder names it.
    name = display_name or (f"{path.parent.name}/{path.name}" if path.name == "data.csv"
                            else path.name)
    run = ImportRun.objects.create(kind=import_kind.value, file_name=name[:300],
                                   started_by=_actor(actor))
    try:
        result = write_records(records(import_kind, path, column_map=column_map), name=name,
                               tracker=tracker)
    except (FormatError, ValueError, UnicodeDecodeError, OSError) as error:
        run.status = ImportRun.Status.FAILED
        run.message = str(error)[:2000]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "message", "finished_at"])
        raise ServiceError(_("%(name)s: %(error)s") % {"name": name, "error": error},
                           field="file") from None
    summary = result.summary()
    with transaction.atomic():
        run.status = ImportRun.Status.DONE
        run.finished_at = timezone.now()
        run.rows_written, run.created, run.updated = result.written, result.created, result.updated
        run.counts = summary
        run.problems = result.problem_rows()
        run.save()
        audit.record(EconomyAction.FILE_IMPORTED, actor=_actor(actor), obj=run,
                     data={"kind": run.kind, "file": name, "written": result.written,
                           "created": result.created, "skipped": summary["skipped"]})
        events.publish(EconomyAction.FILE_IMPORTED,
                       {"run": run.pk, "indicators": summary["indicators"]}, source=SOURCE)
        if POPULATION_CODE in result.indicators:
            publish_population()
    return run


POPULATION_CODE = "SP.POP.TOTL"
POPULATION_EVENT = "economy.population.updated"


def publish_population() -> int:
    """Announce each country's latest total population, for other modules to use.

    The infrastructure module, for one, counts the people a cable cut leaves offline; it
    listens for ``economy.population.updated`` rather than reading this module's tables.
    Returns the number of events published.
    """
    latest: dict[str, tuple[int, float]] = {}
    rows = (Observation.objects.filter(indicator__code=POPULATION_CODE, breakdown_key="",
                                       country__isnull=False)
            .values_list("country_id", "year", "value"))
    for country, year, value in rows:
        if country not in latest or year > latest[country][0]:
            latest[country] = (year, value)
    for country, (year, value) in sorted(latest.items()):
        events.publish(POPULATION_EVENT, {"country": country, "year": year, "value": value},
                       source=SOURCE)
    return len(latest)


# --- Index definitions --------------------------------------------------------------------


BUILT_IN = (IDI_2023, OPEN_CONNECTIVITY_INDEX)


def ensure_built_in_indices() -> list[IndexDefinition]:
    """Store the kernel's built-in definitions (idempotent; updated when the kernel's change)."""
    rows = []
    for definition in BUILT_IN:
        row, _created = IndexDefinition.objects.update_or_create(
            code=definition.code,
            defaults={"name": definition.name, "description": definition.description,
                      "definition": definition.to_dict(), "built_in": True},
        )
        rows.append(row)
    return rows


def define_index(actor: Viewer, data: dict[str, Any]) -> IndexDefinition:
    """Store a user-defined index after the kernel accepts it.

    Refused with every reason the kernel gives (weights that do not add up, missing
    goalposts, unknown pillars…), as one :class:`IndexRefused` carrying each problem.
    """
    user = require_signed_in(actor)
    if not policy.can_define_index(user):
        raise ServiceError(_("you may not define indices"))
    data = {**data, "code": slugify(str(data.get("code", "")))[:60]}
    if not data["code"]:
        raise ServiceError(_("the index needs a code (letters, digits and dashes)"),
                           field="code")
    try:
        definition = definition_from_dict(data)
    except IndexDefinitionError as error:
        raise IndexRefused(error.problems) from None
    with transaction.atomic():
        if IndexDefinition.objects.filter(code=definition.code).exists():
            raise Conflict(_("an index with the code %(code)s exists") % {
                "code": definition.code}, field="code")
        row = IndexDefinition.objects.create(
            code=definition.code, name=definition.name[:200],
            description=definition.description, definition=definition.to_dict(),
            created_by=user)
        audit.record(EconomyAction.INDEX_DEFINED, actor=user, obj=row,
                     data={"code": row.code})
        events.publish(EconomyAction.INDEX_DEFINED, {"code": row.code}, source=SOURCE)
    return row


# --- Projects and funders -----------------------------------------------------------------


def _strings(value: Any, field: str, pattern: re.Pattern[str], what: str) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = re.split(r"[,\n]", value)
    items = [str(v).strip() for v in value if str(v).strip()]
    for item in items:
        if not pattern.match(item):
            raise ServiceError(_("%(item)s is not a valid %(what)s") % {
                "item": repr(item), "what": what}, field=field)
    return sorted(dict.fromkeys(items))


_CENT = Decimal("0.01")
_MONEY_LIMIT = Decimal(10) ** 14


def _money(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ServiceError(_("%(field)s must be a number of US dollars") % {"field": field},
                           field=field) from None
    if amount < 0 or not amount.is_finite():
        raise ServiceError(_("%(field)s must be zero or more") % {"field": field}, field=field)
    # The columns hold 16 digits, two of them cents: a larger or finer amount would be
    # stored, then fail to be read back.
    if amount >= _MONEY_LIMIT:
        raise ServiceError(_("%(field)s must be less than 100 trillion US dollars")
                           % {"field": field}, field=field)
    if amount != amount.quantize(_CENT):
        raise ServiceError(_("%(field)s may have at most two decimal places (cents)")
                           % {"field": field}, field=field)
    return amount.quantize(_CENT)


def _countries(value: Any, field: str) -> list[str]:
    codes = [c.upper() for c in _strings(value, field, re.compile(r"^[A-Za-z]{2}$"),
                                         _("ISO 3166-1 alpha-2 code"))]
    known = set(Country.objects.filter(code__in=codes).values_list("code", flat=True))
    unknown = sorted(set(codes) - known)
    if unknown:
        raise ServiceError(_("unknown country codes: %(codes)s") % {
            "codes": ", ".join(unknown)}, field=field)
    return codes


def _funder_types(value: Any) -> list[str]:
    items = _strings(value, "accepts", re.compile(r"^[a-z_]{1,30}$"), _("funder type"))
    valid = set(FunderType.values)
    bad = [i for i in items if i not in valid]
    if bad:
        raise ServiceError(_("unknown funder types: %(types)s") % {"types": ", ".join(bad)},
                           field="accepts")
    return items


PROJECT_FIELDS = ("name", "country", "sectors", "sdg_targets", "accepts", "summary", "status",
                  "visibility", "budget_usd", "ask_usd", "needs", "contact")


def _clean_project(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise ServiceError(_("unknown fields: %(fields)s") % {
            "fields": ", ".join(sorted(unknown))})
    clean: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "name":
            value = str(value).strip()
            if not value:
                raise ServiceError(_("the project needs a name"), field="name")
            clean[key] = value[:200]
        elif key == "country":
            if not isinstance(value, Country):
                value = Country.objects.filter(code=str(value or "").upper()).first()
            if value is None:
                raise ServiceError(_("choose the project's country"), field="country")
            clean[key] = value
        elif key == "sectors":
            clean[key] = [s.lower() for s in _strings(value, key, SECTOR, _("sector"))]
        elif key == "sdg_targets":
            clean[key] = _strings(value, key, SDG_TARGET, _("SDG target such as 9.c"))
        elif key == "accepts":
            clean[key] = _funder_types(value)
        elif key == "status":
            if value not in Project.Status.values:
                raise ServiceError(_("unknown status %(value)s") % {"value": repr(value)},
                                   field=key)
            clean[key] = value
        elif key == "visibility":
            if value not in Visibility.values:
                raise ServiceError(_("unknown visibility %(value)s") % {"value": repr(value)},
                                   field=key)
            clean[key] = value
        elif key in ("budget_usd", "ask_usd"):
            clean[key] = _money(value, key)
        else:
            clean[key] = str(value or "")
    return clean


def create_project(actor: Viewer, organisation: Organisation, **fields: Any) -> Project:
    """Register a project for an organisation (its editors and admins)."""
    user = require_signed_in(actor)
    require_role(user, organisation, Role.EDITOR)
    clean = _clean_project(fields)
    if "name" not in clean or "country" not in clean:
        raise ServiceError(_("a project needs a name and a country"), field="name")
    with transaction.atomic():
        project = Project.objects.create(organisation=organisation, created_by=user, **clean)
        audit.record(EconomyAction.PROJECT_CREATED, actor=user, obj=project,
                     data={"name": project.name, "organisation": organisation.slug})
        events.publish(EconomyAction.PROJECT_CREATED,
                       {"project": project.pk, "country": project.country_id}, source=SOURCE)
    return project


def update_project(actor: Viewer, project: Project, **fields: Any) -> Project:
    """Change a project (its organisation's editors)."""
    user = require_signed_in(actor)
    policy.require_project_editor(user, project)
    clean = _clean_project(fields)
    with transaction.atomic():
        for key, value in clean.items():
            setattr(project, key, value)
        project.updated_at = timezone.now()
        project.save()
        audit.record(EconomyAction.PROJECT_UPDATED, actor=user, obj=project,
                     data={"fields": sorted(clean)})
        events.publish(EconomyAction.PROJECT_UPDATED, {"project": project.pk}, source=SOURCE)
    return project


def link_infrastructure_project(actor: Viewer, project: Project, key: str) -> Reference:
    """Point a project at an infrastructure candidate project, by its key only."""
    user = require_signed_in(actor)
    policy.require_project_editor(user, project)
    key = key.strip()
    if not key or len(key) > 100:
        raise ServiceError(_("give the infrastructure project's key (up to 100 characters)"),
                           field="key")
    with transaction.atomic():
        reference, created = Reference.objects.get_or_create(
            source_module="economy", source_kind="project", source_key=str(project.pk),
            target_module="infrastructure", target_kind="candidate_project", target_key=key,
            relation="implements")
        if created:
            audit.record(EconomyAction.PROJECT_LINKED, actor=user, obj=project,
                         data={"infrastructure_project": key})
            events.publish(EconomyAction.PROJECT_LINKED,
                           {"project": project.pk, "infrastructure_project": key},
                           source=SOURCE)
    return reference


FUNDER_FIELDS = ("name", "type", "sectors", "sdg_targets", "countries", "regions", "excluded",
                 "ticket_min_usd", "ticket_max_usd", "description", "notes", "visibility")
REGION = re.compile(r"^(M49:\d{1,3}|LDC|LLDC|SIDS|LIC|LMC|UMC|HIC)$")


def _clean_funder(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(FUNDER_FIELDS)
    if unknown:
        raise ServiceError(_("unknown fields: %(fields)s") % {
            "fields": ", ".join(sorted(unknown))})
    clean: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "name":
            value = str(value).strip()
            if not value:
                raise ServiceError(_("the funder needs a name"), field="name")
            clean[key] = value[:200]
        elif key == "type":
            if value not in FunderType.values:
                raise ServiceError(_("unknown funder type %(value)s") % {"value": repr(value)},
                                   field="type")
            clean[key] = value
        elif key == "sectors":
            clean[key] = [s.lower() for s in _strings(value, key, SECTOR, _("sector"))]
        elif key == "sdg_targets":
            clean[key] = _strings(value, key, SDG_TARGET, _("SDG target such as 9.c"))
        elif key in ("countries", "excluded"):
            clean[key] = _countries(value, key)
        elif key == "regions":
            clean[key] = _strings(value, key, REGION,
                                  _("group (M49:<code>, LDC, LLDC, SIDS, LIC, LMC, UMC, HIC)"))
        elif key in ("ticket_min_usd", "ticket_max_usd"):
            clean[key] = _money(value, key)
        elif key == "visibility":
            if value not in Visibility.values:
                raise ServiceError(_("unknown visibility %(value)s") % {"value": repr(value)},
                                   field=key)
            clean[key] = value
        else:
            clean[key] = str(value or "")
    low, high = clean.get("ticket_min_usd"), clean.get("ticket_max_usd")
    if low is not None and high is not None and low > high:
        raise ServiceError(_("the smallest ticket is above the largest"),
                           field="ticket_min_usd")
    return clean


def create_funder(actor: Viewer, organisation: Organisation, **fields: Any) -> Funder:
    """Register a funding profile for an organisation (its editors and admins)."""
    user = require_signed_in(actor)
    require_role(user, organisation, Role.EDITOR)
    clean = _clean_funder(fields)
    if "name" not in clean or "type" not in clean:
        raise ServiceError(_("a funder needs a name and a type"), field="name")
    with transaction.atomic():
        funder = Funder.objects.create(organisation=organisation, created_by=user, **clean)
        audit.record(EconomyAction.FUNDER_CREATED, actor=user, obj=funder,
                     data={"name": funder.name, "organisation": organisation.slug})
        events.publish(EconomyAction.FUNDER_CREATED, {"funder": funder.pk}, source=SOURCE)
    return funder


def update_funder(actor: Viewer, funder: Funder, **fields: Any) -> Funder:
    user = require_signed_in(actor)
    policy.require_funder_editor(user, funder)
    clean = _clean_funder(fields)
    with transaction.atomic():
        for key, value in clean.items():
            setattr(funder, key, value)
        funder.save()
        audit.record(EconomyAction.FUNDER_UPDATED, actor=user, obj=funder,
                     data={"fields": sorted(clean)})
        events.publish(EconomyAction.FUNDER_UPDATED, {"funder": funder.pk}, source=SOURCE)
    return funder


# --- Expressions of interest --------------------------------------------------------------


def express_interest(actor: Viewer, *, project: Project, funder: Funder, message: str = "",
                     score: float | None = None) -> ExpressionOfInterest:
    """One side tells the other it is interested.

    The direction follows from who acts: an editor of the funder's organisation speaks for
    the funder, an editor of the project's for the project. Both sides must be visible to
    the actor.
    """
    user = require_signed_in(actor)
    if not policy.projects(user).filter(pk=project.pk).exists() or \
            not policy.funders(user).filter(pk=funder.pk).exists():
        raise ServiceError(_("no such project or funder"), status=404)
    if policy.can_edit_funder(user, funder):
        direction = ExpressionOfInterest.Direction.FUNDER_TO_PROJECT
    elif policy.can_edit_project(user, project):
        direction = ExpressionOfInterest.Direction.PROJECT_TO_FUNDER
    else:
        raise PermissionDenied(_("only editors of the project's or the funder's organisation "
                                 "may express interest"))
    if project.organisation_id == funder.organisation_id:
        raise ServiceError(_("a project and a funder of the same organisation need no "
                             "expression of interest"))
    try:
        with transaction.atomic():
            interest = ExpressionOfInterest.objects.create(
                project=project, funder=funder, direction=direction,
                message=message.strip()[:5000], score=score, created_by=user)
            audit.record(EconomyAction.INTEREST_EXPRESSED, actor=user, obj=interest,
                         data={"project": project.pk, "funder": funder.pk,
                               "direction": direction})
            events.publish(EconomyAction.INTEREST_EXPRESSED,
                           {"interest": interest.pk, "project": project.pk,
                            "funder": funder.pk}, source=SOURCE)
    except IntegrityError:
        raise Conflict(_("this interest has already been expressed")) from None
    return interest


def answer_interest(actor: Viewer, interest: ExpressionOfInterest, status: str
                    ) -> ExpressionOfInterest:
    """Accept or decline (the receiving side), or withdraw (the sending side)."""
    user = require_signed_in(actor)
    if interest.status != ExpressionOfInterest.Status.OPEN:
        raise Conflict(_("this expression of interest has already been answered"))
    sender_is_funder = interest.direction == ExpressionOfInterest.Direction.FUNDER_TO_PROJECT
    is_funder = policy.can_edit_funder(user, interest.funder)
    is_project = policy.can_edit_project(user, interest.project)
    if status == ExpressionOfInterest.Status.WITHDRAWN:
        allowed = is_funder if sender_is_funder else is_project
    elif status in (ExpressionOfInterest.Status.ACCEPTED, ExpressionOfInterest.Status.DECLINED):
        allowed = is_project if sender_is_funder else is_funder
    else:
        raise ServiceError(_("unknown answer %(status)s") % {"status": repr(status)},
                           field="status")
    if not allowed:
        raise PermissionDenied(_("you are not the side that may give this answer"))
    with transaction.atomic():
        interest.status = status
        interest.responded_at = timezone.now()
        interest.save(update_fields=["status", "responded_at"])
        audit.record(EconomyAction.INTEREST_ANSWERED, actor=user, obj=interest,
                     data={"status": status})
        events.publish(EconomyAction.INTEREST_ANSWERED,
                       {"interest": interest.pk, "status": status}, source=SOURCE)
    return interest
