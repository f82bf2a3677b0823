"""Shared set-up of the security benchmarks: a fresh database, a TAXII client, medallion.

Both servers are driven in-process through their framework's test client (Django's for
Cybercommons, Flask's for OASIS medallion), so the figures measure the servers' own work:
parsing, validation, storage and paging, without a network stack in between.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import types
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

TAXII = "application/taxii+json;version=2.1"
ROOT = Path(__file__).resolve().parent.parent


def setup_django(database_url: str | None) -> None:
    """Point Django at a new data folder (and a database) and create the schema."""
    data_dir = tempfile.mkdtemp(prefix="sec-bench-")
    os.environ["CYBERCOMMONS_DATA_DIR"] = data_dir
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    os.environ["LOG_LEVEL"] = "WARNING"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cybercommons.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.conf import settings
    from django.urls import include, path

    django.setup()
    # Only the TAXII server is measured: mount it alone, whatever else the site serves.
    urlconf = types.ModuleType("sec_bench_urls")
    urlconf.urlpatterns = [path("", include("cybercommons.security.root_urls"))]  # type: ignore[attr-defined]
    sys.modules["sec_bench_urls"] = urlconf
    settings.ROOT_URLCONF = "sec_bench_urls"
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    from django.core.management import call_command

    if database_url:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)


def make_collection(max_content_length: int = 50 * 1024 * 1024) -> tuple[str, str]:
    """An organisation, its admin, a write token, an API root and a collection.

    Returns (objects URL, bearer token).
    """
    from cybercommons.core import services as core_services
    from cybercommons.core.models import Membership, Organisation, Role, User
    from cybercommons.security import services

    user = User.objects.create_user("bench", "bench@example.org", "bench-password-1")
    org = Organisation.objects.create(name="Bench CERT", slug="bench-cert",
                                      stakeholder_type="technical")
    Membership.objects.create(user=user, organisation=org, role=Role.ADMIN)
    root = services.create_api_root(user, owner=org, title="Bench", slug="bench",
                                    max_content_length=max_content_length)
    collection = services.create_collection(user, root, owner=org, title="Bench",
                                            tlp="clear", default_tlp="green")
    _token, secret = core_services.create_token(user, name="bench", scopes=["read", "write"])
    return f"/taxii2/bench/collections/{collection.pk}/objects/", secret


def indicators(count: int, start: int, *, distinct_times: bool = False) -> list[dict[str, Any]]:
    """``count`` distinct indicators on documentation addresses (RFC 5737).

    With ``distinct_times`` each one has its own ``created``/``modified``/``valid_from``
    (one millisecond apart, as a feed's objects are), so no timestamp is parsed or
    formatted from a cache of equal values.
    """
    ranges = ("192.0.2", "198.51.100", "203.0.113")
    base = datetime(2024, 1, 1, tzinfo=UTC)
    out = []
    for n in range(start, start + count):
        address = f"{ranges[n % 3]}.{n % 254 + 1}"
        if distinct_times:
            moment = base + timedelta(milliseconds=n)
            stamp = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
            valid_from = stamp
        else:
            stamp, valid_from = "2024-01-01T00:00:00.000Z", "2024-01-01T00:00:00Z"
        out.append({
            "type": "indicator", "spec_version": "2.1",
            "id": f"indicator--{uuid.uuid4()}",
            "created": stamp, "modified": stamp,
            "name": f"Scanner {address} #{n}",
            "pattern": f"[ipv4-addr:value = '{address}']", "pattern_type": "stix",
            "valid_from": valid_from, "labels": ["scanner"],
        })
    return out


def medallion_client(max_page_size: int = 1000) -> tuple[Any, str, dict[str, str]]:
    """OASIS medallion with its memory backend and one empty collection.

    Returns (Flask test client, objects URL, headers).
    """
    import base64
    import logging

    logging.getLogger("medallion").setLevel(logging.ERROR)
    from medallion import application_instance, register_blueprints, set_config

    collection_id = str(uuid.uuid4())
    data = {
        "/discovery": {"title": "bench", "api_roots": ["http://localhost/bench/"]},
        "bench": {
            "information": {"title": "bench", "versions": [TAXII],
                            "max_content_length": 50 * 1024 * 1024},
            "status": [],
            "collections": [{"id": collection_id, "title": "bench", "can_read": True,
                             "can_write": True,
                             "media_types": ["application/stix+json;version=2.1"],
                             "objects": [], "manifest": []}],
        },
    }
    handle, data_file = tempfile.mkstemp(suffix=".json")
    with os.fdopen(handle, "w") as stream:
        json.dump(data, stream)
    config = {"users": {"user": "pass"}, "taxii": {"max_page_size": max_page_size},
              "backend": {"module": "medallion.backends.memory_backend",
                          "module_class": "MemoryBackend", "filename": data_file}}
    for name in ("users", "taxii", "backend"):
        set_config(application_instance, name, config)
    if "objects" not in application_instance.blueprints:
        register_blueprints(application_instance)
    auth = base64.b64encode(b"user:pass").decode()
    headers = {"Accept": TAXII, "Authorization": "Basic " + auth}
    return (application_instance.test_client(),
            f"/bench/collections/{collection_id}/objects/", headers)
