"""Test personas and `make_<thing>()` helpers. Fictional names only; no real personal data.

`make_world()` builds a small city: two communes, three schools, and one user per persona:
principal of school A, commune officers, department officers, an inspector, a partner, a
guardian, and an outsider (the principal of school B).
"""

from __future__ import annotations

import itertools
from datetime import date
from types import SimpleNamespace
from typing import Any

from django.test import TestCase

from oversight.accounts.models import Role, User
from oversight.accounts.services import assign_role
from oversight.registry.models import (
    Agency,
    ClassMembership,
    Guardian,
    Guardianship,
    HomeroomClass,
    Institution,
    SchoolYear,
    Student,
    Subject,
    Teacher,
    TeachingAssignment,
    Unit,
)
from oversight.registry.services import (
    _save_unit,
    create_institution,
    ensure_city_agencies,
    ensure_commune_committee,
)

PASSWORD = "Mat-khau-thu-nghiem-2025"
_seq = itertools.count(1)


def make_unit(
    *, name: str, kind: str = Unit.Kind.WARD, parent: Unit | None = None, code: str | None = None
) -> Unit:
    prefix = {
        "ward": "Phường",
        "commune": "Xã",
        "special_zone": "Đặc khu",
        "city": "Thành phố",
    }.get(kind, "")
    unit = Unit(
        code=code or f"U{next(_seq):05d}",
        name=name,
        full_name=f"{prefix} {name}".strip(),
        kind=kind,
        parent=parent,
        valid_from=date(2025, 7, 1) if parent else None,
    )
    return _save_unit(unit)


def make_city(*, name: str = "Hải Phòng", code: str | None = None) -> Unit:
    city = make_unit(name=name, kind=Unit.Kind.CITY, code=code)
    ensure_city_agencies(city=city)
    return city


def make_commune(*, city: Unit, name: str, kind: str = Unit.Kind.WARD) -> Unit:
    unit = make_unit(name=name, kind=kind, parent=city)
    ensure_commune_committee(unit=unit)
    return unit


def make_institution(
    *,
    unit: Unit,
    name: str | None = None,
    level: str = Institution.Level.PRIMARY,
    code: str | None = None,
    **fields: Any,
) -> Institution:
    n = next(_seq)
    return create_institution(
        by=None,
        code=code or f"T{n:05d}",
        name=name or f"Trường thử nghiệm số {n}",
        level=level,
        unit=unit,
        **fields,
    )


def make_user(
    *, username: str | None = None, role: str | None = None, scope: Any = None, **fields: Any
) -> User:
    user = User.objects.create_user(
        username=username or f"user{next(_seq)}", password=PASSWORD, **fields
    )
    if role:
        kw = {}
        if isinstance(scope, Unit):
            kw["unit"] = scope
        elif isinstance(scope, Agency):
            kw["agency"] = scope
        elif isinstance(scope, Institution):
            kw["institution"] = scope
        else:
            raise ValueError("scope must be a Unit, an Agency or an Institution")
        assign_role(user=user, role=role, by=None, **kw)
    return user


def make_school_year(name: str = "2025-2026") -> SchoolYear:
    start = int(name[:4])
    year, _ = SchoolYear.objects.get_or_create(
        name=name, defaults={"starts_on": date(start, 9, 5), "ends_on": date(start + 1, 5, 31)}
    )
    return year


def make_subject(name: str = "Toán", code: str | None = None) -> Subject:
    from oversight.lib.text import fold

    subject, _ = Subject.objects.get_or_create(
        name=name,
        defaults={"code": code or fold(name).replace(" ", "-"), "search_name": fold(name)},
    )
    return subject


def make_class(
    *, institution: Institution, name: str = "5A", grade: int = 5, year: SchoolYear | None = None
) -> HomeroomClass:
    c = HomeroomClass(
        institution=institution, school_year=year or make_school_year(), name=name, grade=grade
    )
    c.set_derived()
    c.save()
    return c


def make_teacher(
    *,
    institution: Institution,
    full_name: str = "Nguyễn Thị Hoa",
    code: str | None = None,
    user: User | None = None,
) -> Teacher:
    t = Teacher(
        institution=institution, code=code or f"GV{next(_seq):05d}", full_name=full_name, user=user
    )
    t.set_derived()
    t.save()
    return t


