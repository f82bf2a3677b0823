"""Forms of core's pages. They only parse; services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cybercommons.core.models import Country, Role, StakeholderType


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    stakeholder_type = forms.ChoiceField(label=_("Stakeholder type"),
                                         choices=StakeholderType.choices)
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.all(),
                                     required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}),
                                  required=False, max_length=5000)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, required=False)
    remove = forms.BooleanField(required=False)
