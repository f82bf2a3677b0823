"""Persistence of the infrastructure module: the network, its sources, scenarios and plans."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cybercommons.core.models import Country


class Dataset(models.Model):
    """One imported source of network data (a TeleGeography snapshot, a sample, a file).

    ``revision`` goes up with every import or edit, so cached analyses know when they are
    stale. The analysis pages read the active dataset.
    """

    class Kind(models.TextChoices):
        TELEGEOGRAPHY_V3 = "telegeography-v3", _("TeleGeography API v3")
        TELEGEOGRAPHY_V2 = "telegeography-v2", _("TeleGeography API v2")
        SAMPLE = "sample", _("Sample written by the project")
        FILE = "file", _("Imported file")

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=500, blank=True)
    licence = models.CharField(_("licence"), max_length=100, blank=True)
    creation_time = models.CharField(_("source creation time"), max_length=40, blank=True)
    is_active = models.BooleanField(_("used for analysis"), default=False)
    # Countries taken as the global core; empty means the kernel's default choice (the
    # countries reached by the most international cables).
    hubs = models.JSONField(_("core countries"), default=list, blank=True)
    revision = models.PositiveIntegerField(default=0)
    analysis = models.JSONField(default=dict, blank=True)
    analysis_revision = models.IntegerField(default=-1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_active", "name"]
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")

    def __str__(self) -> str:
        return self.name


class Cable(models.Model):
    """A submarine cable system as its source describes it."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="cables")
    source_id = models.CharField(_("source id"), max_length=120)
    name = models.CharField(_("name"), max_length=300)
    owners = models.JSONField(_("owners"), default=list, blank=True)
    suppliers = models.JSONField(_("suppliers"), default=list, blank=True)
    length_km = models.FloatField(_("length (km)"), null=True, blank=True)
    rfs_year = models.PositiveSmallIntegerField(_("ready for service"), null=True, blank=True)
    is_planned = models.BooleanField(_("planned"), default=False)
    # GeoJSON MultiLineString coordinates: a list of lines of [lon, lat] positions.
    route = models.JSONField(_("route"), default=list, blank=True)
    url = models.URLField(_("web site"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["dataset", "source_id"],
                                               name="infra_cable_unique_source_id")]
        verbose_name = _("cable")
        verbose_name_plural = _("cables")

    def __str__(self) -> str:
        return self.name


class LandingPoint(models.Model):
    """Where cables come ashore; the raw country name is kept beside the resolved country."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE,
                                related_name="landing_points")
    source_id = models.CharField(_("source id"), max_length=120)
    name = models.CharField(_("name"), max_length=300)
    country = models.ForeignKey(Country, verbose_name=_("country"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    raw_country = models.CharField(_("country as written in the source"), max_length=200,
                                   blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    is_tbd = models.BooleanField(_("location to be decided"), default=False)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["dataset", "source_id"],
                                               name="infra_lp_unique_source_id")]
        verbose_name = _("landing point")
        verbose_name_plural = _("landing points")

    def __str__(self) -> str:
        return self.name


class CableLanding(models.Model):
    """A cable landing at a landing point, tied to the junction of its route it joins."""

    cable = models.ForeignKey(Cable, on_delete=models.CASCADE, related_name="landings")
    landing_point = models.ForeignKey(LandingPoint, on_delete=models.CASCADE,
                                      related_name="landings")
    junction = models.CharField(_("junction"), max_length=160, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cable", "landing_point"],
                                               name="infra_one_landing_per_cable_point")]

    def __str__(self) -> str:
        return f"{self.cable} @ {self.landing_point}"


class Segment(models.Model):
    """A stretch of a cable between two junctions (landing ties or branching units).

    Inferred from the drawn route when the cable is imported; a person may correct the
    ends, after which ``inferred`` is false and re-inference leaves the cable alone.
    """

    cable = models.ForeignKey(Cable, on_delete=models.CASCADE, related_name="segments")
    key = models.CharField(max_length=160)
    end_a = models.CharField(_("first end"), max_length=160)
    end_b = models.CharField(_("second end"), max_length=160)
    length_km = models.FloatField(_("length (km)"), null=True, blank=True)
    route = models.JSONField(default=list, blank=True)
    inferred = models.BooleanField(_("inferred from the route"), default=True)

    class Meta:
        ordering = ["cable", "key"]
        constraints = [models.UniqueConstraint(fields=["cable", "key"],
                                               name="infra_segment_unique_key")]

    def __str__(self) -> str:
        return f"{self.cable}: {self.end_a} – {self.end_b}"


class TerrestrialLink(models.Model):
    """A land link between two countries (optionally between two landing points)."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE,
                                related_name="terrestrial_links")
    source_id = models.CharField(_("source id"), max_length=120)
    name = models.CharField(_("name"), max_length=300, blank=True)
    country_a = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    country_b = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    landing_point_a = models.ForeignKey(LandingPoint, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    landing_point_b = models.ForeignKey(LandingPoint, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    capacity_gbps = models.FloatField(_("capacity (Gbit/s)"), null=True, blank=True)
    route = models.JSONField(default=list, blank=True)
    is_planned = models.BooleanField(_("planned"), default=False)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["dataset", "source_id"],
                                               name="infra_link_unique_source_id")]

    def __str__(self) -> str:
        return self.name or f"{self.country_a_id}–{self.country_b_id}"


