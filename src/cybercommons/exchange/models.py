"""Persistence of the exchange module: works and their translations, media, exhibitions,
the search index, child-safety lists and moderation, and ActivityPub federation state."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cybercommons.core.models import Country, Organisation


class WorkKind(models.TextChoices):
    ARTICLE = "article", _("Article")
    IMAGE = "image", _("Image")
    AUDIO = "audio", _("Audio")
    VIDEO = "video", _("Video")
    DOCUMENT = "document", _("Document")


class WorkStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    HELD = "held", _("Held for review")
    REMOVED = "removed", _("Removed by moderators")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    ORGANISATION = "organisation", _("Organisation members only")


class AgeRating(models.TextChoices):
    ALL = "all", _("All ages")
    TEEN = "13", _("13 and over")
    MATURE = "16", _("16 and over")
    ADULT = "18", _("18 and over")


class Work(models.Model):
    """A cultural or knowledge work contributed by an organisation."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("type"), max_length=10, choices=WorkKind.choices)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("contributing organisation"), on_delete=models.PROTECT,
        related_name="exchange_works",
    )
    creator = models.CharField(_("creator"), max_length=200, blank=True)
    creator_url = models.URLField(_("creator's address"), blank=True)
    source_url = models.URLField(_("source"), blank=True)
    licence = models.CharField(_("licence"), max_length=40)
    subjects = models.JSONField(_("subjects"), default=list, blank=True)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="exchange_works",
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    period = models.CharField(_("period"), max_length=100, blank=True)
    year_start = models.IntegerField(_("from year"), null=True, blank=True)
    year_end = models.IntegerField(_("to year"), null=True, blank=True)
    age_rating = models.CharField(_("age rating"), max_length=4, choices=AgeRating.choices,
                                  default=AgeRating.ALL)
    content_warning = models.CharField(_("content warning"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=WorkStatus.choices,
                              default=WorkStatus.DRAFT, db_index=True)
    visibility = models.CharField(_("visibility"), max_length=12, choices=Visibility.choices,
                                  default=Visibility.PUBLIC)
    primary_language = models.CharField(_("primary language"), max_length=10)
    external_key = models.CharField(_("import key"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        indexes = [
            models.Index(fields=["status", "visibility"]),
            models.Index(fields=["organisation", "external_key"]),
        ]
        verbose_name = _("work")
        verbose_name_plural = _("works")

    def __str__(self) -> str:
        return f"work {self.uuid}"

    @property
    def century(self) -> int | None:
        """The century of the start year (20 for 1901-2000; negative before the common era)."""
        if self.year_start is None:
            return None
        return century_of(self.year_start)


def century_of(year: int) -> int:
    """1-100 is century 1, 2001 century 21; -1 to -100 (BCE) is century -1, 0 counts as -1."""
    if year > 0:
        return (year - 1) // 100 + 1
    return -(max(-year - 1, 0) // 100 + 1)


class WorkText(models.Model):
    """A work's title and description in one language; the texts of a work are translations
    of each other, one of them the original (primary)."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=10)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    translator = models.CharField(_("translator"), max_length=200, blank=True)
    is_machine_translation = models.BooleanField(_("machine translation"), default=False)
    is_primary = models.BooleanField(default=False)
    translated_from = models.ForeignKey("self", null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="translations")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_primary", "language"]
        constraints = [models.UniqueConstraint(fields=["work", "language"],
                                               name="exchange_one_text_per_language")]

    def __str__(self) -> str:
        return f"{self.title} [{self.language}]"


class WorkVersion(models.Model):
    """A snapshot of a work and its texts, kept on every change."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    # What happened, as a code with parameters rendered in the reader's language
    # (version_notes.describe); `note` holds the editor's own words, or for rows older than
    # the codes the text as then written.
    note_code = models.CharField(max_length=40, blank=True)
    note_params = models.JSONField(default=dict, blank=True)
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["work", "number"],
                                               name="exchange_one_version_number")]

    def __str__(self) -> str:
        return f"{self.work} v{self.number}"


def media_path(instance: MediaFile, filename: str) -> str:
    return f"exchange/{instance.work.uuid}/{uuid.uuid4().hex}{_suffix(filename)}"


def thumbnail_path(instance: MediaFile, filename: str) -> str:
    return f"exchange/{instance.work.uuid}/thumb-{uuid.uuid4().hex}.webp"


def _suffix(filename: str) -> str:
    dot = filename.rfind(".")
    suffix = filename[dot:].lower() if dot >= 0 else ""
    return suffix if len(suffix) <= 6 and suffix[1:].isalnum() else ""


class MediaFile(models.Model):
    """A file of a work; its type was checked from its content, images are hashed."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="media")
    file = models.FileField(upload_to=media_path, max_length=300)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    thumbnail = models.FileField(upload_to=thumbnail_path, max_length=300, blank=True)
    pdq_hash = models.CharField(max_length=64, blank=True)
    pdq_quality = models.PositiveSmallIntegerField(null=True, blank=True)
    alt_text = models.CharField(_("text alternative"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name or str(self.file.name)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class ExhibitionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Exhibition(models.Model):
    """A curated, ordered selection of works with narrative text, in several languages.

    Titles, introductions and narratives are maps from language code to text; `translators`
    maps each translated language to who translated it (the primary language has none), and
    `machine_translations` lists the languages a machine translated, so that readers are told.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=80, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="exchange_exhibitions")
    title = models.JSONField(default=dict)
    introduction = models.JSONField(default=dict, blank=True)
    translators = models.JSONField(default=dict, blank=True)
    machine_translations = models.JSONField(default=list, blank=True)
    primary_language = models.CharField(max_length=10)
    status = models.CharField(max_length=10, choices=ExhibitionStatus.choices,
                              default=ExhibitionStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return self.slug


class ExhibitionItem(models.Model):
    """One step of an exhibition: a work, narrative text, or both (narrative first).

    `outdated_translations` lists the languages whose narrative was translated from an
    earlier version of the original text (shown labelled until a translator redoes it).
    """

    exhibition = models.ForeignKey(Exhibition, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    work = models.ForeignKey(Work, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="exhibition_items")
    narrative = models.JSONField(default=dict, blank=True)
    outdated_translations = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.exhibition} #{self.position}"


class SearchEntry(models.Model):
    """The search terms of one work text (kernel.text.index_terms), one row per text.

    On SQLite an FTS5 table mirrors ``terms`` through triggers; on PostgreSQL a GIN index
    on ``to_tsvector('simple', terms)`` serves the same queries (see the migration).
    """

    text = models.OneToOneField(WorkText, on_delete=models.CASCADE, related_name="search")
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="search_entries")
    language = models.CharField(max_length=10)
    terms = models.TextField()

    def __str__(self) -> str:
        return f"terms of {self.text_id}"


# ---- child safety --------------------------------------------------------------------------


class HashList(models.Model):
    """A list of PDQ hashes of known harmful images, imported by moderators.

    Only hashes and metadata are stored, never the material itself.
    """

    name = models.CharField(max_length=200, unique=True)
    source = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        permissions = [("moderate", "Moderate exchange works and import hash lists")]

    def __str__(self) -> str:
        return self.name


class ListedHash(models.Model):
    """One entry of a hash list."""

    hash_list = models.ForeignKey(HashList, on_delete=models.CASCADE, related_name="entries")
    hash_hex = models.CharField(max_length=64)
    quality = models.PositiveSmallIntegerField(null=True, blank=True)
    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hash_list", "hash_hex"],
                                               name="exchange_unique_listed_hash")]

    def __str__(self) -> str:
        return self.hash_hex


