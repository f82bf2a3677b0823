"""Forms of the infrastructure pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cybercommons.infrastructure.kernel.events import NAMED_REGIONS
from cybercommons.infrastructure.models import CandidateProject

LEVEL_CHOICES = [("cable", _("Cable level: a damaged cable fails as a whole")),
                 ("segment", _("Segment level: only the damaged stretches fail"))]
IMPORT_CHOICES = [
    ("telegeography-v3", _("TeleGeography API v3 folder (path on the server)")),
    ("telegeography-v2", _("TeleGeography API v2 folder (path on the server)")),
    ("peeringdb", _("PeeringDB JSON export")),
    ("geojson", _("Terrestrial links, GeoJSON")),
    ("csv", _("Terrestrial links, CSV")),
    ("population", _("Population CSV (country code, population, year)")),
    ("tle", _("Satellite orbital elements (TLE)")),
    ("ground-stations", _("Satellite ground stations, CSV")),
]


class ScenarioForm(forms.Form):
    kind = forms.ChoiceField(label=_("What fails"), choices=[
        ("cut", _("Chosen cables or landing stations")),
        ("region", _("Everything crossing a region")),
        ("storm", _("Geomagnetic storm (Monte-Carlo)")),
    ])
    cables = forms.CharField(label=_("Cables (names or ids, comma-separated)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    stations = forms.CharField(label=_("Landing station ids (comma-separated)"), required=False)
    region = forms.ChoiceField(label=_("Named region"), required=False, choices=[
        ("", "—"), *sorted((k, r.name) for k, r in NAMED_REGIONS.items())])
    bbox = forms.CharField(label=_("Or a box: west, south, east, north (degrees)"),
                           required=False)
    level = forms.ChoiceField(label=_("Failure mode"), choices=LEVEL_CHOICES, initial="cable")
    bands = forms.CharField(
        label=_("Storm bands: min |lat|, max |lat|, repeater failure probability; one per line"),
        required=False, initial="40, 60, 0.001\n60, 90, 0.01",
        widget=forms.Textarea(attrs={"rows": 3}))
    spacing_km = forms.FloatField(label=_("Repeater spacing (km)"), initial=70.0,
                                  required=False)
    trials = forms.IntegerField(label=_("Trials"), initial=1000, required=False)
    seed = forms.IntegerField(label=_("Random seed"), initial=0, required=False)
    title = forms.CharField(label=_("Title (to save the scenario)"), required=False,
                            max_length=200)
    save = forms.BooleanField(label=_("Save this scenario"), required=False)
    is_public = forms.BooleanField(label=_("Anyone may see it"), required=False)

    def parameters(self) -> dict[str, object]:
        """The scenario parameters in the JSON form the services take."""
        data = self.cleaned_data
        kind = data["kind"]
        if kind == "cut":
            return {"cables": data["cables"], "stations": data["stations"],
                    "level": data["level"]}
        if kind == "region":
            params: dict[str, object] = {"level": data["level"]}
            if data["region"]:
                params["region"] = data["region"]
            elif data["bbox"]:
                params["bbox"] = [v.strip() for v in data["bbox"].split(",")]
            return params
        bands = [[v.strip() for v in line.split(",")]
                 for line in (data["bands"] or "").splitlines() if line.strip()]
        return {"bands": bands or None, "spacing_km": data["spacing_km"] or 70.0,
                "trials": data["trials"] or 1000, "seed": data["seed"] or 0,
                "level": data["level"]}


class CandidateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=CandidateProject.Kind.choices)
    cost = forms.FloatField(label=_("Cost (million USD)"), min_value=0.001)
    endpoints = forms.CharField(
        label=_("Links: country codes or lp:<landing point id>, comma-separated (a cable's "
                "ends; a terrestrial link's two countries; a ground station's country; a "
                "branch's landing)"))
    trunk = forms.CharField(label=_("Trunk cable id (branches only)"), required=False)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    is_public = forms.BooleanField(label=_("Anyone may see it"), required=False)

    def links(self) -> dict[str, object]:
        ends = [e.strip() for e in self.cleaned_data["endpoints"].split(",") if e.strip()]
        kind = self.cleaned_data["kind"]
        if kind == CandidateProject.Kind.CABLE:
            return {"endpoints": ends}
        if kind == CandidateProject.Kind.BRANCH:
            return {"landing": ends[0] if ends else "", "trunk": self.cleaned_data["trunk"]}
        if kind == CandidateProject.Kind.TERRESTRIAL:
            return {"a": ends[0] if ends else "", "b": ends[1] if len(ends) > 1 else ""}
        return {"country": ends[0] if ends else ""}


class PlanForm(forms.Form):
    budget = forms.FloatField(label=_("Budget (million USD)"), min_value=0)
    objective = forms.ChoiceField(label=_("Maximise"), choices=[
        ("capped_min_cut", _("Resilience gain (sum of min-cuts, capped at 3)")),
        ("population_out_of_spof", _("Population moved out of single-cable dependence")),
    ])
    is_public = forms.BooleanField(label=_("Anyone may see the plan"), required=False)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Format"), choices=IMPORT_CHOICES)
    file = forms.FileField(label=_("File"), required=False)
    path = forms.CharField(label=_("Or a folder on the server"), required=False, max_length=500)
    dataset = forms.CharField(label=_("Dataset short name (optional)"), required=False,
                              max_length=80)
    constellation = forms.CharField(label=_("Constellation (TLE files)"), required=False,
                                    max_length=200)


class SegmentForm(forms.Form):
    end_a = forms.CharField(label=_("First end"), max_length=160)
    end_b = forms.CharField(label=_("Second end"), max_length=160)


class SegmentAddForm(SegmentForm):
    length_km = forms.FloatField(label=_("Length (km)"), required=False, min_value=0,
                                 max_value=50_000)


class VisibilityForm(forms.Form):
    min_elevation = forms.FloatField(label=_("Minimum elevation (degrees)"), required=False,
                                     min_value=0, max_value=90, initial=25)
    at = forms.DateTimeField(label=_("At (UTC, empty for now)"), required=False,
                             help_text=_("For example 2024-03-01 12:00"))
