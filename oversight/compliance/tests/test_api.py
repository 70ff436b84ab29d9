"""The API contract: findings per programme and by scope, risk, actions, evaluation."""

from __future__ import annotations

import pytest

from oversight.api.tests.test_programs_api import call
from oversight.compliance.models import Finding, RiskSignal
from oversight.compliance.services import evaluate_program
from oversight.compliance.tests.helpers import submitted


@pytest.fixture
def paid_in_school(world):
    program = submitted(world, kind="in_school_tutoring", fee_amount=100_000)
    evaluate_program(program)
    return program


def test_a_programmes_findings_carry_rule_severity_citation_message_and_status(
    client, world, paid_in_school
):
    r = call(client, "get", world.principal, f"/api/v1/programs/{paid_in_school.pk}/findings")
    assert r.status_code == 200
    rows = {f["rule"]: f for f in r.json()}
    free = rows["tt29.a5.free"]
    assert free["severity"] == "violation" and free["status"] == "open"
    assert free["citation"] == "khoản 1, Điều 5, Thông tư 29/2024/TT-BGDĐT"
    assert "100.000 đ" in free["message"] and free["remedy"] and free["verified"] is True


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("principal", 200),
        ("school_staff", 200),
        ("commune_officer", 200),
        ("department_officer", 200),
        ("inspector", 200),
        ("teacher_user", 403),
        ("outsider", 404),
        ("commune_officer_b", 404),
    ],
)
def test_who_reads_a_programmes_findings(client, world, paid_in_school, persona, status):
    url = f"/api/v1/programs/{paid_in_school.pk}/findings"
    assert call(client, "get", getattr(world, persona), url).status_code == status


def test_the_findings_list_filters_by_scope_rule_severity_and_status(client, world, paid_in_school):
    def get(user, query):
        r = call(client, "get", user, f"/api/v1/findings?{query}")
        assert r.status_code == 200, r.content
        return r.json()

    everything = get(world.department_officer, "")
    assert everything["count"] == Finding.objects.count() > 1
    only = get(world.department_officer, "rule=tt29.a5.free&severity=violation&status=open")
    assert {f["rule"] for f in only["items"]} == {"tt29.a5.free"}
    assert get(world.department_officer, "status=resolved")["count"] == 0
    commune = get(world.department_officer, f"scope=commune:{world.commune_a.pk}")
    assert commune["count"] == everything["count"]
    assert get(world.department_officer, f"scope=commune:{world.commune_b.pk}")["count"] == 0
    school = get(world.principal, f"scope=institution:{world.school_a.pk}")
    assert school["count"] == everything["count"]
    # Outside their scope, the same query answers nothing rather than someone else's findings.
    for user in (world.commune_officer_b, world.outsider, world.teacher_user, world.guardian_user):
        assert get(user, "")["count"] == 0
    r = call(client, "get", world.department_officer, "/api/v1/findings?scope=nowhere:1")
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid"


def test_a_commune_officer_sees_findings_of_the_schools_its_commune_manages_only(
    client, world, paid_in_school
):
    high = submitted(
        world,
        institution=world.high_a,
        by=world.department_admin,
        kind="in_school_tutoring",
        grades=[12],
        fee_amount=100_000,
    )
    evaluate_program(high)
    items = call(client, "get", world.commune_officer, "/api/v1/findings").json()["items"]
    assert {f["program_id"] for f in items} == {paid_in_school.pk}
    dept = call(client, "get", world.department_officer, "/api/v1/findings?page_size=200").json()
    assert high.pk in {f["program_id"] for f in dept["items"]}


def test_approve_with_an_override_reason_through_the_api(client, world):
    program = submitted(world, kind="in_school_tutoring", fee_amount=100_000)
    url = f"/api/v1/programs/{program.pk}/approve"
    r = call(client, "post", world.principal, url)
    assert r.status_code == 409 and "tt29.a5.free" in r.json()["error"]["message"]
    r = call(client, "post", world.principal, url, {"override_reason": "ngắn"})
    assert r.status_code == 409
    program.refresh_from_db()
    assert program.status == "submitted"
    r = call(client, "post", world.principal, url, {"override_reason": "Cam kết không thu tiền"})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert Finding.objects.get(rule_code="tt29.a5.free", key="fee").override_reason


def test_acting_on_a_finding_through_the_api(client, world, paid_in_school):
    f = Finding.objects.get(rule_code="tt29.a5.free", key="fee")
    url = f"/api/v1/findings/{f.pk}"
    assert call(client, "post", world.outsider, f"{url}/acknowledge").status_code == 404
    assert (
        call(client, "post", world.principal, f"{url}/dismiss", {"reason": "x" * 12}).status_code
        == 403
    )
    r = call(client, "post", world.commune_officer, f"{url}/dismiss", {"reason": "ngắn"})
    assert r.status_code == 422
    r = call(client, "post", world.principal, f"{url}/acknowledge")
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"
    r = call(client, "post", world.principal, f"{url}/acknowledge")
    assert r.status_code == 409
    r = call(
        client,
        "post",
        world.commune_officer,
        f"{url}/dismiss",
        {"reason": "Đã kiểm tra tại trường"},
    )
    assert r.json()["status"] == "dismissed" and r.json()["status_reason"]


