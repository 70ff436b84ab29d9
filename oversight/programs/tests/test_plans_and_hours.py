"""Form 02's hours per subject per grade, the in-school plan reported upward, and the staff
pages for tutoring groups and the official timetable."""

import pytest
from django.urls import reverse

from oversight.programs.models import Program, TutoringGroup, UpwardReport
from oversight.programs.services import ProgramInputError, transition, update_program
from oversight.testing import make_program


def _in_school(world):
    return make_program(
        institution=world.school_a, by=world.principal, kind="in_school_tutoring", fee_amount=0
    )


def test_hours_per_subject_and_grade_are_recorded_and_checked(world):
    program = make_program(institution=world.school_a, by=world.principal)
    update_program(
        program=program,
        by=world.principal,
        subject_hours=[{"subject": "Toán", "grade": 5, "hours_per_week": 2}],
    )
    program.refresh_from_db()
    assert program.subject_hours[0]["grade"] == 5
    for bad in (
        [{"subject": "Toán", "grade": 9, "hours_per_week": 2}],  # grade not offered
        [{"subject": "Toán", "grade": 5, "hours_per_week": -1}],
        "hai giờ",
    ):
        with pytest.raises(ProgramInputError) as e:
            update_program(program=program, by=world.principal, subject_hours=bad)
        assert "subject_hours" in e.value.errors
    program.refresh_from_db()
    assert program.subject_hours[0]["hours_per_week"] == 2


def test_changed_hours_on_a_published_programme_make_a_new_disclosure_version(world):
    program = make_program(institution=world.school_a, by=world.principal)
    transition(program=program, action="submit", by=world.principal)
    transition(program=program, action="approve", by=world.commune_officer)
    assert program.versions.count() == 1
    update_program(
        program=program,
        by=world.principal,
        subject_hours=[{"subject": "Toán", "grade": 5, "hours_per_week": 3}],
    )
    latest = program.versions.order_by("-number").first()
    assert latest.number == 2 and latest.data["subject_hours"][0]["hours_per_week"] == 3


def test_a_principal_approved_plan_is_reported_to_the_managing_authority(world, client):
    program = _in_school(world)
    transition(program=program, action="submit", by=world.principal)
    # Academic tutoring of primary pupils is unlawful (TT29 Art. 4.1): approval needs an override.
    transition(
        program=program,
        action="approve",
        by=world.principal,
        override_reason="Phê duyệt vượt để thử quy trình",
    )
    report = UpwardReport.objects.get(program=program)
    assert report.agency == world.school_a.managing_agency
    client.force_login(world.commune_officer)
    assert program.title in client.get(reverse("programs:reported")).content.decode()
    client.force_login(world.commune_officer_b)
    assert program.title not in client.get(reverse("programs:reported")).content.decode()


def test_a_linkage_approval_is_not_reported_as_an_in_school_plan(world):
    program = make_program(institution=world.school_a, by=world.principal)
    transition(program=program, action="submit", by=world.principal)
    transition(program=program, action="approve", by=world.commune_officer)
    assert not UpwardReport.objects.exists()


def test_the_principal_adds_a_group_from_the_page_and_an_outsider_cannot(world, client):
    program = _in_school(world)
    data = {"name": "Toán 5 – nhóm 1", "grade": "5"}
    client.force_login(world.outsider)
    assert client.post(reverse("programs:add_group", args=[program.pk]), data).status_code == 404
    assert not TutoringGroup.objects.exists()
    client.force_login(world.principal)
    r = client.post(reverse("programs:add_group", args=[program.pk]), data)
    assert r.status_code == 302
    assert TutoringGroup.objects.get(program=program).grade == 5
    page = client.get(reverse("programs:detail", args=[program.pk])).content.decode()
    assert "Toán 5 – nhóm 1" in page


def test_the_timetable_page_is_for_the_school_and_hidden_from_outsiders(world, client):
    url = reverse("programs:timetable", args=[world.school_a.pk])
    client.force_login(world.principal)
    assert client.get(url).status_code == 200
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    client.force_login(world.commune_officer)
    assert client.post(url, {}).status_code == 403
    assert Program.objects.count() == 0
