from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from oversight.audit.models import AuditEvent
from oversight.enrollment import selectors
from oversight.enrollment.models import ConsentEntry, Enrollment, LedgerProtected
from oversight.enrollment.services import EnrollmentError, record_consent
from oversight.enrollment.tests.helpers import approved_program, decide, grant
from oversight.notifications.models import Notification
from oversight.programs.models import EligibleStudent, TutoringGroup
from oversight.programs.services import transition
from oversight.testing import make_guardian, make_program, make_student, make_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_guardian_grant_enrolls_at_once_with_a_receipt_and_tells_the_family(
    world, django_capture_on_commit_callbacks
):
    program = approved_program(world)
    with django_capture_on_commit_callbacks(execute=True):
        entry = grant(world, program)
    assert entry.decision == "granted" and entry.channel == "portal"
    assert entry.guardian == world.guardian and entry.relation == "father"
    assert entry.disclosure == program.versions.get(number=1)
    assert entry.child_confirmed is True
    assert len(entry.receipt_code) == 10 and entry.seq == 1
    enrolment = Enrollment.objects.get(student=world.student_a1, program=program)
    assert enrolment.status == "active" and enrolment.grant == entry
    assert list(selectors.roster(program).values_list("student", flat=True)) == [
        world.student_a1.pk
    ]
    sms = Notification.objects.get(template="consent_granted")
    assert sms.recipient == world.guardian.phone and entry.receipt_code[:5] in sms.body
    assert AuditEvent.objects.filter(action="consent.granted", target_id=str(entry.pk)).exists()


def test_a_withdrawal_ends_the_place_at_once_and_the_next_roster_drops_the_student(world):
    program = approved_program(world)
    grant(world, program)
    entry = decide(world, program, "withdrawn")
    assert entry.child_confirmed is None
    assert selectors.latest_decision(world.student_a1, program) == entry
    enrolment = Enrollment.objects.get(student=world.student_a1, program=program)
    assert enrolment.status == "ended" and enrolment.end_reason == "withdrawn"
    assert not selectors.roster(program).exists()
    with pytest.raises(EnrollmentError) as e:
        decide(world, program, "withdrawn")
    assert e.value.status == 409
    assert ConsentEntry.objects.count() == 2


def test_no_grant_before_approval_and_nothing_is_written(world):
    program = make_program(institution=world.school_a, by=world.principal)
    with pytest.raises(EnrollmentError) as e:
        grant(world, program)
    assert e.value.status == 409 and "phê duyệt" in e.value.message
    assert not ConsentEntry.objects.exists() and not Enrollment.objects.exists()


def test_only_the_childs_guardian_decides_on_the_portal(world):
    program = approved_program(world)
    other_parent = make_user(username="phuhuynh2", role="guardian", scope=world.school_a)
    make_guardian(student=world.student_a2, user=other_parent)
    for by in (other_parent, world.principal, world.teacher_user, world.partner):
        with pytest.raises(PermissionDenied):
            grant(world, program, by=by)
    assert not ConsentEntry.objects.exists()


def test_decline_then_change_of_mind_and_a_grant_is_not_declined_twice(world):
    program = approved_program(world)
    decide(world, program, "declined")
    with pytest.raises(EnrollmentError):
        decide(world, program, "declined")
    grant(world, program)
    with pytest.raises(EnrollmentError) as e:
        decide(world, program, "declined")
    assert "Rút" in e.value.message
    with pytest.raises(EnrollmentError):
        grant(world, program)
    assert [e.decision for e in ConsentEntry.objects.order_by("seq")] == ["declined", "granted"]


def test_a_child_of_seven_or_more_who_says_no_blocks_the_grant(world):
    program = approved_program(world)
    with pytest.raises(EnrollmentError):
        grant(world, program, child_confirmed=False)
    assert not ConsentEntry.objects.exists()


def test_a_full_programme_puts_families_on_a_waiting_list_and_a_withdrawal_frees_a_place(
    world, django_capture_on_commit_callbacks
):
    program = approved_program(world, capacity=1)
    grant(world, program)
    parent_b = make_user(username="phuhuynh2", role="guardian", scope=world.school_a)
    make_guardian(student=world.student_a2, user=parent_b, phone="0911111111")
    program.grades = [5]
    grant(world, program, student=world.student_a2, by=parent_b)
    second = Enrollment.objects.get(student=world.student_a2)
    assert second.status == "waitlisted"
    with django_capture_on_commit_callbacks(execute=True):
        decide(world, program, "withdrawn")
    second.refresh_from_db()
    assert second.status == "active"
    assert Notification.objects.filter(template="enrollment_promoted", recipient="0911111111")


