"""Consultation-layer figures of the governance module, measured through Django.

1. Pol.is import into the database (``importers.polis.import_conversation``: the export
   parsed, last vote per voter and statement kept, one transaction), then the same export
   again (nothing changes: the importer is idempotent);
2. the opinion map as the map page computes it (``queries.opinion_map``): first from cold,
   then from the cache, with the adjusted Rand index of the page's groups against the
   groups in Pol.is's own export;
3. publishing a decision with 1,000 / 10,000 / 100,000 ballots, in two parts: the
   convenor's request (``POST /api/v1/governance/processes/{slug}/result`` through Django's
   test client: checks, the publication record, the task queued; it answers 202) and the
   background task run by the database worker (``db_worker --batch``: read the ballots,
   tally under the process rule and every other rule, anonymise, write the canonical ballot
   file, hash, store, audit), each with wall and CPU time; then recounting the published
   file with its hash check (``kernel.ballot_file.recount``), which must give the
   published result.

The script makes its own data folder and database (SQLite in that folder; with
``--database-url postgresql://…/name`` a scratch database is created next to ``name`` on
that server and dropped at the end) and removes them when done.

    python bench/gov_consultation.py
    python bench/gov_consultation.py --database-url postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EXPORTS = ["brexit-consensus", "vtaiwan.uberx", "american-assembly.bowling-green"]
DEFAULT_BALLOTS = [1_000, 10_000, 100_000]


def default_data() -> Path:
    """The shared public datasets (``CYBERCOMMONS_SHARED_DATA`` or ../shared/data)."""
    configured = os.environ.get("CYBERCOMMONS_SHARED_DATA")
    return Path(configured) if configured else (ROOT.parent / "shared" / "data").resolve()


def scratch_database(url: str) -> tuple[str, Callable[[], None]]:
    """A new, empty PostgreSQL database on the server of ``url``, and how to drop it.

    The database named in ``url`` is only used to connect: nothing is written to it.
    """
    import psycopg

    parts = urlsplit(url)
    base = parts.path.lstrip("/") or "postgres"
    name = f"{base}_govbench_{os.getpid()}"
    admin = urlunsplit(parts._replace(path=f"/{base}"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def setup_django(data_dir: str, database_url: str | None) -> str:
    """Point Django at the scratch folder and database, create the schema; the vendor."""
    os.environ["CYBERCOMMONS_DATA_DIR"] = data_dir
    os.environ["LOG_LEVEL"] = "WARNING"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cybercommons.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    return connection.vendor


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def timed_cpu(work: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall and CPU seconds of this process (the worker runs in it, not in a child)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def convenor() -> tuple[Any, Any]:
    """An international secretariat and its admin, who convenes every process here."""
    from cybercommons.core.models import Membership, Organisation, Role, User

    organisation, _ = Organisation.objects.get_or_create(
        slug="bench-secretariat", defaults={"name": "Bench secretariat",
                                            "stakeholder_type": "international"})
    user, created = User.objects.get_or_create(username="bench-convenor")
    if created:
        Membership.objects.create(user=user, organisation=organisation, role=Role.ADMIN)
    return user, organisation


def new_process(slug: str, rule: str = "") -> Any:
    from cybercommons.governance import services
    from cybercommons.governance.models import DecisionRule

    user, organisation = convenor()
    return services.create_process(user, convenor=organisation, title=slug, slug=slug,
                                   decision_rule=rule or DecisionRule.SIMPLE_MAJORITY,
                                   sections=[("text", "Text", "A text to decide on.")])


# --- Pol.is import and the opinion-map page --------------------------------------------


def polis_figures(folder: Path) -> dict[str, Any]:
    from django.core.cache import cache
    from sklearn.metrics import adjusted_rand_score

    from cybercommons.governance import queries
    from cybercommons.governance.importers import polis as importer
    from cybercommons.governance.models import Participant, Vote

    user, _ = convenor()
    process = new_process(f"polis-{folder.name}".replace(".", "-")[:80])
    # Parsing is part of an import as people run it (`governance import-polis DIR`).
    first, report = timed(lambda: importer.import_conversation(
        user, process, importer.read_folder(folder)))
    again, second = timed(lambda: importer.import_conversation(
        user, process, importer.read_folder(folder)))
    if second.statements_created or second.participants_created or second.votes_created:
        raise SystemExit(f"{folder.name}: the second import created records")
    cache.clear()
    cold, data = timed(lambda: queries.opinion_map(process))
    warm, cached = timed(lambda: queries.opinion_map(process))
    if cached["points"] != data["points"]:
        raise SystemExit(f"{folder.name}: the cached map differs from the computed one")
    if data["error"]:
        raise SystemExit(f"{folder.name}: {data['error']}")
    theirs = dict(Participant.objects.filter(process=process, external_group__isnull=False)
                  .values_list("pk", "external_group"))
    pairs = [(theirs[p["participant"]], p["group"]) for p in data["points"]
             if p["participant"] in theirs and p["group"] != "-"]
    ari = adjusted_rand_score([a for a, _ in pairs], [b for _, b in pairs]) if pairs else 0.0
    return {"export": folder.name, "statements": report.statements_created,
            "participants": report.participants_created,
            "votes": Vote.objects.filter(statement__process=process).count(),
            "errors": len(report.errors), "import": first, "reimport": again, "map": cold,
            "cached": warm, "groups": data["group_count"], "ari": ari,
            "clustered": len(pairs)}


# --- Publishing a decision and recounting it -------------------------------------------

GROUPS = ["government", "company", "technical", "civil_society", "international", "individual"]
REGIONS = ["african", "asia_pacific", "eastern_european", "grulac", "weog"]


def cast_ballots(process: Any, count: int, seed: int) -> None:
    """``count`` participants with ballots, written in bulk (set-up, not measured).

    Seeded: stakeholder groups, regions, developing countries (about one in five),
    organisations (about one per 20 people; individuals have none) and choices with a
    lean that differs by group, a few objections with reasons.
    """
    from django.db import transaction

    from cybercommons.core.models import Organisation
    from cybercommons.governance.models import Ballot, Participant

    rng = random.Random(seed)  # synthetic ballots, reproducible on purpose
    version = process.current_version
    lean = {"government": 0.62, "company": 0.41, "technical": 0.55, "civil_society": 0.66,
            "international": 0.58, "individual": 0.47}
    with transaction.atomic():
        organisations: dict[str, list[int]] = {}
        for group in GROUPS[:-1]:
            made = Organisation.objects.bulk_create(
                Organisation(name=f"{process.slug} {group} {n}",
                             slug=f"{process.slug}-{group}-{n}"[:80], stakeholder_type=group)
                for n in range(max(1, count // 20 // 5)))
            organisations[group] = [o.pk for o in made]
        people = []
        for n in range(count):
            group = GROUPS[n % len(GROUPS)] if rng.random() < 0.7 else rng.choice(GROUPS)
            people.append(Participant(
                process=process, external_id=f"bench-{n}", stakeholder_group=group,
                organisation_id=rng.choice(organisations[group]) if group in organisations
                else None, region=rng.choice(REGIONS), developing=rng.random() < 0.2))
        Participant.objects.bulk_create(people, batch_size=5000)
        ids = dict(Participant.objects.filter(process=process).values_list("external_id",
                                                                           "pk"))
        ballots = []
        for n, person in enumerate(people):
            roll = rng.random()
            yes = lean[person.stakeholder_group]
            if roll < yes:
                choice, reason = "yes", ""
            elif roll < yes + 0.07:
                choice, reason = "abstain", ""
            else:
                choice = "no"
                reason = "The cost is unclear." if rng.random() < 0.01 else ""
            ballots.append(Ballot(process=process, participant_id=ids[f"bench-{n}"],
                                  version=version, choice=choice, reason=reason))
        Ballot.objects.bulk_create(ballots, batch_size=5000)


def decision_figures(count: int) -> dict[str, Any]:
    from django.core.management import call_command
    from django.test import Client

    from cybercommons.governance import services, tallies
    from cybercommons.governance.kernel.ballot_file import recount
    from cybercommons.governance.models import Decision, DecisionRule, Phase

    user, _ = convenor()
    process = new_process(f"decision-{count}", rule=DecisionRule.STAKEHOLDER_GROUPS)
    services.change_phase(user, process, Phase.DECISION)
    cast_ballots(process, count, seed=count)
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    url = f"/api/v1/governance/processes/{process.slug}/result"
    client.get(f"/api/v1/governance/processes/{process.slug}")  # middleware set up, not timed
    request_wall, request_cpu, answer = timed_cpu(lambda: client.post(url))
    if answer.status_code != 202:
        raise SystemExit(f"the request to publish answered {answer.status_code}")
    if Decision.objects.filter(process=process).exists():
        raise SystemExit("the result was visible before the task ran")
    task_wall, task_cpu, _none = timed_cpu(lambda: call_command(
        "db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0))
    status = client.get(answer["Location"]).json()
    if status["status"] != "done":
        raise SystemExit(f"the publication ended {status['status']}: {status['message']}")
    decision = Decision.objects.get(process=process)
    data = decision.ballot_file.encode("utf-8")
    again, result = timed(lambda: recount(data, expected_sha256=decision.sha256))
    same = tallies.result_json(result) == decision.result
    if not same:
        raise SystemExit(f"the recount of {count} ballots differs from the published result")
    return {"ballots": count, "request": request_wall, "request_cpu": request_cpu,
            "task": task_wall, "task_cpu": task_cpu, "recount": again,
            "mb": len(data) / 1e6, "outcome": decision.outcome, "same": same}


# --- Output -----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=default_data(),
                        help="the shared data folder holding polis/ (default: %(default)s)")
    parser.add_argument("--exports", nargs="*", default=DEFAULT_EXPORTS,
                        help="Pol.is export folders under DATA/polis")
    parser.add_argument("--ballots", nargs="*", type=int, default=DEFAULT_BALLOTS)
    parser.add_argument("--database-url", default="",
                        help="a PostgreSQL server (a scratch database is made on it)")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="gov-bench-")
    drop: Callable[[], None] | None = None
    try:
        url = None
        if args.database_url:
            url, drop = scratch_database(args.database_url)
        vendor = setup_django(folder, url)
        print(f"database: {vendor}; data folder: {folder}")
        print()
        header = (f"{'export':34} {'stmts':>6} {'people':>7} {'votes':>8} {'import s':>9} "
                  f"{'again s':>8} {'map s':>7} {'cached ms':>10} {'k':>2} {'ARI':>6}")
        print("Pol.is import and the opinion-map page")
        print(header)
        print("-" * len(header))
        for name in args.exports:
            row = polis_figures(args.data / "polis" / name)
            print(f"{row['export']:34} {row['statements']:6d} {row['participants']:7d} "
                  f"{row['votes']:8,d} {row['import']:9.2f} {row['reimport']:8.2f} "
                  f"{row['map']:7.2f} {1000 * row['cached']:10.1f} {row['groups']:2d} "
                  f"{row['ari']:6.3f}"
                  + (f"  ({row['errors']} records refused)" if row["errors"] else ""))
        print()
        print("Publishing a decision (equal weight per stakeholder group): the request, "
              "the background task, and a recount")
        header = (f"{'ballots':>8} {'request ms':>11} {'(cpu)':>7} {'task s':>7} "
                  f"{'(cpu)':>6} {'file MB':>8} {'recount s':>10} {'outcome':>9} "
                  f"{'recount = published':>20}")
        print(header)
        print("-" * len(header))
        for count in args.ballots:
            row = decision_figures(count)
            same = "yes" if row["same"] else "NO"
            print(f"{row['ballots']:8,d} {1000 * row['request']:11.1f} "
                  f"{1000 * row['request_cpu']:7.1f} {row['task']:7.2f} "
                  f"{row['task_cpu']:6.2f} {row['mb']:8.1f} {row['recount']:10.2f} "
                  f"{row['outcome']:>9} {same:>20}")
    finally:
        if drop is not None:
            drop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