class Facility(models.Model):
    """A colocation facility (PeeringDB ``fac``)."""

    source_id = models.CharField(max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    city = models.CharField(_("city"), max_length=200, blank=True)
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    raw_country = models.CharField(max_length=100, blank=True)
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    website = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("facilities")

    def __str__(self) -> str:
        return self.name


class IXP(models.Model):
    """An Internet exchange point (PeeringDB ``ix``) and the facilities it is present in."""

    source_id = models.CharField(max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    name_long = models.CharField(_("full name"), max_length=500, blank=True)
    city = models.CharField(_("city"), max_length=200, blank=True)
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    raw_country = models.CharField(max_length=100, blank=True)
    website = models.URLField(max_length=500, blank=True)
    facilities = models.ManyToManyField(Facility, blank=True, related_name="ixps")

    class Meta:
        ordering = ["name"]
        verbose_name = _("Internet exchange point")

    def __str__(self) -> str:
        return self.name


class SatelliteConstellation(models.Model):
    """A satellite constellation whose ground stations give countries another path out."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    operator = models.CharField(_("operator"), max_length=200, blank=True)

    def __str__(self) -> str:
        return self.name


class Satellite(models.Model):
    """One satellite's orbital elements as a two-line element set."""

    constellation = models.ForeignKey(SatelliteConstellation, on_delete=models.CASCADE,
                                      related_name="satellites")
    norad_id = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=200)
    tle_line1 = models.CharField(max_length=80)
    tle_line2 = models.CharField(max_length=80)

    def __str__(self) -> str:
        return self.name


class GroundStation(models.Model):
    """A gateway joining a constellation to the terrestrial Internet in one country."""

    constellation = models.ForeignKey(SatelliteConstellation, on_delete=models.CASCADE,
                                      related_name="ground_stations")
    name = models.CharField(_("name"), max_length=200)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class UnresolvedName(models.Model):
    """A country name no rule could map to ISO 3166-1, kept with its record for review."""

    dataset = models.ForeignKey(Dataset, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="unresolved_names")
    source_name = models.CharField(max_length=200)
    place = models.CharField(max_length=300, blank=True)
    record_type = models.CharField(max_length=40)
    record_id = models.CharField(max_length=160)
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["source_name"]
        constraints = [models.UniqueConstraint(
            fields=["dataset", "record_type", "record_id", "source_name"],
            name="infra_unresolved_once_per_record")]

    def __str__(self) -> str:
        return f"{self.source_name} ({self.record_type} {self.record_id})"


class Population(models.Model):
    """Population of a country, for the 'population affected' of scenarios and plans."""

    country = models.OneToOneField(Country, primary_key=True, on_delete=models.CASCADE,
                                   related_name="+")
    population = models.PositiveBigIntegerField(_("population"))
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.country_id}: {self.population}"


class ImportRun(models.Model):
    """The report of one import: counts and the first per-record problems."""

    class Status(models.TextChoices):
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=30)
    path = models.CharField(max_length=500)
    dataset = models.ForeignKey(Dataset, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="imports")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DONE)
    counts = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.path}"


class Scenario(models.Model):
    """A saved failure scenario: what was cut and what it did; private unless public."""

    class Kind(models.TextChoices):
        CUT = "cut", _("Chosen cables or landing stations")
        REGION = "region", _("Everything crossing a region")
        READY = "ready", _("A real event from the record")
        STORM = "storm", _("Geomagnetic storm (Monte-Carlo)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parameters = models.JSONField(_("parameters"), default=dict)
    results = models.JSONField(_("results"), default=dict)
    dataset = models.ForeignKey(Dataset, null=True, on_delete=models.SET_NULL,
                                related_name="scenarios")
    dataset_revision = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                   related_name="+")
    is_public = models.BooleanField(_("public"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("scenario")

    def __str__(self) -> str:
        return self.title


class CandidateProject(models.Model):
    """A project a funder could pay for, with its cost and the links it would add.

    ``links`` holds the endpoints: ``{"endpoints": [...]}`` for a cable (country codes or
    ``lp:<id>``), ``{"landing": ..., "trunk": <cable source id>}`` for a branch,
    ``{"a": "FJ", "b": "TO"}`` for a terrestrial link, ``{"country": "TO"}`` for a ground
    station.
    """

    class Kind(models.TextChoices):
        CABLE = "cable", _("New cable")
        BRANCH = "branch", _("Branch onto an existing cable")
        TERRESTRIAL = "terrestrial", _("Terrestrial link")
        GROUND_STATION = "ground_station", _("Satellite ground station")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    cost = models.FloatField(_("cost (million USD)"))
    links = models.JSONField(_("links added"), default=dict)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="+")
    is_public = models.BooleanField(_("public"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def countries(self) -> list[str]:
        """The country codes named by the links (for display)."""
        links: dict[str, Any] = self.links or {}
        values = [*links.get("endpoints", []), links.get("a"), links.get("b"),
                  links.get("country"), links.get("landing")]
        return [v for v in values if isinstance(v, str) and len(v) == 2]


class PlannerRun(models.Model):
    """One run of the investment planner: inputs and the chosen set with marginal values."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    budget = models.FloatField(_("budget (million USD)"))
    objective = models.CharField(_("objective"), max_length=40)
    candidate_ids = models.JSONField(default=list)
    result = models.JSONField(default=dict)
    dataset = models.ForeignKey(Dataset, null=True, on_delete=models.SET_NULL,
                                related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                   related_name="+")
    is_public = models.BooleanField(_("public"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"plan {self.public_id}"