def test_eligibility_in_school_tutoring_only_for_the_three_groups(world):
    school = world.school_b  # lower secondary, grade 9
    principal_b = world.outsider
    parent = make_user(username="phuhuynh_b", role="guardian", scope=school)
    make_guardian(student=world.student_b, user=parent)
    program = make_program(
        institution=school,
        by=principal_b,
        kind="in_school_tutoring",
        title="Ôn thi vào 10 môn Toán",
        grades=[9],
        fee_amount=0,
        staff=[],
    )
    transition(program=program, action="submit", by=principal_b)
    transition(program=program, action="approve", by=principal_b)
    with pytest.raises(EnrollmentError) as e:
        grant(world, program, student=world.student_b, by=parent)
    assert e.value.code == "not_eligible" and "Điều 5.1" in e.value.message
    group = TutoringGroup.objects.create(program=program, name="Toán 9 - nhóm 1", grade=9)
    EligibleStudent.objects.create(group=group, student=world.student_b, basis="final_year_review")
    assert grant(world, program, student=world.student_b, by=parent).decision == "granted"


def test_no_academic_tutoring_for_primary_pupils_and_only_offered_grades(world):
    program = approved_program(world, grades=[4])
    with pytest.raises(EnrollmentError) as e:
        grant(world, program)
    assert "khối 5" in e.value.message
    tutoring = make_program(
        institution=world.school_a,
        by=world.principal,
        kind="in_school_tutoring",
        grades=[5],
        fee_amount=0,
        staff=[],
    )
    transition(program=tutoring, action="submit", by=world.principal)
    transition(
        program=tutoring,
        action="approve",
        by=world.principal,
        override_reason="Phê duyệt vượt để thử quy trình",
    )
    with pytest.raises(EnrollmentError) as e:
        grant(world, tutoring)
    assert "tiểu học" in e.value.message


def test_school_records_a_paper_form_with_its_scan_and_the_family_is_asked_to_confirm(
    world, django_capture_on_commit_callbacks
):
    program = approved_program(world)
    scan = SimpleUploadedFile("don.pdf", PDF, content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        entry = record_consent(
            program=program,
            student=world.student_a1,
            decision="granted",
            by=world.principal,
            channel="paper",
            scan=scan,
            child_confirmed=True,
        )
    assert entry.staff_entered and entry.scan_sha256 and entry.guardian == world.guardian
    assert entry.actor == world.principal
    sms = Notification.objects.get(template="consent_paper_confirm")
    assert f"/family/confirm/{entry.receipt_code}/" in sms.body
    confirmed = grant(world, program, confirms=entry)
    assert confirmed.confirms == entry and confirmed.channel == "portal"
    assert Enrollment.objects.get(program=program).grant == confirmed


def test_staff_may_not_invent_a_grant_and_teachers_record_nothing(world):
    program = approved_program(world)
    with pytest.raises(EnrollmentError):
        record_consent(
            program=program,
            student=world.student_a1,
            decision="granted",
            by=world.principal,
            channel="staff",
        )
    with pytest.raises(PermissionDenied):
        record_consent(
            program=program,
            student=world.student_a1,
            decision="declined",
            by=world.teacher_user,
            channel="staff",
        )
    with pytest.raises(PermissionDenied):
        record_consent(
            program=program,
            student=world.student_a1,
            decision="declined",
            by=world.outsider,
            channel="staff",
        )
    bad = SimpleUploadedFile("don.exe", b"MZ\x90\x00", content_type="application/pdf")
    with pytest.raises(EnrollmentError):
        record_consent(
            program=program,
            student=world.student_a1,
            decision="granted",
            by=world.principal,
            channel="paper",
            scan=bad,
        )
    assert not ConsentEntry.objects.exists()


def test_ledger_entries_cannot_be_changed_or_deleted_through_the_orm(world):
    program = approved_program(world)
    entry = grant(world, program)
    entry.decision = "declined"
    with pytest.raises(LedgerProtected):
        entry.save()
    with pytest.raises(LedgerProtected):
        entry.delete()


def test_a_student_of_another_school_cannot_join_its_linkage_programme(world):
    program = approved_program(world)
    stranger = make_student(
        institution=world.school_b, full_name="Lạ Văn Khách", date_of_birth=date(2014, 1, 1)
    )
    parent = make_user(username="ph_la", role="guardian", scope=world.school_b)
    make_guardian(student=stranger, user=parent)
    with pytest.raises(EnrollmentError):
        grant(world, program, student=stranger, by=parent)
