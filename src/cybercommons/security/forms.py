"""Forms of the security pages; they turn input into STIX objects or service arguments."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cybercommons.core.models import Organisation
from cybercommons.security.kernel.stix_timestamps import format_stix_timestamp
from cybercommons.security.kernel.stix_validation import check_pattern
from cybercommons.security.kernel.tlp import Tlp, marking_id
from cybercommons.security.models import TLP_CHOICES, Collection, SharingGroup, Subscription

LABEL_HELP = _("Comma-separated, e.g. malicious-activity, phishing")


def _labels(text: str) -> list[str]:
    return [label.strip() for label in text.split(",") if label.strip()][:20]


class _Publish(forms.Form):
    """Where an object goes and under which level."""

    collection = forms.ModelChoiceField(queryset=Collection.objects.none(),
                                        label=_("Collection"))
    tlp = forms.ChoiceField(choices=TLP_CHOICES, initial="amber", label=_("TLP level"))
    labels = forms.CharField(required=False, max_length=500, label=_("Labels"),
                             help_text=LABEL_HELP)

    def __init__(self, *args: Any, collections: QuerySet[Collection], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collection"].queryset = collections  # type: ignore[attr-defined]

    def _common(self, kind: str) -> dict[str, Any]:
        now = format_stix_timestamp(datetime.now(UTC))
        obj: dict[str, Any] = {
            "type": kind, "spec_version": "2.1", "id": f"{kind}--{uuid.uuid4()}",
            "created": now, "modified": now,
            "object_marking_refs": [marking_id(Tlp(self.cleaned_data["tlp"]))],
        }
        labels = _labels(self.cleaned_data.get("labels") or "")
        if labels:
            obj["labels"] = labels
        return obj


class IndicatorForm(_Publish):
    name = forms.CharField(max_length=250, label=_("Name"))
    pattern = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
                              label=_("STIX pattern"),
                              help_text=_("e.g. [ipv4-addr:value = '192.0.2.10']"))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                  max_length=5000, label=_("Description"))
    valid_from = forms.DateTimeField(required=False, label=_("Valid from (UTC)"),
                                     help_text=_("Empty: now"))

    field_order = ["collection", "name", "pattern", "description", "valid_from", "tlp",
                   "labels"]

    def clean_pattern(self) -> str:
        pattern: str = self.cleaned_data["pattern"].strip()
        result = check_pattern(pattern)
        if not result.ok:
            raise forms.ValidationError(result.message)
        return pattern

    def to_stix(self) -> dict[str, Any]:
        obj = self._common("indicator")
        valid_from = self.cleaned_data.get("valid_from") or datetime.now(UTC)
        obj.update({"name": self.cleaned_data["name"], "pattern": self.cleaned_data["pattern"],
                    "pattern_type": "stix", "pattern_version": "2.1",
                    "valid_from": format_stix_timestamp(valid_from)})
        if self.cleaned_data.get("description"):
            obj["description"] = self.cleaned_data["description"]
        return obj


class ReportForm(_Publish):
    name = forms.CharField(max_length=250, label=_("Title"))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False,
                                  max_length=20000, label=_("Summary"))
    published = forms.DateTimeField(required=False, label=_("Published (UTC)"),
                                    help_text=_("Empty: now"))
    object_refs = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), label=_("Objects it covers"),
        help_text=_("STIX ids, one a line (e.g. indicator--…)"))

    field_order = ["collection", "name", "description", "published", "object_refs", "tlp",
                   "labels"]

    def clean_object_refs(self) -> list[str]:
        refs = [line.strip() for line in self.cleaned_data["object_refs"].splitlines()
                if line.strip()]
        if not refs:
            raise forms.ValidationError(_("Name at least one object."))
        return refs[:500]

    def to_stix(self) -> dict[str, Any]:
        obj = self._common("report")
        published = self.cleaned_data.get("published") or datetime.now(UTC)
        obj.update({"name": self.cleaned_data["name"],
                    "published": format_stix_timestamp(published),
                    "object_refs": self.cleaned_data["object_refs"]})
        if self.cleaned_data.get("description"):
            obj["description"] = self.cleaned_data["description"]
        return obj


class ApiRootForm(forms.Form):
    owner = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Owner"))
    title = forms.CharField(max_length=200, label=_("Title"))
    slug = forms.SlugField(max_length=80, required=False, label=_("Path segment"))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                  label=_("Description"))
    members = forms.ModelMultipleChoiceField(queryset=Organisation.objects.all(),
                                             required=False, label=_("Member organisations"))

    def __init__(self, *args: Any, owners: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class CollectionForm(forms.Form):
    owner = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Owner"))
    title = forms.CharField(max_length=200, label=_("Title"))
    alias = forms.SlugField(max_length=80, required=False, label=_("Alias"))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                  label=_("Description"))
    tlp = forms.ChoiceField(choices=TLP_CHOICES, initial="clear", label=_("Collection level"))
    default_tlp = forms.ChoiceField(choices=TLP_CHOICES, initial="amber",
                                    label=_("Level of unmarked objects"))
    public_read = forms.BooleanField(required=False, label=_("Anyone may read"))
    community_read = forms.BooleanField(required=False, initial=True,
                                        label=_("Every community member may read"))
    community_write = forms.BooleanField(required=False,
                                         label=_("Every community member may write"))

    def __init__(self, *args: Any, owners: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class GrantForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all(), required=False,
                                          label=_("Organisation"))
    sharing_group = forms.ModelChoiceField(queryset=SharingGroup.objects.all(),
                                           required=False, label=_("Sharing group"))
    can_read = forms.BooleanField(required=False, initial=True, label=_("May read"))
    can_write = forms.BooleanField(required=False, label=_("May write"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("organisation")) == bool(data.get("sharing_group")):
            raise forms.ValidationError(_("Choose one organisation or one sharing group."))
        return data


class SharingGroupForm(forms.Form):
    owner = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Owner"))
    name = forms.CharField(max_length=200, label=_("Name"))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                  label=_("Description"))
    members = forms.ModelMultipleChoiceField(queryset=Organisation.objects.all(),
                                             required=False, label=_("Member organisations"))

    def __init__(self, *args: Any, owners: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class SubscriptionForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(),
                                          label=_("For organisation"))
    name = forms.CharField(max_length=200, label=_("Name"))
    direction = forms.ChoiceField(choices=Subscription.Direction.choices, label=_("Direction"))
    local_collection = forms.ModelChoiceField(queryset=Collection.objects.none(),
                                              label=_("Local collection"))
    remote_collection_url = forms.URLField(max_length=500, assume_scheme="https",
                                           label=_("Remote collection URL"),
                                           help_text=_("…/taxii2/<api root>/collections/<id>/"))
    remote_username = forms.CharField(max_length=150, required=False,
                                      label=_("Remote user name"),
                                      help_text=_("Empty with a token below"))
    remote_secret = forms.CharField(max_length=300, required=False,
                                    widget=forms.PasswordInput(render_value=False),
                                    label=_("Password or token"),
                                    help_text=_("Stored encrypted and never shown again"))

    def __init__(self, *args: Any, organisations: QuerySet[Organisation],
                 collections: QuerySet[Collection], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["local_collection"].queryset = collections  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    collection = forms.ModelChoiceField(queryset=Collection.objects.none(),
                                        label=_("Into collection"))
    kind = forms.ChoiceField(choices=[("stix", _("STIX 2.1 bundle (JSON)")),
                                      ("misp", _("MISP event (JSON)")),
                                      ("csv", _("CSV of indicators"))], label=_("Format"))
    file = forms.FileField(label=_("File"), required=False)
    url = forms.URLField(label=_("Or a URL"), required=False, max_length=2000,
                         assume_scheme="https",
                         help_text=_("A document at an http(s) address, fetched in the background"))

    def __init__(self, *args: Any, collections: QuerySet[Collection], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collection"].queryset = collections  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("file")) == bool(data.get("url")):
            raise forms.ValidationError(_("Give either a file or a URL."))
        return data
