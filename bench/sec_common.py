"""Shared set-up of the security benchmarks: a fresh database, a TAXII client, medallion.

Both servers are driven in-process through their framework's test client (Django's for
Cybercommons, Flask's for OASIS medallion), so the figures measure the servers' own work:
parsing, validation, storage and paging, without a network stack in between.

For figures through the production server, ``ProductionServer`` runs ``cybercommons
serve`` (gunicorn) on the benchmark's own database, and ``CpuWatch`` adds up the CPU time
of a changing set of processes (the server's master and workers, the database backends)
from ``/proc``, since those processes are not this one.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import types
import uuid
from collections.abc import Callable
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


# --- Processes outside this one: the production server and the database ----------------


def process_cpu(pid: int) -> float | None:
    """User + system CPU seconds a process has used so far (Linux /proc); None once gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants that are alive now."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo.extend(int(child) for child in (task / "children").read_text().split())
            except OSError:
                continue
    return out


class CpuWatch:
    """CPU seconds used by a changing set of processes over a run, per group of them.

    ``processes`` names the processes to count now, each with its group (``{pid: group}``).
    A thread asks it again every ``interval`` seconds and reads each one's CPU time, so a
    process that ends during the run (a database connection closed after its maximum age)
    keeps what it used up to the last look, and one that starts during the run counts
    whole. Processes present at ``start`` count from their CPU time then.
    """

    def __init__(self, processes: Callable[[], dict[int, str]], interval: float = 0.5):
        self.processes = processes
        self.interval = interval
        self.first: dict[int, float] = {}
        self.last: dict[int, tuple[str, float]] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _look(self) -> None:
        for pid, group in self.processes().items():
            cpu = process_cpu(pid)
            if cpu is not None:
                self.last[pid] = (group, cpu)

    def start(self) -> None:
        self._look()
        self.first = {pid: cpu for pid, (_group, cpu) in self.last.items()}
        self._thread = threading.Thread(target=self._run, daemon=True, name="cpu-watch")
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._look()

    def stop(self) -> dict[str, tuple[float, int]]:
        """Per group: CPU seconds used since ``start``, and how many processes used them."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._look()
        used: dict[str, tuple[float, int]] = {}
        for pid, (group, cpu) in self.last.items():
            seconds, count = used.get(group, (0.0, 0))
            used[group] = (seconds + cpu - self.first.get(pid, 0.0), count + 1)
        return used


class DatabaseBackends:
    """The PostgreSQL backends serving the benchmark's database, other than this process's.

    Listed from ``pg_stat_activity`` on a connection of its own (Django's connections are
    per thread, and ``CpuWatch`` asks from its thread); the backends of this process's
    Django connections are left out by ``exclude``.
    """

    def __init__(self, exclude: set[int]):
        from django.db import connection

        self.raw = connection.get_new_connection(connection.get_connection_params())
        self.raw.autocommit = True
        with self.raw.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.exclude = exclude | {int(cursor.fetchone()[0])}

    def __call__(self) -> dict[int, str]:
        with self.raw.cursor() as cursor:
            cursor.execute("SELECT pid, backend_type FROM pg_stat_activity "
                           "WHERE datname = current_database()")
            rows = cursor.fetchall()
        return {int(pid): "autovacuum" if kind == "autovacuum worker" else "database"
                for pid, kind in rows if int(pid) not in self.exclude}

    def close(self) -> None:
        self.raw.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ProductionServer:
    """``cybercommons serve`` (gunicorn) on this process's database, as an operator runs it.

    The environment is this process's (``CYBERCOMMONS_DATA_DIR`` and ``DATABASE_URL`` as
    ``setup_django`` set them, so the server opens the very database the benchmark filled)
    with what production needs on top: a secret key of its own, the loopback address as
    allowed host, ``DEBUG`` off. ``extra_env`` adds settings for the run. The server's
    answers log goes nowhere; its standard error to ``log`` in the data folder, shown if it
    fails to come up.
    """

    def __init__(self, workers: int, threads: int = 1, extra_env: dict[str, str] | None = None):
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
        env.update({"SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1",
                    "LOG_LEVEL": "WARNING", **(extra_env or {})})
        self.log = Path(env["CYBERCOMMONS_DATA_DIR"]) / f"serve-{self.port}.log"
        command = [str(Path(sys.executable).parent / "cybercommons"), "serve",
                   "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
                   "--threads", str(threads)]
        with self.log.open("wb") as stderr:
            self.process = subprocess.Popen(command, env=env, cwd=ROOT,
                                            stdout=subprocess.DEVNULL, stderr=stderr)

    def wait_until_up(self, path: str, headers: dict[str, str], timeout: float = 120) -> None:
        """Until ``GET path`` answers 200; stop with the server's log if it never does."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                connection.close()
                if response.status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise SystemExit(f"the server did not answer 200 on {path}; its log:\n"
                         + self.log.read_text(errors="replace")[-4000:])

    def stop(self) -> None:
        """SIGTERM (gunicorn's graceful stop), then SIGKILL if it is still there after 30 s."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
