"""The checklist, the conclusion, sanctions, corrective actions and their reminders."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from oversight.inspections.models import ChecklistItem, CorrectiveAction, Evidence, Sanction
from oversight.inspections.services import (
    InspectionError,
    InspectionInputError,
    add_corrective_action,
    add_evidence,
    complete_corrective_action,
    conclude_inspection,
    record_check,
    record_sanction,
    send_corrective_action_reminders,
    verify_corrective_action,
)
from oversight.inspections.tests.helpers import inspect
from oversight.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _item(inspection, rule="tt29.a3.no-cut"):
    return ChecklistItem.objects.get(target__inspection=inspection, rule=rule)


def conclude(inspection, by):
    return conclude_inspection(
        inspection=inspection,
        by=by,
        number="15/KL-SGDĐT",
        concluded_on=date(2025, 11, 10),
        subject="Kết luận kiểm tra dạy thêm",
        body="Nhà trường cắt giảm nội dung chính khóa để dạy thêm.",
        recipients="Trường Tiểu học Đằng Hải; UBND phường Lê Chân; Lưu VT",
        signer_name="Nguyễn Văn Kiểm",
        signer_title="Chánh Thanh tra",
    )


def test_a_breach_needs_evidence_and_only_while_in_progress(world):
    inspection = inspect(world)
    with pytest.raises(InspectionError):
        record_check(item=_item(inspection), by=world.inspector, status="compliant")
    inspection = inspect(world, started=True)
    with pytest.raises(InspectionInputError):
        record_check(item=_item(inspection), by=world.inspector, status="breach", notes="")
    assert _item(inspection).status == "not_checked"
    item = record_check(
        item=_item(inspection),
        by=world.inspector,
        status="breach",
        notes="Tiết Toán tuần 9 chuyển sang lớp học thêm",
        interviewed="Hiệu trưởng; 2 giáo viên",
        persons_responsible="Giáo viên Lê Văn Nam",
        heads_responsible="Hiệu trưởng",
    )
    assert item.status == "breach" and item.checked_by == world.inspector


def test_only_the_team_or_its_authority_records_checks(world):
    inspection = inspect(world, started=True)
    for user in (world.principal, world.commune_officer):
        with pytest.raises(PermissionDenied):
            record_check(item=_item(inspection), by=user, status="compliant")


def test_evidence_is_checked_by_its_content(world):
    inspection = inspect(world, started=True)
    fake = SimpleUploadedFile("anh.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(InspectionInputError):
        add_evidence(item=_item(inspection), by=world.inspector, title="Ảnh", upload=fake)
    png = SimpleUploadedFile("lop.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20)
    add_evidence(item=_item(inspection), by=world.inspector, title="Ảnh lớp học", upload=png)
    assert Evidence.objects.get().content_type == "image/png"


def test_sanctions_follow_their_kind(world):
    inspection = inspect(world, started=True)
    target = inspection.targets.get()
    with pytest.raises(InspectionError):  # not concluded yet
        record_sanction(
            inspection=inspection,
            target=target,
            by=world.inspector,
            kind="warning",
            subject_kind="person",
            subject_name="Lê Văn Nam",
            legal_basis="Nghị định 112/2020",
            decision_number="01/QĐ",
            decided_on=date(2025, 11, 20),
        )
    inspection = conclude(inspection, world.inspector)
    bad = [
        dict(kind="warning", subject_kind="organisation"),  # discipline is personal
        dict(kind="fine", subject_kind="organisation"),  # a fine needs its amount
        dict(kind="reprimand", subject_kind="person", amount=5_000_000),
        dict(
            kind="fine", subject_kind="person", amount=5_000_000, effective_from=date(2025, 11, 1)
        ),
    ]
    for extra in bad:
        with pytest.raises(InspectionInputError):
            record_sanction(
                inspection=inspection,
                target=target,
                by=world.inspector,
                subject_name="Trường Tiểu học Đằng Hải",
                legal_basis="Điều 24 Nghị định 04/2021/NĐ-CP",
                decision_number="02/QĐ-XPHC",
                decided_on=date(2025, 11, 20),
                **extra,
            )
    assert not Sanction.objects.exists()
    fine = record_sanction(
        inspection=inspection,
        target=target,
        by=world.inspector,
        kind="fine",
        subject_kind="organisation",
        subject_name="Trường Tiểu học Đằng Hải",
        legal_basis="Điều 24 Nghị định 04/2021/NĐ-CP",
        amount=7_500_000,
        decision_number="02/QĐ-XPHC",
        decided_on=date(2025, 11, 20),
    )
    assert fine.amount == 7_500_000 and fine.effective_from == date(2025, 11, 20)


def _action(world, inspection, deadline):
    world.principal.phone = "0901234567"
    world.principal.save(update_fields=["phone"])
    world.inspector.email = "thanhtra@example.vn"
    world.inspector.save(update_fields=["email"])
    return add_corrective_action(
        inspection=inspection,
        target=inspection.targets.get(),
        by=world.inspector,
        description="Trả lại nội dung chính khóa vào thời khóa biểu",
        owner=world.principal,
        deadline=deadline,
        today=date(2025, 11, 5),
    )


def test_a_corrective_action_is_done_by_its_owner_and_verified_by_the_inspector(
    world, django_capture_on_commit_callbacks
):
    inspection = inspect(world, started=True)
    with django_capture_on_commit_callbacks(execute=True):
        action = _action(world, inspection, date(2025, 12, 1))
    assert Notification.objects.filter(recipient="0901234567").count() == 1
    with pytest.raises(InspectionError):
        verify_corrective_action(action=action, by=world.inspector, accepted=True)
    with pytest.raises(PermissionDenied):
        complete_corrective_action(action=action, by=world.outsider, note="Đã sửa xong")
    complete_corrective_action(action=action, by=world.principal, note="Đã sửa thời khóa biểu")
    with pytest.raises(PermissionDenied):
        verify_corrective_action(action=action, by=world.principal, accepted=True)
    action = verify_corrective_action(action=action, by=world.inspector, accepted=True)
    assert action.status == "verified" and action.verified_by == world.inspector


def test_a_deadline_in_the_past_is_refused(world):
    inspection = inspect(world, started=True)
    with pytest.raises(InspectionInputError):
        _action(world, inspection, date(2025, 11, 1))
    assert not CorrectiveAction.objects.exists()


def test_reminders_go_once_before_the_deadline_and_once_when_overdue(
    world, django_capture_on_commit_callbacks
):
    inspection = inspect(world, started=True)
    action = _action(world, inspection, date(2025, 12, 1))
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_corrective_action_reminders(today=date(2025, 11, 20)) == {
            "reminded": 0,
            "overdue": 0,
        }
        assert send_corrective_action_reminders(today=date(2025, 11, 26))["reminded"] == 1
        # A second runner the same day finds nothing left to claim.
        assert send_corrective_action_reminders(today=date(2025, 11, 26))["reminded"] == 0
    assert "còn 5 ngày" in Notification.objects.get().body
    with django_capture_on_commit_callbacks(execute=True):
        assert send_corrective_action_reminders(today=date(2025, 12, 3))["overdue"] == 1
        assert send_corrective_action_reminders(today=date(2025, 12, 4))["overdue"] == 0
    overdue = Notification.objects.filter(template="inspection_action_overdue")
    assert overdue.count() == 2  # the owner and the lead inspector
    assert "Quá hạn 2 ngày" in overdue.first().body
    action.refresh_from_db()
    assert action.reminded_at and action.overdue_notified_at


def test_a_verified_action_is_not_reported_overdue(world):
    inspection = inspect(world, started=True)
    action = _action(world, inspection, date(2025, 12, 1))
    complete_corrective_action(action=action, by=world.principal, note="Đã sửa thời khóa biểu")
    verify_corrective_action(action=action, by=world.inspector, accepted=True)
    assert send_corrective_action_reminders(today=date(2025, 12, 10)) == {
        "reminded": 0,
        "overdue": 0,
    }


def test_the_reminder_command_takes_the_date(world, capsys):
    inspection = inspect(world, started=True)
    _action(world, inspection, date(2025, 12, 1))
    call_command("remind_corrective_actions", "--today", "2025-12-05")
    assert "1" in capsys.readouterr().out
    assert CorrectiveAction.objects.get().overdue_notified_at is not None
    assert date(2025, 12, 5) - timedelta(days=4) == date(2025, 12, 1)


@pytest.mark.parametrize("owner", ["outsider", "guardian_user", "teacher_user", "partner"])
def test_a_correction_is_never_owned_by_someone_outside_the_case(world, owner):
    inspection = inspect(world, started=True)  # the department inspects school A
    with pytest.raises(InspectionInputError) as e:
        add_corrective_action(
            inspection=inspection,
            target=inspection.targets.get(),
            by=world.inspector,
            description="Trả lại nội dung chính khóa vào thời khóa biểu",
            owner=getattr(world, owner),
            deadline=date(2025, 12, 1),
            today=date(2025, 11, 5),
        )
    assert "owner" in e.value.errors
    assert not CorrectiveAction.objects.exists()


@pytest.mark.parametrize("owner", ["principal", "school_staff", "department_officer"])
def test_a_correction_is_owned_by_the_schools_management_or_the_inspecting_authority(world, owner):
    inspection = inspect(world, started=True)
    action = add_corrective_action(
        inspection=inspection,
        target=inspection.targets.get(),
        by=world.inspector,
        description="Trả lại nội dung chính khóa vào thời khóa biểu",
        owner=getattr(world, owner),
        deadline=date(2025, 12, 1),
        today=date(2025, 11, 5),
    )
    assert action.owner == getattr(world, owner)
