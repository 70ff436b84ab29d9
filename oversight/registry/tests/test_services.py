import unicodedata
from datetime import date

import pytest

from oversight.audit.models import AuditEvent
from oversight.registry.models import Agency, Institution, Unit
from oversight.registry.selectors import unit_of
from oversight.registry.services import (
    RegistryError,
    create_institution,
    load_units,
    merge_units,
    rename_unit,
    set_managing_agency,
    update_institution,
)
from oversight.testing import make_commune, make_institution


@pytest.mark.django_db
def test_load_units_creates_the_114_communes_with_their_kinds_and_former_districts():
    result = load_units()
    communes = Unit.objects.filter(parent=result.city).exclude(kind=Unit.Kind.DISTRICT)
    assert communes.count() == 114
    assert communes.filter(kind=Unit.Kind.WARD).count() == 45
    assert communes.filter(kind=Unit.Kind.COMMUNE).count() == 67
    assert communes.filter(kind=Unit.Kind.SPECIAL_ZONE).count() == 2
    le_chan = Unit.objects.get(full_name="Phường Lê Chân")
    assert le_chan.former_district.name == "Quận Lê Chân"
    assert le_chan.former_district.valid_to == date(2025, 6, 30)
    assert Agency.objects.filter(kind=Agency.Kind.COMMUNE_COMMITTEE).count() == 114
    assert Agency.objects.filter(kind=Agency.Kind.DIVISION).count() == 8


@pytest.mark.django_db
def test_load_units_twice_updates_and_never_duplicates():
    load_units()
    before = Unit.objects.count(), Agency.objects.count()
    again = load_units()
    assert again.created == 0 and again.updated == 114
    assert (Unit.objects.count(), Agency.objects.count()) == before


def test_managing_authority_is_the_commune_for_primary_and_the_department_for_upper_secondary(
    world,
):
    assert world.school_a.managing_agency == world.committee_a
    assert world.high_a.managing_agency == world.department
    centre = make_institution(unit=world.commune_b, level=Institution.Level.CONTINUING_EDUCATION)
    assert centre.managing_agency == world.department
    preschool = make_institution(unit=world.commune_b, level=Institution.Level.PRESCHOOL)
    assert preschool.managing_agency == world.committee_b


def test_institution_text_is_stored_nfc_and_found_without_diacritics(world):
    name = unicodedata.normalize("NFD", "Trường Mầm non Hoa Hồng")
    inst = create_institution(
        by=world.department_admin,
        code="mn-hh",
        name=name,
        level=Institution.Level.PRESCHOOL,
        unit=world.commune_a,
    )
    assert inst.name == unicodedata.normalize("NFC", name)
    assert inst.code == "MN-HH"
    assert list(Institution.objects.search("mam non hoa hong")) == [inst]
    assert list(Institution.objects.search("truong tieu hoc dang hai")) == [world.school_a]


def test_duplicate_code_is_refused_and_nothing_is_written(world):
    count = Institution.objects.count()
    with pytest.raises(RegistryError, match="đã tồn tại"):
        create_institution(
            by=None, code="th-dh", name="Khác", level="primary", unit=world.commune_a
        )
    assert Institution.objects.count() == count


def test_bad_level_is_refused(world):
    with pytest.raises(RegistryError, match="Cấp học"):
        create_institution(by=None, code="X1", name="X", level="university", unit=world.commune_a)


def test_an_institution_cannot_sit_directly_under_the_city(world):
    with pytest.raises(RegistryError):
        create_institution(by=None, code="X2", name="X", level="primary", unit=world.city)


def test_override_of_managing_authority_needs_a_reason_and_is_audited(world):
    with pytest.raises(RegistryError, match="lý do"):
        set_managing_agency(
            institution=world.school_a,
            agency=world.department,
            reason="",
            by=world.department_admin,
        )
    inst = set_managing_agency(
        institution=world.school_a,
        agency=world.department,
        reason="Trường chuyên biệt do Sở trực tiếp quản lý",
        by=world.department_admin,
    )
    assert inst.managing_agency == world.department
    event = AuditEvent.objects.get(action="institution.managing_agency_set")
    assert event.actor == world.department_admin and event.target_id == str(inst.pk)
    # An override survives a change of level; restoring the rule re-derives it.
    inst = update_institution(institution=inst, by=world.department_admin, level="lower_secondary")
    assert inst.managing_agency == world.department
    inst = set_managing_agency(institution=inst, agency=None, reason="", by=world.department_admin)
    assert inst.managing_agency == world.committee_a


def test_update_rederives_the_authority_when_the_level_changes(world):
    inst = update_institution(
        institution=world.school_b, by=world.department_admin, level="upper_secondary"
    )
    assert inst.managing_agency == world.department
    assert AuditEvent.objects.filter(action="institution.updated", target_id=str(inst.pk)).exists()


