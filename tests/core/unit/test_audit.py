"""The audit log is append-only and `cybercommons audit verify` detects tampering."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cybercommons.core import audit
from cybercommons.core.models import AppendOnlyError, AuditEntry


def _write_entries(n: int) -> list[AuditEntry]:
    return [audit.record("test.thing.happened", object_type="test", object_id=str(i),
                         data={"i": i, "text": "été 世界"}) for i in range(n)]


@pytest.mark.django_db
def test_entries_are_chained_in_sequence() -> None:
    entries = _write_entries(3)
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[1].prev_hash == entries[0].hash
    assert audit.verify() == (3, [])


@pytest.mark.django_db
def test_the_model_refuses_updates_and_deletes() -> None:
    entry = _write_entries(1)[0]
    entry.action = "something.else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


@pytest.mark.django_db
def test_verify_detects_an_entry_edited_in_the_table(capsys: pytest.CaptureFixture) -> None:
    _write_entries(4)
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET action = %s WHERE seq = %s",  # noqa: S608
                       ["test.thing.forged", 2])
    count, problems = audit.verify()
    assert count == 4
    assert [p.seq for p in problems] == [2]
    with pytest.raises(CommandError, match="broken"):
        call_command("audit", "verify")
    assert "entry #2" in capsys.readouterr().err


@pytest.mark.django_db
def test_verify_detects_an_entry_deleted_from_the_table() -> None:
    _write_entries(4)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq = 3")  # noqa: S608
    _, problems = audit.verify()
    assert 4 in {p.seq for p in problems}


@pytest.mark.django_db
def test_verify_detects_the_last_entry_removed() -> None:
    _write_entries(3)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq = 3")  # noqa: S608
    _, problems = audit.verify()
    assert problems
    assert "removed from the end" in problems[-1].reason


@pytest.mark.django_db
def test_verify_command_reports_an_intact_chain(capsys: pytest.CaptureFixture) -> None:
    _write_entries(2)
    call_command("audit", "verify")
    assert "intact: 2 entries" in capsys.readouterr().out
