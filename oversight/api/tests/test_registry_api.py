"""The registry API contract, its scoping for every persona, and its answers to bad input."""

import json
import unicodedata

import pytest
from django.test import override_settings

from oversight.accounts.services import issue_token, revoke_token
from oversight.audit.models import AuditEvent
from oversight.testing import PASSWORD, PERSONAS

OK, FORBIDDEN, MISSING = 200, 403, 404


def bearer(user):
    _, key = issue_token(user=user, name="thu nghiem", by=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def get(client, user, url, **params):
    return client.get(url, params, **bearer(user))


def assert_error(r, status, code):
    assert r.status_code == status, r.content
    body = r.json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    assert body["error"]["message"]


# --- tokens -----------------------------------------------------------------------------


def post_token(client, username, password, **extra):
    return client.post(
        "/api/v1/auth/token",
        json.dumps({"username": username, "password": password, **extra}),
        content_type="application/json",
    )


def test_a_token_is_issued_for_good_credentials_and_opens_the_api(client, world):
    r = post_token(client, world.principal.username, PASSWORD)
    assert r.status_code == 200
    token = r.json()["token"]
    r = client.get("/api/v1/institutions", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 200 and r.json()["count"] == 1


def test_wrong_password_and_unknown_user_are_401(client, world):
    assert_error(
        post_token(client, world.principal.username, "sai-mat-khau"), 401, "unauthenticated"
    )
    assert_error(post_token(client, "khong-ton-tai", PASSWORD), 401, "unauthenticated")


def test_a_missing_field_is_422(client, world):
    r = client.post(
        "/api/v1/auth/token", json.dumps({"username": "x"}), content_type="application/json"
    )
    assert_error(r, 422, "invalid")


def test_repeated_failures_lock_the_account_out(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_token(client, world.principal.username, "sai-mat-khau")
    assert_error(post_token(client, world.principal.username, PASSWORD), 429, "locked_out")


def test_no_token_a_bad_token_and_a_revoked_token_are_401(client, world):
    assert_error(client.get("/api/v1/units"), 401, "unauthenticated")
    assert_error(
        client.get("/api/v1/units", HTTP_AUTHORIZATION="Bearer hpo_nonsense"),
        401,
        "unauthenticated",
    )
    token, key = issue_token(user=world.principal, name="x", by=world.principal)
    revoke_token(token=token, by=world.principal)
    assert_error(
        client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {key}"), 401, "unauthenticated"
    )


def test_the_browser_session_works_too(client, world):
    client.force_login(world.principal)
    assert client.get("/api/v1/institutions").status_code == 200


@override_settings(REQUIRE_2FA=True)
def test_an_official_session_without_the_second_factor_is_refused(client, world):
    client.force_login(world.inspector)
    assert_error(client.get("/api/v1/institutions"), 401, "unauthenticated")


@override_settings(REQUIRE_2FA=True)
def test_an_official_needs_the_second_factor_to_get_a_token(client, world):
    r = post_token(client, world.inspector.username, PASSWORD)
    assert_error(r, 401, "unauthenticated")
    assert "otp" in r.json()["error"]["message"]
    r = post_token(client, world.inspector.username, PASSWORD, otp="123456")
    assert_error(r, 401, "unauthenticated")


# --- contract -----------------------------------------------------------------------------


def test_units_filter_by_kind_and_search_without_diacritics(client, world):
    r = get(client, world.principal, "/api/v1/units", kind="commune")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 1 and body["items"][0]["name"] == "An Thành"
    item = get(client, world.principal, "/api/v1/units", q="le chan").json()["items"][0]
    assert set(item) >= {
        "id",
        "code",
        "name",
        "full_name",
        "kind",
        "parent",
        "former_district",
        "valid_from",
        "valid_to",
    }
    assert item["full_name"] == "Phường Lê Chân" and item["parent"] == world.city.pk


def test_institutions_carry_the_contract_fields(client, world):
    body = get(client, world.department_officer, "/api/v1/institutions").json()
    assert body["count"] == 3
    item = body["items"][0]
    assert set(item) >= {"id", "code", "name", "level", "ownership", "unit"}
    assert set(item["unit"]) == {"id", "name"}


def test_institution_search_is_accent_insensitive_and_nfc_safe(client, world):
    for q in ("truong tieu hoc dang hai", unicodedata.normalize("NFD", "Đằng Hải"), "ĐẰNG HẢI"):
        items = get(client, world.department_officer, "/api/v1/institutions", q=q).json()["items"]
        assert [i["code"] for i in items] == ["TH-DH"], q


def test_institution_filters(client, world):
    u = world.department_officer
    assert [
        i["code"]
        for i in get(client, u, "/api/v1/institutions", level="upper_secondary").json()["items"]
    ] == ["THPT-LC"]
    assert {
        i["code"]
        for i in get(client, u, "/api/v1/institutions", unit=world.commune_a.pk).json()["items"]
    } == {"TH-DH", "THPT-LC"}
    assert get(client, u, "/api/v1/institutions", unit=world.city.pk).json()["count"] == 3
    assert get(client, u, "/api/v1/institutions", unit=999999).json()["count"] == 0
    assert get(client, u, "/api/v1/institutions", ownership="private").json()["count"] == 0


def test_pagination_and_its_cap(client, world):
    u = world.department_officer
    page1 = get(client, u, "/api/v1/institutions", page_size=2).json()
    page2 = get(client, u, "/api/v1/institutions", page_size=2, page=2).json()
    assert page1["count"] == page2["count"] == 3
    assert len(page1["items"]) == 2 and len(page2["items"]) == 1
    assert {i["id"] for i in page1["items"]}.isdisjoint({i["id"] for i in page2["items"]})
    assert get(client, u, "/api/v1/units", page_size=500).status_code == 200
    assert_error(get(client, u, "/api/v1/units", page_size=501), 422, "invalid")
    assert_error(get(client, u, "/api/v1/units", page=0), 422, "invalid")


def test_bad_input_answers_in_the_error_shape(client, world):
    u = world.department_officer
    assert_error(get(client, u, "/api/v1/institutions", level="university"), 422, "invalid")
    assert_error(get(client, u, "/api/v1/units", kind="province"), 422, "invalid")
    assert_error(get(client, u, "/api/v1/institutions/abc"), 422, "invalid")
    assert_error(get(client, u, "/api/v1/institutions/999999"), 404, "not_found")
    assert_error(get(client, u, "/api/v1/no-such-thing"), 404, "not_found")


def test_students_carry_grade_and_class_and_each_read_is_logged(client, world):
    r = get(client, world.principal, f"/api/v1/institutions/{world.school_a.pk}/students")
    items = r.json()["items"]
    assert {i["name"] for i in items} == {"Vũ Gia Bảo", "Đỗ Khánh Linh"}
    bao = next(i for i in items if i["name"] == "Vũ Gia Bảo")
    assert bao["grade"] == 5 and bao["class"] == {"id": world.class_a1.pk, "name": "5A1"}
    event = AuditEvent.objects.get(action="students.listed")
    assert event.actor == world.principal and event.via == "api"


def test_teachers_and_classes(client, world):
    teachers = get(
        client, world.principal, f"/api/v1/institutions/{world.school_a.pk}/teachers"
    ).json()
    assert {t["name"] for t in teachers["items"]} == {"Phạm Thu Hương", "Lê Văn Nam"}
    classes = get(
        client, world.principal, f"/api/v1/institutions/{world.school_a.pk}/classes"
    ).json()
    assert [c["name"] for c in classes["items"]] == ["5A1", "5A2"]
    assert classes["items"][0]["school_year"] == "2025-2026"


def test_the_openapi_document_lists_the_contract(client, db):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for p in (
        "/api/v1/auth/token",
        "/api/v1/units",
        "/api/v1/institutions",
        "/api/v1/institutions/{institution_id}",
        "/api/v1/institutions/{institution_id}/classes",
        "/api/v1/institutions/{institution_id}/teachers",
        "/api/v1/institutions/{institution_id}/students",
    ):
        assert p in paths, p


# --- the permission matrix ------------------------------------------------------------------

ALL_OK = dict.fromkeys(PERSONAS, OK)
SCHOOL_A = dict(
    department_admin=OK,
    department_officer=OK,
    inspector=OK,
    city_viewer=OK,
    commune_officer=OK,
    commune_officer_b=MISSING,
    principal=OK,
    school_staff=OK,
    teacher_user=OK,
    partner=OK,
    guardian_user=OK,
    outsider=MISSING,
)
SCHOOL_A_STAFF = {**SCHOOL_A, "partner": FORBIDDEN, "guardian_user": FORBIDDEN}
SCHOOL_A_STUDENTS = {**SCHOOL_A_STAFF, "city_viewer": FORBIDDEN}
HIGH_A_STUDENTS = {
    **dict.fromkeys(PERSONAS, MISSING),
    "department_admin": OK,
    "department_officer": OK,
    "inspector": OK,
    "city_viewer": FORBIDDEN,
    "commune_officer": FORBIDDEN,
}
SCHOOL_B = {
    **dict.fromkeys(PERSONAS, MISSING),
    "department_admin": OK,
    "department_officer": OK,
    "inspector": OK,
    "city_viewer": OK,
    "commune_officer_b": OK,
    "outsider": OK,
}

MATRIX = {
    "/api/v1/units": ALL_OK,
    "/api/v1/institutions": ALL_OK,
    "/api/v1/institutions/{a}": SCHOOL_A,
    "/api/v1/institutions/{a}/classes": SCHOOL_A_STAFF,
    "/api/v1/institutions/{a}/teachers": SCHOOL_A_STAFF,
    "/api/v1/institutions/{a}/students": SCHOOL_A_STUDENTS,
    "/api/v1/institutions/{h}/students": HIGH_A_STUDENTS,
    "/api/v1/institutions/{b}": SCHOOL_B,
}


@pytest.mark.parametrize("pattern", sorted(MATRIX))
def test_every_persona_gets_the_expected_status(client, world, pattern):
    url = pattern.format(a=world.school_a.pk, b=world.school_b.pk, h=world.high_a.pk)
    got = {p: get(client, getattr(world, p), url).status_code for p in PERSONAS}
    assert got == MATRIX[pattern]


@pytest.mark.parametrize(
    "persona,codes",
    [
        ("principal", {"TH-DH"}),
        ("outsider", {"THCS-AT"}),
        ("commune_officer", {"TH-DH", "THPT-LC"}),
        ("guardian_user", {"TH-DH"}),
        ("inspector", {"TH-DH", "THCS-AT", "THPT-LC"}),
    ],
)
def test_lists_hold_only_what_is_in_scope(client, world, persona, codes):
    items = get(client, getattr(world, persona), "/api/v1/institutions").json()["items"]
    assert {i["code"] for i in items} == codes


def test_a_teacher_lists_only_students_of_classes_they_teach(client, world):
    items = get(
        client, world.teacher_user, f"/api/v1/institutions/{world.school_a.pk}/students"
    ).json()["items"]
    assert [i["name"] for i in items] == ["Vũ Gia Bảo"]
