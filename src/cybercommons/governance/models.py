"""Persistence of the governance module: consultations, drafts, opinion maps and decisions."""

from __future__ import annotations

import secrets
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cybercommons.core.models import Country, Organisation
from cybercommons.governance.kernel.decision_rules import Rule

# A participant with no organisation takes part as an individual citizen.
INDIVIDUAL = "individual"


class Phase(models.TextChoices):
    """The phases of a consultation, in their usual order."""

    INFORMATION = "information", _("Information")
    COMMENTS = "comments", _("Comments")
    AMENDMENTS = "amendments", _("Amendments")
    OPINION_MAP = "opinion_map", _("Opinion map")
    DECISION = "decision", _("Decision")
    OUTCOME = "outcome", _("Outcome")


PHASE_ORDER: tuple[str, ...] = tuple(Phase.values)


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public: anyone may read it")
    RESTRICTED = "restricted", _("Restricted: only invited participants see it")


class DecisionRule(models.TextChoices):
    """The decision rules of the kernel, with names people can read."""

    SIMPLE_MAJORITY = Rule.SIMPLE_MAJORITY.value, _("Simple majority")
    QUALIFIED_MAJORITY = Rule.QUALIFIED_MAJORITY.value, _("Qualified majority")
    ONE_ORGANISATION_ONE_VOTE = Rule.ONE_ORGANISATION_ONE_VOTE.value, _(
        "One organisation, one vote")
    STAKEHOLDER_GROUPS = Rule.STAKEHOLDER_GROUPS.value, _("Equal weight per stakeholder group")
    REGIONAL_GROUPS = Rule.REGIONAL_GROUPS.value, _("Equal weight per UN regional group")
    DOUBLE_MAJORITY = Rule.DOUBLE_MAJORITY.value, _(
        "Double majority (stakeholder groups and participants)")
    DEVELOPING_SAFEGUARD = Rule.DEVELOPING_SAFEGUARD.value, _(
        "Majority with a developing-country safeguard (LDC, LLDC, SIDS)")
    CONSENSUS = Rule.CONSENSUS.value, _("Consensus (no sustained objection)")
    SCHULZE = Rule.SCHULZE.value, _("Ranked choice among options (Schulze)")
    INSTANT_RUNOFF = Rule.INSTANT_RUNOFF.value, _("Ranked choice among options (instant run-off)")


class Language(models.TextChoices):
    """The six official languages of the United Nations."""

    ARABIC = "ar", _("Arabic")
    CHINESE = "zh-hans", _("Chinese")
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    RUSSIAN = "ru", _("Russian")
    SPANISH = "es", _("Spanish")


def _new_secret() -> str:
    return secrets.token_hex(32)


class Process(models.Model):
    """A consultation on a draft text, convened by an organisation."""

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    convenor = models.ForeignKey(
        Organisation, verbose_name=_("convenor"), on_delete=models.PROTECT,
        related_name="governance_processes",
    )
    phase = models.CharField(_("current phase"), max_length=20, choices=Phase.choices,
                             default=Phase.INFORMATION)
    visibility = models.CharField(_("visibility"), max_length=12, choices=Visibility.choices,
                                  default=Visibility.PUBLIC)
    # Empty lists mean "everyone"; stakeholder groups are core's StakeholderType values plus
    # INDIVIDUAL, regions are core's UNRegionalGroup values, countries ISO alpha-2 codes.
    invited_groups = models.JSONField(_("invited stakeholder groups"), default=list, blank=True)
    invited_regions = models.JSONField(_("invited UN regional groups"), default=list, blank=True)
    invited_countries = models.JSONField(_("invited countries"), default=list, blank=True)
    decision_rule = models.CharField(_("decision rule"), max_length=40,
                                     choices=DecisionRule.choices,
                                     default=DecisionRule.SIMPLE_MAJORITY)
    threshold = models.CharField(_("qualified-majority share"), max_length=20, default="2/3")
    options = models.JSONField(_("options (ranked rules)"), default=list, blank=True)
    # Keys the anonymous tokens of the ballot file; never shown to anyone.
    ballot_secret = models.CharField(max_length=64, default=_new_secret, editable=False)
    opinion_state = models.JSONField(default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return self.title

    @property
    def is_ranked(self) -> bool:
        return self.decision_rule in (DecisionRule.SCHULZE, DecisionRule.INSTANT_RUNOFF)

    @property
    def current_version(self) -> DraftVersion | None:
        return self.versions.order_by("-number").first()


class PhaseSchedule(models.Model):
    """The planned dates of one phase of a process."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="schedule")
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["process", "phase"],
                                               name="governance_one_schedule_per_phase")]

    def __str__(self) -> str:
        return f"{self.process} · {self.phase}"


class DraftVersion(models.Model):
    """One version of the draft text; versions are never changed once made."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    note = models.TextField(_("what changed"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["process", "number"]
        constraints = [models.UniqueConstraint(fields=["process", "number"],
                                               name="governance_unique_version_number")]

    def __str__(self) -> str:
        return f"{self.process} v{self.number}"


class Section(models.Model):
    """A section of a version, in Markdown; ``key`` stays the same across versions."""

    version = models.ForeignKey(DraftVersion, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(_("key"), max_length=60)
    position = models.PositiveIntegerField(_("position"), default=0)
    heading = models.CharField(_("heading"), max_length=200)
    body = models.TextField(_("text (Markdown)"))

    class Meta:
        ordering = ["version", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "key"],
                                               name="governance_unique_section_key")]

    def __str__(self) -> str:
        return f"{self.version} §{self.key}"


class TranslationStatus(models.TextChoices):
    MISSING = "missing", _("Missing")
    DRAFT = "draft", _("Draft translation")
    FINAL = "final", _("Final translation")


