"""Forms of the governance pages. They only parse; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cybercommons.core.models import Organisation, StakeholderType, UNRegionalGroup
from cybercommons.governance.models import (
    INDIVIDUAL,
    Ballot,
    DecisionRule,
    Phase,
    TranslationStatus,
    Visibility,
    VoteValue,
)

GROUP_CHOICES = [*StakeholderType.choices, (INDIVIDUAL, _("Individual citizens"))]


class ProcessForm(forms.Form):
    convenor = forms.ModelChoiceField(label=_("Convening organisation"),
                                      queryset=Organisation.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(label=_("Short name (in the address)"), max_length=80,
                           required=False)
    summary = forms.CharField(label=_("Summary"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices)
    invited_groups = forms.MultipleChoiceField(
        label=_("Invited stakeholder groups (none chosen: all)"), choices=GROUP_CHOICES,
        required=False, widget=forms.CheckboxSelectMultiple)
    invited_regions = forms.MultipleChoiceField(
        label=_("Invited UN regional groups (none chosen: all)"),
        choices=UNRegionalGroup.choices, required=False, widget=forms.CheckboxSelectMultiple)
    invited_countries = forms.CharField(
        label=_("Invited countries (ISO codes separated by spaces)"), required=False)
    decision_rule = forms.ChoiceField(label=_("Decision rule"), choices=DecisionRule.choices)
    threshold = forms.CharField(label=_("Qualified-majority share"), initial="2/3",
                                max_length=20)
    options = forms.CharField(label=_("Options, one a line (ranked-choice rules)"),
                              required=False, widget=forms.Textarea(attrs={"rows": 3}))
    draft = forms.CharField(
        label=_("First draft: Markdown, each section starting with a line '## Heading'"),
        widget=forms.Textarea(attrs={"rows": 12}))

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["convenor"].queryset = organisations  # type: ignore[attr-defined]


def split_sections(text: str) -> list[tuple[str, str, str]]:
    """Markdown with '## Heading' lines as (key, heading, body) sections."""
    sections: list[tuple[str, str, str]] = []
    heading: str | None = None
    body: list[str] = []
    for line in text.splitlines():
        if line.startswith("## "):
            if heading is not None:
                sections.append(("", heading, "\n".join(body).strip()))
            heading, body = line[3:].strip(), []
        else:
            body.append(line)
    if heading is not None:
        sections.append(("", heading, "\n".join(body).strip()))
    elif "".join(body).strip():
        sections.append(("text", str(_("Text")), "\n".join(body).strip()))
    return sections


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(label=_("Move to phase"), choices=Phase.choices)
    note = forms.CharField(label=_("Note for the record"), required=False, max_length=500)


class ScheduleForm(forms.Form):
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices)
    starts_on = forms.DateField(label=_("Starts (YYYY-MM-DD)"), required=False)
    ends_on = forms.DateField(label=_("Ends (YYYY-MM-DD)"), required=False)


class TranslationForm(forms.Form):
    """Status plus a heading and a text field per section of the version."""

    status = forms.ChoiceField(label=_("Status"), choices=TranslationStatus.choices)

    def __init__(self, *args: Any, sections: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.section_keys = []
        for section in sections:
            self.section_keys.append(section.key)
            self.fields[f"heading-{section.key}"] = forms.CharField(
                label=_("Heading: %s") % section.heading, required=False, max_length=200)
            self.fields[f"body-{section.key}"] = forms.CharField(
                label=_("Text: %s") % section.heading, required=False,
                widget=forms.Textarea(attrs={"rows": 4}))

    def translated_sections(self) -> dict[str, dict[str, str]]:
        out = {}
        for key in self.section_keys:
            heading = self.cleaned_data.get(f"heading-{key}", "").strip()
            body = self.cleaned_data.get(f"body-{key}", "").strip()
            if heading or body:
                out[key] = {"heading": heading, "body": body}
        return out


class CommentForm(forms.Form):
    section = forms.CharField(widget=forms.HiddenInput)
    quote = forms.CharField(label=_("Passage you comment on (optional, copied from the text)"),
                            required=False, max_length=2000)
    body = forms.CharField(label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=10000)


class AmendmentForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    proposed_text = forms.CharField(label=_("Proposed text (Markdown)"),
                                    widget=forms.Textarea(attrs={"rows": 10}))
    rationale = forms.CharField(label=_("Why this change"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class AmendmentDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[
        ("accept", _("Accept")), ("reject", _("Reject")), ("merge", _("Merge into a new version"))])
    reason = forms.CharField(label=_("Reason (required to reject)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class StatementForm(forms.Form):
    text = forms.CharField(label=_("Your statement"), max_length=400,
                           widget=forms.Textarea(attrs={"rows": 2}))


class VoteForm(forms.Form):
    value = forms.TypedChoiceField(choices=VoteValue.choices, coerce=int)


class BallotForm(forms.Form):
    choice = forms.ChoiceField(label=_("Your vote"), choices=Ballot.Choice.choices,
                               widget=forms.RadioSelect, required=False)
    reason = forms.CharField(label=_("Reason (under consensus, a 'no' with a reason is a "
                                     "sustained objection)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts (YYYY-MM-DD HH:MM, your time zone)"))
    location = forms.CharField(label=_("Place or link"), required=False, max_length=300)
    agenda = forms.CharField(label=_("Agenda (Markdown)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 4}))
    minutes = forms.CharField(label=_("Minutes (Markdown)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))
    sections = forms.MultipleChoiceField(label=_("Sections discussed"), required=False,
                                         widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, section_choices: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sections"].choices = section_choices  # type: ignore[attr-defined]


class PolisImportForm(forms.Form):
    comments = forms.FileField(label=_("comments.csv"))
    votes = forms.FileField(label=_("votes.csv (raw vote log)"), required=False)
    participants = forms.FileField(label=_("participants-votes.csv"), required=False)
