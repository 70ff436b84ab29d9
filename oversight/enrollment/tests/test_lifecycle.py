"""What happens to places and money when a programme or its facts change."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from oversight.enrollment import selectors
from oversight.enrollment.models import Enrollment
from oversight.enrollment.services import (
    EnrollmentError,
    pause_unconfirmed,
    record_fee,
    record_refund,
    refund_for,
)
from oversight.enrollment.tests.helpers import approved_program, decide, grant
from oversight.notifications.models import Notification
from oversight.programs.models import DisclosureVersion
from oversight.programs.services import transition, update_program
from oversight.registry.models import ClassMembership, SchoolYear
from oversight.testing import make_class


def test_a_suspension_ends_every_place_at_once_and_tells_each_family(
    world, django_capture_on_commit_callbacks
):
    program = approved_program(world)
    grant(world, program)
    with django_capture_on_commit_callbacks(execute=True):
        transition(
            program=program,
            action="suspend",
            by=world.commune_officer,
            reason="Có phản ánh ép buộc",
        )
    enrolment = Enrollment.objects.get(program=program)
    assert enrolment.status == "ended" and enrolment.end_reason == "program_suspended"
    assert not selectors.roster(program).exists()
    assert Notification.objects.filter(
        template="enrollment_program_suspended", recipient=world.guardian.phone
    ).exists()
    # No new grant while suspended; after resuming the family may join again.
    with pytest.raises(EnrollmentError):
        grant(world, program)
    transition(program=program, action="resume", by=world.commune_officer, reason="Đã khắc phục")
    grant(world, program)
    assert Enrollment.objects.get(program=program, status="active")


def test_a_changed_fee_asks_families_to_confirm_and_pauses_the_silent(
    world, django_capture_on_commit_callbacks, settings
):
    settings.CONSENT_RECONFIRM_DAYS = 14
    program = approved_program(world)
    grant(world, program)
    with django_capture_on_commit_callbacks(execute=True):
        update_program(program=program, by=world.principal, fee_amount=200_000)
    assert program.versions.count() == 2
    assert Notification.objects.filter(template="consent_reconfirm").count() == 1
    assert selectors.awaiting_reconfirmation(program).count() == 1
    assert pause_unconfirmed() == 0  # the family still has time
    DisclosureVersion.objects.filter(program=program, number=2).update(
        created_at=timezone.now() - timedelta(days=15)
    )
    call_command("pause_unconfirmed_enrollments")
    enrolment = Enrollment.objects.get(program=program)
    assert enrolment.status == "paused"
    assert not selectors.roster(program).exists()
    # Confirming again (a grant on the new version) restores the place.
    entry = grant(world, program)
    enrolment.refresh_from_db()
    assert enrolment.status == "active" and enrolment.grant == entry
    assert entry.disclosure.number == 2
    assert not selectors.awaiting_reconfirmation(program).exists()


def test_no_collection_without_an_active_grant_on_that_day(world):
    program = approved_program(world)
    today = timezone.localdate()
    args = dict(
        program=program,
        student=world.student_a1,
        by=world.principal,
        period_start=date(2025, 11, 1),
        period_end=date(2025, 11, 30),
        billed=150_000,
    )
    with pytest.raises(EnrollmentError) as e:
        record_fee(**args, collected=150_000, collected_on=today, receipt_number="BL01")
    assert e.value.code == "no_consent"
    record_fee(**args)  # billing alone is allowed
    grant(world, program)
    fee = record_fee(**args, collected=150_000, collected_on=today, receipt_number="BL02")
    assert fee.collected == 150_000
    with pytest.raises(EnrollmentError):
        record_fee(**args, collected=200_000, collected_on=today, receipt_number="BL03")
    with pytest.raises(EnrollmentError):
        record_fee(**args, collected=150_000, collected_on=today, receipt_number="")
    with pytest.raises(PermissionDenied):
        record_fee(**{**args, "by": world.teacher_user})


def test_withdrawal_computes_what_is_owed_for_untaught_sessions(world):
    # A school year around today, so the withdrawal (dated now) falls inside the programme.
    today = timezone.localdate()
    year = SchoolYear.objects.create(
        name="2090-2091", starts_on=today - timedelta(days=120), ends_on=today + timedelta(days=120)
    )
    current = make_class(institution=world.school_a, name="5A9", grade=5, year=year)
    ClassMembership.objects.create(
        student=world.student_a1, homeroom_class=current, school_year=year
    )
    program = approved_program(
        world, school_year=year, starts_on=year.starts_on, ends_on=year.ends_on
    )  # sessions on Tuesdays (weekday 2)
    grant(world, program)
    start = today - timedelta(days=today.weekday())  # this Monday
    fee = record_fee(
        program=program,
        student=world.student_a1,
        by=world.principal,
        period_start=start,
        period_end=start + timedelta(days=27),
        billed=400_000,
        collected=400_000,
        collected_on=today,
        receipt_number="BL10",
    )
    # Four Tuesdays in those four weeks; taught up to today.
    assert selectors.sessions_between([2], start, start + timedelta(days=27)) == 4
    decide(world, program, "withdrawn")
    fee.refresh_from_db()
    untaught = selectors.sessions_between(
        [2], today + timedelta(days=1), start + timedelta(days=27)
    )
    assert fee.refund_due == 400_000 * untaught // 4
    assert fee.refund_due == refund_for(fee, program, today)
    record_refund(fee=fee, amount=fee.refund_due or 1, by=world.principal)
    with pytest.raises(EnrollmentError):
        record_refund(fee=fee, amount=10_000_000, by=world.principal)


@pytest.mark.parametrize(
    ("weekdays", "start", "end", "expected"),
    [
        ([1], date(2025, 12, 1), date(2025, 12, 31), 5),  # Mondays of December 2025
        ([2, 4], date(2025, 12, 1), date(2025, 12, 7), 2),
        ([7], date(2025, 12, 1), date(2025, 12, 6), 0),
        ([1], date(2025, 12, 2), date(2025, 12, 1), 0),
    ],
)
def test_sessions_between_counts_weekdays(weekdays, start, end, expected):
    assert selectors.sessions_between(weekdays, start, end) == expected
