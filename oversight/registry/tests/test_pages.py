"""Registry pages: what each persona gets on every page (the page side of the permission matrix)."""

import pytest
from django.urls import reverse

from oversight.audit.models import AuditEvent
from oversight.testing import PERSONAS

OK, FORBIDDEN, MISSING = 200, 403, 404

# page -> expected status per persona (school A is a commune-A primary school; high A is the
# department's upper-secondary school in commune A; school B is in commune B).
MATRIX = {
    "school_a": dict(
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
    ),
    "school_a_classes": dict(
        department_admin=OK,
        department_officer=OK,
        inspector=OK,
        city_viewer=OK,
        commune_officer=OK,
        commune_officer_b=MISSING,
        principal=OK,
        school_staff=OK,
        teacher_user=OK,
        partner=FORBIDDEN,
        guardian_user=FORBIDDEN,
        outsider=MISSING,
    ),
    "school_a_teachers": dict(
        department_admin=OK,
        department_officer=OK,
        inspector=OK,
        city_viewer=OK,
        commune_officer=OK,
        commune_officer_b=MISSING,
        principal=OK,
        school_staff=OK,
        teacher_user=OK,
        partner=FORBIDDEN,
        guardian_user=FORBIDDEN,
        outsider=MISSING,
    ),
    "school_a_students": dict(
        department_admin=OK,
        department_officer=OK,
        inspector=OK,
        city_viewer=FORBIDDEN,
        commune_officer=OK,
        commune_officer_b=MISSING,
        principal=OK,
        school_staff=OK,
        teacher_user=OK,
        partner=FORBIDDEN,
        guardian_user=FORBIDDEN,
        outsider=MISSING,
    ),
    "high_a_students": dict(
        department_admin=OK,
        department_officer=OK,
        inspector=OK,
        city_viewer=FORBIDDEN,
        commune_officer=FORBIDDEN,
        commune_officer_b=MISSING,
        principal=MISSING,
        school_staff=MISSING,
        teacher_user=MISSING,
        partner=MISSING,
        guardian_user=MISSING,
        outsider=MISSING,
    ),
    "student_a1": dict(
        department_admin=OK,
        department_officer=OK,
        inspector=OK,
        city_viewer=FORBIDDEN,
        commune_officer=OK,
        commune_officer_b=MISSING,
        principal=OK,
        school_staff=OK,
        teacher_user=OK,
        partner=FORBIDDEN,
        guardian_user=OK,
        outsider=MISSING,
    ),
    "student_a2": dict(
        department_admin=OK,
        department_officer=OK,
        inspector=OK,
        city_viewer=FORBIDDEN,
        commune_officer=OK,
        commune_officer_b=MISSING,
        principal=OK,
        school_staff=OK,
        teacher_user=FORBIDDEN,
        partner=FORBIDDEN,
        guardian_user=FORBIDDEN,
        outsider=MISSING,
    ),
    "audit_school_a": dict(
        department_admin=OK,
        department_officer=OK,
        inspector=OK,
        city_viewer=FORBIDDEN,
        commune_officer=FORBIDDEN,
        commune_officer_b=MISSING,
        principal=FORBIDDEN,
        school_staff=FORBIDDEN,
        teacher_user=FORBIDDEN,
        partner=FORBIDDEN,
        guardian_user=FORBIDDEN,
        outsider=MISSING,
    ),
    "units": dict.fromkeys(PERSONAS, OK),
    "institutions": dict.fromkeys(PERSONAS, OK),
    "home": dict.fromkeys(PERSONAS, OK),
    "commune_a": dict.fromkeys(PERSONAS, OK),
    "profile": dict.fromkeys(PERSONAS, OK),
    "tokens": dict.fromkeys(PERSONAS, OK),
    "password_change": dict.fromkeys(PERSONAS, OK),
    "import": {
        **dict.fromkeys(PERSONAS, FORBIDDEN),
        "department_admin": OK,
        "department_officer": OK,
        "principal": OK,
        "school_staff": OK,
        "outsider": OK,
    },
    "admin": dict.fromkeys(PERSONAS, FORBIDDEN),
}


def url_for(page, w):
    return {
        "school_a": reverse("registry:institution", args=[w.school_a.pk]),
        "school_a_classes": reverse("registry:institution_tab", args=[w.school_a.pk, "classes"]),
        "school_a_teachers": reverse("registry:institution_tab", args=[w.school_a.pk, "teachers"]),
        "school_a_students": reverse("registry:institution_tab", args=[w.school_a.pk, "students"]),
        "high_a_students": reverse("registry:institution_tab", args=[w.high_a.pk, "students"]),
        "student_a1": reverse("registry:student", args=[w.student_a1.pk]),
        "student_a2": reverse("registry:student", args=[w.student_a2.pk]),
        "audit_school_a": reverse("audit:trail", args=["institution", w.school_a.pk]),
        "units": reverse("registry:units"),
        "institutions": reverse("registry:institutions"),
        "home": reverse("portal:home"),
        "commune_a": reverse("registry:unit", args=[w.commune_a.pk]),
        "profile": reverse("accounts:profile"),
        "tokens": reverse("accounts:tokens"),
        "password_change": reverse("accounts:password_change"),
        "import": reverse("registry:import"),
        "admin": "/admin/login/?next=/admin/",
    }[page]


def test_the_matrix_names_every_persona_for_every_page():
    for page, expected in MATRIX.items():
        assert set(expected) == set(PERSONAS), page


