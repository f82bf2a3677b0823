"""The STIX 2.1 object kinds and the properties each one requires or constrains.

Tables written from the STIX 2.1 specification (OASIS Standard, June 2021); the validator
in ``stix_validation`` reads them so the rules stay declarative and reviewable.
"""

from __future__ import annotations

SDO_TYPES = frozenset(
    {
        "attack-pattern",
        "campaign",
        "course-of-action",
        "grouping",
        "identity",
        "incident",
        "indicator",
        "infrastructure",
        "intrusion-set",
        "location",
        "malware",
        "malware-analysis",
        "note",
        "observed-data",
        "opinion",
        "report",
        "threat-actor",
        "tool",
        "vulnerability",
    }
)

SRO_TYPES = frozenset({"relationship", "sighting"})

SCO_TYPES = frozenset(
    {
        "artifact",
        "autonomous-system",
        "directory",
        "domain-name",
        "email-addr",
        "email-message",
        "file",
        "ipv4-addr",
        "ipv6-addr",
        "mac-addr",
        "mutex",
        "network-traffic",
        "process",
        "software",
        "url",
        "user-account",
        "windows-registry-key",
        "x509-certificate",
    }
)

META_TYPES = frozenset({"marking-definition", "language-content", "extension-definition"})

# Common properties every object of a category must carry.
SDO_SRO_COMMON_REQUIRED = ("type", "spec_version", "id", "created", "modified")
SCO_COMMON_REQUIRED = ("type", "id")
META_COMMON_REQUIRED: dict[str, tuple[str, ...]] = {
    "marking-definition": ("type", "spec_version", "id", "created"),
    "language-content": ("type", "spec_version", "id", "created", "modified"),
    "extension-definition": ("type", "spec_version", "id", "created", "modified"),
}

# Type-specific required properties (beyond the common ones).
TYPE_REQUIRED: dict[str, tuple[str, ...]] = {
    "attack-pattern": ("name",),
    "campaign": ("name",),
    "course-of-action": ("name",),
    "grouping": ("context", "object_refs"),
    "identity": ("name",),
    "incident": ("name",),
    "indicator": ("pattern", "pattern_type", "valid_from"),
    "infrastructure": ("name",),
    "intrusion-set": ("name",),
    "malware": ("is_family",),
    "malware-analysis": ("product",),
    "note": ("content", "object_refs"),
    "observed-data": ("first_observed", "last_observed", "number_observed"),
    "opinion": ("opinion", "object_refs"),
    "report": ("name", "published", "object_refs"),
    "threat-actor": ("name",),
    "tool": ("name",),
    "vulnerability": ("name",),
    "relationship": ("relationship_type", "source_ref", "target_ref"),
    "sighting": ("sighting_of_ref",),
    "language-content": ("object_ref", "contents"),
    "extension-definition": ("created_by_ref", "name", "schema", "version", "extension_types"),
    "autonomous-system": ("number",),
    "directory": ("path",),
    "domain-name": ("value",),
    "email-addr": ("value",),
    "email-message": ("is_multipart",),
    "ipv4-addr": ("value",),
    "ipv6-addr": ("value",),
    "mac-addr": ("value",),
    "mutex": ("name",),
    "network-traffic": ("protocols",),
    "software": ("name",),
    "url": ("value",),
}

# "At least one of" groups.
TYPE_AT_LEAST_ONE: dict[str, tuple[tuple[str, ...], ...]] = {
    "malware-analysis": (("result", "analysis_sco_refs"),),
    "file": (("hashes", "name"),),
    "network-traffic": (("src_ref", "dst_ref"),),
    "artifact": (("payload_bin", "url"),),
}

# Properties whose value is a STIX timestamp, wherever they appear at the top level.
TIMESTAMP_PROPERTIES = frozenset(
    {
        "created",
        "modified",
        "valid_from",
        "valid_until",
        "first_seen",
        "last_seen",
        "first_observed",
        "last_observed",
        "published",
        "submitted",
        "analysis_started",
        "analysis_ended",
        "ctime",
        "mtime",
        "atime",
        "date",
        "start",
        "end",
        "created_time",
        "modified_time",
        "account_created",
        "account_expires",
        "credential_last_changed",
        "account_first_login",
        "account_last_login",
        "validity_not_before",
        "validity_not_after",
    }
)

# (earlier, later, strict): later must be >= earlier (> when strict).
TIMESTAMP_ORDER: tuple[tuple[str, str, bool], ...] = (
    ("created", "modified", False),
    ("valid_from", "valid_until", True),
    ("first_seen", "last_seen", False),
    ("first_observed", "last_observed", False),
    ("analysis_started", "analysis_ended", False),
    ("start", "end", False),
    ("validity_not_before", "validity_not_after", False),
)

NOT_REFERENCEABLE_BY_RELATIONSHIP = frozenset(
    {"relationship", "sighting", "marking-definition", "language-content", "extension-definition"}
)

# Reference properties whose target types the specification fixes.
REF_TARGETS: dict[str, frozenset[str]] = {
    "created_by_ref": frozenset({"identity"}),
    "object_marking_refs": frozenset({"marking-definition"}),
    "marking_ref": frozenset({"marking-definition"}),
    "observed_data_refs": frozenset({"observed-data"}),
    "where_sighted_refs": frozenset({"identity", "location"}),
    "sample_refs": frozenset({"file", "artifact"}),
    "operating_system_refs": frozenset({"software"}),
    "host_vm_ref": frozenset({"software"}),
    "operating_system_ref": frozenset({"software"}),
    "installed_software_refs": frozenset({"software"}),
    "analysis_sco_refs": frozenset(SCO_TYPES),
    "from_ref": frozenset({"email-addr"}),
    "sender_ref": frozenset({"email-addr"}),
    "to_refs": frozenset({"email-addr"}),
    "cc_refs": frozenset({"email-addr"}),
    "bcc_refs": frozenset({"email-addr"}),
    "raw_email_ref": frozenset({"artifact"}),
    "body_raw_ref": frozenset({"artifact", "file"}),
    "parent_directory_ref": frozenset({"directory"}),
    "content_ref": frozenset({"artifact"}),
    "src_ref": frozenset({"ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"}),
    "dst_ref": frozenset({"ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"}),
    "src_payload_ref": frozenset({"artifact"}),
    "dst_payload_ref": frozenset({"artifact"}),
    "encapsulates_refs": frozenset({"network-traffic"}),
    "encapsulated_by_ref": frozenset({"network-traffic"}),
    "belongs_to_refs": frozenset({"autonomous-system"}),
    "image_ref": frozenset({"file"}),
    "parent_ref": frozenset({"process"}),
    "child_refs": frozenset({"process"}),
    "opened_connection_refs": frozenset({"network-traffic"}),
    "creator_user_ref": frozenset({"user-account"}),
    "contains_refs": frozenset(SCO_TYPES),
}

EXTENSION_TYPES = frozenset(
    {"new-sdo", "new-sco", "new-sro", "property-extension", "toplevel-property-extension"}
)

# Hash algorithm names from the STIX hash-algorithm-ov vocabulary with their hex lengths.
HASH_HEX_LENGTHS: dict[str, int] = {
    "MD5": 32,
    "SHA-1": 40,
    "SHA-256": 64,
    "SHA-512": 128,
    "SHA3-256": 64,
    "SHA3-512": 128,
}
