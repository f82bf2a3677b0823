"""Importing a Pol.is export into a process's opinion map: real data, broken records, re-import."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cybercommons.governance import queries
from cybercommons.governance.importers import polis as importer
from cybercommons.governance.models import Participant, Process, Statement, Vote
from tests.governance.conftest import Cast

pytestmark = pytest.mark.django_db


def _import(folder: Path, slug: str) -> dict:
    out = StringIO()
    call_command("governance", "import-polis", str(folder), "--process", slug, "--json",
                 stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.realdata
def test_it_imports_a_real_polis_export_and_maps_it(
        shared_data: Path, make_process: Callable[..., Process]) -> None:
    folder = shared_data / "polis" / "london.youth.policing"
    process = make_process(slug="youth-policing")
    report = _import(folder, process.slug)
    with (folder / "comments.csv").open(encoding="utf-8") as handle:
        comment_ids = {int(row["comment-id"]) for row in csv.DictReader(handle)}
    with (folder / "votes.csv").open(encoding="utf-8") as handle:
        pairs = {(row["voter-id"], row["comment-id"]) for row in csv.DictReader(handle)
                 if int(row["comment-id"]) in comment_ids}
    assert report["errors"] == []
    assert Statement.objects.filter(process=process).count() == len(comment_ids)
    assert Vote.objects.filter(statement__process=process).count() == len(pairs)
    assert report["votes_created"] == len(pairs)
    data = queries.opinion_map(process)
    assert 2 <= data["group_count"] <= 5
    assert len(data["points"]) == Participant.objects.filter(
        process=process, votes__isnull=False).distinct().count()
    again = _import(folder, process.slug)
    assert again["statements_created"] == 0
    assert again["votes_created"] == 0
    assert again["participants_created"] == 0
    assert Vote.objects.filter(statement__process=process).count() == len(pairs)


def test_broken_records_are_reported_and_skipped(
        tmp_path: Path, make_process: Callable[..., Process]) -> None:
    (tmp_path / "comments.csv").write_text(
        "timestamp,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        "1,1,1,0,0,1,Cables matter\n"
        "2,two,1,0,0,1,Bad id\n"
        "3,2,1,0,0,1,Repairs should be fast\n", encoding="utf-8")
    (tmp_path / "votes.csv").write_text(
        "timestamp,comment-id,voter-id,vote\n"
        "10,1,7,1\n"
        "11,1,7,-1\n"
        "12,2,7,5\n"
        "13,2,8,0\n"
        "14,9,8,1\n", encoding="utf-8")
    process = make_process(slug="broken")
    report = _import(tmp_path, process.slug)
    lines = sorted((Path(e["file"]).name, e["line"]) for e in report["errors"])
    assert lines == [("comments.csv", 3), ("votes.csv", 4)]
    assert report["statements_created"] == 2
    assert report["votes_skipped"] == 1  # the vote on comment 9, which is not exported
    votes = {(v.participant.external_id, v.statement.external_id): v.value
             for v in Vote.objects.filter(statement__process=process)}
    assert votes == {("polis:7", 1): -1, ("polis:8", 2): 0}  # the last vote counts


def test_a_folder_without_an_export_is_refused(
        tmp_path: Path, make_process: Callable[..., Process]) -> None:
    process = make_process(slug="empty")
    with pytest.raises(CommandError, match=r"no Pol\.is export files"):
        _import(tmp_path, process.slug)


def test_only_convenors_import(tmp_path: Path, make_process: Callable[..., Process],
                               cast: Cast) -> None:
    from django.core.exceptions import PermissionDenied

    process = make_process(slug="guarded")
    conversation = importer.read_uploads(StringIO(
        "timestamp,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        "1,1,1,0,0,1,Cables matter\n"), None, None)
    with pytest.raises(PermissionDenied):
        importer.import_conversation(cast.outsider, process, conversation)
    report = importer.import_conversation(cast.convenor, process, conversation)
    assert report.statements_created == 1


@pytest.mark.realdata
@pytest.mark.slow
def test_the_imported_map_agrees_with_polis_as_the_kernel_does(
        shared_data: Path, make_process: Callable[..., Process]) -> None:
    """Through import, storage and the page's query, the groups match Pol.is's exported
    groups exactly as well as the kernel's own map of the export does."""
    from sklearn.metrics import adjusted_rand_score

    from cybercommons.governance.kernel.polis_agreement import agreement, map_conversation
    from cybercommons.governance.kernel.polis_import import load_conversation

    folder = shared_data / "polis" / "brexit-consensus"
    process = make_process(slug="brexit")
    _import(folder, process.slug)
    data = queries.opinion_map(process)
    ours = {p["participant"]: p["group"] for p in data["points"] if p["group"] != "-"}
    theirs = dict(Participant.objects.filter(process=process, external_group__isnull=False)
                  .values_list("pk", "external_group"))
    common = [pk for pk in theirs if pk in ours]
    layer_ari = adjusted_rand_score([theirs[pk] for pk in common], [ours[pk] for pk in common])
    conversation = load_conversation(folder)
    kernel = agreement(conversation, map_conversation(conversation))
    assert len(common) == len(theirs)
    assert layer_ari == pytest.approx(kernel.ari, abs=0.02)
