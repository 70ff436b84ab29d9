"""Who may plan which inspection, and who sees it before it starts."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from oversight.accounts import access
from oversight.audit.models import AuditEvent
from oversight.compliance.services import active_pack
from oversight.inspections.checklist import checklist_for
from oversight.inspections.models import ChecklistItem, Inspection, InspectionTarget
from oversight.inspections.services import (
    InspectionInputError,
    TargetChoice,
    create_inspection,
    create_plan,
)
from oversight.inspections.tests.helpers import inspect

pytestmark = pytest.mark.django_db


def test_a_commune_plans_an_inspection_of_a_school_it_manages(world):
    inspection = inspect(world, by=world.commune_officer, agency=world.committee_a)
    target = inspection.targets.get()
    assert target.institution == world.school_a and target.reason == "Chưa từng được kiểm tra"
    rules = set(ChecklistItem.objects.filter(target=target).values_list("rule", flat=True))
    assert "tt29.a3.no-cut" in rules and "tt29.a4.primary" in rules
    assert AuditEvent.objects.filter(action="inspection.created").count() == 1


def test_a_commune_cannot_inspect_the_departments_schools(world):
    with pytest.raises(PermissionDenied):
        inspect(world, by=world.commune_officer, agency=world.committee_a, institution=world.high_a)
    assert not Inspection.objects.exists()


def test_a_commune_cannot_act_in_the_departments_name_or_another_communes(world):
    with pytest.raises(PermissionDenied):
        inspect(world, by=world.commune_officer, agency=world.department)
    with pytest.raises(PermissionDenied):
        inspect(world, by=world.commune_officer, agency=world.committee_b)
    assert not Inspection.objects.exists()


def test_the_department_may_inspect_any_school_in_the_city(world):
    for school in (world.high_a, world.school_b):
        inspect(world, by=world.department_officer, institution=school)
    assert Inspection.objects.count() == 2


def test_a_principal_cannot_plan_inspections(world):
    with pytest.raises(PermissionDenied):
        inspect(world, by=world.principal, agency=world.committee_a)


def test_bad_input_writes_nothing(world):
    with pytest.raises(InspectionInputError) as e:
        create_inspection(
            by=world.inspector,
            agency=world.department,
            kind="sometimes",
            title="",
            legal_basis="",
            starts_on=date(2025, 11, 7),
            ends_on=date(2025, 11, 3),
            targets=[TargetChoice(kind="institution", obj=world.school_a, reason="")],
        )
    assert set(e.value.errors) >= {"kind", "title", "legal_basis", "ends_on", "targets"}
    assert not Inspection.objects.exists() and not InspectionTarget.objects.exists()


def test_a_plan_needs_a_period_in_order(world):
    with pytest.raises(InspectionInputError):
        create_plan(
            by=world.department_officer,
            agency=world.department,
            title="Kế hoạch kiểm tra năm học 2025-2026",
            period_start=date(2026, 5, 1),
            period_end=date(2025, 9, 1),
            legal_basis="Thông tư 29/2024/TT-BGDĐT",
        )
    plan = create_plan(
        by=world.department_officer,
        agency=world.department,
        title="Kế hoạch kiểm tra năm học 2025-2026",
        period_start=date(2025, 9, 1),
        period_end=date(2026, 5, 31),
        legal_basis="Thông tư 29/2024/TT-BGDĐT",
    )
    assert list(access.inspection_plans_visible_to(world.commune_officer)) == []
    assert list(access.inspection_plans_visible_to(world.inspector)) == [plan]


def test_a_surprise_inspection_stays_hidden_from_its_target_until_it_starts(world):
    from oversight.inspections.services import start_inspection

    inspection = inspect(world, kind="surprise")
    for user in (world.principal, world.school_staff, world.teacher_user):
        assert not access.inspections_visible_to(user).filter(pk=inspection.pk).exists()
        with pytest.raises(Http404):
            access.get_inspection_for_user(user, inspection.pk)
    assert access.inspections_visible_to(world.department_officer).filter(pk=inspection.pk)
    start_inspection(inspection=inspection, by=world.inspector)
    assert access.get_inspection_for_user(world.principal, inspection.pk) == inspection
    with pytest.raises(PermissionDenied):
        access.get_inspection_for_user(world.principal, inspection.pk, write=True)


def test_a_periodic_inspection_is_announced_to_its_target(world):
    inspection = inspect(world)
    assert access.get_inspection_for_user(world.principal, inspection.pk) == inspection
    with pytest.raises(Http404):
        access.get_inspection_for_user(world.outsider, inspection.pk)


def test_the_checklist_follows_the_target_kind_level_and_date():
    primary = {r.rule for r in checklist_for("institution", "primary", date(2025, 11, 1))}
    upper = {r.rule for r in checklist_for("institution", "upper_secondary", date(2025, 11, 1))}
    assert "tt29.a5.free" in primary and "tt29.a5.free" in upper
    linkage = {r.rule for r in checklist_for("linkage", "", date(2025, 11, 1))}
    assert "link.records" in linkage and "tt29.a5.free" not in linkage
    # Before Circular 29 its rules did not apply, Circular 17's did.
    old = {r.rule for r in checklist_for("institution", "primary", date(2024, 12, 1))}
    assert "tt29.a3.no-cut" not in old and "link.voluntary" in old
    assert "tt17.a4.primary" in old and "tt17.a4.primary" not in primary
    facility = {r.rule for r in checklist_for("facility", "", date(2025, 11, 1))}
    assert "tt29.a6.registered" in facility and "tt29.a5.free" not in facility
    # Institution-level rules (no programme kind) are checked at schools and facilities only.
    assert "tt29.a4.no-manage" in facility and "tt29.a4.no-manage" in primary
    assert "tt29.a4.no-manage" not in linkage


def test_the_checklist_is_the_rule_pack_in_force_checklist_only_rules_first():
    on = date(2025, 11, 1)
    pack = active_pack()
    items = checklist_for("in_school_tutoring", "lower_secondary", on)
    expected = [
        r for r in pack.rules.order_by("pk") if "in_school_tutoring" in r.kinds and r.in_force(on)
    ]
    assert {i.rule for i in items} == {r.code for r in expected}
    only = [r.code for r in expected if r.checklist_only]
    assert "tt29.a3.no-cut" in only
    assert [i.rule for i in items[: len(only)]] == only
    no_cut = next(i for i in items if i.rule == "tt29.a3.no-cut")
    rule = pack.rules.get(code="tt29.a3.no-cut")
    assert (no_cut.title, no_cut.citation) == (rule.title, rule.citation)
    assert "Điều 3" in no_cut.citation and "Thông tư 29/2024/TT-BGDĐT" in no_cut.citation


def test_a_corrected_rule_in_the_pack_changes_the_checklist_without_code():
    pack = active_pack()
    pack.rules.filter(code="tt29.a3.no-cut").update(
        title="Không cắt giảm nội dung chương trình (đã sửa)", levels=["primary"]
    )
    on = date(2025, 11, 1)
    primary = {r.rule: r for r in checklist_for("institution", "primary", on)}
    upper = {r.rule for r in checklist_for("institution", "upper_secondary", on)}
    assert primary["tt29.a3.no-cut"].title == "Không cắt giảm nội dung chương trình (đã sửa)"
    assert "tt29.a3.no-cut" not in upper


def test_an_unknown_target_kind_is_refused():
    with pytest.raises(ValueError):
        checklist_for("library", "", date(2025, 11, 1))
