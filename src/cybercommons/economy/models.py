"""Persistence of the economy module: indicators and their observations, imports, composite
index definitions, projects, funders and the expressions of interest between them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cybercommons.core.models import Country, Organisation


class GeoKind(models.TextChoices):
    """What a stored place is; only countries enter rankings and maps."""

    COUNTRY = "country", _("Country")
    AGGREGATE = "aggregate", _("Aggregate (region, income group…)")
    UNKNOWN = "unknown", _("Unrecognised place")


class Indicator(models.Model):
    """A statistical series such as ``IT.NET.USER.ZS`` (Internet users, % of population)."""

    code = models.CharField(_("code"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    valid_min = models.FloatField(_("lowest valid value"), null=True, blank=True)
    valid_max = models.FloatField(_("highest valid value"), null=True, blank=True)
    sdg_indicator = models.CharField(_("SDG indicator"), max_length=20, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class Observation(models.Model):
    """One value of one indicator for one place, year and breakdown.

    ``geo`` is the ISO alpha-3 code of a country or the source's code of an aggregate
    (``WLD``, ``M49:419``); ``country`` is set for countries known to core. The breakdown
    (``{"sex": "female"}``) is stored as JSON and as a canonical key so that the total and
    each breakdown are unique per indicator, place and year.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE,
                                  related_name="observations")
    geo = models.CharField(_("place code"), max_length=60)
    geo_kind = models.CharField(_("kind of place"), max_length=10, choices=GeoKind.choices)
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    year = models.SmallIntegerField(_("year"))
    value = models.FloatField(_("value"))
    breakdown = models.JSONField(_("breakdown"), default=dict, blank=True)
    breakdown_key = models.CharField(max_length=200, blank=True, default="")
    note = models.CharField(_("note"), max_length=300, blank=True)
    source_file = models.CharField(_("source file"), max_length=300, blank=True)

    class Meta:
        ordering = ["indicator", "geo", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "geo", "year", "breakdown_key"],
                                    name="economy_one_value_per_cell"),
        ]
        indexes = [
            models.Index(fields=["indicator", "year"]),
            models.Index(fields=["country", "indicator"]),
        ]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.geo} {self.year}: {self.value}"


class ImportRun(models.Model):
    """One file imported: what kind, by whom, and its per-file report."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("format"), max_length=20)
    file_name = models.CharField(_("file"), max_length=300)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    rows_written = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.status})"


class IndexDefinition(models.Model):
    """A composite index stored as the kernel's plain-data form, validated by the kernel."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    definition = models.JSONField(_("definition"))
    built_in = models.BooleanField(_("built in"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-built_in", "name"]
        verbose_name = _("index definition")
        verbose_name_plural = _("index definitions")

    def __str__(self) -> str:
        return self.name


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public: listed for everyone (private fields stay private)")
    PRIVATE = "private", _("Private: only your organisation and parties to an interest")


class FunderType(models.TextChoices):
    DEVELOPMENT_BANK = "development_bank", _("Development bank")
    GOVERNMENT = "government", _("Government")
    COMPANY = "company", _("Company")
    FOUNDATION = "foundation", _("Foundation")
    VENTURE = "venture", _("Venture investor")


class Project(models.Model):
    """A digital-development project seeking funds.

    Public fields: name, country, sector, SDG targets, status, summary. Private fields
    (``budget_usd``, ``ask_usd``, ``needs``, ``contact``) are shown only to the owning
    organisation and to funders that are party to an expression of interest.
    """

    class Status(models.TextChoices):
        IDEA = "idea", _("Idea")
        PREPARATION = "preparation", _("In preparation")
        SEEKING = "seeking", _("Seeking funding")
        FUNDED = "funded", _("Funded")
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="economy_projects")
    name = models.CharField(_("name"), max_length=200)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    sdg_targets = models.JSONField(_("SDG targets"), default=list, blank=True)
    accepts = models.JSONField(_("funder types sought"), default=list, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.SEEKING)
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices,
                                  default=Visibility.PUBLIC)
    budget_usd = models.DecimalField(_("budget (US$)"), max_digits=16, decimal_places=2,
                                     null=True, blank=True)
    ask_usd = models.DecimalField(_("amount sought (US$)"), max_digits=16, decimal_places=2,
                                  null=True, blank=True)
    needs = models.TextField(_("what the project needs"), blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    PRIVATE_FIELDS = ("budget_usd", "ask_usd", "needs", "contact")

    class Meta:
        ordering = ["name"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.name


class Funder(models.Model):
    """An organisation's funding profile: what, where and how much it funds.

    ``notes`` (its internal criteria) is private to the organisation and to projects party
    to an expression of interest.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="economy_funders")
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=FunderType.choices)
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    sdg_targets = models.JSONField(_("SDG targets"), default=list, blank=True)
    countries = models.JSONField(_("countries (ISO alpha-2)"), default=list, blank=True)
    regions = models.JSONField(_("regions and groups"), default=list, blank=True)
    excluded = models.JSONField(_("excluded countries"), default=list, blank=True)
    ticket_min_usd = models.DecimalField(_("smallest ticket (US$)"), max_digits=16,
                                         decimal_places=2, null=True, blank=True)
    ticket_max_usd = models.DecimalField(_("largest ticket (US$)"), max_digits=16,
                                         decimal_places=2, null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    notes = models.TextField(_("internal criteria"), blank=True)
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices,
                                  default=Visibility.PUBLIC)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    PRIVATE_FIELDS = ("notes",)

    class Meta:
        ordering = ["name"]
        verbose_name = _("funder")
        verbose_name_plural = _("funders")

    def __str__(self) -> str:
        return self.name


class ExpressionOfInterest(models.Model):
    """One side telling the other it is interested; visible only to the two parties."""

    class Direction(models.TextChoices):
        FUNDER_TO_PROJECT = "funder_to_project", _("Funder to project")
        PROJECT_TO_FUNDER = "project_to_funder", _("Project to funder")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="interests")
    funder = models.ForeignKey(Funder, on_delete=models.CASCADE, related_name="interests")
    direction = models.CharField(max_length=20, choices=Direction.choices)
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    score = models.FloatField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "funder", "direction"],
                                    name="economy_one_interest_per_direction"),
        ]
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")

    def __str__(self) -> str:
        return f"{self.funder} ↔ {self.project} ({self.status})"
