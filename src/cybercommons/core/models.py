"""Persistence of the core app: people, organisations, countries, tokens, audit, events."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StakeholderType(models.TextChoices):
    """The stakeholders of cyberspace the platform serves (an individual has no organisation)."""

    GOVERNMENT = "government", _("Government")
    INTERNATIONAL = "international", _("International organisation")
    COMPANY = "company", _("Internet company")
    TECHNICAL = "technical", _("Technical community")
    CIVIL_SOCIETY = "civil_society", _("Social organisation")


class UNRegionalGroup(models.TextChoices):
    """The five regional groups of UN member states (used by balanced decision rules)."""

    AFRICAN = "african", _("African Group")
    ASIA_PACIFIC = "asia_pacific", _("Asia-Pacific Group")
    EASTERN_EUROPEAN = "eastern_european", _("Eastern European Group")
    LATIN_AMERICAN_CARIBBEAN = "grulac", _("Latin American and Caribbean Group")
    WESTERN_EUROPEAN_OTHERS = "weog", _("Western European and Others Group")


class IncomeGroup(models.TextChoices):
    """World Bank income classification."""

    LOW = "L", _("Low income")
    LOWER_MIDDLE = "LM", _("Lower-middle income")
    UPPER_MIDDLE = "UM", _("Upper-middle income")
    HIGH = "H", _("High income")


class Country(models.Model):
    """A country or territory of ISO 3166-1 with its UN and World Bank groupings."""

    code = models.CharField(_("ISO 3166-1 alpha-2"), max_length=2, primary_key=True)
    alpha3 = models.CharField(_("ISO 3166-1 alpha-3"), max_length=3, unique=True)
    numeric = models.CharField(_("ISO 3166-1 numeric"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100)
    official_name = models.CharField(_("official name"), max_length=200, blank=True)
    region_code = models.CharField(_("M49 region"), max_length=3, blank=True)
    region = models.CharField(_("region"), max_length=60, blank=True)
    subregion_code = models.CharField(_("M49 sub-region"), max_length=3, blank=True)
    subregion = models.CharField(_("sub-region"), max_length=60, blank=True)
    un_member = models.BooleanField(_("UN member state"), default=False)
    un_regional_group = models.CharField(
        _("UN regional group"), max_length=20, choices=UNRegionalGroup.choices, blank=True
    )
    is_ldc = models.BooleanField(_("least developed country"), default=False)
    is_lldc = models.BooleanField(_("landlocked developing country"), default=False)
    is_sids = models.BooleanField(_("small island developing state"), default=False)
    income_group = models.CharField(
        _("income group"), max_length=2, choices=IncomeGroup.choices, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name

    @property
    def is_developing_priority(self) -> bool:
        """True for the UN's LDC, LLDC or SIDS lists (the developing-country safeguard)."""
        return self.is_ldc or self.is_lldc or self.is_sids


class User(AbstractUser):
    """A person. A citizen taking part on their own is a user with no organisation."""

    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(_("preferred language"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class Organisation(models.Model):
    """A stakeholder organisation with a type and a country."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    stakeholder_type = models.CharField(
        _("stakeholder type"), max_length=20, choices=StakeholderType.choices
    )
    country = models.ForeignKey(
        Country, verbose_name=_("country"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="organisations",
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """What a member may do in an organisation, in increasing order of power."""

    MEMBER = "member", _("Member")
    EDITOR = "editor", _("Editor")
    ADMIN = "admin", _("Administrator")


ROLE_RANK = {Role.MEMBER: 1, Role.EDITOR: 2, Role.ADMIN: 3}


class Membership(models.Model):
    """A user's role in an organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


class Invitation(models.Model):
    """An organisation admin's invitation to join, sent by e-mail with a one-time token."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class ApiToken(models.Model):
    """A personal API token. Only a hash is stored; the secret is shown once at creation."""

    READ = "read"
    WRITE = "write"
    SCOPES = (READ, WRITE)

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    def allows(self, scope: str) -> bool:
        """Write implies read."""
        return scope in self.scopes or (scope == self.READ and self.WRITE in self.scopes)


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an audit entry."""


class AuditEntry(models.Model):
    """One state change made through a service, chained by hash to the one before.

    Entries are never updated or deleted by the application; ``cybercommons audit verify``
    recomputes the chain and reports any entry edited or removed behind its back.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=80, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries cannot be deleted")

    def content(self) -> dict[str, Any]:
        """The fields covered by the hash."""
        return {
            "seq": self.seq,
            "created_at": self.created_at.isoformat(),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "data": self.data,
        }


class AuditHead(models.Model):
    """The last sequence number and hash, updated with each entry.

    Writers lock this single row, which serialises appends on every database and lets the
    verifier notice entries removed from the end of the chain.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"head #{self.seq}"


class Event(models.Model):
    """A record of something a module announced for others to act on (an outbox)."""

    name = models.CharField(max_length=100, db_index=True)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    source = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class Reference(models.Model):
    """A link from an object of one module to an object of another, by name only.

    Modules never import each other; they refer to each other's objects as
    ``(module, kind, key)`` triples, e.g. an economy project pointing at an infrastructure
    candidate project.
    """

    source_module = models.CharField(max_length=30)
    source_kind = models.CharField(max_length=50)
    source_key = models.CharField(max_length=100)
    target_module = models.CharField(max_length=30)
    target_kind = models.CharField(max_length=50)
    target_key = models.CharField(max_length=100)
    relation = models.CharField(max_length=50, default="related")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source_module", "source_kind", "source_key", "target_module",
                        "target_kind", "target_key", "relation"],
                name="unique_reference",
            )
        ]
        indexes = [
            models.Index(fields=["source_module", "source_kind", "source_key"]),
            models.Index(fields=["target_module", "target_kind", "target_key"]),
        ]

    def __str__(self) -> str:
        return (f"{self.source_module}.{self.source_kind}:{self.source_key} -{self.relation}-> "
                f"{self.target_module}.{self.target_kind}:{self.target_key}")


class Progress(models.Model):
    """How far a long piece of work has got; read by the progress bar in pages and the CLI."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    key = models.CharField(max_length=100, unique=True)
    label = models.CharField(max_length=200)
    owner = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    done = models.PositiveBigIntegerField(default=0)
    total = models.PositiveBigIntegerField(null=True, blank=True)
    message = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    FINISHED: ClassVar[set[str]] = {Status.DONE, Status.FAILED}

    def __str__(self) -> str:
        return f"{self.label}: {self.done}/{self.total or '?'}"

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, int(100 * self.done / self.total))
