"""Programme services: input checks, the lifecycle with its approvers, disclosure versions."""

from datetime import date, time

import pytest
from django.core.exceptions import PermissionDenied

from oversight.audit.models import AuditEvent
from oversight.programs.models import DisclosureVersion, Program
from oversight.programs.services import (
    ProgramInputError,
    TransitionNotAllowed,
    create_facility,
    transition,
    update_program,
)
from oversight.testing import make_program


def s(weekday=2, start=(16, 45), end=(17, 30), place="Phòng 201"):
    return {"weekday": weekday, "start": time(*start), "end": time(*end), "place": place}


def test_a_principal_drafts_a_linkage_programme(world):
    p = make_program(institution=world.school_a, by=world.principal)
    assert p.status == Program.Status.DRAFT
    assert p.sessions.count() == 1 and p.staff.get().is_foreign
    assert AuditEvent.objects.filter(action="program.created", actor=world.principal).exists()


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"sessions": [s(), s(start=(17, 0), end=(18, 0))]}, "sessions"),
        ({"sessions": [s(start=(18, 0), end=(17, 0))]}, "sessions"),
        ({"sessions": [s(weekday=8)]}, "sessions"),
        ({"sessions": []}, "sessions"),
        ({"ends_on": date(2025, 9, 1)}, "ends_on"),
        ({"fee_amount": -1}, "fee"),
        ({"fee_amount": 900_000_000}, "fee"),
        ({"capacity": 0}, "capacity"),
        ({"grades": [9]}, "grades"),
        ({"grades": []}, "grades"),
        ({"starts_on": date(2025, 6, 1)}, "starts_on"),
        ({"partner": None}, "partner"),
        ({"category": "astrology"}, "category"),
        ({"title": ""}, "title"),
    ],
)
def test_malformed_input_is_refused_naming_the_field_and_nothing_is_written(
    world, overrides, field
):
    with pytest.raises(ProgramInputError) as e:
        make_program(institution=world.school_a, by=world.principal, **overrides)
    assert field in e.value.errors
    assert e.value.errors[field]
    assert not Program.objects.exists()


def test_well_formed_but_unlawful_is_accepted_as_a_draft(world):
    # A paid in-school class in 2025 breaks Circular 29, and academic tutoring for primary
    # pupils too: that is for the compliance engine to judge, not an input error.
    p = make_program(
        institution=world.school_a,
        by=world.principal,
        kind="in_school_tutoring",
        fee_amount=200_000,
    )
    assert p.status == Program.Status.DRAFT


def test_past_programmes_can_be_recorded(world):
    from oversight.testing import make_school_year

    old = make_school_year("2023-2024")
    p = make_program(
        institution=world.school_a,
        by=world.principal,
        school_year=old,
        starts_on=date(2023, 10, 1),
        ends_on=date(2024, 3, 1),
    )
    assert p.school_year == old


def test_outsiders_cannot_draft_for_another_school(world):
    with pytest.raises(PermissionDenied):
        make_program(institution=world.school_a, by=world.outsider)
    with pytest.raises(PermissionDenied):
        make_program(institution=world.school_a, by=world.teacher_user)


def test_linkage_is_approved_by_the_schools_managing_authority(world):
    p = make_program(institution=world.school_a, by=world.principal)
    transition(program=p, action="submit", by=world.principal)
    for wrong in (world.principal, world.commune_officer_b, world.department_officer):
        with pytest.raises(PermissionDenied):
            transition(program=p, action="approve", by=wrong)
    p = transition(program=p, action="approve", by=world.commune_officer)
    assert p.status == Program.Status.APPROVED
    assert p.versions.get().number == 1


def test_upper_secondary_linkage_is_approved_by_the_department(world):
    p = make_program(institution=world.high_a, by=world.department_admin, grades=[12])
    transition(program=p, action="submit", by=world.department_admin)
    with pytest.raises(PermissionDenied):
        transition(program=p, action="approve", by=world.commune_officer)
    assert transition(program=p, action="approve", by=world.department_officer).status == "approved"


