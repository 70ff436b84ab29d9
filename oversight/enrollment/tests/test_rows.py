"""The hot-path statements of `oversight.lib.rows` behave as the ORM does: same values in,
same values out, errors translated, statements counted."""

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from oversight.audit.models import AuditEvent
from oversight.enrollment.models import ConsentEntry, LedgerHead
from oversight.enrollment.services import record_consent
from oversight.enrollment.tests.helpers import approved_program
from oversight.lib.rows import (
    Statement,
    get_for_update,
    hot_cursor,
    insert,
    to_instance,
    write_together,
)
from oversight.programs.models import Program


def test_insert_prepares_values_as_save_does(world):
    event = insert(
        AuditEvent(
            actor=world.principal,
            action="thu.nghiem",
            data={"tên": "Đằng Hải", "số": [1, 2]},
            ip_address="192.0.2.7",
        )
    )
    assert event.pk is not None and event.at is not None  # auto_now_add, as save() sets it
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.data == {"tên": "Đằng Hải", "số": [1, 2]}
    assert stored.ip_address == "192.0.2.7" and stored.actor == world.principal
    assert stored.at == event.at and not event._state.adding


def test_insert_stores_a_file_field_and_honours_constraints(world, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    program = approved_program(world)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    entry = record_consent(
        program=program,
        student=world.student_a1,
        decision="granted",
        by=world.principal,
        channel="paper",
        scan=SimpleUploadedFile("don.pdf", pdf, content_type="application/pdf"),
        child_confirmed=True,
    )
    stored = ConsentEntry.objects.get(pk=entry.pk)
    assert stored.scan.name.startswith("consents/") and stored.scan.read() == pdf
    duplicate = ConsentEntry(
        partition=stored.partition,
        seq=stored.seq,  # the unique ledger position is taken
        student=world.student_a1,
        program=program,
        decision="declined",
        channel="portal",
        receipt_code="ZZZZZZZZZZ",
        created_at=datetime(2026, 12, 3, tzinfo=UTC),
        prev_hash="0" * 64,
        hash="f" * 64,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        insert(duplicate)  # Django's exception, not the driver's
    assert ConsentEntry.objects.count() == 1


def test_to_instance_converts_and_defers_the_rest(world):
    program = approved_program(world, grades=[4, 5])
    with hot_cursor() as cur:
        cur.execute("SELECT title, grades, id FROM programs_program WHERE id = %s", [program.pk])
        row = cur.fetchone()
    loaded = to_instance(Program, ["title", "grades", "id"], row, using="default")
    assert loaded.pk == program.pk and loaded.grades == [4, 5] and loaded.title == program.title
    assert loaded.get_deferred_fields() >= {"status", "capacity"}
    assert loaded.capacity == program.capacity  # read on first access, not guessed


def test_get_for_update_reads_the_whole_row_or_says_it_is_missing(world):
    program = approved_program(world)
    with transaction.atomic():
        locked = get_for_update(Program, program.pk)
        assert locked.get_deferred_fields() == set()
        assert (locked.status, locked.grades, locked.starts_on) == (
            "approved",
            program.grades,
            program.starts_on,
        )
    with pytest.raises(Program.DoesNotExist):
        get_for_update(Program, 10**9)


def test_hot_statements_are_seen_by_query_capture(world):
    with CaptureQueriesContext(connection) as captured:
        insert(AuditEvent(action="thu.nghiem"))
    assert len(captured.captured_queries) == 1
    assert "audit_auditevent" in captured.captured_queries[0]["sql"]


def test_write_together_runs_every_part_and_sets_generated_keys(world):
    LedgerHead.objects.create(partition="thu-nghiem")
    first, second = AuditEvent(action="mot"), AuditEvent(action="hai", data={"a": 1})
    move = Statement(
        "UPDATE enrollment_ledgerhead SET seq = %s WHERE partition = %s", [5, "thu-nghiem"]
    )
    with CaptureQueriesContext(connection) as captured:
        write_together(first, move, second)
    one_trip = connection.vendor == "postgresql"
    assert len(captured.captured_queries) == (1 if one_trip else 3)
    assert first.pk and second.pk and first.pk != second.pk
    assert AuditEvent.objects.get(pk=second.pk).data == {"a": 1}
    assert AuditEvent.objects.get(pk=first.pk).action == "mot"
    assert LedgerHead.objects.get(partition="thu-nghiem").seq == 5


def test_write_together_is_all_or_nothing(world):
    existing = insert(AuditEvent(action="co-san"))
    with pytest.raises(IntegrityError), transaction.atomic():
        write_together(AuditEvent(action="moi"), AuditEvent(pk=existing.pk, action="trung"))
    assert not AuditEvent.objects.filter(action__in=["moi", "trung"]).exists()


def test_hot_statements_are_prepared_once_on_postgresql(world):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    sql = "SELECT COUNT(*) FROM audit_auditevent WHERE action = %s"
    for _ in range(6):
        with hot_cursor() as cur:
            cur.execute(sql, ["thu.nghiem"])
    with connection.cursor() as cur:
        cur.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cur.fetchall()]
    assert any("audit_auditevent" in s and "$1" in s for s in prepared), prepared
