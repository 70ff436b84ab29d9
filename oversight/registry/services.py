"""Writes to the registry: units and their history, agencies, institutions."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.accounts import access
from oversight.audit.services import record_event
from oversight.lib.text import fold, nfc
from oversight.registry.models import (
    Agency,
    Institution,
    InstitutionPlacement,
    Subject,
    Unit,
    UnitName,
)

UNITS_CSV = Path(__file__).resolve().parent / "data" / "haiphong_communes.csv"
# The day the two-level local government took over (Resolution 1669/NQ-UBTVQH15 etc.).
REORGANISED_ON = date(2025, 7, 1)
COMMUNE_LEVEL_MANAGED = {
    Institution.Level.PRESCHOOL,
    Institution.Level.PRIMARY,
    Institution.Level.LOWER_SECONDARY,
}
UNIT_KIND_FROM_CSV = {
    "phuong": Unit.Kind.WARD,
    "xa": Unit.Kind.COMMUNE,
    "dac_khu": Unit.Kind.SPECIAL_ZONE,
}
COMMUNE_KINDS = (Unit.Kind.WARD, Unit.Kind.COMMUNE, Unit.Kind.SPECIAL_ZONE)

# The department's divisions that receive tasks (seed 003 names them).
DEPARTMENT_DIVISIONS = [
    ("VP", "Văn phòng Sở"),
    ("TTRA", "Thanh tra Sở"),
    ("TCCB", "Phòng Tổ chức cán bộ"),
    ("KHTC", "Phòng Kế hoạch - Tài chính"),
    ("GDMN", "Phòng Giáo dục Mầm non"),
    ("GDTH", "Phòng Giáo dục Tiểu học"),
    ("GDTrH", "Phòng Giáo dục Trung học"),
    ("GDTX", "Phòng Giáo dục thường xuyên và Giáo dục đại học"),
]
OTHER_CITY_DEPARTMENTS = [
    ("STC", "Sở Tài chính"),
    ("SNV", "Sở Nội vụ"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("SKHCN", "Sở Khoa học và Công nghệ"),
    ("SYT", "Sở Y tế"),
    ("CAHP", "Công an thành phố"),
]


# The subjects of the 2018 general education programme, by their usual names.
STANDARD_SUBJECTS = [
    "Toán",
    "Ngữ văn",
    "Tiếng Anh",
    "Vật lí",
    "Hóa học",
    "Sinh học",
    "Lịch sử",
    "Địa lí",
    "Tin học",
    "Giáo dục công dân",
    "Công nghệ",
    "Âm nhạc",
    "Mĩ thuật",
    "Giáo dục thể chất",
    "Khoa học tự nhiên",
    "Lịch sử và Địa lí",
    "Tiếng Việt",
    "Tự nhiên và Xã hội",
    "Khoa học",
    "Hoạt động trải nghiệm",
    "Giáo dục kinh tế và pháp luật",
]


class RegistryError(Exception):
    """A registry rule forbids this change; the message is safe to show to the user."""


def _check_permission(by: Any, allowed: Callable[[], bool]) -> None:
    """Users act within their rights; `by=None` is an operator's command or a system job."""
    if by is not None and not allowed():
        raise PermissionDenied


def _save_unit(unit: Unit) -> Unit:
    unit.set_derived()
    unit.path = ""
    unit.save()
    parent_path = unit.parent.path if unit.parent is not None else "/"
    unit.path = f"{parent_path}{unit.pk}/"
    unit.save(update_fields=["path"])
    return unit


@dataclass
class UnitLoadResult:
    city: Unit
    created: int
    updated: int


