"""Every branch of accounts/access.py, the one place that decides visibility."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from oversight.accounts import access
from oversight.accounts.models import Role
from oversight.accounts.services import assign_role, revoke_role
from oversight.testing import make_user


def visible(user):
    return set(access.institutions_visible_to(user).values_list("code", flat=True))


def test_the_anonymous_and_users_without_roles_see_nothing(world):
    assert visible(AnonymousUser()) == set()
    assert visible(make_user()) == set()
    assert not access.units_visible_to(AnonymousUser()).exists()


def test_a_superuser_sees_everything(world):
    assert visible(world.superuser) == {"TH-DH", "THCS-AT", "THPT-LC"}


def test_a_department_agency_scope_covers_the_whole_city(world):
    assert visible(world.department_officer) == {"TH-DH", "THCS-AT", "THPT-LC"}


def test_a_unit_scope_covers_what_lies_beneath_it(world):
    user = make_user(role=Role.INSPECTOR, scope=world.commune_a)
    assert visible(user) == {"TH-DH", "THPT-LC"}


def test_a_commune_committee_scope_covers_its_commune(world):
    assert visible(world.commune_officer) == {"TH-DH", "THPT-LC"}
    assert visible(world.commune_officer_b) == {"THCS-AT"}


def test_an_institution_scope_covers_only_that_institution(world):
    assert visible(world.principal) == {"TH-DH"}
    assert visible(world.outsider) == {"THCS-AT"}


def test_a_guardian_sees_the_schools_of_their_own_children(world):
    assert visible(world.guardian_user) == {"TH-DH"}
    assert list(access.guardian_children(world.guardian_user)) == [world.student_a1]


def test_roles_add_up_across_assignments(world):
    assign_role(user=world.principal, role=Role.PRINCIPAL, institution=world.school_b, by=None)
    world.principal.__dict__.pop("_role_assignments", None)
    assert visible(world.principal) == {"TH-DH", "THCS-AT"}


def test_a_revoked_role_no_longer_grants_anything(world):
    assignment = world.principal.role_assignments.get()
    revoke_role(assignment=assignment, by=world.department_admin)
    world.principal.__dict__.pop("_role_assignments", None)
    assert visible(world.principal) == set()


def test_write_access_is_for_the_school_and_the_department_admin(world):
    for user in (world.principal, world.school_staff, world.department_admin, world.superuser):
        assert (
            access.get_institution_for_user(user, world.school_a.pk, write=True) == world.school_a
        )
    for user in (
        world.teacher_user,
        world.commune_officer,
        world.inspector,
        world.partner,
        world.department_officer,
        world.city_viewer,
    ):
        with pytest.raises(PermissionDenied):
            access.get_institution_for_user(user, world.school_a.pk, write=True)
    with pytest.raises(Http404):
        access.get_institution_for_user(world.outsider, world.school_a.pk, write=True)


def test_a_bad_id_is_404_not_an_error(world):
    for bad in (999999, "abc", None):
        with pytest.raises(Http404):
            access.get_institution_for_user(world.department_admin, bad)
    with pytest.raises(Http404):
        access.get_student_for_user(world.department_admin, 999999)
    with pytest.raises(Http404):
        access.get_unit_for_user(world.department_admin, 999999)


def test_only_the_department_admin_overrides_the_managing_authority(world):
    assert access.rights_over(world.department_admin, world.school_a).set_managing_agency
    assert not access.rights_over(world.principal, world.school_a).set_managing_agency
    assert not access.rights_over(world.commune_officer, world.school_a).set_managing_agency


def test_commune_officers_read_students_only_of_schools_their_commune_manages(world):
    assert set(access.students_for_user(world.commune_officer, world.school_a)) == {
        world.student_a1,
        world.student_a2,
    }
    with pytest.raises(PermissionDenied):
        access.students_for_user(world.commune_officer, world.high_a)


def test_a_teacher_reads_only_students_of_classes_they_teach(world):
    assert list(access.students_for_user(world.teacher_user, world.school_a)) == [world.student_a1]
    with pytest.raises(PermissionDenied):
        access.get_student_for_user(world.teacher_user, world.student_a2.pk)


def test_partners_and_guardians_read_neither_staff_nor_students(world):
    for user in (world.partner, world.guardian_user):
        with pytest.raises(PermissionDenied):
            access.teachers_for_user(user, world.school_a)
        with pytest.raises(PermissionDenied):
            access.classes_for_user(user, world.school_a)
        with pytest.raises(PermissionDenied):
            access.students_for_user(user, world.school_a)


def test_a_guardian_reads_their_own_child_and_no_other(world):
    assert access.get_student_for_user(world.guardian_user, world.student_a1.pk) == world.student_a1
    with pytest.raises(PermissionDenied):
        access.get_student_for_user(world.guardian_user, world.student_a2.pk)
    with pytest.raises(Http404):
        access.get_student_for_user(world.guardian_user, world.student_b.pk)


def test_imports_follow_the_same_rights(world):
    assert access.can_import(world.department_officer, "institutions")
    assert not access.can_import(world.principal, "institutions")
    assert access.can_import(world.principal, "students", world.school_a)
    assert not access.can_import(world.teacher_user, "students", world.school_a)
    assert not access.can_import(world.principal, "students", None)


def test_two_factor_is_for_department_and_inspector_roles(world):
    assert access.needs_two_factor(world.inspector)
    assert access.needs_two_factor(world.department_officer)
    assert not access.needs_two_factor(world.principal)
    assert not access.needs_two_factor(world.commune_officer)


def test_only_officials_read_the_audit_trail(world):
    assert access.can_read_audit(world.inspector) and access.can_read_audit(world.department_admin)
    assert not access.can_read_audit(world.principal)
    assert not access.can_read_audit(world.commune_officer)