def test_an_institutions_risk_shows_its_score_and_each_signal(client, world):
    program = submitted(world)  # a linkage at school A
    RiskSignal.objects.create(
        program=program,
        institution=world.school_a,
        unit=world.commune_a,
        code="class_uptake",
        value=0.93,
        threshold=0.8,
        points=30,
        explanation="Lớp 5A1: 28/30 học sinh (93%) tham gia chương trình có thu; ngưỡng 80%.",
        facts={},
        measured_at=program.created_at,
    )
    url = f"/api/v1/institutions/{world.school_a.pk}/risk"
    r = call(client, "get", world.commune_officer, url)
    assert r.status_code == 200
    body = r.json()
    assert body["score"] == 30 and body["signals"][0]["code"] == "class_uptake"
    assert "28/30" in body["signals"][0]["explanation"] and body["signals"][0]["threshold"] == 0.8
    assert call(client, "get", world.teacher_user, url).status_code == 403
    assert call(client, "get", world.outsider, url).status_code == 404


def test_a_hotspot_raises_the_institutions_risk_as_its_own_part(client, world):
    from oversight.complaints.models import Hotspot

    program = submitted(world)
    RiskSignal.objects.create(
        program=program,
        institution=world.school_a,
        unit=world.commune_a,
        code="class_uptake",
        value=0.93,
        threshold=0.8,
        points=30,
        explanation="Lớp 5A1: 28/30 học sinh tham gia.",
        facts={},
        measured_at=program.created_at,
    )
    url = f"/api/v1/institutions/{world.school_a.pk}/risk"
    body = call(client, "get", world.commune_officer, url).json()
    assert body["score"] == 30 and body["hotspot"]["points"] == 0
    Hotspot.objects.create(
        scope="institution",
        institution=world.school_a,
        unit=world.commune_a,
        state="active",
        weight=12.0,
        baseline=1.0,
        city_average=0.5,
    )
    # A commune on watch adds half of half its weight: 8 × 0.5 / 2 = 2.
    Hotspot.objects.create(
        scope="commune", unit=world.commune_a, state="watch", weight=8.0, baseline=1, city_average=1
    )
    body = call(client, "get", world.commune_officer, url).json()
    assert body["hotspot"]["weight"] == 14.0 and body["hotspot"]["points"] == 14
    assert body["score"] == 30 + 14
    assert "14.0" in body["hotspot"]["explanation"] and "14 điểm" in body["hotspot"]["explanation"]
    assert {"label": "Điểm nóng phản ánh của người dân", "points": 14} in body["parts"]
    # A hotspot elsewhere does not count; a resolved one no longer counts.
    Hotspot.objects.filter(scope="commune").update(state="resolved")
    Hotspot.objects.filter(scope="institution").update(state="resolved")
    assert call(client, "get", world.commune_officer, url).json()["score"] == 30
    b = f"/api/v1/institutions/{world.school_b.pk}/risk"
    assert call(client, "get", world.department_officer, b).json()["hotspot"]["points"] == 0


def test_the_institution_page_explains_the_hotspot_part(client, world):
    from django.urls import reverse

    from oversight.complaints.models import Hotspot

    Hotspot.objects.create(
        scope="institution",
        institution=world.school_a,
        unit=world.commune_a,
        state="active",
        weight=9.5,
        baseline=1.0,
        city_average=0.5,
    )
    client.force_login(world.commune_officer)
    html = client.get(reverse("compliance:institution", args=[world.school_a.pk])).content.decode()
    assert "Điểm nóng phản ánh của người dân: +10" in html and "9.5" in html


def test_the_engine_runs_on_demand_for_a_scope_the_user_oversees(client, world):
    program = submitted(world, kind="in_school_tutoring", fee_amount=100_000)
    url = "/api/v1/compliance/evaluate"
    assert (
        call(
            client, "post", world.commune_officer_b, url, {"scope": f"program:{program.pk}"}
        ).status_code
        == 403
    )
    assert call(client, "post", world.principal, url, {"scope": "city"}).status_code == 403
    assert not Finding.objects.exists()
    r = call(client, "post", world.principal, url, {"scope": f"institution:{world.school_a.pk}"})
    assert r.status_code == 200 and r.json()["programs"] == 1 and r.json()["opened"] > 0
    r = call(client, "post", world.department_officer, url, {"scope": "city"})
    assert r.json()["opened"] == 0
    r = call(client, "post", world.commune_officer, url, {"scope": f"commune:{world.commune_a.pk}"})
    assert r.status_code == 200
    r = call(client, "post", world.department_officer, url, {"scope": "program:abc"})
    assert r.status_code == 422
    assert "commune:<id>" in r.json()["error"]["message"]  # says what a scope looks like


def test_a_facilitys_findings_are_for_its_commune(client, world):
    from oversight.programs.services import create_facility

    facility = create_facility(
        by=world.commune_officer,
        name="Trung tâm Học Tốt",
        unit=world.commune_a,
        address="Số 5 Lê Chân",
        representative="Nguyễn Văn Tư",
    )
    program = submitted(
        world,
        institution=None,
        facility=facility,
        by=world.commune_officer,
        kind="outside_tutoring",
        grades=[9],
    )
    evaluate_program(program)
    url = f"/api/v1/programs/{program.pk}/findings"
    rules = {f["rule"] for f in call(client, "get", world.commune_officer, url).json()}
    assert "tt29.a6.registered" in rules
    assert call(client, "get", world.commune_officer_b, url).status_code == 404
    assert call(client, "get", world.principal, url).status_code == 404
    items = call(client, "get", world.commune_officer_b, "/api/v1/findings").json()["items"]
    assert items == []