def test_in_school_tutoring_is_approved_by_the_principal(world):
    p = make_program(
        institution=world.school_a, by=world.school_staff, kind="in_school_tutoring", fee_amount=0
    )
    transition(program=p, action="submit", by=world.school_staff)
    with pytest.raises(PermissionDenied):
        transition(program=p, action="approve", by=world.school_staff)
    # Maths for primary pupils breaks TT29 Art. 4.1: the principal approves with an override.
    p = transition(
        program=p,
        action="approve",
        by=world.principal,
        override_reason="Phê duyệt vượt để thử quy trình",
    )
    assert p.status == "approved"


def test_return_needs_a_reason_and_the_school_can_resubmit(world):
    p = make_program(institution=world.school_a, by=world.principal)
    transition(program=p, action="submit", by=world.principal)
    with pytest.raises(ProgramInputError):
        transition(program=p, action="return", by=world.commune_officer, reason="")
    p = transition(
        program=p, action="return", by=world.commune_officer, reason="Thiếu hợp đồng liên kết"
    )
    assert p.status == "returned" and p.status_reason == "Thiếu hợp đồng liên kết"
    update_program(program=p, by=world.principal, capacity=25)
    assert transition(program=p, action="submit", by=world.principal).status == "submitted"


def test_impossible_transitions_are_refused(world):
    p = make_program(institution=world.school_a, by=world.principal)
    with pytest.raises(TransitionNotAllowed):
        transition(program=p, action="approve", by=world.commune_officer)
    with pytest.raises(TransitionNotAllowed):
        transition(program=p, action="resume", by=world.commune_officer)
    with pytest.raises(TransitionNotAllowed):
        transition(program=p, action="fly", by=world.commune_officer)
    transition(program=p, action="submit", by=world.principal)
    with pytest.raises(TransitionNotAllowed):
        update_program(program=p, by=world.principal, capacity=10)


