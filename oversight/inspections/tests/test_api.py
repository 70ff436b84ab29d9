"""The inspections API over HTTP, and a suspension's effects end to end."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from oversight.api.tests.test_programs_api import call
from oversight.enrollment.models import Enrollment, FeeRecord
from oversight.enrollment.services import EnrollmentError, record_fee
from oversight.enrollment.tests.helpers import approved_program, grant
from oversight.inspections.models import ChecklistItem, Inspection, ProgramSuspension
from oversight.notifications.models import Notification
from oversight.programs.services import transition

pytestmark = pytest.mark.django_db


def payload(world, **extra):
    body = {
        "kind": "surprise",
        "title": "Kiểm tra đột xuất liên kết giáo dục",
        "legal_basis": "Công văn 2253/UBND-VX; Thông tư 29/2024/TT-BGDĐT",
        "starts_on": "2025-11-03",
        "ends_on": "2025-11-07",
        "targets": [
            {"kind": "institution", "id": world.school_a.pk, "reason": "Phản ánh của phụ huynh"}
        ],
    }
    body.update(extra)
    return body


def test_an_inspector_creates_an_inspection_and_reads_its_checklist(client, world):
    r = call(client, "post", world.inspector, "/api/v1/inspections", payload(world))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["kind"] == "surprise" and body["status"] == "planned"
    assert body["targets"][0]["reason"] == "Phản ánh của phụ huynh"
    r = call(client, "get", world.inspector, f"/api/v1/inspections/{body['id']}/checklist")
    rules = {i["rule"] for i in r.json()}
    assert "tt29.a3.no-cut" in rules


def test_a_commune_gets_403_for_the_departments_school_and_404_for_another_communes(client, world):
    high = payload(
        world, targets=[{"kind": "institution", "id": world.high_a.pk, "reason": "Rủi ro cao"}]
    )
    r = call(client, "post", world.commune_officer, "/api/v1/inspections", high)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    other = payload(
        world, targets=[{"kind": "institution", "id": world.school_b.pk, "reason": "Rủi ro cao"}]
    )
    r = call(client, "post", world.commune_officer, "/api/v1/inspections", other)
    assert r.status_code == 404
    r = call(client, "post", world.principal, "/api/v1/inspections", payload(world))
    assert r.status_code == 403
    assert not Inspection.objects.exists()


def test_bad_input_is_422_and_writes_nothing(client, world):
    r = call(
        client,
        "post",
        world.inspector,
        "/api/v1/inspections",
        payload(world, kind="x", ends_on="2025-11-01"),
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid"
    r = call(
        client, "post", world.inspector, "/api/v1/inspections", payload(world, starts_on="hôm nay")
    )
    assert r.status_code == 422
    assert not Inspection.objects.exists()


def test_a_surprise_inspection_is_404_to_its_target_until_it_starts(client, world):
    r = call(client, "post", world.inspector, "/api/v1/inspections", payload(world))
    pk = r.json()["id"]
    for user in (world.principal, world.teacher_user):
        assert call(client, "get", user, f"/api/v1/inspections/{pk}").status_code == 404
        assert call(client, "get", user, f"/api/v1/inspections/{pk}/checklist").status_code == 404
        assert pk not in [i["id"] for i in call(client, "get", user, "/api/v1/inspections").json()]
    assert (
        call(client, "post", world.inspector, f"/api/v1/inspections/{pk}/start").status_code == 200
    )
    assert call(client, "get", world.principal, f"/api/v1/inspections/{pk}").status_code == 200
    # Visible now, but not theirs to change.
    item = ChecklistItem.objects.filter(target__inspection=pk).first()
    r = call(
        client,
        "patch",
        world.principal,
        f"/api/v1/inspections/{pk}/checklist/{item.pk}",
        {"status": "compliant"},
    )
    assert r.status_code == 403


def test_ranked_targets_come_with_score_and_reasons(client, world):
    r = call(client, "get", world.inspector, "/api/v1/inspections/targets?scope=institutions")
    assert r.status_code == 200
    first = r.json()[0]
    assert first["score"] > 0 and first["reasons"]
    assert call(client, "get", world.principal, "/api/v1/inspections/targets").status_code == 403
    assert (
        call(client, "get", world.inspector, "/api/v1/inspections/targets?scope=x").status_code
        == 422
    )


def test_a_suspension_freezes_places_and_fees_until_the_corrections_are_verified(
    client, world, django_capture_on_commit_callbacks
):
    program = approved_program(world)
    with django_capture_on_commit_callbacks(execute=True):
        grant(world, program)
    world.guardian.refresh_from_db()
    assert Enrollment.objects.filter(program=program, status="active").count() == 1

    r = call(client, "post", world.inspector, "/api/v1/inspections", payload(world))
    pk = r.json()["id"]
    call(client, "post", world.inspector, f"/api/v1/inspections/{pk}/start")
    with django_capture_on_commit_callbacks(execute=True):
        r = call(
            client,
            "post",
            world.inspector,
            f"/api/v1/inspections/{pk}/suspensions",
            {"program_id": program.pk, "reason": "Tạm dừng để kiểm tra việc thu phí"},
        )
    assert r.status_code == 201, r.content
    program.refresh_from_db()
    assert program.status == "suspended"

    r = call(client, "get", world.principal, f"/api/v1/programs/{program.pk}/enrollments")
    assert r.status_code == 200 and r.json()["active"] == 0 and r.json()["items"] == []
    sms = Notification.objects.get(
        recipient=world.guardian.phone, template="enrollment_program_suspended"
    )
    assert "Tạm dừng để kiểm tra việc thu phí" in sms.body and "hoàn lại" in sms.body

    # A new consent is refused, and so is a fee.
    r = call(
        client,
        "post",
        world.principal,
        f"/api/v1/programs/{program.pk}/consents",
        {
            "student_id": world.student_a2.pk,
            "decision": "granted",
            "channel": "staff",
            "child_confirmed": True,
        },
    )
    assert r.status_code in (400, 409) and "error" in r.json()
    with pytest.raises(EnrollmentError):
        record_fee(
            program=program,
            student=world.student_a1,
            by=world.principal,
            period_start=date(2025, 11, 1),
            period_end=date(2025, 11, 30),
            billed=150_000,
            collected=150_000,
            collected_on=timezone.localdate(),
            receipt_number="BL-1",
        )
    assert not FeeRecord.objects.exists()

    # Lifting it needs the corrective actions verified.
    target_id = Inspection.objects.get(pk=pk).targets.get().pk
    r = call(
        client,
        "post",
        world.inspector,
        f"/api/v1/inspections/{pk}/corrective-actions",
        {
            "target_id": target_id,
            "description": "Công khai lại mức thu và căn cứ thu",
            "owner_id": world.principal.pk,
            "deadline": (timezone.localdate() + timedelta(days=10)).isoformat(),
        },
    )
    assert r.status_code == 201, r.content
    action_id = r.json()["id"]
    r = call(client, "post", world.commune_officer, f"/api/v1/programs/{program.pk}/resume")
    assert r.status_code == 409 and "chưa được xác minh" in r.json()["error"]["message"]
    r = call(
        client,
        "post",
        world.principal,
        f"/api/v1/corrective-actions/{action_id}/complete",
        {"note": "Đã niêm yết mức thu"},
    )
    assert r.status_code == 200 and r.json()["status"] == "done"
    r = call(
        client,
        "post",
        world.principal,
        f"/api/v1/corrective-actions/{action_id}/verify",
        {"accepted": True},
    )
    assert r.status_code == 403
    r = call(
        client,
        "post",
        world.inspector,
        f"/api/v1/corrective-actions/{action_id}/verify",
        {"accepted": True},
    )
    assert r.json()["status"] == "verified"
    r = call(client, "post", world.commune_officer, f"/api/v1/programs/{program.pk}/resume")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert ProgramSuspension.objects.get().lifted_at is not None


def test_a_program_outside_the_inspected_targets_cannot_be_suspended_through_it(client, world):
    program = approved_program(world)
    r = call(
        client,
        "post",
        world.inspector,
        "/api/v1/inspections",
        payload(
            world,
            targets=[{"kind": "institution", "id": world.school_b.pk, "reason": "Rủi ro cao"}],
        ),
    )
    pk = r.json()["id"]
    call(client, "post", world.inspector, f"/api/v1/inspections/{pk}/start")
    r = call(
        client,
        "post",
        world.inspector,
        f"/api/v1/inspections/{pk}/suspensions",
        {"program_id": program.pk, "reason": "Tạm dừng để kiểm tra"},
    )
    assert r.status_code == 422
    program.refresh_from_db()
    assert program.status == "approved"


def test_termination_closes_with_refunds_for_untaught_sessions(world):
    from oversight.registry.models import ClassMembership, SchoolYear
    from oversight.testing import make_class

    # A school year around today, so the closure (dated now) falls inside the programme.
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
    )
    grant(world, program)
    fee = record_fee(
        program=program,
        student=world.student_a1,
        by=world.principal,
        period_start=today - timedelta(days=3),
        period_end=today + timedelta(days=27),
        billed=150_000,
        collected=150_000,
        collected_on=today,
        receipt_number="BL-7",
    )
    transition(program=program, action="close", by=world.inspector, reason="Chấm dứt sau kiểm tra")
    fee.refresh_from_db()
    assert 0 < fee.refund_due <= 150_000
    assert Enrollment.objects.get().end_reason == "program_closed"


def test_the_public_sees_concluded_results_and_suspended_programmes_without_children(client, world):
    from oversight.inspections.tests.helpers import inspect
    from oversight.inspections.tests.test_measures import conclude

    inspection = inspect(world, started=True)
    item = ChecklistItem.objects.get(target__inspection=inspection, rule="tt29.a3.no-cut")
    from oversight.inspections.services import record_check

    record_check(item=item, by=world.inspector, status="breach", notes="Cắt tiết Toán tuần 9")
    assert client.get("/api/v1/public/inspections").json() == []
    conclude(inspection, world.inspector)
    r = client.get("/api/v1/public/inspections")
    assert r.status_code == 200
    result = r.json()[0]
    assert result["targets"][0]["findings"][0]["rule"] == "tt29.a3.no-cut"
    assert world.student_a1.full_name not in r.content.decode()
    program = approved_program(world)
    transition(program=program, action="suspend", by=world.inspector, reason="Tạm dừng để kiểm tra")
    r = client.get("/api/v1/public/suspensions")
    assert r.json()[0]["program_id"] == program.pk


def test_plans_evidence_conclusion_and_sanctions_over_http(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from oversight.api.tests.test_programs_api import bearer

    plan = {
        "title": "Kế hoạch kiểm tra năm học 2025-2026",
        "period_start": "2025-09-01",
        "period_end": "2026-05-31",
        "legal_basis": "Thông tư 29/2024/TT-BGDĐT",
    }
    r = call(client, "post", world.commune_officer, "/api/v1/inspection-plans", plan)
    assert r.status_code == 201 and r.json()["agency_id"] == world.committee_a.pk
    bad = {**plan, "period_end": "2025-01-01"}
    assert call(client, "post", world.inspector, "/api/v1/inspection-plans", bad).status_code == 422
    r = call(
        client, "post", world.inspector, "/api/v1/inspections", payload(world, kind="periodic")
    )
    pk = r.json()["id"]
    target_id = r.json()["targets"][0]["id"]
    call(client, "post", world.inspector, f"/api/v1/inspections/{pk}/start")
    item = ChecklistItem.objects.get(target__inspection=pk, rule="tt29.a3.no-cut")
    r = call(
        client,
        "patch",
        world.inspector,
        f"/api/v1/inspections/{pk}/checklist/{item.pk}",
        {"status": "breach", "notes": "Cắt tiết Toán tuần 9", "persons_responsible": "GV A"},
    )
    assert r.status_code == 200 and r.json()["status"] == "breach"
    photo = SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n0000", content_type="image/png")
    r = client.post(
        f"/api/v1/inspections/{pk}/checklist/{item.pk}/evidence",
        {"file": photo, "title": "Ảnh thời khóa biểu"},
        **bearer(world.inspector),
    )
    assert r.status_code == 201 and r.json()["evidence"] == ["Ảnh thời khóa biểu"]
    sanction = {
        "target_id": target_id,
        "kind": "fine",
        "subject_kind": "organisation",
        "subject_name": "Trường Tiểu học Đằng Hải",
        "legal_basis": "Điều 24 Nghị định 04/2021",
        "amount": 5000000,
        "decision_number": "03/QĐ-XPHC",
        "decided_on": "2025-11-20",
    }
    url = f"/api/v1/inspections/{pk}/sanctions"
    assert call(client, "post", world.inspector, url, sanction).status_code == 409  # no conclusion
    conclusion = {
        "number": "15/KL-SGDĐT",
        "concluded_on": "2025-11-10",
        "subject": "Kết luận kiểm tra",
        "body": "Có vi phạm.",
        "recipients": "Trường Tiểu học Đằng Hải",
        "signer_name": "Nguyễn Văn Kiểm",
        "signer_title": "Chánh Thanh tra",
    }
    r = call(client, "post", world.inspector, f"/api/v1/inspections/{pk}/conclusion", conclusion)
    assert r.status_code == 200 and r.json()["status"] == "concluded"
    assert call(client, "post", world.principal, url, sanction).status_code == 403
    r = call(client, "post", world.inspector, url, {**sanction, "amount": None})
    assert r.status_code == 422
    r = call(client, "post", world.inspector, url, sanction)
    assert r.status_code == 201 and r.json()["amount"] == 5000000
    assert len(call(client, "get", world.principal, url).json()) == 1