class CaseSource(models.TextChoices):
    HASH_MATCH = "hash_match", _("Hash-list match")
    USER_REPORT = "user_report", _("Report from a person")
    FEDERATED_FLAG = "federated_flag", _("Report from another server")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Waiting for review")
    DECIDED = "decided", _("Decided")
    APPEALED = "appealed", _("Appealed")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    RESTORE = "restore", _("No violation: restore the work")
    REMOVE = "remove", _("Violation: remove the work")
    RESTRICT = "restrict", _("Publish with an 18+ rating and a content warning")


class ModerationCase(models.Model):
    """A work waiting for (or having had) human review."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="cases")
    source = models.CharField(max_length=20, choices=CaseSource.choices)
    status = models.CharField(max_length=10, choices=CaseStatus.choices,
                              default=CaseStatus.OPEN, db_index=True)
    # Internal to moderators: which list entries matched and how closely.
    match_details = models.JSONField(default=dict, blank=True)
    status_before = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"case {self.pk} ({self.source})"


class Report(models.Model):
    """A report about a work, from a person here or from another server (Flag)."""

    case = models.ForeignKey(ModerationCase, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    remote_actor = models.CharField(max_length=500, blank=True)
    reason = models.CharField(max_length=40)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"report on {self.case_id}"


class Decision(models.Model):
    """A moderator's decision on a case, with the reason given to the author."""

    case = models.ForeignKey(ModerationCase, on_delete=models.CASCADE, related_name="decisions")
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.TextField()
    on_appeal = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.outcome} on {self.case_id}"


class Appeal(models.Model):
    """The author's request that a decision be looked at again."""

    case = models.ForeignKey(ModerationCase, on_delete=models.CASCADE, related_name="appeals")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    statement = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"appeal on {self.case_id}"