def test_suspension_by_the_department_or_an_inspector_and_resumption(world):
    p = make_program(institution=world.school_a, by=world.principal)
    transition(program=p, action="submit", by=world.principal)
    transition(program=p, action="approve", by=world.commune_officer)
    with pytest.raises(PermissionDenied):
        transition(program=p, action="suspend", by=world.principal, reason="Tự dừng")
    p = transition(
        program=p, action="suspend", by=world.department_officer, reason="Dừng để kiểm tra"
    )
    assert p.status == "suspended"
    assert transition(program=p, action="resume", by=world.inspector).status == "approved"
    p = transition(program=p, action="close", by=world.principal, reason="Hết hợp đồng")
    assert p.status == "closed"
    with pytest.raises(TransitionNotAllowed):
        update_program(program=p, by=world.principal, capacity=10)
    events = list(
        AuditEvent.objects.filter(target_id=str(p.pk), action__startswith="program.")
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert events[-5:] == [
        "program.approve",
        "program.disclosed",
        "program.suspend",
        "program.resume",
        "program.close",
    ]


def test_changing_a_published_fee_makes_a_new_disclosure_version(world):
    p = make_program(institution=world.school_a, by=world.principal)
    transition(program=p, action="submit", by=world.principal)
    transition(program=p, action="approve", by=world.commune_officer)
    update_program(program=p, by=world.principal, fee_amount=180_000)
    update_program(program=p, by=world.principal, sessions=[s(weekday=4)])
    versions = list(DisclosureVersion.objects.filter(program=p).order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3]
    assert versions[0].data["fee"]["amount"] == 150_000
    assert versions[1].data["fee"]["amount"] == 180_000
    assert versions[2].data["sessions"][0]["weekday"] == 4
    # Saving with nothing disclosed changed makes no new version.
    update_program(program=p, by=world.principal, capacity=30)
    assert p.versions.count() == 3


def test_facilities_are_recorded_by_their_commune(world):
    f = create_facility(
        by=world.commune_officer,
        name="Trung tâm Học Tốt",
        unit=world.commune_a,
        address="Số 5 Lê Chân",
        representative="Nguyễn Văn Tư",
        registration_number="0212345678",
    )
    assert f.unit == world.commune_a
    with pytest.raises(PermissionDenied):
        create_facility(
            by=world.commune_officer_b,
            name="X",
            unit=world.commune_a,
            address="Y",
            representative="Z",
        )
    with pytest.raises(ProgramInputError) as e:
        create_facility(
            by=world.commune_officer, name="", unit=world.city, address="", representative=""
        )
    assert {"name", "unit", "address", "representative"} <= set(e.value.errors)


def test_outside_tutoring_is_approved_by_the_facilitys_commune(world):
    f = create_facility(
        by=world.commune_officer,
        name="Trung tâm Học Tốt",
        unit=world.commune_a,
        address="Số 5 Lê Chân",
        representative="Nguyễn Văn Tư",
    )
    p = make_program(
        institution=None, facility=f, by=world.commune_officer, kind="outside_tutoring", grades=[9]
    )
    transition(program=p, action="submit", by=world.commune_officer)
    with pytest.raises(PermissionDenied):
        transition(program=p, action="approve", by=world.commune_officer_b)
    # No business registration nor Form 02 hours (TT29 Art. 6.1): approved with an override.
    p = transition(
        program=p,
        action="approve",
        by=world.commune_officer,
        override_reason="Phê duyệt vượt để thử quy trình",
    )
    assert p.status == "approved"


def test_commune_b_cannot_see_commune_a_programmes(world):
    from oversight.accounts.access import programs_visible_to

    p = make_program(institution=world.school_a, by=world.principal)
    assert p in programs_visible_to(world.commune_officer)
    assert p not in programs_visible_to(world.commune_officer_b)
    assert p not in programs_visible_to(world.outsider)


def test_in_school_tutoring_groups_and_each_students_basis(world):
    from oversight.programs.services import add_tutoring_group, set_student_eligibility

    p = make_program(
        institution=world.school_a, by=world.principal, kind="in_school_tutoring", fee_amount=0
    )
    group = add_tutoring_group(
        program=p, by=world.principal, name="Toán 5 – nhóm 1", grade=5, teacher=world.teacher
    )
    entry = set_student_eligibility(
        group=group, student=world.student_a1, basis="not_yet_achieved", by=world.principal
    )
    assert entry.basis == "not_yet_achieved"
    # Re-recording updates the basis instead of adding the student twice.
    set_student_eligibility(
        group=group, student=world.student_a1, basis="gifted", by=world.principal
    )
    assert group.students.get().basis == "gifted"
    with pytest.raises(ProgramInputError) as e:
        add_tutoring_group(program=p, by=world.principal, name="Toán 5 – nhóm 1", grade=4)
    assert {"name", "grade"} <= set(e.value.errors)
    with pytest.raises(ProgramInputError):
        set_student_eligibility(
            group=group, student=world.student_b, basis="gifted", by=world.principal
        )
    with pytest.raises(ProgramInputError):
        set_student_eligibility(
            group=group, student=world.student_a2, basis="because", by=world.principal
        )
    with pytest.raises(PermissionDenied):
        add_tutoring_group(program=p, by=world.teacher_user, name="Nhóm 2", grade=5)
    linkage = make_program(institution=world.school_a, by=world.principal)
    with pytest.raises(ProgramInputError):
        add_tutoring_group(program=linkage, by=world.principal, name="Nhóm", grade=5)


def test_a_student_joins_only_a_group_of_their_own_grade_through_any_door(world):
    from oversight.programs.services import add_tutoring_group, set_student_eligibility
    from oversight.testing import make_class, make_student

    p = make_program(
        institution=world.school_a,
        by=world.principal,
        kind="in_school_tutoring",
        fee_amount=0,
        grades=[4, 5],
    )
    group = add_tutoring_group(program=p, by=world.principal, name="Toán 5", grade=5)
    fourth = make_student(
        institution=world.school_a,
        homeroom_class=make_class(institution=world.school_a, name="4A1", grade=4, year=world.year),
        full_name="Lê Gia Bảo",
    )
    with pytest.raises(ProgramInputError) as e:
        set_student_eligibility(group=group, student=fourth, basis="gifted", by=world.principal)
    assert "khối 5" in e.value.errors["student"]
    assert not group.students.exists()
