"""The programme API contract: drafting, the lifecycle, and the public list."""

import pytest

from oversight.accounts.services import issue_token
from oversight.programs.models import Program
from oversight.testing import PERSONAS, make_program


def bearer(user):
    _, key = issue_token(user=user, name="thu nghiem", by=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def call(client, method, user, url, body=None):
    headers = bearer(user) if user else {}
    if method == "get":
        return client.get(url, **headers)
    return getattr(client, method)(url, body or {}, content_type="application/json", **headers)


def draft_payload(world, **extra):
    payload = {
        "kind": "linkage",
        "institution_id": world.school_a.pk,
        "title": "Tiếng Anh bản ngữ",
        "category": "foreign_language_foreign_teacher",
        "grades": [4, 5],
        "capacity": 35,
        "fee": {"amount": 200000, "unit": "per_month", "legal_basis": "Hợp đồng liên kết"},
        "starts_on": "2025-10-01",
        "ends_on": "2026-05-20",
        "sessions": [{"weekday": 3, "start": "16:45", "end": "17:30", "place": "Phòng 3"}],
        "staff": [{"full_name": "Emma Brown", "is_foreign": True}],
        "alternative_activity": "Sinh hoạt thư viện có giáo viên trông",
    }
    from oversight.programs.models import Partner

    partner = Partner.objects.create(name="Công ty Ánh Sao", search_name="cong ty anh sao")
    payload["partner_id"] = partner.pk
    payload.update(extra)
    return payload


def test_a_principal_creates_a_draft_and_reads_it_back(client, world):
    r = call(client, "post", world.principal, "/api/v1/programs", draft_payload(world))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "draft" and body["kind"] == "linkage"
    assert body["sessions"] == [
        {"weekday": 3, "start": "16:45", "end": "17:30", "place": "Phòng 3"}
    ]
    assert body["fee"]["amount"] == 200000 and body["public_url"] is None
    r = call(client, "get", world.principal, f"/api/v1/programs/{body['id']}")
    assert r.status_code == 200 and r.json()["title"] == "Tiếng Anh bản ngữ"


@pytest.mark.parametrize(
    "change,field",
    [
        (
            {"sessions": [{"weekday": 3, "start": "17:30", "end": "16:45", "place": "P"}]},
            "sessions",
        ),
        ({"capacity": 0}, "capacity"),
        ({"grades": [10]}, "grades"),
        ({"fee": {"amount": -5, "unit": "per_month"}}, "fee"),
        ({"ends_on": "2025-09-01"}, "ends_on"),
    ],
)
def test_bad_input_is_422_naming_the_field(client, world, change, field):
    r = call(client, "post", world.principal, "/api/v1/programs", draft_payload(world, **change))
    assert r.status_code == 422
    assert field in r.json()["error"]["message"]
    assert not Program.objects.exists()


def test_lifecycle_through_the_api_with_409_and_403(client, world):
    pid = call(client, "post", world.principal, "/api/v1/programs", draft_payload(world)).json()[
        "id"
    ]
    url = f"/api/v1/programs/{pid}"
    r = call(client, "post", world.commune_officer, f"{url}/approve")
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"
    assert call(client, "post", world.principal, f"{url}/submit").json()["status"] == "submitted"
    assert call(client, "post", world.principal, f"{url}/approve").status_code == 403
    assert call(client, "post", world.outsider, f"{url}/approve").status_code == 404
    r = call(client, "post", world.commune_officer, f"{url}/return", {"reason": ""})
    assert r.status_code == 422
    # The partner has no licence on file (link.partner-licensed): approved with an override.
    r = call(
        client,
        "post",
        world.commune_officer,
        f"{url}/approve",
        {"override_reason": "Đối tác đang bổ sung giấy phép"},
    )
    body = r.json()
    assert body["status"] == "approved" and body["disclosure_version"] == 1
    assert body["public_url"] == f"/programs/{pid}/"
    r = call(
        client, "post", world.department_officer, f"{url}/suspend", {"reason": "Kiểm tra đột xuất"}
    )
    assert r.json()["status"] == "suspended"
    assert call(client, "post", world.inspector, f"{url}/resume").json()["status"] == "approved"
    r = call(
        client, "patch", world.principal, url, {"fee": {"amount": 250000, "unit": "per_month"}}
    )
    assert r.status_code == 200 and r.json()["disclosure_version"] == 2
    assert (
        call(client, "post", world.principal, f"{url}/close", {"reason": "Hết năm học"}).json()[
            "status"
        ]
        == "closed"
    )


def test_patch_is_for_the_school_only(client, world):
    p = make_program(institution=world.school_a, by=world.principal)
    url = f"/api/v1/programs/{p.pk}"
    assert call(client, "patch", world.commune_officer, url, {"capacity": 20}).status_code == 403
    assert call(client, "patch", world.outsider, url, {"capacity": 20}).status_code == 404
    assert call(client, "patch", world.principal, url, {"capacity": 20}).json()["capacity"] == 20


def test_the_public_list_holds_only_approved_programmes(client, world):
    draft = make_program(institution=world.school_a, by=world.principal, title="Bản nháp bí mật")
    shown = make_program(
        institution=world.school_a, by=world.principal, title="Kĩ năng sống cho em"
    )
    from oversight.programs.services import transition

    transition(program=shown, action="submit", by=world.principal)
    transition(program=shown, action="approve", by=world.commune_officer)
    r = client.get("/api/v1/public/programs", {"q": "ki nang song"})
    assert r.status_code == 200
    items = r.json()["items"]
    assert [i["id"] for i in items] == [shown.pk]
    assert {"id", "title", "kind", "institution", "grades", "fee", "sessions", "public_url"} <= set(
        items[0]
    )
    assert client.get(f"/api/v1/public/programs/{draft.pk}").status_code == 404
    assert client.get(f"/api/v1/public/programs/{shown.pk}").status_code == 200
    assert client.get("/api/v1/public/programs", {"unit": world.commune_b.pk}).json()["count"] == 0
    page = client.get(f"/programs/{shown.pk}/")
    assert page.status_code == 200 and "tự nguyện" in page.content.decode()
    assert client.get(f"/programs/{draft.pk}/").status_code == 404


def test_public_pages_carry_no_student_data(client, world):
    p = make_program(institution=world.school_a, by=world.principal)
    from oversight.programs.services import transition

    transition(program=p, action="submit", by=world.principal)
    transition(program=p, action="approve", by=world.commune_officer)
    body = client.get(f"/programs/{p.pk}/").content.decode()
    for s in (world.student_a1, world.student_a2):
        assert s.full_name not in body and s.code not in body


PROGRAM_MATRIX = {
    "department_admin": 200,
    "department_officer": 200,
    "inspector": 200,
    "city_viewer": 200,
    "commune_officer": 200,
    "commune_officer_b": 404,
    "principal": 200,
    "school_staff": 200,
    "teacher_user": 200,
    "partner": 404,
    "guardian_user": 404,
    "outsider": 404,
}


def test_every_persona_reading_a_school_a_programme(client, world):
    """Drafts are for the school and its authorities; guardians and partners wait for approval."""
    p = make_program(institution=world.school_a, by=world.principal)
    got = {
        name: call(client, "get", getattr(world, name), f"/api/v1/programs/{p.pk}").status_code
        for name in PERSONAS
    }
    assert got == PROGRAM_MATRIX


def test_guardians_and_partners_see_the_programme_once_published(client, world):
    from oversight.programs.services import transition

    p = make_program(institution=world.school_a, by=world.principal)
    transition(program=p, action="submit", by=world.principal)
    transition(program=p, action="approve", by=world.commune_officer)
    for user in (world.guardian_user, world.partner):
        assert call(client, "get", user, f"/api/v1/programs/{p.pk}").status_code == 200


def test_form_02_hours_round_trip_and_bad_hours_are_422(client, world):
    hours = [{"subject": "Toán", "grade": 5, "hours_per_week": 1.5}]
    r = call(
        client,
        "post",
        world.principal,
        "/api/v1/programs",
        draft_payload(world, subject_hours=hours),
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["subject_hours"] == hours
    bad = [{"subject": "Toán", "grade": 9, "hours_per_week": 2}]
    r = call(client, "patch", world.principal, f"/api/v1/programs/{pk}", {"subject_hours": bad})
    assert r.status_code == 422 and "subject_hours" in r.json()["error"]["message"]
    assert Program.objects.get(pk=pk).subject_hours[0]["grade"] == 5
