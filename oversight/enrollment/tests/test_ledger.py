"""The ledger's integrity: the chain verifies, and tampering directly in SQL is caught."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight.enrollment import selectors
from oversight.enrollment.ledger import verify
from oversight.enrollment.models import ConsentEntry, Enrollment, LedgerHead
from oversight.enrollment.receipts import check_receipt
from oversight.enrollment.services import EnrollmentError, anchor_ledger, record_consent
from oversight.enrollment.tests.helpers import approved_program, decide, grant
from oversight.testing import make_guardian, make_user

TABLE = ConsentEntry._meta.db_table


def _sql(statement: str, params=()) -> None:
    with connection.cursor() as cur:
        cur.execute(statement, params)


def _drop_guard() -> None:
    """What an intruder with the app's database rights would do first."""
    if connection.vendor == "postgresql":
        _sql(f"DROP TRIGGER consent_append_only ON {TABLE}")
    else:
        _sql("DROP TRIGGER consent_append_only")


def _entries(world):
    """declined, granted, withdrawn, declined: only the grant is referenced by an enrolment,
    so the others can be removed in SQL without breaking a foreign key."""
    program = approved_program(world)
    a = decide(world, program, "declined")
    b = grant(world, program)
    c = decide(world, program, "withdrawn")
    d = decide(world, program, "declined")
    return program, a, b, c, d


def _verify_fails_naming(entry_or_none) -> str:
    with pytest.raises(CommandError) as e:
        call_command("verify_ledger")
    message = str(e.value)
    if entry_or_none is not None:
        assert f"#{entry_or_none.pk}" in message
    return message


def test_an_intact_ledger_verifies(world, capsys):
    _entries(world)
    anchor_ledger()
    call_command("verify_ledger")
    assert "4 mục" in capsys.readouterr().out


def test_the_database_refuses_updates_to_entries(world):
    _, a, *_ = _entries(world)
    with pytest.raises(DatabaseError), transaction.atomic():
        _sql(f"UPDATE {TABLE} SET decision = 'granted' WHERE id = %s", [a.pk])
    assert ConsentEntry.objects.get(pk=a.pk).decision == "declined"


def test_the_database_refuses_deletes_on_postgresql(world):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps only the update guard (test flushes delete rows)")
    _, a, *_ = _entries(world)
    with pytest.raises(DatabaseError), transaction.atomic():
        _sql(f"DELETE FROM {TABLE} WHERE id = %s", [a.pk])


def test_an_entry_altered_in_sql_is_named(world):
    _, a, b, *_ = _entries(world)
    _drop_guard()
    _sql(f"UPDATE {TABLE} SET decision = 'granted' WHERE id = %s", [a.pk])
    message = _verify_fails_naming(a)
    assert "sửa" in message
    assert check_receipt(a.receipt_code)["valid"] is False
    assert check_receipt(b.receipt_code)["valid"] is True


def test_an_entry_altered_with_its_hash_recomputed_without_the_key_is_caught(world):
    import hashlib

    from oversight.enrollment.ledger import entry_payload

    _, a, *_ = _entries(world)
    _drop_guard()
    forged = ConsentEntry.objects.get(pk=a.pk)
    forged.decision = "granted"
    # A plain hash: the best one can do without LEDGER_KEY.
    digest = hashlib.sha256(entry_payload(forged)).hexdigest()
    _sql(f"UPDATE {TABLE} SET decision = 'granted', hash = %s WHERE id = %s", [digest, a.pk])
    _verify_fails_naming(a)


def test_a_removed_middle_entry_is_caught(world):
    _, a, b, c, d = _entries(world)
    _drop_guard()
    _sql(f"DELETE FROM {TABLE} WHERE id = %s", [c.pk])
    _verify_fails_naming(d)


def test_a_removed_last_entry_is_caught_by_the_head(world):
    *_, d = _entries(world)
    _drop_guard()
    _sql(f"DELETE FROM {TABLE} WHERE id = %s", [d.pk])
    message = _verify_fails_naming(None)
    assert "đầu chuỗi" in message


def test_a_removed_tail_with_the_head_rewound_is_caught_by_the_anchor(world):
    _, a, b, c, d = _entries(world)
    anchor_ledger()
    _drop_guard()
    _sql(f"DELETE FROM {TABLE} WHERE id = %s", [d.pk])
    LedgerHead.objects.filter(partition=d.partition).update(seq=c.seq, hash=c.hash)
    message = _verify_fails_naming(None)
    assert "niêm phong" in message


def test_reordered_entries_are_caught(world):
    _, a, b, *_ = _entries(world)
    _drop_guard()
    _sql(f"UPDATE {TABLE} SET seq = 1000 WHERE id = %s", [a.pk])
    _sql(f"UPDATE {TABLE} SET seq = %s WHERE id = %s", [a.seq, b.pk])
    _sql(f"UPDATE {TABLE} SET seq = %s WHERE id = %s", [b.seq, a.pk])
    _verify_fails_naming(b)