class Translation(models.Model):
    """A version in one UN language: ``sections`` maps section key → {heading, body}."""

    version = models.ForeignKey(DraftVersion, on_delete=models.CASCADE,
                                related_name="translations")
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    status = models.CharField(_("status"), max_length=10, choices=TranslationStatus.choices,
                              default=TranslationStatus.MISSING)
    sections = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "language"],
                                               name="governance_one_translation_per_language")]

    def __str__(self) -> str:
        return f"{self.version} [{self.language}]"


class Participant(models.Model):
    """Who takes part in a process, with the groups they count in, fixed when they join.

    Imported opinion-map participants (Pol.is) have no user, only an external id.
    """

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="governance_participations")
    external_id = models.CharField(max_length=80, blank=True)
    external_group = models.IntegerField(null=True, blank=True)
    organisation = models.ForeignKey(Organisation, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    stakeholder_group = models.CharField(max_length=20, blank=True)
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    region = models.CharField(max_length=20, blank=True)
    developing = models.BooleanField(default=False)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["process", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["process", "user"], name="governance_one_participant",
                                    condition=models.Q(user__isnull=False)),
            models.UniqueConstraint(fields=["process", "external_id"],
                                    name="governance_one_external_participant",
                                    condition=~models.Q(external_id="")),
        ]

    def __str__(self) -> str:
        return str(self.user) if self.user_id else self.external_id


class Comment(models.Model):
    """A comment on a section of a version, optionally on a quoted passage of it."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="comments")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="comments")
    quote = models.TextField(_("quoted passage"), blank=True)
    body = models.TextField(_("comment"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"comment on {self.section}"


class AmendmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    MERGED = "merged", _("Merged into a new version")


class Amendment(models.Model):
    """A suggested new text for one section of one version."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="amendments")
    version = models.ForeignKey(DraftVersion, on_delete=models.CASCADE,
                                related_name="amendments")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="amendments")
    proposed_text = models.TextField(_("proposed text (Markdown)"))
    rationale = models.TextField(_("why"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    status = models.CharField(max_length=10, choices=AmendmentStatus.choices,
                              default=AmendmentStatus.OPEN)
    decision_reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(DraftVersion, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="merged_amendments")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"amendment {self.pk} to {self.section}"


class Statement(models.Model):
    """A short statement of the opinion map; ``moderated`` follows Pol.is (-1 rejected)."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="statements")
    text = models.TextField(_("statement"))
    author = models.ForeignKey(Participant, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    external_id = models.IntegerField(null=True, blank=True)
    moderated = models.SmallIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["process", "pk"]
        constraints = [models.UniqueConstraint(fields=["process", "external_id"],
                                               name="governance_unique_external_statement")]

    def __str__(self) -> str:
        return self.text[:60]


class VoteValue(models.IntegerChoices):
    AGREE = 1, _("Agree")
    DISAGREE = -1, _("Disagree")
    PASS = 0, _("Pass / unsure")


class Vote(models.Model):
    """A participant's vote on a statement."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(choices=VoteValue.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["statement", "participant"],
                                               name="governance_one_vote_per_statement")]

    def __str__(self) -> str:
        return f"{self.participant} {self.value:+d} on {self.statement_id}"


class Ballot(models.Model):
    """A participant's ballot: a choice on a version, or a ranking of options."""

    class Choice(models.TextChoices):
        YES = "yes", _("Yes, adopt it")
        NO = "no", _("No")
        ABSTAIN = "abstain", _("Abstain")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="ballots")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE,
                                    related_name="ballots")
    version = models.ForeignKey(DraftVersion, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="ballots")
    choice = models.CharField(max_length=8, choices=Choice.choices, blank=True)
    ranking = models.JSONField(default=list, blank=True)
    reason = models.TextField(_("reason (an objection under consensus)"), blank=True)
    cast_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["process", "participant"],
                                               name="governance_one_ballot")]

    def __str__(self) -> str:
        return f"ballot {self.pk} in {self.process}"


class Decision(models.Model):
    """The published result: the tally under the process rule, every other rule's, and
    the anonymised ballot file with its SHA-256."""

    process = models.OneToOneField(Process, on_delete=models.CASCADE, related_name="decision")
    version = models.ForeignKey(DraftVersion, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+")
    rule = models.CharField(max_length=40, choices=DecisionRule.choices)
    outcome = models.CharField(max_length=30)
    result = models.JSONField(default=dict)
    other_results = models.JSONField(default=dict)
    ballot_file = models.TextField()
    sha256 = models.CharField(max_length=64)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.process}: {self.outcome}"


class Publication(models.Model):
    """A convenor's request to tally and publish the decision, run as a background task.

    One per process: a second click finds the request already made and follows the same
    progress record (``progress_key``, see ``core.progress``) instead of starting another
    tally. A failed or abandoned request is started again under a new key.
    """

    process = models.OneToOneField(Process, on_delete=models.CASCADE,
                                   related_name="publication")
    progress_key = models.CharField(max_length=100, unique=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"publication of {self.process}"


class Meeting(models.Model):
    """A meeting of the process, with its agenda and minutes linked to draft sections."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    location = models.CharField(_("place or link"), max_length=300, blank=True)
    agenda = models.TextField(_("agenda (Markdown)"), blank=True)
    minutes = models.TextField(_("minutes (Markdown)"), blank=True)
    sections = models.ManyToManyField(Section, blank=True, related_name="meetings",
                                      verbose_name=_("sections discussed"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return self.title


class Notification(models.Model):
    """A message to a participant about a process (also sent by e-mail)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="governance_notifications")
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30)
    message = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    KINDS: ClassVar[tuple[str, ...]] = ("new_version", "phase_changed", "decision")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user}"