@transaction.atomic
def load_units(
    *, city_code: str = "31", city_name: str = "Hải Phòng", path: Path = UNITS_CSV, by: Any = None
) -> UnitLoadResult:
    """Create or update the city, its former districts and its commune-level units from the CSV.

    Idempotent: units are matched by code, so re-running updates names and never duplicates.
    """
    city = Unit.objects.filter(code=city_code).first() or Unit(code=city_code)
    city.name = city_name
    city.full_name = f"Thành phố {city_name}"
    city.kind = Unit.Kind.CITY
    city.parent = None
    _save_unit(city)
    agencies = ensure_city_agencies(city=city)
    created = updated = 0
    districts: dict[str, Unit] = {}
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    for row in rows:
        area = nfc(row["former_area"])
        if area and area not in districts:
            code = f"{city_code}-D-{fold(area).replace(' ', '-')}"
            district = Unit.objects.filter(code=code).first() or Unit(code=code)
            district.name = area
            district.full_name = area
            district.kind = Unit.Kind.DISTRICT
            district.parent = city
            district.valid_to = REORGANISED_ON - timedelta(days=1)
            districts[area] = _save_unit(district)
        code = row["dataset_code"].strip()
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            unit = Unit(code=code)
            created += 1
        else:
            updated += 1
        unit.name = row["name"]
        unit.full_name = row["full_name"]
        unit.kind = UNIT_KIND_FROM_CSV[row["type"].strip()]
        unit.parent = city
        unit.former_area = area
        unit.former_district = districts.get(area)
        unit.valid_from = REORGANISED_ON
        _save_unit(unit)
        if not unit.names.exists():
            UnitName.objects.create(
                unit=unit,
                name=unit.name,
                full_name=unit.full_name,
                valid_from=REORGANISED_ON,
                reason="Nghị quyết 1669/NQ-UBTVQH15",
            )
        ensure_commune_committee(unit=unit, department=agencies["department"])
    record_event(
        actor=by, action="units.loaded", target=city, data={"created": created, "updated": updated}
    )
    return UnitLoadResult(city=city, created=created, updated=updated)


def _upsert_agency(
    *, code: str, name: str, kind: str, unit: Unit, parent: Agency | None, short: str = ""
) -> Agency:
    agency = Agency.objects.filter(code=code).first() or Agency(code=code)
    agency.name, agency.kind, agency.unit, agency.parent, agency.short_name = (
        name,
        kind,
        unit,
        parent,
        short,
    )
    agency.set_derived()
    agency.save()
    return agency


def ensure_city_agencies(*, city: Unit) -> dict[str, Agency]:
    """The city committee, the department with its divisions, and the other city departments."""
    committee = _upsert_agency(
        code=f"{city.code}-UBND",
        name=f"Ủy ban nhân dân thành phố {city.name}",
        kind=Agency.Kind.CITY_COMMITTEE,
        unit=city,
        parent=None,
        short="UBND TP",
    )
    department = _upsert_agency(
        code=f"{city.code}-SGDDT",
        name=f"Sở Giáo dục và Đào tạo {city.name}",
        kind=Agency.Kind.DEPARTMENT,
        unit=city,
        parent=committee,
        short="Sở GDĐT",
    )
    for code, name in DEPARTMENT_DIVISIONS:
        _upsert_agency(
            code=f"{city.code}-SGDDT-{code}",
            name=name,
            kind=Agency.Kind.DIVISION,
            unit=city,
            parent=department,
            short=code,
        )
    for code, name in OTHER_CITY_DEPARTMENTS:
        _upsert_agency(
            code=f"{city.code}-{code}",
            name=name,
            kind=Agency.Kind.CITY_DEPARTMENT,
            unit=city,
            parent=committee,
            short=code,
        )
    return {"committee": committee, "department": department}


def ensure_commune_committee(*, unit: Unit, department: Agency | None = None) -> Agency:
    committee = Agency.objects.filter(unit=unit, kind=Agency.Kind.COMMUNE_COMMITTEE).first()
    parent = Agency.objects.filter(unit=unit.parent, kind=Agency.Kind.CITY_COMMITTEE).first()
    return _upsert_agency(
        code=committee.code if committee else f"UBND-{unit.code}",
        # "Ủy ban nhân dân phường Lê Chân": the kind is lower case inside the name.
        name=f"Ủy ban nhân dân {unit.full_name[:1].lower()}{unit.full_name[1:]}",
        kind=Agency.Kind.COMMUNE_COMMITTEE,
        unit=unit,
        parent=parent,
        short=f"UBND {unit.name}",
    )


def city_of(unit: Unit) -> Unit:
    root_id = int(unit.path.strip("/").split("/")[0])
    return unit if unit.pk == root_id else Unit.objects.get(pk=root_id)


def derive_managing_agency(*, level: str, unit: Unit) -> Agency:
    """RULES.md "Who manages what": the commune for public preschool, primary and
    lower-secondary schools; the department for upper-secondary, continuing education and
    schools spanning several levels (which include an upper-secondary part or are set by the
    department)."""
    if unit.kind not in COMMUNE_KINDS:
        raise RegistryError(_("Cơ sở giáo dục phải thuộc một xã, phường hoặc đặc khu."))
    if level in COMMUNE_LEVEL_MANAGED:
        agency = Agency.objects.filter(unit=unit, kind=Agency.Kind.COMMUNE_COMMITTEE).first()
    else:
        agency = Agency.objects.filter(unit=city_of(unit), kind=Agency.Kind.DEPARTMENT).first()
    if agency is None:
        raise RegistryError(_("Chưa có cơ quan quản lý cho %(unit)s.") % {"unit": unit})
    return agency


