"""Fictional demo data over the real communes: schools, classes, teachers, students, guardians,
and demo accounts for every role. Names are common Vietnamese names combined at random; no real
person's data is used. Deterministic: each school draws from its own generator seeded by its
code, so the same scale always gives the same city.

`seed()` streams one school at a time (a handful of batched bulk inserts each, in its own
transaction), so the city scale (~2,000 schools, ~1 M students) never sits in memory, and an
interrupted run keeps the schools it finished.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from oversight.accounts.models import Role, RoleAssignment, User
from oversight.accounts.services import assign_role, revoke_role
from oversight.registry.models import (
    Agency,
    ClassMembership,
    Guardian,
    Guardianship,
    HomeroomClass,
    Institution,
    InstitutionPlacement,
    SchoolYear,
    Student,
    Subject,
    Teacher,
    TeachingAssignment,
    Term,
    Unit,
)
from oversight.registry.services import (
    COMMUNE_KINDS,
    derive_managing_agency,
    ensure_subjects,
    load_units,
)

DEMO_PREFIX = "DEMO-"
DEMO_PASSWORD = "HaiPhong@2025"
SEED = 20251122
BATCH = 5000

# --- names -----------------------------------------------------------------------------------

# Weighted roughly like the real distribution of family names (Nguyễn about a third).
FAMILY = (
    ["Nguyễn"] * 30
    + ["Trần"] * 11
    + ["Lê"] * 9
    + ["Phạm"] * 7
    + ["Hoàng"] * 5
    + ["Vũ"] * 5
    + ["Đặng"] * 3
    + ["Bùi"] * 3
    + ["Đỗ"] * 3
    + ["Hồ"] * 2
    + ["Ngô"] * 2
    + ["Dương"] * 2
    + ["Lý", "Đào", "Đinh", "Mai", "Trịnh", "Lương", "Phan", "Cao", "Tạ", "Lưu", "Võ", "Hà"]
)
MIDDLE_MALE = ["Văn", "Minh", "Đức", "Quang", "Gia", "Hữu", "Thành", "Anh", "Xuân", "Trung", "Bảo"]
MIDDLE_FEMALE = ["Thị", "Ngọc", "Thu", "Minh", "Khánh", "Bảo", "Phương", "Thanh", "Hải", "Mai"]
GIVEN_MALE = [
    "An",
    "Bảo",
    "Bình",
    "Cường",
    "Dũng",
    "Duy",
    "Đạt",
    "Đức",
    "Hải",
    "Hiếu",
    "Hoàng",
    "Hùng",
    "Huy",
    "Khang",
    "Khánh",
    "Khoa",
    "Kiên",
    "Lâm",
    "Long",
    "Minh",
    "Nam",
    "Nghĩa",
    "Phong",
    "Phúc",
    "Quân",
    "Quang",
    "Sơn",
    "Tài",
    "Thắng",
    "Thành",
    "Trí",
    "Trung",
    "Tuấn",
    "Tùng",
    "Việt",
    "Vinh",
]
GIVEN_FEMALE = [
    "An",
    "Anh",
    "Chi",
    "Diệp",
    "Dung",
    "Giang",
    "Hà",
    "Hân",
    "Hằng",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Loan",
    "Mai",
    "My",
    "Ngân",
    "Ngọc",
    "Nhi",
    "Nhung",
    "Oanh",
    "Phương",
    "Quyên",
    "Tâm",
    "Thảo",
    "Thư",
    "Trang",
    "Trâm",
    "Uyên",
    "Vân",
    "Vy",
    "Yến",
]
# Historical figures and places schools are commonly named after.
NAMESAKES = [
    "Lê Lợi",
    "Trần Phú",
    "Ngô Quyền",
    "Nguyễn Trãi",
    "Chu Văn An",
    "Lý Thường Kiệt",
    "Trần Hưng Đạo",
    "Lê Quý Đôn",
    "Nguyễn Du",
    "Quang Trung",
    "Hoàng Văn Thụ",
    "Võ Thị Sáu",
    "Lê Hồng Phong",
    "Nguyễn Bỉnh Khiêm",
    "Tô Hiệu",
    "Bạch Đằng",
    "Lương Khánh Thiện",
    "Kim Đồng",
    "Nguyễn Văn Trỗi",
    "Đinh Tiên Hoàng",
    "Phan Bội Châu",
    "Hùng Vương",
]
FLOWERS = [
    "Hoa Sen",
    "Hoa Mai",
    "Hoa Hồng",
    "Sao Mai",
    "Họa Mi",
    "Sơn Ca",
    "Hoa Phượng",
    "Hướng Dương",
    "Bình Minh",
    "Tuổi Thơ",
    "Măng Non",
    "Ánh Dương",
]
SMALL_NAMES = [
    "Bông Sen",
    "Hoa Cúc",
    "Ban Mai",
    "Thỏ Ngọc",
    "Chim Non",
    "Ong Vàng",
    "Mầm Xanh",
    "Cầu Vồng",
    "Hoa Nắng",
    "Búp Bê",
    "Thiên Thần Nhỏ",
    "Trẻ Thơ",
    "Gấu Con",
    "Sóc Nâu",
]
STREETS = [
    "Lạch Tray",
    "Tô Hiệu",
    "Lê Lợi",
    "Trần Nguyên Hãn",
    "Đà Nẵng",
    "Điện Biên Phủ",
    "Lê Thánh Tông",
    "Nguyễn Văn Linh",
    "Hai Bà Trưng",
    "Trần Phú",
]
# Mobile prefixes in use (09x and 03x); the numbers after them are made up.
PHONE_PREFIXES = [
    "090",
    "091",
    "093",
    "094",
    "096",
    "097",
    "098",
    "032",
    "033",
    "034",
    "035",
    "036",
    "037",
    "038",
    "039",
]

# --- kinds of school -------------------------------------------------------------------------

# The primary homeroom teacher teaches these in their own class; specialists teach the rest.
PRIMARY_HOMEROOM_SUBJECTS = {
    1: ["Tiếng Việt", "Toán", "Tự nhiên và Xã hội", "Hoạt động trải nghiệm"],
    2: ["Tiếng Việt", "Toán", "Tự nhiên và Xã hội", "Hoạt động trải nghiệm"],
    3: ["Tiếng Việt", "Toán", "Tự nhiên và Xã hội", "Hoạt động trải nghiệm"],
    4: ["Tiếng Việt", "Toán", "Khoa học", "Lịch sử và Địa lí", "Hoạt động trải nghiệm"],
    5: ["Tiếng Việt", "Toán", "Khoa học", "Lịch sử và Địa lí", "Hoạt động trải nghiệm"],
}
PRIMARY_SPECIALISTS = ["Tiếng Anh", "Tin học", "Âm nhạc", "Mĩ thuật", "Giáo dục thể chất"]
# Secondary subjects with the share of a teacher each class needs (main subjects need more).
LOWER_SECONDARY_SUBJECTS = {
    "Toán": 0.25,
    "Ngữ văn": 0.25,
    "Tiếng Anh": 0.2,
    "Khoa học tự nhiên": 0.25,
    "Lịch sử và Địa lí": 0.15,
    "Tin học": 0.1,
    "Giáo dục công dân": 0.1,
    "Công nghệ": 0.1,
    "Giáo dục thể chất": 0.12,
    "Âm nhạc": 0.08,
    "Mĩ thuật": 0.08,
}
UPPER_SECONDARY_SUBJECTS = {
    "Toán": 0.25,
    "Ngữ văn": 0.22,
    "Tiếng Anh": 0.2,
    "Vật lí": 0.12,
    "Hóa học": 0.12,
    "Sinh học": 0.1,
    "Lịch sử": 0.1,
    "Địa lí": 0.1,
    "Tin học": 0.1,
    "Giáo dục kinh tế và pháp luật": 0.08,
    "Công nghệ": 0.08,
    "Giáo dục thể chất": 0.12,
}
CONTINUING_SUBJECTS = {
    "Toán": 0.25,
    "Ngữ văn": 0.25,
    "Tiếng Anh": 0.2,
    "Vật lí": 0.15,
    "Hóa học": 0.15,
    "Lịch sử": 0.15,
    "Tin học": 0.1,
}


@dataclass(frozen=True)
class Kind:
    """A kind of school: its level and ownership, how it is named, and its class groups.

    `groups` lists (grade, label, age in years at the start of the school year); a class is
    named "<label><n>" for grades ("6A1") and "<label> <n>" for preschool groups ("Lá 2").
    """

    level: str
    ownership: str
    prefix: str
    code: str
    groups: list[tuple[int, str, int]]
    pool: list[str] = field(default_factory=lambda: NAMESAKES)


def _grades(grades: range) -> list[tuple[int, str, int]]:
    return [(g, f"{g}A", g + 6) for g in grades]


KINDS: dict[str, Kind] = {
    "preschool": Kind(
        "preschool",
        "public",
        "Trường Mầm non",
        "MN",
        [(0, "Mầm", 3), (0, "Chồi", 4), (0, "Lá", 5)],
        FLOWERS,
    ),
    # Independent preschool groups (nhóm trẻ, lớp mẫu giáo độc lập) count as private preschools.
    "private_preschool": Kind(
        "preschool",
        "private",
        "Nhóm trẻ tư thục",
        "NT",
        [(0, "Nhà trẻ", 2), (0, "Mẫu giáo", 4)],
        SMALL_NAMES,
    ),
    "primary": Kind("primary", "public", "Trường Tiểu học", "TH", _grades(range(1, 6))),
    "lower_secondary": Kind(
        "lower_secondary", "public", "Trường THCS", "THCS", _grades(range(6, 10))
    ),
    "upper_secondary": Kind(
        "upper_secondary", "public", "Trường THPT", "THPT", _grades(range(10, 13))
    ),
    "continuing_education": Kind(
        "continuing_education", "public", "Trung tâm GDNN-GDTX", "GDTX", _grades(range(10, 13))
    ),
    "multi_level": Kind(
        "multi_level", "public", "Trường THCS và THPT", "LC", _grades(range(6, 13))
    ),
}


@dataclass(frozen=True)
class Scale:
    """How many schools of each kind, how many classes per grade, how many children a class."""

    counts: dict[str, int]
    classes_per_grade: dict[str, int]
    class_size: dict[str, int]
    communes: int | None  # None: every commune


SCALES = {
    "small": Scale(
        counts={
            "preschool": 14,
            "private_preschool": 8,
            "primary": 15,
            "lower_secondary": 14,
            "upper_secondary": 6,
            "continuing_education": 2,
            "multi_level": 1,
        },
        classes_per_grade={
            "preschool": 2,
            "private_preschool": 1,
            "primary": 2,
            "lower_secondary": 2,
            "upper_secondary": 3,
            "continuing_education": 1,
            "multi_level": 1,
        },
        class_size=dict.fromkeys(KINDS, 25) | {"private_preschool": 15},
        communes=12,
    ),
    # RULES.md "Scale": 596 preschools plus 425 independent preschool groups, 437 primary,
    # 426 lower-secondary, 129 upper-secondary, a few continuing-education centres and
    # multi-level schools; about 1.05 M students. Class sizes stay within the legal maxima
    # (35 in primary, 45 in secondary).
    "city": Scale(
        counts={
            "preschool": 596,
            "private_preschool": 425,
            "primary": 437,
            "lower_secondary": 426,
            "upper_secondary": 129,
            "continuing_education": 12,
            "multi_level": 3,
        },
        classes_per_grade={
            "preschool": 3,
            "private_preschool": 1,
            "primary": 5,
            "lower_secondary": 5,
            "upper_secondary": 10,
            "continuing_education": 3,
            "multi_level": 2,
        },
        class_size={
            "preschool": 28,
            "private_preschool": 18,
            "primary": 35,
            "lower_secondary": 42,
            "upper_secondary": 44,
            "continuing_education": 35,
            "multi_level": 35,
        },
        communes=None,
    ),
}


def person_name(rng: random.Random, gender: str, family: str | None = None) -> str:
    family = family or rng.choice(FAMILY)
    if gender == "male":
        return f"{family} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}"
    return f"{family} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}"


def fictional_phone(n: int) -> str:
    """A plausible but made-up mobile number, distinct for every n below 150 million."""
    prefix = PHONE_PREFIXES[n % len(PHONE_PREFIXES)]
    # A bijection on 7 digits (the multiplier is coprime with 10), so no two n collide.
    rest = (n // len(PHONE_PREFIXES) * 3_456_789 + 1_234_567) % 10_000_000
    return f"{prefix}{rest:07d}"


def current_start_year(today: date | None = None) -> int:
    """The calendar year the school year containing `today` starts in (from August, the new one)."""
    today = today or timezone.localdate()
    return today.year if today.month >= 8 else today.year - 1


def ensure_years(today: date | None = None) -> tuple[SchoolYear, SchoolYear]:
    """The year before (history) and the school year containing today (current), with terms."""
    current = current_start_year(today)
    years = []
    for start in (current - 1, current):
        year, _ = SchoolYear.objects.get_or_create(
            name=f"{start}-{start + 1}",
            defaults={"starts_on": date(start, 9, 5), "ends_on": date(start + 1, 5, 31)},
        )
        Term.objects.get_or_create(
            school_year=year,
            name="Học kỳ I",
            defaults={"starts_on": date(start, 9, 5), "ends_on": date(start + 1, 1, 17)},
        )
        Term.objects.get_or_create(
            school_year=year,
            name="Học kỳ II",
            defaults={"starts_on": date(start + 1, 1, 19), "ends_on": date(start + 1, 5, 31)},
        )
        years.append(year)
    return years[0], years[1]


def demo_exists() -> bool:
    return Institution.objects.filter(code__startswith=DEMO_PREFIX).exists()


@dataclass(frozen=True)
class PlannedSchool:
    code: str
    kind: str
    unit: Unit
    index: int  # how many schools of this kind the commune already has


class _Seeder:
    def __init__(self, scale: Scale, year: SchoolYear, subjects: dict[str, Subject]):
        self.scale, self.year, self.subjects = scale, year, subjects
        self.phone_n = Guardian.objects.count()
        self.agencies: dict[tuple[str, int], Agency] = {}
        # Names taken by demo schools already there (a resumed run must not repeat them).
        self.names_used: set[tuple[str, int]] = set(
            Institution.objects.filter(code__startswith=DEMO_PREFIX).values_list("name", "unit_id")
        )
        self.students = 0

    def school_name(self, rng: random.Random, kind: Kind, unit: Unit, index: int) -> str:
        candidates = [f"{kind.prefix} {unit.name}"] if index == 0 else []
        candidates += [f"{kind.prefix} {n}" for n in rng.sample(kind.pool, len(kind.pool))]
        candidates += [f"{kind.prefix} {unit.name} {i}" for i in range(2, 200)]
        for name in candidates:
            if (name, unit.pk) not in self.names_used:
                self.names_used.add((name, unit.pk))
                return name
        raise RuntimeError("no school name left")  # pragma: no cover

    def agency_for(self, level: str, unit: Unit) -> Agency:
        commune_level = level in ("preschool", "primary", "lower_secondary")
        key = (level if commune_level else "department", unit.pk)
        if key not in self.agencies:
            self.agencies[key] = derive_managing_agency(level=level, unit=unit)
        return self.agencies[key]

    @transaction.atomic
    def school(self, plan: PlannedSchool) -> Institution:
        rng = random.Random(f"{SEED}:{plan.code}")
        kind, unit = KINDS[plan.kind], plan.unit
        inst = Institution(
            code=plan.code,
            name=self.school_name(rng, kind, unit, plan.index),
            level=kind.level,
            ownership=kind.ownership,
            unit=unit,
            address=f"Số {rng.randint(1, 300)} đường {rng.choice(STREETS)}, {unit.full_name}, "
            "thành phố Hải Phòng",
            phone=f"0225{rng.randint(3_000_000, 3_999_999)}",
            principal_name=person_name(rng, "female" if rng.random() < 0.6 else "male"),
            two_sessions_per_day=kind.level in ("primary", "preschool") or rng.random() < 0.3,
            managing_agency=self.agency_for(kind.level, unit),
        )
        inst.set_derived()
        inst.save()
        InstitutionPlacement.objects.create(institution=inst, unit=unit)
        per_group = self.scale.classes_per_grade[plan.kind]
        classes: list[HomeroomClass] = []
        ages: list[int] = []
        for grade, label, age in kind.groups:
            for n in range(1, per_group + 1):
                name = f"{label} {n}" if grade == 0 else f"{label}{n}"
                c = HomeroomClass(institution=inst, school_year=self.year, name=name, grade=grade)
                c.set_derived()
                classes.append(c)
                ages.append(age)
        HomeroomClass.objects.bulk_create(classes, batch_size=BATCH)
        self._teachers(rng, inst, classes)
        self._students(rng, inst, plan.kind, classes, ages)
        return inst

    def _new_teacher(
        self, rng: random.Random, inst: Institution, teachers: list[Teacher]
    ) -> Teacher:
        gender = "female" if rng.random() < 0.72 else "male"
        t = Teacher(
            institution=inst,
            code=f"GV{len(teachers) + 1:04d}",
            full_name=person_name(rng, gender),
            phone=fictional_phone(10_000_000 + rng.randint(0, 10_000_000)),
            is_public_employee=inst.ownership == "public",
        )
        t.set_derived()
        teachers.append(t)
        return t

    def _teachers(
        self, rng: random.Random, inst: Institution, classes: list[HomeroomClass]
    ) -> None:
        """Teachers with their subjects and assignments; exactly one homeroom teacher a class."""
        teachers: list[Teacher] = []
        # (teacher, class, subject name, is_homeroom)
        plan: list[tuple[Teacher, HomeroomClass, str, bool]] = []
        if inst.level == "preschool":
            # Two teachers a group; the first is in charge of it.
            for c in classes:
                for in_charge in (True, False):
                    t = self._new_teacher(rng, inst, teachers)
                    plan.append((t, c, "Hoạt động trải nghiệm", in_charge))
        elif inst.level == "primary":
            for c in classes:
                t = self._new_teacher(rng, inst, teachers)
                for i, name in enumerate(PRIMARY_HOMEROOM_SUBJECTS[c.grade]):
                    plan.append((t, c, name, i == 0))
            for name in PRIMARY_SPECIALISTS:
                eligible = [c for c in classes if name != "Tin học" or c.grade >= 3]
                group = [
                    self._new_teacher(rng, inst, teachers)
                    for _ in range(max(1, round(len(eligible) / 12)))
                ]
                for n, c in enumerate(eligible):
                    plan.append((group[n % len(group)], c, name, False))
        else:
            subjects = {
                "lower_secondary": LOWER_SECONDARY_SUBJECTS,
                "upper_secondary": UPPER_SECONDARY_SUBJECTS,
                "multi_level": UPPER_SECONDARY_SUBJECTS,
                "continuing_education": CONTINUING_SUBJECTS,
            }[inst.level]
            teaching: dict[int, list[tuple[Teacher, str]]] = {id(c): [] for c in classes}
            for name, share in subjects.items():
                group = [
                    self._new_teacher(rng, inst, teachers)
                    for _ in range(max(1, round(len(classes) * share)))
                ]
                for n, c in enumerate(classes):
                    teaching[id(c)].append((group[n % len(group)], name))
            homeroom_of: set[int] = set()
            for n, c in enumerate(classes):
                options = teaching[id(c)]
                # Rotate so homerooms spread over subjects; nobody leads two classes.
                options = options[n % len(options) :] + options[: n % len(options)]
                lead = next((t for t, _ in options if id(t) not in homeroom_of), None)
                if lead is None:
                    lead = self._new_teacher(rng, inst, teachers)
                    options.append((lead, "Hoạt động trải nghiệm"))
                homeroom_of.add(id(lead))
                for t, name in options:
                    plan.append((t, c, name, t is lead))
                    lead = None if t is lead else lead
        Teacher.objects.bulk_create(teachers, batch_size=BATCH)
        through = Teacher.subjects.through
        pairs = {(t.pk, self.subjects[name].pk) for t, _, name, _ in plan}
        through.objects.bulk_create(
            [through(teacher_id=t, subject_id=s) for t, s in sorted(pairs)], batch_size=BATCH
        )
        TeachingAssignment.objects.bulk_create(
            [
                TeachingAssignment(
                    teacher=t, homeroom_class=c, subject=self.subjects[name], is_homeroom=is_lead
                )
                for t, c, name, is_lead in plan
            ],
            batch_size=BATCH,
        )

    def _students(
        self,
        rng: random.Random,
        inst: Institution,
        kind: str,
        classes: list[HomeroomClass],
        ages: list[int],
    ) -> None:
        size = self.scale.class_size[kind]
        start = self.year.starts_on.year
        students: list[Student] = []
        classes_of: list[HomeroomClass] = []
        for c, age in zip(classes, ages, strict=True):
            for _ in range(size - rng.randint(0, 3)):
                gender = "male" if rng.random() < 0.51 else "female"
                # Born in the calendar year that puts them in this grade; a few are a year
                # older (started late or repeated a year).
                born = start - age - (1 if c.grade and rng.random() < 0.02 else 0)
                s = Student(
                    institution=inst,
                    code=f"HS{len(students) + 1:05d}",
                    full_name=person_name(rng, gender),
                    date_of_birth=date(born, 1, 1) + timedelta(days=rng.randint(0, 364)),
                    gender=gender,
                )
                s.set_derived()
                students.append(s)
                classes_of.append(c)
        Student.objects.bulk_create(students, batch_size=BATCH)
        ClassMembership.objects.bulk_create(
            [
                ClassMembership(student=s, homeroom_class=c, school_year=self.year)
                for s, c in zip(students, classes_of, strict=True)
            ],
            batch_size=BATCH,
        )
        phones = self._phones(len(students))
        guardians, relations = [], []
        for s, phone in zip(students, phones, strict=True):
            if rng.random() < 0.55:
                relation, name = "mother", person_name(rng, "female")
            else:
                relation, name = "father", person_name(rng, "male", s.full_name.split(" ")[0])
            guardians.append(Guardian(full_name=name, phone=phone))
            relations.append(relation)
        Guardian.objects.bulk_create(guardians, batch_size=BATCH)
        Guardianship.objects.bulk_create(
            [
                Guardianship(guardian=g, student=s, relation=r)
                for g, s, r in zip(guardians, students, relations, strict=True)
            ],
            batch_size=BATCH,
        )
        self.students += len(students)

    def _phones(self, count: int) -> list[str]:
        """`count` fresh numbers, skipping any a guardian already has (one indexed query)."""
        phones: list[str] = []
        while len(phones) < count:
            wanted = [fictional_phone(self.phone_n + i) for i in range(count - len(phones))]
            self.phone_n += len(wanted)
            taken = set(Guardian.objects.filter(phone__in=wanted).values_list("phone", flat=True))
            phones += [p for p in wanted if p not in taken]
        return phones


def _communes(city: Unit, limit: int | None) -> list[Unit]:
    communes = list(Unit.objects.filter(parent=city, kind__in=COMMUNE_KINDS).order_by("code"))
    if limit is None or limit >= len(communes):
        return communes
    step = len(communes) / limit
    return [communes[int(i * step)] for i in range(limit)]


def plan_schools(city: Unit, scale: Scale, max_schools: int | None = None) -> list[PlannedSchool]:
    """Which school of which kind goes to which commune, spread evenly; codes are stable."""
    communes = _communes(city, scale.communes)
    by_kind: dict[str, list[tuple[str, Unit]]] = {}
    for kind, count in scale.counts.items():
        for i in range(count):
            # Stepping by 7 (coprime with 114 and with 12) spreads each kind evenly.
            unit = communes[(i * 7 + len(kind)) % len(communes)]
            by_kind.setdefault(kind, []).append((kind, unit))
    # Interleave the kinds, so a shortened run (tests, --schools) still has every kind.
    rounds = max(len(v) for v in by_kind.values())
    ordered = [v[i] for i in range(rounds) for v in by_kind.values() if i < len(v)]
    if max_schools is not None:
        ordered = ordered[:max_schools]
    per_unit: dict[tuple[str, int], int] = {}
    plan = []
    for n, (kind, unit) in enumerate(ordered, start=1):
        index = per_unit.get((kind, unit.pk), 0)
        per_unit[(kind, unit.pk)] = index + 1
        plan.append(PlannedSchool(f"{DEMO_PREFIX}{KINDS[kind].code}-{n:04d}", kind, unit, index))
    return plan


def seed(
    *,
    scale_name: str = "small",
    progress: Callable[[int, int, int], None] | None = None,
    max_schools: int | None = None,
    today: date | None = None,
) -> dict[str, int]:
    """Create the demo city and its demo accounts; returns counts.

    Schools whose code already exists are skipped, so a run interrupted half-way can be
    finished by running it again (`seed_demo --resume`); each school is one transaction.
    Classes and students belong to the school year containing `today` (default: the real today).
    """
    scale = SCALES[scale_name]
    city = load_units().city
    _, year = ensure_years(today)
    subjects = ensure_subjects()
    seeder = _Seeder(scale, year, subjects)
    plan = plan_schools(city, scale, max_schools)
    existing = set(
        Institution.objects.filter(code__startswith=DEMO_PREFIX).values_list("code", flat=True)
    )
    created = 0
    for n, school in enumerate(plan, start=1):
        if school.code not in existing:
            seeder.school(school)
            created += 1
        if progress:
            progress(n, len(plan), seeder.students)
    ensure_demo_accounts()
    return {"schools": created, "students": seeder.students}


# --- demo accounts ---------------------------------------------------------------------------

# username -> (role, scope). Every demo principal's managing authority has an account: the
# three commune officers for the commune-managed schools, the department for the THPT.
DEMO_ACCOUNTS = [
    ("ubnd.thanhpho", Role.CITY_VIEWER, "city"),
    ("so.quantri", Role.DEPARTMENT_ADMIN, "department"),
    ("so.chuyenvien", Role.DEPARTMENT_OFFICER, "department"),
    ("thanhtra", Role.INSPECTOR, "city"),
    ("canbo.xa1", Role.COMMUNE_OFFICER, "committee:primary"),
    ("canbo.xa2", Role.COMMUNE_OFFICER, "committee:lower_secondary"),
    ("canbo.xa3", Role.COMMUNE_OFFICER, "committee:preschool"),
    ("ht.mamnon", Role.PRINCIPAL, "school:preschool"),
    ("ht.tieuhoc", Role.PRINCIPAL, "school:primary"),
    ("ht.thcs", Role.PRINCIPAL, "school:lower_secondary"),
    ("ht.thpt", Role.PRINCIPAL, "school:upper_secondary"),
    ("vanphong.tieuhoc", Role.SCHOOL_STAFF, "school:primary"),
    ("gv.tieuhoc", Role.TEACHER, "school:primary"),
    ("gv.thcs", Role.TEACHER, "school:lower_secondary"),
    ("doitac.thcs", Role.PARTNER_STAFF, "school:lower_secondary"),
    ("phuhuynh1", Role.GUARDIAN, "school:primary"),
    ("phuhuynh2", Role.GUARDIAN, "school:lower_secondary"),
    ("phuhuynh3", Role.GUARDIAN, "school:upper_secondary"),
    ("phuhuynh4", Role.GUARDIAN, "school:preschool"),
]
DEMO_USERNAMES = [a[0] for a in DEMO_ACCOUNTS]
GUARDIAN_USERNAMES = [a[0] for a in DEMO_ACCOUNTS if a[1] == Role.GUARDIAN]
DEMO_LEVELS = ("primary", "lower_secondary", "preschool", "upper_secondary")


def demo_schools() -> dict[str, Institution | None]:
    """The public demo schools the accounts work in: the first of each level, each of the
    commune-managed ones in a commune of its own (so three commune officers oversee them)."""
    qs = (
        Institution.objects.filter(code__startswith=DEMO_PREFIX, ownership="public")
        .select_related("managing_agency", "unit")
        .order_by("code")
    )
    schools: dict[str, Institution | None] = {}
    units: list[int] = []
    for level in DEMO_LEVELS:
        candidates = qs.filter(level=level)
        if level != "upper_secondary":
            school = candidates.exclude(unit_id__in=units).first() or candidates.first()
        else:
            # A THPT near the primary school, so one commune shows both authorities at work.
            school = candidates.filter(unit_id__in=units[:1]).first() or candidates.first()
        schools[level] = school
        if school is not None:
            units.append(school.unit_id)
    return schools


def _city() -> Unit:
    city = Unit.objects.filter(kind=Unit.Kind.CITY, parent__isnull=True).order_by("pk").first()
    if city is None:
        raise RuntimeError("Chưa có thành phố: hãy chạy load_units hoặc seed_demo trước.")
    return city


def _scope(spec: str, schools: dict[str, Institution | None]) -> dict[str, Any]:
    city = _city()
    if spec == "department":
        return {"agency": Agency.objects.get(unit=city, kind=Agency.Kind.DEPARTMENT)}
    if spec == "city":
        return {"unit": city}
    what, level = spec.split(":")
    school = schools[level]
    assert school is not None  # ensure_demo_accounts checked every level is there
    if what == "committee":
        return {"agency": school.managing_agency}
    return {"institution": school}


@transaction.atomic
def ensure_demo_accounts() -> list[User]:
    """Create or repair the demo accounts (password, role, linked teacher or child); idempotent."""
    schools = demo_schools()
    missing = [level for level, school in schools.items() if school is None]
    if missing:
        raise RuntimeError(
            f"Dữ liệu mẫu thiếu cấp học {', '.join(missing)}; "
            "hãy chạy seed_demo với nhiều trường hơn."
        )
    users = []
    for n, (username, role, spec) in enumerate(DEMO_ACCOUNTS):
        user = User.objects.filter(username=username).first()
        if user is None:
            rng = random.Random(f"{SEED}:{username}")
            user = User(
                username=username, full_name=person_name(rng, rng.choice(["male", "female"]))
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        elif not user.check_password(DEMO_PASSWORD) or not user.is_active:
            # The list printed by demo_accounts must work, even after someone played with it.
            user.set_password(DEMO_PASSWORD)
            user.is_active = True
            user.save(update_fields=["password", "is_active"])
        scope = _scope(spec, schools)
        kept = assign_role(user=user, role=role, by=None, **scope)
        # A demo account holds exactly its listed role (a reseed may have moved its school).
        for other in RoleAssignment.objects.active().filter(user=user).exclude(pk=kept.pk):
            revoke_role(assignment=other, by=None)
        if role == Role.TEACHER:
            _link_teacher(user, scope["institution"])
        if role == Role.GUARDIAN:
            _link_guardian(user, scope["institution"], skip=n)
        users.append(user)
    return users


def _link_teacher(user: User, school: Institution) -> None:
    """Link the account to a homeroom teacher of the school (who also teaches other classes)."""
    if Teacher.objects.filter(user=user).exists():
        return
    teacher = (
        school.teachers.filter(user__isnull=True, assignments__is_homeroom=True)
        .order_by("code")
        .first()
    )
    if teacher:
        teacher.user = user
        teacher.save(update_fields=["user"])
        user.full_name = teacher.full_name
        user.save(update_fields=["full_name"])


def _link_guardian(user: User, school: Institution, skip: int) -> None:
    """Link the account to the guardian of a child at the school."""
    if Guardian.objects.filter(user=user).exists():
        return
    candidates = Guardian.objects.filter(
        user__isnull=True, guardianships__student__institution=school
    ).order_by("pk")
    guardian = candidates[skip % 5 : skip % 5 + 1].first() or candidates.first()
    if guardian is None:
        return
    guardian.user = user
    guardian.save(update_fields=["user"])
    user.full_name, user.phone = guardian.full_name, guardian.phone
    user.save(update_fields=["full_name", "phone"])


def demo_accounts() -> list[dict[str, Any]]:
    """The demo accounts as username, password, role and scope ({type, id, name})."""
    rows = []
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    assignments = {
        (a.user_id, a.role): a
        for a in RoleAssignment.objects.active()
        .filter(user__in=users.values())
        .select_related("unit", "agency", "institution")
        .order_by("pk")
    }
    for username, role, _ in DEMO_ACCOUNTS:
        user = users.get(username)
        a = assignments.get((user.pk, role)) if user else None
        if a is None:
            continue
        scope = a.scope
        name = a.unit.full_name if a.unit is not None else str(scope)
        rows.append(
            {
                "username": username,
                "password": DEMO_PASSWORD,
                "role": str(role),
                "scope": {"type": a.scope_type, "id": scope.pk, "name": name},
            }
        )
    return rows


class TextProgress:
    """A one-line progress bar on stderr: schools done, students so far, time left."""

    def __init__(self, out: TextIO = sys.stderr, width: int = 30):
        self.out, self.width, self.started = out, width, time.monotonic()

    def __call__(self, done: int, total: int, students: int) -> None:
        filled = int(self.width * done / total) if total else self.width
        elapsed = time.monotonic() - self.started
        left = elapsed / done * (total - done) if done else 0
        count = f"{students:,}".replace(",", ".")
        self.out.write(
            f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} trường, "
            f"{count} học sinh, {elapsed:.0f} s (còn ~{left:.0f} s) "
        )
        if done == total:
            self.out.write("\n")
        self.out.flush()
