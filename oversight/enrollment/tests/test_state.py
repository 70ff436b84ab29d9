"""The one-statement read a decision is judged against agrees with the ORM's reads, in every
state a family can be in; and a registration stays within its statements."""

import contextlib
from datetime import timedelta

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight.enrollment import selectors
from oversight.enrollment.models import Enrollment
from oversight.enrollment.services import EnrollmentError, pause_unconfirmed
from oversight.enrollment.tests.helpers import approved_program, decide, grant
from oversight.programs.models import EligibleStudent, TutoringGroup
from oversight.testing import make_guardian, make_user


def _orm_state(world, student, program, user):
    """The same facts read the plain way, one queryset each."""
    link = (
        student.guardianships.filter(guardian__user=user).order_by("pk").first()
        if user is not None
        else None
    )
    return {
        "link": link.pk if link else None,
        "phone": link.guardian.phone if link else None,
        "current": getattr(selectors.latest_decision(student, program), "pk", None),
        "live": getattr(
            Enrollment.objects.current().filter(student=student, program=program).first(),
            "pk",
            None,
        ),
        "version": getattr(selectors.latest_disclosure(program), "pk", None),
        "grade": selectors.student_grade(student, program.school_year_id),
        "taken": Enrollment.objects.filter(program=program, status="active").count(),
        "in_group": EligibleStudent.objects.filter(
            group__program=program, student=student
        ).exists(),
    }


def _state(student, program, user):
    s = selectors.decision_state(student, program, user.pk if user is not None else None)
    return {
        "link": s.link.pk if s.link else None,
        "phone": s.link.guardian.phone if s.link else None,
        "current": s.current.pk if s.current else None,
        "live": s.live.pk if s.live else None,
        "version": s.version.pk if s.version else None,
        "grade": s.grade,
        "taken": s.taken,
        "in_group": s.in_tutoring_group,
    }


STEPS = st.lists(st.sampled_from(["granted", "declined", "withdrawn", "pause"]), max_size=6)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_the_one_statement_state_equals_the_orm_reads_after_any_decisions(world, steps):
    with transaction.atomic():
        _walk(world, steps)
        transaction.set_rollback(True)


def _walk(world, steps):
    program = approved_program(world, capacity=1)
    # Someone else holds the only place now and then, so grants also land on the waiting list.
    other = make_user(username="phuhuynh_khac", role="guardian", scope=world.school_a)
    make_guardian(student=world.student_a2, user=other, phone="0912222333")
    for i, step in enumerate(steps):
        if step == "pause":
            Enrollment.objects.filter(program=program, status="active").update(status="paused")
            continue
        # A refused decision changes nothing; the state must still agree.
        with contextlib.suppress(EnrollmentError):
            decide(world, program, step, child_confirmed=True if step == "granted" else None)
        if i == 1:
            grant(world, program, student=world.student_a2, by=other)
        for student, user in [
            (world.student_a1, world.guardian_user),
            (world.student_a2, other),
            (world.student_a2, world.guardian_user),  # not this parent's child: no link
            (world.student_a1, None),
        ]:
            assert _state(student, program, user) == _orm_state(world, student, program, user)


def test_the_state_knows_the_tutoring_groups_and_other_schools(world):
    program = approved_program(world)
    group = TutoringGroup.objects.create(program=program, name="Nhóm 1", grade=5)
    assert selectors.decision_state(world.student_a1, program, None).in_tutoring_group is False
    EligibleStudent.objects.create(group=group, student=world.student_a1, basis="weak_result")
    state = selectors.decision_state(world.student_a1, program, world.guardian_user.pk)
    assert state.in_tutoring_group is True and state.grade == 5
    # A student of another school has no class in the programme's school year here.
    assert selectors.decision_state(world.student_b, program, None) == selectors.DecisionState(
        link=None,
        current=None,
        live=None,
        version=state.version,
        grade=selectors.student_grade(world.student_b, program.school_year_id),
        in_tutoring_group=False,
        taken=0,
    )


def test_a_registration_takes_a_bounded_number_of_statements(
    world, django_capture_on_commit_callbacks
):
    """A burst of families at a deadline goes through this path: lock the programme, claim
    the ledger position and read the state (one statement on PostgreSQL), then write the
    entry, move the head, create the place and audit (one statement on PostgreSQL); after
    commit, the message and, at most once in a while, the re-judgement queue. A new statement
    here costs every family; this test says so when one is added."""
    program = approved_program(world)
    grant(world, program, student=world.student_a1)  # first use: the chain's head row exists
    parent = make_user(username="phuhuynh_dem", role="guardian", scope=world.school_a)
    make_guardian(student=world.student_a2, user=parent, phone="0913333444")
    with (
        CaptureQueriesContext(connection) as inside,
        django_capture_on_commit_callbacks() as hooks,
    ):
        grant(world, program, student=world.student_a2, by=parent)
    statements = [q["sql"] for q in inside.captured_queries]
    work = [s for s in statements if "SAVEPOINT" not in s]
    one_trip = connection.vendor == "postgresql"
    assert len(work) == (3 if one_trip else 7), "\n".join(work)
    assert "FOR UPDATE" in work[0] or not one_trip
    assert "RETURNING" in work[1] and "enrollment_ledgerhead" in work[1]
    with CaptureQueriesContext(connection) as after:
        for hook in hooks:
            hook()
    assert len(after.captured_queries) <= 3, after.captured_queries  # message, queue check, enqueue


def test_a_paused_place_is_renewed_by_a_fresh_grant(world):
    program = approved_program(world)
    grant(world, program)
    Enrollment.objects.filter(program=program).update(status="paused")
    grant(world, program)
    enrolment = Enrollment.objects.get(student=world.student_a1, program=program)
    assert enrolment.status == "active"
    assert enrolment.grant == selectors.latest_decision(world.student_a1, program)
    assert pause_unconfirmed(now=timezone.now() + timedelta(days=1)) == 0