def test_rename_keeps_the_old_name_with_its_dates(world):
    unit = rename_unit(
        unit=world.commune_a,
        name="Lê Chân Mới",
        full_name="Phường Lê Chân Mới",
        effective=date(2026, 1, 1),
        reason="Nghị quyết thử nghiệm",
        by=world.department_admin,
    )
    names = list(unit.names.order_by("valid_from"))
    assert [n.full_name for n in names] == ["Phường Lê Chân", "Phường Lê Chân Mới"]
    assert names[0].valid_to == date(2025, 12, 31)
    assert list(Unit.objects.search("le chan moi")) == [unit]


def test_merge_moves_schools_and_keeps_where_they_were_before(world):
    into = make_commune(city=world.city, name="Hợp Nhất")
    merge_units(
        sources=[world.commune_a],
        into=into,
        effective=date(2026, 1, 1),
        reason="Sáp nhập thử",
        by=world.department_admin,
    )
    world.school_a.refresh_from_db()
    world.commune_a.refresh_from_db()
    assert world.school_a.unit == into
    assert world.commune_a.valid_to == date(2025, 12, 31) and world.commune_a.replaced_by == into
    assert unit_of(world.school_a, date(2025, 12, 31)) == world.commune_a
    assert unit_of(world.school_a, date(2026, 1, 2)) == into
    # The commune-managed school follows its new commune's committee.
    assert world.school_a.managing_agency.unit == into


def test_merge_into_itself_is_refused(world):
    with pytest.raises(RegistryError):
        merge_units(
            sources=[world.commune_a],
            into=world.commune_a,
            effective=date(2026, 1, 1),
            reason="x",
            by=None,
        )


def test_a_school_cannot_be_placed_in_a_unit_that_has_ended(world):
    into = make_commune(city=world.city, name="Hợp Nhất")
    merge_units(
        sources=[world.commune_b], into=into, effective=date(2025, 8, 1), reason="x", by=None
    )
    world.commune_b.refresh_from_db()
    with pytest.raises(RegistryError, match="không còn hiệu lực"):
        create_institution(by=None, code="Z1", name="Z", level="primary", unit=world.commune_b)


@pytest.mark.django_db
def test_load_units_command_reports_what_it_did():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("load_units", stdout=out)
    assert "114 đơn vị mới" in out.getvalue()


def test_change_unit_command_renames_and_merges(world):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = StringIO()
    call_command(
        "change_unit",
        "rename",
        world.commune_b.code,
        "--name",
        "An Thành Mới",
        "--full-name",
        "Xã An Thành Mới",
        "--effective",
        "01/01/2026",
        "--reason",
        "NQ thử",
        stdout=out,
    )
    assert "Xã An Thành Mới" in out.getvalue()
    into = make_commune(city=world.city, name="Hợp Nhất")
    call_command(
        "change_unit",
        "merge",
        world.commune_b.code,
        "--into",
        into.code,
        "--effective",
        "01/02/2026",
        "--reason",
        "NQ thử",
        stdout=out,
    )
    world.school_b.refresh_from_db()
    assert world.school_b.unit == into
    with pytest.raises(CommandError, match="dd/mm/yyyy"):
        call_command(
            "change_unit",
            "merge",
            world.commune_a.code,
            "--into",
            into.code,
            "--effective",
            "2026-02-01",
            "--reason",
            "x",
        )
    with pytest.raises(CommandError, match="hết hiệu lực"):
        call_command(
            "change_unit",
            "merge",
            world.commune_b.code,
            "--into",
            into.code,
            "--effective",
            "01/03/2026",
            "--reason",
            "x",
        )


def test_services_refuse_users_acting_outside_their_rights(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        create_institution(
            by=world.principal,
            code="NEW-1",
            name="Trường mới",
            level="primary",
            unit=world.commune_a,
        )
    with pytest.raises(PermissionDenied):
        update_institution(institution=world.school_b, by=world.principal, address="Sai phạm vi")
    with pytest.raises(PermissionDenied):
        set_managing_agency(
            institution=world.school_a,
            agency=world.department,
            reason="Lý do đủ dài để hợp lệ",
            by=world.principal,
        )
    with pytest.raises(PermissionDenied):
        rename_unit(
            unit=world.commune_a,
            name="X",
            full_name="Phường X",
            effective=date(2026, 1, 1),
            reason="x",
            by=world.commune_officer,
        )
    with pytest.raises(PermissionDenied):
        merge_units(
            sources=[world.commune_b],
            into=world.commune_a,
            effective=date(2026, 1, 1),
            reason="x",
            by=world.inspector,
        )
    world.school_b.refresh_from_db()
    assert world.school_b.address == ""
    # Within their rights they may: the department registers, the school updates itself.
    create_institution(
        by=world.department_officer,
        code="NEW-3",
        name="Trường mới",
        level="primary",
        unit=world.commune_a,
    )
    update_institution(institution=world.school_a, by=world.principal, phone="02253000000")
