"""Handling a complaint: who may act, the states, escalation, the reporter's identity."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone

from oversight.accounts.access import (
    complaints_visible_to,
    explanation_requests_for_user,
    get_complaint_for_user,
)
from oversight.audit.models import AuditEvent
from oversight.complaints import services as s
from oversight.complaints.models import Complaint, ComplaintEvent, Status
from oversight.complaints.tests.helpers import file_complaint
from oversight.testing import make_user

pytestmark = pytest.mark.django_db


def _named(world, **kw):
    return file_complaint(
        world, anonymous=False, name="Lê Thị Mai", phone="0912345678", **kw
    ).complaint


def test_the_commune_accepts_verifies_concludes_and_closes(world):
    c = file_complaint(world).complaint
    officer = world.commune_officer
    c = s.accept_complaint(complaint=c, by=officer)
    assert c.status == Status.ACCEPTED and c.handler == officer and c.due_on
    c = s.start_verifying(complaint=c, by=officer)
    c = s.conclude_complaint(
        complaint=c, by=officer, outcome="partly", conclusion="Có thu tiền trước, đã yêu cầu hoàn."
    )
    assert c.status == Status.CONCLUDED
    c = s.close_complaint(complaint=c, by=officer)
    assert c.status == Status.CLOSED and c.due_on is None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"complaint.accepted", "complaint.concluded", "complaint.closed"} <= actions


def test_a_rejection_needs_a_reason(world):
    c = file_complaint(world).complaint
    with pytest.raises(s.ComplaintError):
        s.reject_complaint(complaint=c, by=world.commune_officer, reason="không")
    c.refresh_from_db()
    assert c.status == Status.RECEIVED
    c = s.reject_complaint(
        complaint=c, by=world.commune_officer, reason="Nội dung không thuộc phạm vi dạy thêm."
    )
    assert c.status == Status.REJECTED


def test_a_wrong_step_is_a_conflict_and_changes_nothing(world):
    c = file_complaint(world).complaint
    with pytest.raises(s.ComplaintError) as e:
        s.close_complaint(complaint=c, by=world.commune_officer)
    assert e.value.status == 409
    c.refresh_from_db()
    assert c.status == Status.RECEIVED


def test_a_held_complaint_is_released_before_it_is_accepted(world):
    c = file_complaint(
        world, description="Giáo viên mất dạy ép con tôi học thêm buổi tối."
    ).complaint
    with pytest.raises(s.ComplaintError):
        s.accept_complaint(complaint=c, by=world.commune_officer)
    s.release_from_moderation(complaint=c, by=world.commune_officer)
    assert s.accept_complaint(complaint=c, by=world.commune_officer).status == Status.ACCEPTED


@pytest.mark.parametrize(
    "persona", ["principal", "school_staff", "teacher_user", "partner", "guardian_user", "outsider"]
)
def test_school_people_never_see_a_complaint(world, persona):
    c = file_complaint(world).complaint
    user = getattr(world, persona)
    assert not complaints_visible_to(user).exists()
    with pytest.raises(Http404):
        get_complaint_for_user(user, c.pk)


def test_another_commune_cannot_see_the_complaint(world):
    c = file_complaint(world).complaint
    with pytest.raises(Http404):
        get_complaint_for_user(world.commune_officer_b, c.pk)


def test_the_department_reads_but_does_not_handle_a_commune_case(world):
    c = file_complaint(world).complaint
    assert get_complaint_for_user(world.department_officer, c.pk) == c
    with pytest.raises(PermissionDenied):
        get_complaint_for_user(world.department_officer, c.pk, write=True)
    with pytest.raises(PermissionDenied):
        s.accept_complaint(complaint=c, by=world.department_officer)


def test_a_commune_officer_does_not_handle_an_upper_secondary_school(world):
    c = file_complaint(world, institution=world.high_a).complaint
    with pytest.raises(Http404):
        get_complaint_for_user(world.commune_officer, c.pk)
    assert s.accept_complaint(complaint=c, by=world.department_officer).status == Status.ACCEPTED


def test_only_the_handler_reveals_the_reporter_and_each_view_is_logged(world):
    c = _named(world)
    with pytest.raises(PermissionDenied):  # not yet handled by anyone
        s.reveal_identity(complaint=c, by=world.commune_officer, reason="Cần gọi lại để xác minh")
    s.accept_complaint(complaint=c, by=world.commune_officer)
    for other in (world.department_officer, world.principal, world.superuser, world.inspector):
        with pytest.raises(PermissionDenied):
            s.reveal_identity(complaint=c, by=other, reason="Cần gọi lại để xác minh")
    with pytest.raises(s.ComplaintError):
        s.reveal_identity(complaint=c, by=world.commune_officer, reason="xem")
    who = s.reveal_identity(complaint=c, by=world.commune_officer, reason="Cần gọi lại để xác minh")
    assert who == {"name": "Lê Thị Mai", "phone": "0912345678"}
    event = AuditEvent.objects.get(action="complaint.identity_viewed")
    assert event.actor == world.commune_officer
    assert event.data == {"reason": "Cần gọi lại để xác minh"}
    assert c.events.filter(kind=ComplaintEvent.Kind.IDENTITY_VIEWED).count() == 1


def test_the_school_sees_only_the_question_it_is_asked(world):
    c = _named(world)
    s.accept_complaint(complaint=c, by=world.commune_officer)
    req = s.request_explanation(
        complaint=c, by=world.commune_officer, question="Đề nghị giải trình việc thu tiền trước."
    )
    assert list(explanation_requests_for_user(world.principal)) == [req]
    assert not explanation_requests_for_user(world.outsider).exists()
    assert not explanation_requests_for_user(world.teacher_user).exists()
    with pytest.raises(PermissionDenied):
        s.answer_explanation(request=req, by=world.outsider, answer="Không có việc đó xảy ra.")
    s.answer_explanation(request=req, by=world.principal, answer="Trường đã dừng thu từ tháng 10.")
    req.refresh_from_db()
    assert req.answered_by == world.principal


def test_the_handler_escalates_to_the_department_which_takes_it_over(world):
    c = file_complaint(world).complaint
    s.accept_complaint(complaint=c, by=world.commune_officer)
    c = s.escalate_complaint(
        complaint=c, by=world.commune_officer, reason="Vụ việc liên quan nhiều trường."
    )
    assert c.handling_agency == world.department and c.handler is None
    with pytest.raises(PermissionDenied):
        s.start_verifying(complaint=c, by=world.commune_officer)
    s.take_complaint(complaint=c, by=world.department_officer)
    assert s.start_verifying(complaint=c, by=world.department_officer).status == Status.VERIFYING


def test_an_overdue_commune_case_goes_to_the_department_once(world):
    c = file_complaint(world).complaint
    Complaint.objects.filter(pk=c.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    assert s.escalate_overdue_complaints() == 1
    assert s.escalate_overdue_complaints() == 0
    c.refresh_from_db()
    assert c.handling_agency == world.department and c.escalated
    assert c.due_on > timezone.localdate()
    assert AuditEvent.objects.filter(action="complaint.escalated").count() == 1


def test_reminders_are_sent_once_per_deadline(world, settings):
    settings.COMPLAINT_REMIND_DAYS_BEFORE = 30
    world.committee_a.email = "ubnd@lechan.example.gov.vn"
    world.committee_a.save(update_fields=["email"])
    file_complaint(world)
    call_command("remind_complaints")
    call_command("remind_complaints")
    assert AuditEvent.objects.filter(action="complaint.reminded").count() == 1


def test_a_reply_to_the_reporter_and_an_internal_note_differ(world):
    c = file_complaint(world).complaint
    s.accept_complaint(complaint=c, by=world.commune_officer)
    s.reply_to_complaint(complaint=c, by=world.commune_officer, body="Đã tiếp nhận.", public=True)
    s.reply_to_complaint(complaint=c, by=world.commune_officer, body="Gọi trường.", public=False)
    assert c.replies.filter(kind="public").count() == 1
    assert c.replies.filter(kind="internal").count() == 1


def test_the_reporter_adds_information_only_with_the_secret(world):
    sub = file_complaint(world)
    with pytest.raises(s.ComplaintError):
        s.add_information(complaint=sub.complaint, secret="WRONGSECRET1", body="Thêm chứng cứ.")
    s.add_information(complaint=sub.complaint, secret=sub.secret.lower(), body="Thêm chứng cứ.")
    assert sub.complaint.replies.filter(kind="reporter").count() == 1


def test_linking_a_programme_of_another_school_is_refused(world):
    from oversight.testing import make_program

    c = file_complaint(world).complaint
    other = make_program(institution=world.school_b, grades=[9])
    with pytest.raises(s.ComplaintError):
        s.link_program(complaint=c, by=world.commune_officer, program_id=other.pk)
    mine = make_program(institution=world.school_a)
    assert s.link_program(complaint=c, by=world.commune_officer, program_id=mine.pk).program == mine


def test_after_escalation_the_commune_still_reads_but_no_longer_acts(world):
    c = file_complaint(world).complaint
    s.accept_complaint(complaint=c, by=world.commune_officer)
    s.escalate_complaint(
        complaint=c, by=world.commune_officer, reason="Vượt thẩm quyền của phường."
    )
    assert get_complaint_for_user(world.commune_officer, c.pk) == c
    with pytest.raises(PermissionDenied):
        get_complaint_for_user(world.commune_officer, c.pk, write=True)


def test_nothing_can_be_added_after_the_conclusion(world):
    sub = file_complaint(world)
    c = s.accept_complaint(complaint=sub.complaint, by=world.commune_officer)
    s.conclude_complaint(
        complaint=c,
        by=world.commune_officer,
        outcome="not_substantiated",
        conclusion="Không có. Đã xác minh với phụ huynh lớp 5A1.",
    )
    with pytest.raises(s.ComplaintError) as e:
        s.add_information(complaint=c, secret=sub.secret, body="Thêm thông tin mới.")
    assert e.value.status == 409
    assert not c.replies.exists()


def test_only_the_handler_verifies_and_concludes(world):
    other = make_user(role="commune_officer", scope=world.committee_a)
    c = s.accept_complaint(complaint=file_complaint(world).complaint, by=world.commune_officer)
    with pytest.raises(s.ComplaintError) as e:
        s.start_verifying(complaint=c, by=other)
    assert e.value.status == 403
    c.refresh_from_db()
    assert c.status == Status.ACCEPTED


def test_the_school_is_told_by_email_that_it_is_asked_to_explain(
    world, django_capture_on_commit_callbacks
):
    from oversight.notifications.models import Notification

    world.school_a.email = "danghai@example.edu.vn"
    world.school_a.save(update_fields=["email"])
    c = s.accept_complaint(complaint=file_complaint(world).complaint, by=world.commune_officer)
    with django_capture_on_commit_callbacks(execute=True):
        s.request_explanation(
            complaint=c, by=world.commune_officer, question="Giải trình việc thu tiền trước."
        )
    n = Notification.objects.get(recipient="danghai@example.edu.vn")
    assert "Cô chủ nhiệm" not in n.body and "thu tiền" not in n.body
    assert "/complaints/explanations/" in n.body