def make_assignment(
    *,
    teacher: Teacher,
    homeroom_class: HomeroomClass,
    subject: Subject | None = None,
    is_homeroom: bool = False,
) -> TeachingAssignment:
    return TeachingAssignment.objects.create(
        teacher=teacher,
        homeroom_class=homeroom_class,
        subject=subject or make_subject(),
        is_homeroom=is_homeroom,
    )


def make_student(
    *,
    institution: Institution,
    homeroom_class: HomeroomClass | None = None,
    full_name: str = "Trần Minh Anh",
    code: str | None = None,
    date_of_birth: date = date(2015, 3, 14),
    gender: str = "female",
) -> Student:
    s = Student(
        institution=institution,
        code=code or f"HS{next(_seq):06d}",
        full_name=full_name,
        date_of_birth=date_of_birth,
        gender=gender,
    )
    s.set_derived()
    s.save()
    if homeroom_class:
        ClassMembership.objects.create(
            student=s, homeroom_class=homeroom_class, school_year=homeroom_class.school_year
        )
    return s


def make_guardian(
    *,
    student: Student,
    full_name: str = "Trần Văn Bình",
    phone: str | None = None,
    relation: str = Guardianship.Relation.FATHER,
    user: User | None = None,
) -> Guardian:
    g = Guardian.objects.create(
        full_name=full_name, phone=phone or f"09{next(_seq):08d}", user=user
    )
    Guardianship.objects.create(guardian=g, student=student, relation=relation)
    return g


def ensure_reference_data() -> None:
    """Put back what data migrations seed (approval routes, the rule pack) when a browser test,
    which runs outside a transaction, has flushed the database before this test."""
    import importlib

    from django.apps import apps

    from oversight.compliance.models import RulePack
    from oversight.compliance.rulepacks import load_pack, read_pack
    from oversight.programs.models import ApprovalRoute

    if not ApprovalRoute.objects.exists():
        routes = importlib.import_module("oversight.programs.migrations.0002_approval_routes")
        routes.add_routes(apps, None)
    if not RulePack.objects.exists():
        load_pack(read_pack())