INSTITUTION_FIELDS = (
    "code",
    "name",
    "level",
    "ownership",
    "unit",
    "address",
    "phone",
    "email",
    "website",
    "principal_name",
    "principal_phone",
    "two_sessions_per_day",
    "is_active",
)


def _check_institution(inst: Institution) -> None:
    if not inst.code or not inst.name:
        raise RegistryError(_("Mã trường và tên trường là bắt buộc."))
    if inst.level not in Institution.Level.values:
        raise RegistryError(_("Cấp học không hợp lệ: %(v)s.") % {"v": inst.level})
    if inst.ownership not in Institution.Ownership.values:
        raise RegistryError(_("Loại hình không hợp lệ: %(v)s.") % {"v": inst.ownership})
    if not inst.unit.is_current():
        raise RegistryError(
            _("%(unit)s không còn hiệu lực; chọn đơn vị hiện hành.") % {"unit": inst.unit}
        )


def _apply_institution(inst: Institution, fields: dict[str, Any]) -> list[str]:
    unknown = set(fields) - set(INSTITUTION_FIELDS)
    if unknown:
        raise RegistryError(
            _("Trường dữ liệu không được phép: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
    changed = []
    for name, value in fields.items():
        if isinstance(value, str):
            value = nfc(value)
        if name == "unit":
            if value is None or not isinstance(value, Unit):
                raise RegistryError(_("Cần chọn xã/phường/đặc khu của cơ sở giáo dục."))
            if inst.unit_id != value.pk:
                inst.unit = value
                changed.append(name)
        elif getattr(inst, name) != value:
            setattr(inst, name, value)
            changed.append(name)
    return changed


@transaction.atomic
def create_institution(*, by: Any, **fields: Any) -> Institution:
    """Register an institution; its managing authority is derived from its level and commune."""
    inst = Institution()
    _apply_institution(inst, fields)
    inst.code = inst.code.strip().upper()
    _check_institution(inst)
    _check_permission(by, lambda: access.can_register_institution(by, inst.unit))
    if Institution.objects.filter(code=inst.code).exists():
        raise RegistryError(_("Mã trường %(code)s đã tồn tại.") % {"code": inst.code})
    inst.managing_agency = derive_managing_agency(level=inst.level, unit=inst.unit)
    inst.set_derived()
    inst.save()
    # Open-ended at the start: the school stood there before the system knew it.
    InstitutionPlacement.objects.create(institution=inst, unit=inst.unit, valid_from=None)
    record_event(actor=by, action="institution.created", target=inst, data={"code": inst.code})
    return inst


@transaction.atomic
def update_institution(*, institution: Institution, by: Any, **fields: Any) -> Institution:
    """Change an institution's facts. A move to another commune is kept in its placement history;
    the managing authority is re-derived unless it was overridden with a reason."""
    inst = Institution.objects.select_for_update().get(pk=institution.pk)
    _check_permission(by, lambda: access.can_update_institution(by, inst))
    old_unit_id = inst.unit_id
    fields.pop("code", None)  # the code is the natural key; it never changes
    changed = _apply_institution(inst, fields)
    if not changed:
        return inst
    _check_institution(inst)
    if inst.unit_id != old_unit_id:
        _move_placement(inst, inst.unit, timezone.localdate())
    if not inst.managing_override_reason and {"level", "unit"} & set(changed):
        inst.managing_agency = derive_managing_agency(level=inst.level, unit=inst.unit)
        changed.append("managing_agency")
    inst.set_derived()
    inst.save()
    record_event(
        actor=by, action="institution.updated", target=inst, data={"fields": sorted(changed)}
    )
    return inst


@transaction.atomic
def set_managing_agency(
    *, institution: Institution, agency: Agency | None, reason: str, by: Any
) -> Institution:
    """Override the derived managing authority with a reason, or (agency=None) restore the rule."""
    inst = Institution.objects.select_for_update().get(pk=institution.pk)
    _check_permission(by, lambda: access.rights_over(by, inst).set_managing_agency)
    reason = nfc(reason)
    if agency is None:
        inst.managing_agency = derive_managing_agency(level=inst.level, unit=inst.unit)
        inst.managing_override_reason = ""
    else:
        if len(reason) < 10:
            raise RegistryError(
                _("Cần ghi rõ lý do (ít nhất 10 ký tự) khi chỉ định cơ quan quản lý khác quy định.")
            )
        if agency.kind not in (Agency.Kind.DEPARTMENT, Agency.Kind.COMMUNE_COMMITTEE):
            raise RegistryError(_("Cơ quan quản lý phải là Sở GDĐT hoặc UBND cấp xã."))
        inst.managing_agency = agency
        inst.managing_override_reason = reason
    inst.save(update_fields=["managing_agency", "managing_override_reason", "updated_at"])
    record_event(
        actor=by,
        action="institution.managing_agency_set",
        target=inst,
        data={"agency": inst.managing_agency.code, "reason": inst.managing_override_reason},
    )
    return inst


def _move_placement(inst: Institution, unit: Unit, on: date) -> None:
    InstitutionPlacement.objects.filter(institution=inst, valid_to__isnull=True).update(
        valid_to=on - timedelta(days=1)
    )
    InstitutionPlacement.objects.create(institution=inst, unit=unit, valid_from=on)


@transaction.atomic
def rename_unit(
    *, unit: Unit, name: str, full_name: str, effective: date, reason: str, by: Any
) -> Unit:
    """Rename a unit from `effective`; the old name stays in its history with its dates."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    _check_permission(by, lambda: access.can_change_units(by))
    name, full_name = nfc(name), nfc(full_name)
    if not name:
        raise RegistryError(_("Tên mới là bắt buộc."))
    current = unit.names.filter(valid_to__isnull=True).first()
    if current and current.valid_from and effective <= current.valid_from:
        raise RegistryError(_("Ngày hiệu lực phải sau ngày bắt đầu của tên hiện tại."))
    if current:
        current.valid_to = effective - timedelta(days=1)
        current.save(update_fields=["valid_to"])
    else:
        UnitName.objects.create(
            unit=unit,
            name=unit.name,
            full_name=unit.full_name,
            valid_from=unit.valid_from,
            valid_to=effective - timedelta(days=1),
        )
    UnitName.objects.create(
        unit=unit, name=name, full_name=full_name or name, valid_from=effective, reason=nfc(reason)
    )
    old = unit.full_name
    unit.name, unit.full_name = name, full_name or name
    unit.set_derived()
    unit.save(update_fields=["name", "full_name", "search_name", "sort_key"])
    record_event(
        actor=by,
        action="unit.renamed",
        target=unit,
        data={"from": old, "to": unit.full_name, "effective": effective.isoformat()},
    )
    return unit


@transaction.atomic
def merge_units(
    *, sources: Iterable[Unit], into: Unit, effective: date, reason: str, by: Any
) -> Unit:
    """Merge `sources` into `into` from `effective`: the sources end the day before, and their
    institutions move to `into` with their earlier placement kept."""
    _check_permission(by, lambda: access.can_change_units(by))
    sources = list(Unit.objects.select_for_update().filter(pk__in=[u.pk for u in sources]))
    if not sources:
        raise RegistryError(_("Chọn ít nhất một đơn vị để sáp nhập."))
    if any(u.pk == into.pk for u in sources):
        raise RegistryError(_("Không thể sáp nhập một đơn vị vào chính nó."))
    if any(u.valid_to is not None for u in sources):
        raise RegistryError(_("Đơn vị đã hết hiệu lực không thể sáp nhập thêm lần nữa."))
    moved = 0
    for unit in sources:
        for inst in Institution.objects.select_for_update().filter(unit=unit):
            _move_placement(inst, into, effective)
            inst.unit = into
            if not inst.managing_override_reason:
                inst.managing_agency = derive_managing_agency(level=inst.level, unit=into)
            inst.save(update_fields=["unit", "managing_agency", "updated_at"])
            moved += 1
        unit.valid_to = effective - timedelta(days=1)
        unit.replaced_by = into
        unit.save(update_fields=["valid_to", "replaced_by"])
    record_event(
        actor=by,
        action="units.merged",
        target=into,
        data={
            "sources": [u.code for u in sources],
            "effective": effective.isoformat(),
            "reason": nfc(reason),
            "institutions_moved": moved,
        },
    )
    return into


def ensure_subjects() -> dict[str, Subject]:
    """The standard subjects, created when missing; keyed by name."""
    subjects = {s.name: s for s in Subject.objects.all()}
    for name in STANDARD_SUBJECTS:
        if name not in subjects:
            subjects[name] = Subject.objects.create(
                name=name, code=fold(name).replace(" ", "-"), search_name=fold(name)
            )
    return subjects
