import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from oversight.accounts import access
from oversight.accounts.models import Role, RoleAssignment, User
from oversight.registry.demo import DEMO_PASSWORD, fictional_phone
from oversight.registry.models import Guardian, Institution, SchoolYear, Student, Teacher, Unit

pytestmark = pytest.mark.django_db


def seed(n=12):
    out = StringIO()
    call_command("seed_demo", "--scale", "small", "--schools", str(n), "--no-progress", stdout=out)
    return out.getvalue()


def accounts():
    out = StringIO()
    call_command("demo_accounts", "--json", stdout=out)
    return json.loads(out.getvalue())


def test_seed_builds_schools_of_every_level_over_the_real_communes():
    seed()
    assert Unit.objects.filter(kind__in=["ward", "commune", "special_zone"]).count() == 114
    assert set(Institution.objects.values_list("level", flat=True)) == set(Institution.Level.values)
    school = Institution.objects.filter(level="lower_secondary").first()
    assert school.unit.kind in ("ward", "commune", "special_zone")
    assert school.managing_agency.kind == "commune_committee"
    high = Institution.objects.filter(level="upper_secondary").first()
    assert high.managing_agency.kind == "department"
    assert school.classes.exists() and school.teachers.exists() and school.students.exists()
    student = school.students.first()
    assert student.guardianships.count() == 1
    assert student.memberships.get().homeroom_class.grade in (6, 7, 8, 9)
    # Derived columns are filled even though rows were bulk-inserted.
    assert student.search_name and student.sort_key
    assert Teacher.objects.filter(assignments__is_homeroom=True).exists()


def test_names_look_vietnamese_and_are_nfc():
    import unicodedata

    seed()
    for s in Student.objects.all()[:50]:
        assert len(s.full_name.split()) >= 3
        assert unicodedata.normalize("NFC", s.full_name) == s.full_name


def test_running_it_again_reuses_the_data():
    seed()
    counts = (Institution.objects.count(), Student.objects.count(), User.objects.count())
    assert "dùng lại" in seed()
    assert (Institution.objects.count(), Student.objects.count(), User.objects.count()) == counts


def test_demo_accounts_cover_every_role_with_a_scope_object():
    seed()
    rows = accounts()
    assert {r["role"] for r in rows} == set(Role.values)
    for r in rows:
        assert set(r) == {"username", "password", "role", "scope"}
        assert set(r["scope"]) == {"type", "id", "name"}
        assert r["scope"]["type"] in {"city", "unit", "agency", "institution"}
        assert r["password"] == DEMO_PASSWORD
        assert User.objects.get(username=r["username"]).check_password(DEMO_PASSWORD)


def test_demo_schools_span_levels_and_communes():
    seed()
    schools = Institution.objects.filter(
        pk__in=[r["scope"]["id"] for r in accounts() if r["scope"]["type"] == "institution"]
    )
    assert {"preschool", "primary", "lower_secondary", "upper_secondary"} <= set(
        schools.values_list("level", flat=True)
    )
    assert schools.values("unit").distinct().count() >= 2


def test_every_demo_principal_has_a_demo_account_at_their_managing_authority():
    seed()
    for a in RoleAssignment.objects.filter(role=Role.PRINCIPAL).select_related("institution"):
        agency = a.institution.managing_agency
        overseers = RoleAssignment.objects.filter(agency=agency).exclude(role=Role.PRINCIPAL)
        assert overseers.exists(), a.institution
        # ...and that account can actually see the school.
        assert (
            access.institutions_visible_to(overseers.first().user)
            .filter(pk=a.institution_id)
            .exists()
        )


def test_demo_guardians_are_linked_to_a_child_in_their_school():
    seed()
    guardians = [r for r in accounts() if r["role"] == Role.GUARDIAN]
    assert len(guardians) >= 3
    for r in guardians:
        user = User.objects.get(username=r["username"])
        children = access.guardian_children(user)
        assert children.count() >= 1
        assert children.first().institution_id == r["scope"]["id"]


def test_the_demo_teacher_sees_the_students_of_their_class():
    seed()
    user = User.objects.get(username="gv.tieuhoc")
    school = Institution.objects.get(pk=user.role_assignments.get().institution_id)
    assert access.students_for_user(user, school).exists()


def test_fictional_phones_are_unique_and_well_formed():
    phones = [fictional_phone(n) for n in range(1, 20001)]
    assert len(set(phones)) == len(phones)
    assert all(len(p) == 10 and p[:2] in ("09", "03") for p in phones)
    assert Guardian.objects.count() == 0  # no database needed for this rule


def test_every_demo_guardian_has_an_approved_programme_their_child_can_join():
    from oversight.enrollment.selectors import eligibility_problems, offered_programs
    from oversight.enrollment.services import record_consent

    seed()
    guardians = [a for a in accounts() if a["role"] == "guardian"]
    assert len(guardians) == 4
    for a in guardians:
        user = User.objects.get(username=a["username"])
        child = access.guardian_children(user).first()
        assert child is not None, a["username"]
        offered = [p for p in offered_programs(child) if p.status == "approved"]
        assert offered, a["username"]
        assert eligibility_problems(child, offered[0]) == []
        entry = record_consent(
            program=offered[0], student=child, decision="granted", by=user, child_confirmed=True
        )
        assert entry.receipt_code
    # Re-running the seed adds no second copy.
    from oversight.programs.models import Program

    before = Program.objects.count()
    seed()
    assert Program.objects.count() == before


@pytest.mark.parametrize(
    ("today", "current", "history"),
    [
        (date(2026, 12, 3), "2026-2027", "2025-2026"),
        (date(2027, 3, 15), "2026-2027", "2025-2026"),
        (date(2028, 2, 1), "2027-2028", "2026-2027"),
    ],
)
def test_the_demo_present_is_the_school_year_containing_today(today, current, history):
    from oversight.programs.demo import ensure_demo_programs
    from oversight.registry import demo
    from oversight.registry.models import ClassMembership, HomeroomClass
    from oversight.registry.selectors import current_school_year

    demo.seed(scale_name="small", max_schools=12, today=today)
    year = current_school_year(today)
    assert year.name == current
    assert year.terms.count() == 2
    assert HomeroomClass.objects.filter(school_year=year).exists()
    assert set(ClassMembership.objects.values_list("school_year__name", flat=True)) == {current}
    assert set(HomeroomClass.objects.values_list("school_year__name", flat=True)) == {current}
    assert SchoolYear.objects.filter(name=history).exists()
    # The families' demo programmes follow their children's classes into the present year.
    programs = ensure_demo_programs(demo.GUARDIAN_USERNAMES)
    assert programs and {p.school_year.name for p in programs} == {current}