def test_partitions_are_independent_chains(world):
    program = approved_program(world)
    grant(world, program)
    other_school = world.school_b
    from oversight.programs.services import transition
    from oversight.testing import make_program

    p2 = make_program(institution=other_school, by=world.outsider, grades=[9])
    transition(program=p2, action="submit", by=world.outsider)
    transition(program=p2, action="approve", by=world.commune_officer_b)
    parent = make_user(username="ph_b", role="guardian", scope=other_school)
    make_guardian(student=world.student_b, user=parent)
    e2 = grant(world, p2, student=world.student_b, by=parent)
    assert e2.seq == 1 and e2.partition != ConsentEntry.objects.first().partition
    assert verify() == []


DECISIONS = st.lists(st.sampled_from(["granted", "declined", "withdrawn"]), max_size=12)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=DECISIONS)
def test_for_any_sequence_the_state_is_the_last_accepted_decision(world, sequence):
    program = approved_program(world, title=f"Chương trình {len(sequence)}")
    accepted = []
    with transaction.atomic():
        for decision in sequence:
            try:
                decide(world, program, decision, child_confirmed=True)
            except EnrollmentError:
                continue
            accepted.append(decision)
        latest = selectors.latest_decision(world.student_a1, program)
        assert (latest.decision if latest else None) == (accepted[-1] if accepted else None)
        live = Enrollment.objects.current().filter(program=program).exists()
        assert live == (bool(accepted) and accepted[-1] == "granted")
        assert verify() == []
        transaction.set_rollback(True)


FIELDS = st.sampled_from(
    [
        "decision",
        "channel",
        "relation",
        "device_hash",
        "created_at",
        "disclosure_id",
        "student_id",
        "prev_hash",
        "receipt_code",
    ]
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(field=FIELDS, which=st.integers(min_value=0, max_value=3))
def test_any_single_change_to_a_stored_entry_is_detected(world, field, which):
    with transaction.atomic():
        _, *entries = _entries(world)
        target = entries[which]
        _drop_guard()
        new = {
            "decision": "granted" if target.decision != "granted" else "declined",
            "channel": "paper",
            "relation": "other",
            "device_hash": "0" * 64,
            "created_at": "2020-01-01 00:00:00",
            "disclosure_id": None,
            "student_id": world.student_a2.pk,
            "prev_hash": "f" * 64,
            "receipt_code": "AAAAAAAAAA",
        }[field]
        _sql(f"UPDATE {TABLE} SET {field} = %s WHERE id = %s", [new, target.pk])
        problems = verify()
        assert problems and problems[0].entry_id == target.pk
        transaction.set_rollback(True)


@pytest.mark.django_db(transaction=True)
def test_two_withdrawals_and_a_grant_racing_leave_one_state():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL's row locks")
    from oversight.testing import make_world

    world = make_world()
    program = approved_program(world)
    grant(world, program)
    barrier = threading.Barrier(3)
    outcomes: list[str] = []

    def act(decision: str) -> None:
        from django.db import connections

        try:
            barrier.wait()
            record_consent(
                program=program,
                student=world.student_a1,
                decision=decision,
                by=world.guardian_user,
                child_confirmed=True,
            )
            outcomes.append(decision)
        except EnrollmentError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=(d,)) for d in ("withdrawn", "withdrawn", "granted")
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    entries = list(ConsentEntry.objects.order_by("seq").values_list("decision", flat=True))
    # Whatever the interleaving: a chain of valid transitions, one live place at most, and
    # the place exists exactly when the last decision is a grant.
    assert entries[0] == "granted"
    for before, after in zip(entries, entries[1:], strict=False):
        assert (before, after) in {("granted", "withdrawn"), ("withdrawn", "granted")}
    live = Enrollment.objects.current().filter(program=program).count()
    assert live == (1 if entries[-1] == "granted" else 0)
    assert outcomes.count("withdrawn") <= 2 and verify() == []
    unsafe = Enrollment.objects.filter(program=program).exclude(status="ended").count()
    assert unsafe <= 1


@pytest.mark.django_db(transaction=True)
def test_two_programmes_of_one_school_writing_at_once_keep_one_chain():
    """Both wait on the school's chain head while holding their own programme: every entry
    takes its own position, links to the one before, and the chain verifies."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL's row locks")
    from oversight.testing import make_world

    world = make_world()
    first = approved_program(world)
    second = approved_program(world, title="Câu lạc bộ tiếng Anh")
    other = make_user(username="phuhuynh_song_song", role="guardian", scope=world.school_a)
    make_guardian(student=world.student_a2, user=other, phone="0914444555")
    barrier = threading.Barrier(4)
    errors: list[Exception] = []

    def act(program, student, user) -> None:
        from django.db import connections

        try:
            barrier.wait()
            for decision in ("granted", "withdrawn", "granted"):
                record_consent(
                    program=program,
                    student=student,
                    decision=decision,
                    by=user,
                    child_confirmed=True,
                )
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=(p, s, u))
        for p in (first, second)
        for s, u in ((world.student_a1, world.guardian_user), (world.student_a2, other))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = list(ConsentEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 13))
    assert verify() == []
    assert Enrollment.objects.current().count() == 4
