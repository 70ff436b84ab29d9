"""Pages: findings per scope with filters and counts, a finding with its history and actions,
the compliance panel on the programme and institution pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from oversight.compliance.models import Finding
from oversight.compliance.services import evaluate_program
from oversight.compliance.tests.helpers import submitted


@pytest.fixture
def paid_in_school(world):
    program = submitted(world, kind="in_school_tutoring", fee_amount=100_000)
    evaluate_program(program)
    return program


def test_the_findings_page_filters_and_counts(client, world, paid_in_school):
    client.force_login(world.commune_officer)
    url = reverse("compliance:findings")
    page = client.get(url).content.decode()
    assert "tt29.a5.free" in page and "tt29.a4.primary" in page and paid_in_school.title in page
    page = client.get(url, {"rule": "tt29.a5.free", "status": "open"}).content.decode()
    assert "tt29.a5.free" in page and "Dạy thêm môn Toán cho học sinh tiểu học" not in page
    page = client.get(url, {"scope": f"commune:{world.commune_b.pk}"}).content.decode()
    assert "Không có phát hiện nào." in page
    assert client.get(url, {"scope": "bogus"}).status_code == 404
    client.force_login(world.outsider)
    assert paid_in_school.title not in client.get(url).content.decode()


def test_a_finding_page_shows_facts_citation_remedy_and_history(client, world, paid_in_school):
    f = Finding.objects.get(rule_code="tt29.a5.free", key="fee")
    client.force_login(world.principal)
    page = client.get(reverse("compliance:finding", args=[f.pk])).content.decode()
    assert "Điều 5, Thông tư 29/2024/TT-BGDĐT" in page and "100.000 đ" in page
    assert "Tiếp nhận" in page and "Bác bỏ" not in page  # the school does not dismiss
    client.force_login(world.outsider)
    assert client.get(reverse("compliance:finding", args=[f.pk])).status_code == 404


def test_acknowledge_resolve_and_dismiss_are_plain_posts(client, world, paid_in_school):
    f = Finding.objects.get(rule_code="tt29.a5.free", key="fee")
    act = lambda a: reverse("compliance:finding_action", args=[f.pk, a])  # noqa: E731
    client.force_login(world.outsider)
    assert client.post(act("acknowledge")).status_code == 404
    client.force_login(world.principal)
    assert client.post(act("dismiss"), {"reason": "Không đúng sự thật"}).status_code == 403
    r = client.post(act("acknowledge"), {"reason": "Đang xử lý"})
    assert r.status_code == 302
    f.refresh_from_db()
    assert f.status == "acknowledged"
    client.force_login(world.commune_officer)
    client.post(act("dismiss"), {"reason": "ngắn"})
    f.refresh_from_db()
    assert f.status == "acknowledged"
    client.post(act("dismiss"), {"reason": "Đã kiểm tra, trường đã dừng thu"})
    f.refresh_from_db()
    assert f.status == "dismissed"
    page = client.get(reverse("compliance:finding", args=[f.pk])).content.decode()
    assert "Đã kiểm tra, trường đã dừng thu" in page and "Tiếp nhận" in page


def test_the_programme_page_has_a_compliance_panel_for_those_who_oversee_it(
    client, world, paid_in_school
):
    url = reverse("programs:detail", args=[paid_in_school.pk])
    client.force_login(world.principal)
    page = client.get(url).content.decode()
    assert "Tuân thủ quy định" in page and "tt29.a5.free" in page
    assert "Lý do phê duyệt vượt" in page  # the principal approves in-school plans
    client.force_login(world.teacher_user)
    page = client.get(url).content.decode()
    assert "tt29.a5.free" not in page


def test_the_institution_page_shows_its_score_and_links_to_the_signals(
    client, world, paid_in_school
):
    client.force_login(world.commune_officer)
    page = client.get(reverse("registry:institution", args=[world.school_a.pk])).content.decode()
    assert "Điểm rủi ro" in page
    risk = client.get(reverse("compliance:institution", args=[world.school_a.pk]))
    assert risk.status_code == 200 and "tt29.a5.free" in risk.content.decode()
    client.force_login(world.teacher_user)
    assert (
        client.get(reverse("compliance:institution", args=[world.school_a.pk])).status_code == 403
    )
    client.force_login(world.outsider)
    assert (
        client.get(reverse("compliance:institution", args=[world.school_a.pk])).status_code == 404
    )


def test_the_approve_form_carries_the_override_reason(client, world):
    program = submitted(world, kind="in_school_tutoring", fee_amount=100_000)
    client.force_login(world.principal)
    url = reverse("programs:transition", args=[program.pk, "approve"])
    client.post(url)
    program.refresh_from_db()
    assert program.status == "submitted"
    client.post(url, {"override_reason": "Cam kết dừng thu tiền ngay"})
    program.refresh_from_db()
    assert program.status == "approved"


def test_the_rules_page_shows_the_pack_and_only_the_department_admin_tunes(client, world):
    client.force_login(world.commune_officer)
    page = client.get(reverse("compliance:rules")).content.decode()
    assert "tt29.a5.free" in page and "Khi thanh tra" in page and "Lưu khung giờ" not in page
    assert (
        client.post(
            reverse("compliance:hours_window"), {"earliest": "07:00", "latest": "21:00"}
        ).status_code
        == 403
    )
    client.force_login(world.teacher_user)
    assert client.get(reverse("compliance:rules")).status_code == 403
    client.force_login(world.department_admin)
    assert "Lưu khung giờ" in client.get(reverse("compliance:rules")).content.decode()
    client.post(
        reverse("compliance:tune_threshold", args=["class_uptake"]),
        {"threshold": "abc", "points": "1"},
    )
    client.post(
        reverse("compliance:tune_threshold", args=["class_uptake"]),
        {"threshold": "0.9", "points": "35"},
    )
    from oversight.compliance.models import SignalThreshold

    assert SignalThreshold.objects.get(code="class_uptake").points == 35
    client.post(reverse("compliance:hours_window"), {"earliest": "07:00", "latest": "21:00"})
    assert "Từ 07:00 đến 21:00." in client.get(reverse("compliance:rules")).content.decode()


def test_the_findings_page_ranks_schools_by_their_signals(client, world, paid_in_school):
    from oversight.compliance.models import RiskSignal

    RiskSignal.objects.create(
        program=paid_in_school,
        institution=world.school_a,
        unit=world.commune_a,
        code="session_hours",
        value=1,
        threshold=1,
        points=20,
        explanation="Buổi học trong giờ chính khóa: thứ 3 10:00–10:45.",
        measured_at=paid_in_school.created_at,
    )
    client.force_login(world.department_officer)
    page = client.get(reverse("compliance:findings")).content.decode()
    assert "Trường có điểm rủi ro cao" in page and world.school_a.name in page
    assert "Điểm rủi ro theo xã, phường" in page
    client.force_login(world.commune_officer_b)
    assert world.school_a.name not in client.get(reverse("compliance:findings")).content.decode()
