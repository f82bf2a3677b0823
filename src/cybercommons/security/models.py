"""Persistence of the security module: API roots, collections, sharing groups, STIX versions.

A STIX object is stored as one row per version, with the raw JSON text exactly as it
arrived and the fields that TAXII filters and the visibility rule need, indexed. Rows are
ordered within their collection by ``seq`` (assigned in commit order, serialised per
collection) and ``date_added`` increases strictly with it, so ``seq`` alone is the keyset
of TAXII paging.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cybercommons.core.models import Organisation, Progress
from cybercommons.security import secret_box

TLP_CHOICES = [
    ("clear", "TLP:CLEAR"),
    ("green", "TLP:GREEN"),
    ("amber", "TLP:AMBER"),
    ("amber+strict", "TLP:AMBER+STRICT"),
    ("red", "TLP:RED"),
]


class SharingGroup(models.Model):
    """A named set of organisations that share with each other (MISP's sharing group)."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(Organisation, verbose_name=_("owner organisation"),
                              on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(Organisation, verbose_name=_("member organisations"),
                                     related_name="security_sharing_groups", blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sharing group")
        verbose_name_plural = _("sharing groups")

    def __str__(self) -> str:
        return self.name


class ApiRoot(models.Model):
    """A TAXII API root: one sharing community with its member organisations."""

    slug = models.SlugField(_("path segment"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    max_content_length = models.PositiveBigIntegerField(
        _("largest accepted request body (bytes)"), default=10 * 1024 * 1024)
    owner = models.ForeignKey(Organisation, verbose_name=_("owner organisation"),
                              on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(Organisation, verbose_name=_("member organisations"),
                                     related_name="security_api_roots", blank=True)
    member_groups = models.ManyToManyField(
        SharingGroup, verbose_name=_("member sharing groups"), related_name="api_roots",
        blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["title"]
        verbose_name = _("API root")
        verbose_name_plural = _("API roots")

    def __str__(self) -> str:
        return self.title


class Collection(models.Model):
    """A TAXII collection inside an API root, with its read and write rights."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    api_root = models.ForeignKey(ApiRoot, on_delete=models.CASCADE, related_name="collections")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    alias = models.SlugField(_("alias"), max_length=80, blank=True)
    owner = models.ForeignKey(Organisation, verbose_name=_("owner organisation"),
                              on_delete=models.PROTECT, related_name="+")
    # The collection's own level: an object in it is never shared wider than this.
    tlp = models.CharField(_("collection TLP"), max_length=12, choices=TLP_CHOICES,
                           default="clear")
    # The level given to objects that arrive without a TLP marking.
    default_tlp = models.CharField(_("TLP of unmarked objects"), max_length=12,
                                   choices=TLP_CHOICES, default="amber")
    public_read = models.BooleanField(_("anyone may read"), default=False)
    community_read = models.BooleanField(_("every community member may read"), default=True)
    community_write = models.BooleanField(_("every community member may write"), default=False)
    # Serialises writers: the last sequence number and date added handed out.
    last_seq = models.PositiveBigIntegerField(default=0)
    last_date_added = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["api_root", "alias"], name="collection_alias_unique",
                                    condition=~models.Q(alias="")),
        ]
        verbose_name = _("collection")
        verbose_name_plural = _("collections")

    def __str__(self) -> str:
        return self.title


class CollectionGrant(models.Model):
    """Read and/or write rights on a collection for one organisation or one sharing group."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="grants")
    organisation = models.ForeignKey(Organisation, null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="+")
    sharing_group = models.ForeignKey(SharingGroup, null=True, blank=True,
                                      on_delete=models.CASCADE, related_name="grants")
    can_read = models.BooleanField(_("may read"), default=True)
    can_write = models.BooleanField(_("may write"), default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(organisation__isnull=False, sharing_group__isnull=True)
                           | models.Q(organisation__isnull=True, sharing_group__isnull=False)),
                name="grant_names_one_grantee"),
            models.UniqueConstraint(fields=["collection", "organisation"],
                                    name="one_grant_per_org"),
            models.UniqueConstraint(fields=["collection", "sharing_group"],
                                    name="one_grant_per_group"),
        ]

    def __str__(self) -> str:
        return f"{self.collection}: {self.organisation or self.sharing_group}"


class StixObject(models.Model):
    """One version of one STIX object in one collection."""

    # No index of its own: every index below starts with the collection.
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE,
                                   related_name="stix_objects", db_index=False)
    seq = models.PositiveBigIntegerField()
    date_added = models.DateTimeField()
    stix_id = models.CharField(max_length=300)
    type = models.CharField(max_length=250)
    spec_version = models.CharField(max_length=10, default="2.1")
    created = models.DateTimeField(null=True, blank=True)
    modified = models.DateTimeField(null=True, blank=True)
    # The TAXII version: modified, else created, else date_added.
    version = models.DateTimeField()
    # The version as text (modified/created as written) for uniqueness; "" when it has none.
    version_key = models.CharField(max_length=40)
    is_latest = models.BooleanField(default=True)
    is_first = models.BooleanField(default=True)
    raw = models.TextField()
    name = models.CharField(max_length=300, blank=True)
    labels = models.TextField(blank=True)  # "|label|label|" for exact-label filtering
    created_by_ref = models.CharField(max_length=300, blank=True)
    marking_refs = models.TextField(blank=True)  # "|id|id|"
    tlp = models.CharField(max_length=12, choices=TLP_CHOICES)
    # Rank of the stricter of the object's and the collection's level (0 CLEAR … 4 RED).
    tlp_rank = models.PositiveSmallIntegerField()
    owner_org = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+", db_index=False)
    recipient_orgs = models.ManyToManyField(Organisation, related_name="+", blank=True)
    recipient_groups = models.ManyToManyField(SharingGroup, related_name="+", blank=True)

    class Meta:
        ordering = ["collection", "seq"]
        constraints = [
            # stix_id first: the same index serves lookups by id across collections.
            models.UniqueConstraint(fields=["stix_id", "collection", "version_key"],
                                    name="one_row_per_version"),
            models.UniqueConstraint(fields=["collection", "seq"], name="seq_unique"),
        ]
        indexes = [
            models.Index(fields=["collection", "date_added"], name="sec_obj_added"),
            models.Index(fields=["collection", "type", "seq"], name="sec_obj_type"),
        ]

    def __str__(self) -> str:
        return f"{self.stix_id} @ {self.version_key or self.date_added}"


class StixReference(models.Model):
    """One version names another object (``*_ref``/``*_refs``): an edge of the object graph.

    Read by the target id (``sec_ref_target``) to find what points at an object without
    scanning the raw JSON.
    """

    # No index of its own: ``one_ref_per_target`` starts with the source.
    source = models.ForeignKey(StixObject, on_delete=models.CASCADE, related_name="references",
                               db_index=False)
    target_id = models.CharField(max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target_id"], name="one_ref_per_target"),
        ]
        indexes = [models.Index(fields=["target_id", "source"], name="sec_ref_target")]

    def __str__(self) -> str:
        return f"{self.source_id} -> {self.target_id}"


class Status(models.Model):
    """A TAXII status resource: what became of each object of one add request."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    api_root = models.ForeignKey(ApiRoot, on_delete=models.CASCADE, related_name="statuses")
    collection = models.ForeignKey(Collection, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="+")
    status = models.CharField(max_length=10, default="complete")
    request_timestamp = models.DateTimeField(default=timezone.now)
    total_count = models.PositiveIntegerField(default=0)
    success_count = models.PositiveIntegerField(default=0)
    failure_count = models.PositiveIntegerField(default=0)
    pending_count = models.PositiveIntegerField(default=0)
    successes = models.JSONField(default=list)
    failures = models.JSONField(default=list)
    pendings = models.JSONField(default=list)

    class Meta:
        ordering = ["-request_timestamp"]

    def __str__(self) -> str:
        return str(self.id)


class EncryptedSecretField(models.TextField):
    """Clear text in Python, Fernet ciphertext in the database (see ``secret_box``)."""

    def from_db_value(self, value: str | None, expression: object, connection: object
                      ) -> str | None:
        if value is None:
            return value
        try:
            return secret_box.unseal(value)
        except secret_box.SecretUnreadable:
            # An unreadable secret behaves as none: the remote refuses the run and the
            # subscription shows the error; the owner enters the secret again.
            return ""

    def get_prep_value(self, value: object) -> object:
        value = super().get_prep_value(value)
        if isinstance(value, str) and not secret_box.is_sealed(value):
            return secret_box.seal(value)
        return value


class Subscription(models.Model):
    """A link to a remote TAXII 2.1 collection: pulled into, or pushed from, a local one."""

    class Direction(models.TextChoices):
        PULL = "pull", _("Pull remote into local")
        PUSH = "push", _("Push local to remote")

    class State(models.TextChoices):
        IDLE = "idle", _("Idle")
        RUNNING = "running", _("Running")
        FAILED = "failed", _("Failed")

    name = models.CharField(_("name"), max_length=200)
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices)
    local_collection = models.ForeignKey(Collection, on_delete=models.CASCADE,
                                         related_name="subscriptions")
    remote_collection_url = models.URLField(_("remote collection URL"), max_length=500)
    remote_username = models.CharField(_("remote user name"), max_length=150, blank=True)
    # Stored encrypted; never rendered back into a page or an API answer.
    remote_secret = EncryptedSecretField(_("remote password or token"), blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    # Pull: the remote's X-TAXII-Date-Added-Last already stored (TAXII timestamp text).
    # Push: the local seq already sent.
    checkpoint = models.CharField(max_length=40, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.IDLE)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    objects_moved = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImportJob(models.Model):
    """One import of a STIX bundle, MISP event or CSV, run in the background.

    The document comes from a URL (fetched by the task) or from an uploaded file (whose
    bytes wait in an ``ImportUpload`` until the task reads them); exactly one of ``url``
    and ``filename`` is set. The outcome and the per-record report are in ``progress``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE,
                                   related_name="import_jobs")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="+")
    kind = models.CharField(_("format"), max_length=8)
    url = models.CharField(_("URL"), max_length=2000, blank=True)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    progress = models.OneToOneField(Progress, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("started"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(url="") & ~models.Q(filename=""))
                | (~models.Q(url="") & models.Q(filename="")),
                name="security_import_job_url_or_file"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.url or self.filename}"


class ImportUpload(models.Model):
    """The bytes of an uploaded file, held only until its import task has read them.

    Kept in the database rather than on a disk so that any worker of the deployment can
    run the import, and in a table of their own so that listing and showing imports never
    loads them. The task deletes the row as soon as it has the bytes in memory.
    """

    job = models.OneToOneField(ImportJob, primary_key=True, on_delete=models.CASCADE,
                               related_name="upload")
    data = models.BinaryField()

    def __str__(self) -> str:
        return f"upload of import {self.job_id}"
