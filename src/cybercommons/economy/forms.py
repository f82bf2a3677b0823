"""Forms of the economy pages: they parse text; services validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cybercommons.core.models import Country, Organisation
from cybercommons.economy.importers.formats import ImportKind
from cybercommons.economy.models import FunderType, Project, Visibility

LIST_HELP = _("Separate items with commas.")


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Format"), choices=[(k.value, k.value) for k in ImportKind])
    file = forms.FileField(label=_("File"))
    column_map = forms.CharField(
        label=_("Column map (plain CSV only)"), required=False, widget=forms.Textarea(
            attrs={"rows": 3}),
        help_text=_('JSON, e.g. {"geo": "iso3", "year": "year", "value": "value", '
                    '"indicator": "MY.CODE"}'))


class IndexForm(forms.Form):
    """An index written as lines, one pillar or indicator per line, fields separated by |."""

    code = forms.SlugField(label=_("Code"), max_length=60)
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    pillars = forms.CharField(
        label=_("Pillars"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: code | label | weight. Weights must add up to 1."))
    indicators = forms.CharField(
        label=_("Indicators"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One per line: code | pillar | weight in pillar | best | worst "
                    "[| lower]. Best scores 100, worst 0; add 'lower' for prices."))
    min_pillar_share = forms.FloatField(label=_("Minimum share of a pillar's weight with "
                                                "data"), initial=0.5, min_value=0.01,
                                        max_value=1)

    def definition(self) -> dict[str, Any]:
        """The plain-data definition the kernel validates (errors are the kernel's)."""
        data = self.cleaned_data
        pillars = []
        for line in _lines(data["pillars"]):
            parts = [*line, "", ""]
            pillars.append({"code": parts[0], "label": parts[1] or parts[0],
                            "weight": _number(parts[2])})
        indicators = []
        for line in _lines(data["indicators"]):
            parts = [*line, "", "", "", "", ""]
            indicators.append({
                "code": parts[0], "label": parts[0], "pillar": parts[1],
                "weight": _number(parts[2]), "best": _number(parts[3]),
                "worst": _number(parts[4]),
                "direction": "lower" if parts[5].lower().startswith("lower") else "higher",
            })
        return {"code": data["code"], "name": data["name"],
                "description": data.get("description", ""), "pillars": pillars,
                "indicators": indicators,
                "missing": {"min_pillar_share": data["min_pillar_share"],
                            "require_all_pillars": True}}


def _lines(text: str) -> list[list[str]]:
    return [[part.strip() for part in line.split("|")] for line in text.splitlines()
            if line.strip()]


def _number(text: str) -> float | str | None:
    # Left as text when it is not a number, so the kernel names the problem.
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return text


class OrganisationChoiceMixin(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"),
                                          queryset=Organisation.objects.none())

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        else:
            del self.fields["organisation"]


class ProjectForm(OrganisationChoiceMixin):
    name = forms.CharField(label=_("Name"), max_length=200)
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.all())
    sectors = forms.CharField(label=_("Sectors"), required=False, help_text=LIST_HELP)
    sdg_targets = forms.CharField(label=_("SDG targets"), required=False,
                                  help_text=_("For example 9.c, 17.6"))
    accepts = forms.MultipleChoiceField(label=_("Funder types sought"), required=False,
                                        choices=FunderType.choices,
                                        widget=forms.CheckboxSelectMultiple)
    summary = forms.CharField(label=_("Summary"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(label=_("Status"), choices=Project.Status.choices)
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices)
    budget_usd = forms.DecimalField(label=_("Budget (US$, private)"), required=False,
                                    min_value=0)
    ask_usd = forms.DecimalField(label=_("Amount sought (US$, private)"), required=False,
                                 min_value=0)
    needs = forms.CharField(label=_("What the project needs (private)"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    contact = forms.CharField(label=_("Contact (private)"), required=False, max_length=200)


class FunderForm(OrganisationChoiceMixin):
    name = forms.CharField(label=_("Name"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=FunderType.choices)
    sectors = forms.CharField(label=_("Sectors funded"), required=False, help_text=LIST_HELP)
    sdg_targets = forms.CharField(label=_("SDG targets"), required=False, help_text=LIST_HELP)
    countries = forms.CharField(label=_("Countries (ISO alpha-2)"), required=False,
                                help_text=_("Empty: anywhere."))
    regions = forms.CharField(label=_("Regions and groups"), required=False,
                              help_text=_("M49:202, LDC, LLDC, SIDS, LIC, LMC, UMC, HIC"))
    excluded = forms.CharField(label=_("Excluded countries"), required=False)
    ticket_min_usd = forms.DecimalField(label=_("Smallest ticket (US$)"), required=False,
                                        min_value=0)
    ticket_max_usd = forms.DecimalField(label=_("Largest ticket (US$)"), required=False,
                                        min_value=0)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    notes = forms.CharField(label=_("Internal criteria (private)"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices)


class InterestForm(forms.Form):
    project = forms.IntegerField(widget=forms.HiddenInput)
    funder = forms.IntegerField(widget=forms.HiddenInput)
    message = forms.CharField(label=_("Message"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class LinkForm(forms.Form):
    key = forms.CharField(label=_("Infrastructure candidate project key"), max_length=100)
