"""Forms of the exchange pages (parsing only: the services check and write)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cybercommons.core.models import Country, Organisation
from cybercommons.exchange.kernel import licences
from cybercommons.exchange.models import (
    AgeRating,
    InstancePolicy,
    Outcome,
    Visibility,
    WorkKind,
)
from cybercommons.exchange.services import REPORT_REASONS


def licence_choices() -> list[tuple[str, str]]:
    return [(code, licence.label) for code, licence in licences.LICENCES.items()]


def language_choices() -> list[tuple[str, Any]]:
    return list(settings.LANGUAGES)


class WorkForm(forms.Form):
    organisation = forms.ModelChoiceField(Organisation.objects.none(),
                                          label=_("Contributing organisation"))
    kind = forms.ChoiceField(label=_("Type"), choices=WorkKind.choices)
    language = forms.ChoiceField(label=_("Language of the original"), choices=language_choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}),
                                  required=False,
                                  help_text=_("Simple formatting is kept; anything else is "
                                              "removed."))
    creator = forms.CharField(label=_("Creator"), max_length=200, required=False)
    creator_url = forms.URLField(label=_("Creator's address"), required=False,
                                 assume_scheme="https")
    source_url = forms.URLField(label=_("Source"), required=False, assume_scheme="https")
    licence = forms.ChoiceField(label=_("Licence"), choices=licence_choices)
    subjects = forms.CharField(label=_("Subjects"), required=False,
                               help_text=_("Separated by commas."))
    country = forms.ModelChoiceField(Country.objects.all(), label=_("Country"), required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    period = forms.CharField(label=_("Period"), max_length=100, required=False)
    year_start = forms.IntegerField(label=_("From year"), required=False,
                                    min_value=-10000, max_value=3000)
    year_end = forms.IntegerField(label=_("To year"), required=False,
                                  min_value=-10000, max_value=3000)
    age_rating = forms.ChoiceField(label=_("Age rating"), choices=AgeRating.choices)
    content_warning = forms.CharField(label=_("Content warning"), max_length=200,
                                      required=False)
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices)
    file = forms.FileField(label=_("File"), required=False)
    alt_text = forms.CharField(label=_("Text alternative of the image"), max_length=500,
                               required=False)
    publish = forms.BooleanField(label=_("Publish now"), required=False)

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class WorkEditForm(forms.Form):
    creator = forms.CharField(label=_("Creator"), max_length=200, required=False)
    licence = forms.ChoiceField(label=_("Licence"), choices=licence_choices)
    subjects = forms.CharField(label=_("Subjects"), required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    period = forms.CharField(label=_("Period"), max_length=100, required=False)
    age_rating = forms.ChoiceField(label=_("Age rating"), choices=AgeRating.choices)
    content_warning = forms.CharField(label=_("Content warning"), max_length=200,
                                      required=False)
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices)
    note = forms.CharField(label=_("What changed"), max_length=200, required=False)


class TranslationForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=language_choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}),
                                  required=False)
    translator = forms.CharField(label=_("Translator"), max_length=200)


class MediaForm(forms.Form):
    file = forms.FileField(label=_("File"))
    alt_text = forms.CharField(label=_("Text alternative of the image"), max_length=500,
                               required=False)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=[
        ("child_safety", _("Endangers children")), ("violence", _("Violence or threats")),
        ("harassment", _("Harassment")), ("copyright", _("Infringes copyright")),
        ("spam", _("Spam")), ("other", _("Something else"))])
    comment = forms.CharField(label=_("What is wrong"), widget=forms.Textarea(attrs={"rows": 3}),
                              required=False)

    def clean_reason(self) -> str:
        value = str(self.cleaned_data["reason"])
        assert value in REPORT_REASONS
        return value


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=Outcome.choices)
    reason = forms.CharField(label=_("Reason given to the author"),
                             widget=forms.Textarea(attrs={"rows": 3}))


class AppealForm(forms.Form):
    statement = forms.CharField(label=_("Why the decision should change"),
                                widget=forms.Textarea(attrs={"rows": 4}))


class HashListForm(forms.Form):
    name = forms.CharField(label=_("List name"), max_length=200)
    source = forms.CharField(label=_("Where the list comes from"), max_length=300,
                             required=False)
    file = forms.FileField(label=_("Hash list file (one PDQ hash a line, or CSV)"))


class InstanceForm(forms.Form):
    domain = forms.CharField(label=_("Server"), max_length=253)
    policy = forms.ChoiceField(label=_("Policy"), choices=InstancePolicy.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class FollowRemoteForm(forms.Form):
    organisation = forms.ModelChoiceField(Organisation.objects.none(),
                                          label=_("Organisation that follows"))
    actor = forms.URLField(label=_("Remote actor's address"), max_length=500,
                           assume_scheme="https",
                           help_text=_("For example https://example.org/users/alice"))

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class ExhibitionForm(forms.Form):
    organisation = forms.ModelChoiceField(Organisation.objects.none(), label=_("Organisation"))
    slug = forms.SlugField(label=_("Short name (in the address)"), max_length=80)
    language = forms.ChoiceField(label=_("Language"), choices=language_choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    introduction = forms.CharField(label=_("Introduction"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 4}))
    items = forms.CharField(
        label=_("Items, in order"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One a line: the address or identifier of a work, or text starting "
                    "with > for narrative between works."))
    publish = forms.BooleanField(label=_("Publish now"), required=False)

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    def parsed_items(self) -> list[dict[str, Any]]:
        """Lines become items; narrative lines attach to the next work."""
        import re

        items: list[dict[str, Any]] = []
        narrative: list[str] = []
        language = self.cleaned_data["language"]
        for line in (self.cleaned_data.get("items") or "").splitlines():
            line = line.strip()
            if not line:
                continue
            if line.startswith(">"):
                narrative.append(line[1:].strip())
                continue
            found = re.search(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                              r"[0-9a-fA-F]{12}", line)
            items.append({"work": found.group(0) if found else line,
                          "narrative": {language: "<p>" + "</p><p>".join(narrative) + "</p>"}
                          if narrative else {}})
            narrative = []
        if narrative:
            items.append({"narrative": {language: "<p>" + "</p><p>".join(narrative) + "</p>"}})
        return items


class ExhibitionTranslationForm(forms.Form):
    """One language of an exhibition; a narrative field per item that has narrative text."""

    language = forms.ChoiceField(label=_("Language"), choices=language_choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    introduction = forms.CharField(label=_("Introduction"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 4}))
    translator = forms.CharField(label=_("Translator"), max_length=200, required=False)
    is_machine_translation = forms.BooleanField(
        label=_("Machine translation (the translator is the engine)"), required=False)

    def __init__(self, *args: Any, positions: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.positions = list(positions)
        for position in self.positions:
            self.fields[f"narrative_{position}"] = forms.CharField(
                label=_("Text before item %(n)d") % {"n": position}, required=False,
                widget=forms.Textarea(attrs={"rows": 3}))

    def narratives(self) -> dict[int, str]:
        return {p: self.cleaned_data.get(f"narrative_{p}", "") for p in self.positions}