class Notice(models.Model):
    """A message to a person about their work (held, decided, appeal answered)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="exchange_notices")
    work = models.ForeignKey(Work, null=True, on_delete=models.CASCADE, related_name="+")
    message = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.message[:50]


# ---- federation ----------------------------------------------------------------------------


class InstancePolicy(models.TextChoices):
    ALLOW = "allow", _("Allowed")
    LIMIT = "limit", _("Limited (works hidden from public lists, follows need approval)")
    BLOCK = "block", _("Blocked")


class Instance(models.Model):
    """A remote server, with the moderators' policy for it."""

    domain = models.CharField(max_length=253, unique=True)
    policy = models.CharField(max_length=5, choices=InstancePolicy.choices,
                              default=InstancePolicy.ALLOW)
    note = models.CharField(max_length=500, blank=True)
    # "rfc9421" until a server refuses it, then "cavage".
    signature_scheme = models.CharField(max_length=10, default="rfc9421")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class LocalActor(models.Model):
    """An ActivityPub actor of this server: an organisation or an exhibition."""

    username = models.CharField(max_length=100, unique=True)
    organisation = models.OneToOneField(Organisation, null=True, blank=True,
                                        on_delete=models.CASCADE, related_name="exchange_actor")
    exhibition = models.OneToOneField(Exhibition, null=True, blank=True,
                                      on_delete=models.CASCADE, related_name="actor")
    private_key_pem = models.TextField()
    public_key_pem = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.username


class RemoteActor(models.Model):
    """An actor of another server, as last fetched."""

    ap_id = models.URLField(max_length=500, unique=True)
    domain = models.CharField(max_length=253, db_index=True)
    inbox = models.URLField(max_length=500)
    shared_inbox = models.URLField(max_length=500, blank=True)
    key_id = models.CharField(max_length=500, db_index=True)
    public_key_pem = models.TextField()
    username = models.CharField(max_length=200, blank=True)
    name = models.CharField(max_length=300, blank=True)
    fetched_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.ap_id


class FollowState(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Follower(models.Model):
    """A remote actor following one of ours."""

    actor = models.ForeignKey(LocalActor, on_delete=models.CASCADE, related_name="followers")
    remote = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="+")
    follow_id = models.URLField(max_length=500)
    state = models.CharField(max_length=10, choices=FollowState.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor", "remote"],
                                               name="exchange_one_follow")]

    def __str__(self) -> str:
        return f"{self.remote} → {self.actor}"


class Following(models.Model):
    """One of our actors following a remote actor."""

    actor = models.ForeignKey(LocalActor, on_delete=models.CASCADE, related_name="following")
    remote = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="+")
    follow_id = models.URLField(max_length=500, unique=True)
    state = models.CharField(max_length=10, choices=FollowState.choices,
                             default=FollowState.PENDING)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor", "remote"],
                                               name="exchange_one_following")]

    def __str__(self) -> str:
        return f"{self.actor} → {self.remote}"


class RemoteWork(models.Model):
    """A work received from another server (Create/Update), removed by Delete."""

    ap_id = models.URLField(max_length=500, unique=True)
    actor = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="works")
    name = models.CharField(max_length=500, blank=True)
    content = models.TextField(blank=True)
    language = models.CharField(max_length=10, blank=True)
    name_map = models.JSONField(default=dict, blank=True)
    content_map = models.JSONField(default=dict, blank=True)
    summary = models.CharField(max_length=500, blank=True)
    sensitive = models.BooleanField(default=False)
    licence_url = models.URLField(max_length=500, blank=True)
    attribution = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)
    limited = models.BooleanField(default=False)
    # An attached image matched a hash list: hidden from everyone but moderators.
    held = models.BooleanField(default=False)
    image_hashes = models.JSONField(default=list, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    data = models.JSONField(default=dict)
    received_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return self.ap_id


class InboxItem(models.Model):
    """A verified activity received in an inbox, waiting for or done with processing."""

    ap_id = models.CharField(max_length=500, blank=True, db_index=True)
    activity_type = models.CharField(max_length=40)
    actor_id = models.CharField(max_length=500)
    recipient = models.ForeignKey(LocalActor, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    body = models.JSONField()
    signature_scheme = models.CharField(max_length=10)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["received_at", "pk"]

    def __str__(self) -> str:
        return f"{self.activity_type} from {self.actor_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Given up")


class Delivery(models.Model):
    """One activity to post to one remote inbox, retried with backoff."""

    sender = models.ForeignKey(LocalActor, on_delete=models.CASCADE, related_name="deliveries")
    inbox = models.URLField(max_length=500)
    activity = models.JSONField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["next_attempt_at", "pk"]

    def __str__(self) -> str:
        return f"to {self.inbox} ({self.status})"