def make_world() -> SimpleNamespace:
    """A small city with every persona. Attribute names read as the personas' descriptions."""
    ensure_reference_data()
    w = SimpleNamespace()
    w.city = make_city()
    w.department = Agency.objects.get(unit=w.city, kind=Agency.Kind.DEPARTMENT)
    w.commune_a = make_commune(city=w.city, name="Lê Chân")
    w.commune_b = make_commune(city=w.city, name="An Thành", kind=Unit.Kind.COMMUNE)
    w.committee_a = Agency.objects.get(unit=w.commune_a, kind=Agency.Kind.COMMUNE_COMMITTEE)
    w.committee_b = Agency.objects.get(unit=w.commune_b, kind=Agency.Kind.COMMUNE_COMMITTEE)
    w.school_a = make_institution(unit=w.commune_a, name="Trường Tiểu học Đằng Hải", code="TH-DH")
    w.school_b = make_institution(
        unit=w.commune_b,
        name="Trường THCS An Thành",
        level=Institution.Level.LOWER_SECONDARY,
        code="THCS-AT",
    )
    w.high_a = make_institution(
        unit=w.commune_a,
        name="Trường THPT Lê Chân",
        level=Institution.Level.UPPER_SECONDARY,
        code="THPT-LC",
    )
    w.year = make_school_year()
    w.class_a1 = make_class(institution=w.school_a, name="5A1", grade=5, year=w.year)
    w.class_a2 = make_class(institution=w.school_a, name="5A2", grade=5, year=w.year)
    w.class_b1 = make_class(institution=w.school_b, name="9A", grade=9, year=w.year)
    w.class_h1 = make_class(institution=w.high_a, name="12A1", grade=12, year=w.year)
    w.math = make_subject("Toán")

    w.department_admin = make_user(
        username="so_quantri", role=Role.DEPARTMENT_ADMIN, scope=w.department
    )
    w.department_officer = make_user(
        username="so_chuyenvien", role=Role.DEPARTMENT_OFFICER, scope=w.department
    )
    w.inspector = make_user(username="thanhtra", role=Role.INSPECTOR, scope=w.city)
    w.city_viewer = make_user(username="ubnd_tp", role=Role.CITY_VIEWER, scope=w.city)
    w.commune_officer = make_user(
        username="xa_lechan", role=Role.COMMUNE_OFFICER, scope=w.committee_a
    )
    w.commune_officer_b = make_user(
        username="xa_anthanh", role=Role.COMMUNE_OFFICER, scope=w.committee_b
    )
    w.principal = make_user(username="ht_danghai", role=Role.PRINCIPAL, scope=w.school_a)
    w.school_staff = make_user(username="vp_danghai", role=Role.SCHOOL_STAFF, scope=w.school_a)
    w.teacher_user = make_user(username="gv_danghai", role=Role.TEACHER, scope=w.school_a)
    w.partner = make_user(username="doitac", role=Role.PARTNER_STAFF, scope=w.school_a)
    w.guardian_user = make_user(username="phuhuynh", role=Role.GUARDIAN, scope=w.school_a)
    w.outsider = make_user(username="ht_anthanh", role=Role.PRINCIPAL, scope=w.school_b)
    w.superuser = User.objects.create_superuser(username="root", password=PASSWORD)

    w.teacher = make_teacher(
        institution=w.school_a, full_name="Phạm Thu Hương", user=w.teacher_user
    )
    w.other_teacher = make_teacher(institution=w.school_a, full_name="Lê Văn Nam")
    make_assignment(teacher=w.teacher, homeroom_class=w.class_a1, subject=w.math, is_homeroom=True)
    make_assignment(teacher=w.other_teacher, homeroom_class=w.class_a2, subject=w.math)
    w.student_a1 = make_student(
        institution=w.school_a, homeroom_class=w.class_a1, full_name="Vũ Gia Bảo"
    )
    w.student_a2 = make_student(
        institution=w.school_a, homeroom_class=w.class_a2, full_name="Đỗ Khánh Linh"
    )
    w.student_b = make_student(
        institution=w.school_b,
        homeroom_class=w.class_b1,
        full_name="Hoàng Minh Đức",
        date_of_birth=date(2011, 6, 2),
        gender="male",
    )
    w.student_h = make_student(
        institution=w.high_a,
        homeroom_class=w.class_h1,
        full_name="Ngô Thảo Vy",
        date_of_birth=date(2008, 1, 20),
    )
    w.guardian = make_guardian(student=w.student_a1, user=w.guardian_user, full_name="Vũ Văn Hùng")
    return w


PERSONAS = (
    "department_admin",
    "department_officer",
    "inspector",
    "city_viewer",
    "commune_officer",
    "commune_officer_b",
    "principal",
    "school_staff",
    "teacher_user",
    "partner",
    "guardian_user",
    "outsider",
)


class BaseTestCase(TestCase):
    """Every persona of `make_world()` as attributes (self.principal, self.school_a, ...)."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_world()
        for name, value in vars(cls.world).items():
            setattr(cls, name, value)


def make_program(
    *,
    institution: Institution,
    by: User | None = None,
    kind: str = "linkage",
    title: str = "Tiếng Anh với người nước ngoài",
    **overrides: Any,
):
    """A draft programme with sensible facts; `overrides` replace any of them."""
    from datetime import time

    from oversight.programs.models import Partner
    from oversight.programs.services import create_program

    year = make_school_year()
    fields: dict[str, Any] = dict(
        kind=kind,
        institution=institution,
        school_year=year,
        title=title,
        grades=[5],
        capacity=30,
        starts_on=date(2025, 10, 1),
        ends_on=date(2026, 5, 15),
        fee_amount=150_000,
        fee_unit="per_month",
        fee_legal_basis="Thỏa thuận với cha mẹ",
        sessions=[{"weekday": 2, "start": time(16, 45), "end": time(17, 30), "place": "Phòng 201"}],
        staff=[{"full_name": "John Smith", "is_foreign": True}],
    )
    if kind == "linkage":
        partner = Partner.objects.first() or Partner.objects.create(
            name="Công ty Giáo dục Ánh Sao", licence_number="0201234567", search_name="anh sao"
        )
        fields.update(
            partner=partner,
            category="foreign_language_foreign_teacher",
            alternative_activity="Đọc sách tại thư viện, có giáo viên trông",
        )
    else:
        fields.update(subject=make_subject("Toán"))
    fields.update(overrides)
    return create_program(by=by, **fields)