@pytest.mark.parametrize("page", sorted(MATRIX))
def test_every_persona_gets_the_expected_status(client, world, page):
    url = url_for(page, world)
    got = {}
    for persona in PERSONAS:
        client.force_login(getattr(world, persona))
        got[persona] = client.get(url).status_code
    assert got == MATRIX[page]


@pytest.mark.parametrize("page", ["school_a", "units", "institutions", "student_a1"])
def test_anonymous_visitors_are_sent_to_sign_in(client, world, page):
    r = client.get(url_for(page, world))
    assert r.status_code == 302 and r.url.startswith(reverse("accounts:login"))


def test_principal_finds_their_school_typing_without_diacritics(client, world):
    client.force_login(world.principal)
    r = client.get(reverse("registry:institutions"), {"q": "truong tieu hoc dang hai"})
    assert [i.pk for i in r.context["page"]] == [world.school_a.pk]
    r = client.get(reverse("registry:institutions"), {"q": "THCS An Thanh"})
    assert list(r.context["page"]) == []  # school B is outside the principal's scope


def test_department_search_is_accent_insensitive_and_filters_by_level(client, world):
    client.force_login(world.department_officer)
    r = client.get(reverse("registry:institutions"), {"q": "le chan", "level": "upper_secondary"})
    assert [i.pk for i in r.context["page"]] == [world.high_a.pk]
    r = client.get(reverse("registry:institutions"), {"unit": world.commune_b.pk})
    assert [i.pk for i in r.context["page"]] == [world.school_b.pk]


def test_htmx_search_returns_only_the_result_rows(client, world):
    client.force_login(world.department_officer)
    r = client.get(reverse("registry:institutions"), {"q": "dang hai"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in r.content
    assert "Đằng Hải" in r.content.decode()


def test_institutions_list_in_vietnamese_order(client, world):
    client.force_login(world.department_officer)
    names = [i.name for i in client.get(reverse("registry:institutions")).context["page"]]
    assert names == ["Trường THCS An Thành", "Trường THPT Lê Chân", "Trường Tiểu học Đằng Hải"]


def test_a_teacher_sees_only_the_students_of_classes_they_teach(client, world):
    client.force_login(world.teacher_user)
    r = client.get(reverse("registry:institution_tab", args=[world.school_a.pk, "students"]))
    assert [s.pk for s in r.context["page"]] == [world.student_a1.pk]


def test_reading_a_student_list_or_record_is_logged(client, world):
    client.force_login(world.inspector)
    client.get(reverse("registry:institution_tab", args=[world.school_a.pk, "students"]))
    client.get(reverse("registry:student", args=[world.student_a1.pk]))
    actions = list(
        AuditEvent.objects.filter(actor=world.inspector).values_list("action", "target_id")
    )
    assert ("students.listed", str(world.school_a.pk)) in actions
    assert ("student.viewed", str(world.student_a1.pk)) in actions


def test_home_shows_figures_for_the_scope(client, world):
    client.force_login(world.commune_officer)
    figures = client.get(reverse("portal:home")).context["figures"]
    # Commune A holds school A and high school A.
    assert figures["institutions"] == 2
    assert figures["students"] == 3
    client.force_login(world.department_officer)
    assert client.get(reverse("portal:home")).context["figures"]["institutions"] == 3


def test_guardian_home_lists_their_own_children_only(client, world):
    client.force_login(world.guardian_user)
    r = client.get(reverse("portal:home"))
    assert list(r.context["children"]) == [world.student_a1]


def test_unknown_tab_is_404(client, world):
    client.force_login(world.principal)
    assert client.get(f"/registry/institutions/{world.school_a.pk}/secrets/").status_code == 404


def test_dates_show_as_dd_mm_yyyy(client, world):
    client.force_login(world.principal)
    r = client.get(reverse("registry:student", args=[world.student_a1.pk]))
    assert "14/03/2015" in r.content.decode()


def test_english_is_available(client, world):
    client.force_login(world.principal)
    r = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert r.status_code == 302
    r = client.get(reverse("portal:home"))
    assert r.context["LANGUAGE_CODE"] == "en"


def test_the_department_admin_overrides_the_managing_authority_with_a_reason(client, world):
    url = reverse("registry:institution_agency", args=[world.school_a.pk])
    client.force_login(world.department_admin)
    r = client.post(url, {"agency": world.department.pk, "reason": ""}, follow=True)
    assert "lý do" in r.content.decode()
    world.school_a.refresh_from_db()
    assert world.school_a.managing_agency == world.committee_a
    client.post(url, {"agency": world.department.pk, "reason": "Trường thực hành của Sở"})
    world.school_a.refresh_from_db()
    assert world.school_a.managing_agency == world.department
    client.post(url, {"agency": "", "reason": ""})
    world.school_a.refresh_from_db()
    assert world.school_a.managing_agency == world.committee_a


@pytest.mark.parametrize(
    "persona,status",
    [
        ("principal", 403),
        ("commune_officer", 403),
        ("department_officer", 403),
        ("outsider", 404),
    ],
)
def test_others_cannot_override_the_managing_authority(client, world, persona, status):
    client.force_login(getattr(world, persona))
    url = reverse("registry:institution_agency", args=[world.school_a.pk])
    r = client.post(url, {"agency": world.department.pk, "reason": "Lý do đủ dài để hợp lệ"})
    assert r.status_code == status
    world.school_a.refresh_from_db()
    assert world.school_a.managing_agency == world.committee_a
