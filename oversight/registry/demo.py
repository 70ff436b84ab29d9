"""Fictional demo data over the real communes: schools, classes, teachers, students, guardians,
and one demo account per role. Names are common Vietnamese names combined at random; no real
person's data is used. Deterministic for a given seed.

`seed()` streams one school at a time (a handful of bulk inserts each), so the city scale
(~1,600 schools, ~1 M students) never sits in memory.
"""

from __future__ import annotations

import itertools
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from oversight.accounts.models import Role, RoleAssignment, User
from oversight.accounts.services import assign_role
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
    + ["Lý", "Đào", "Đinh", "Mai", "Trịnh", "Lương", "Phan", "Cao", "Tạ", "Lưu"]
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
SUBJECTS_BY_LEVEL = {
    "preschool": ["Hoạt động trải nghiệm"],
    "primary": [
        "Tiếng Việt",
        "Toán",
        "Tiếng Anh",
        "Tự nhiên và Xã hội",
        "Khoa học",
        "Lịch sử và Địa lí",
        "Tin học",
        "Âm nhạc",
        "Mĩ thuật",
        "Giáo dục thể chất",
    ],
    "lower_secondary": [
        "Toán",
        "Ngữ văn",
        "Tiếng Anh",
        "Khoa học tự nhiên",
        "Lịch sử và Địa lí",
        "Tin học",
        "Giáo dục công dân",
        "Công nghệ",
        "Giáo dục thể chất",
        "Âm nhạc",
        "Mĩ thuật",
    ],
    "upper_secondary": [
        "Toán",
        "Ngữ văn",
        "Tiếng Anh",
        "Vật lí",
        "Hóa học",
        "Sinh học",
        "Lịch sử",
        "Địa lí",
        "Tin học",
        "Giáo dục kinh tế và pháp luật",
        "Giáo dục thể chất",
    ],
    "continuing_education": ["Toán", "Ngữ văn", "Tiếng Anh", "Vật lí", "Hóa học", "Lịch sử"],
    "multi_level": ["Toán", "Ngữ văn", "Tiếng Anh", "Khoa học tự nhiên", "Tin học"],
}
GRADES = {
    "preschool": [0, 0, 0],  # three age groups
    "primary": [1, 2, 3, 4, 5],
    "lower_secondary": [6, 7, 8, 9],
    "upper_secondary": [10, 11, 12],
    "continuing_education": [10, 11, 12],
    "multi_level": [6, 7, 8, 9, 10, 11, 12],
}
LEVEL_PREFIX = {
    "preschool": "Trường Mầm non",
    "primary": "Trường Tiểu học",
    "lower_secondary": "Trường THCS",
    "upper_secondary": "Trường THPT",
    "continuing_education": "Trung tâm GDNN-GDTX",
    "multi_level": "Trường TH, THCS và THPT",
}
CODE_PREFIX = {
    "preschool": "MN",
    "primary": "TH",
    "lower_secondary": "THCS",
    "upper_secondary": "THPT",
    "continuing_education": "GDTX",
    "multi_level": "LC",
}


@dataclass(frozen=True)
class Scale:
    """How many schools of each level, and how big a school is."""

    counts: dict[str, int]
    classes_per_grade: dict[str, int]
    class_size: dict[str, int]
    communes: int | None  # None: every commune


SCALES = {
    "small": Scale(
        counts={
            "preschool": 16,
            "primary": 17,
            "lower_secondary": 16,
            "upper_secondary": 6,
            "continuing_education": 2,
            "multi_level": 1,
        },
        classes_per_grade=dict.fromkeys(GRADES, 1),
        class_size=dict.fromkeys(GRADES, 20),
        communes=12,
    ),
    # RULES.md "Scale": 596 preschools, 437 primary, 426 lower-secondary, 129 upper-secondary
    # (1,588) plus continuing-education centres; ~1.05 M students.
    "city": Scale(
        counts={
            "preschool": 596,
            "primary": 437,
            "lower_secondary": 426,
            "upper_secondary": 129,
            "continuing_education": 12,
            "multi_level": 3,
        },
        classes_per_grade={
            "preschool": 3,
            "primary": 5,
            "lower_secondary": 5,
            "upper_secondary": 10,
            "continuing_education": 3,
            "multi_level": 2,
        },
        class_size={
            "preschool": 28,
            "primary": 36,
            "lower_secondary": 40,
            "upper_secondary": 42,
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
    """A unique, plausible but fictional mobile number for the n-th guardian."""
    scrambled = (n * 7_654_321 + 1_234_567) % 100_000_000  # a bijection on 8 digits
    return ("09" if n % 3 else "03") + f"{scrambled:08d}"


def ensure_years() -> tuple[SchoolYear, SchoolYear]:
    years = []
    for start in (2024, 2025):
        year, _ = SchoolYear.objects.get_or_create(
            name=f"{start}-{start + 1}",
            defaults={"starts_on": date(start, 9, 5), "ends_on": date(start + 1, 5, 31)},
        )
        Term.objects.get_or_create(
            school_year=year,
            name="Học kỳ I",
            defaults={"starts_on": date(start, 9, 5), "ends_on": date(start + 1, 1, 15)},
        )
        Term.objects.get_or_create(
            school_year=year,
            name="Học kỳ II",
            defaults={"starts_on": date(start + 1, 1, 16), "ends_on": date(start + 1, 5, 31)},
        )
        years.append(year)
    return years[0], years[1]


def demo_exists() -> bool:
    return Institution.objects.filter(code__startswith=DEMO_PREFIX).exists()


class _Seeder:
    def __init__(
        self, scale: Scale, rng: random.Random, year: SchoolYear, subjects: dict[str, Subject]
    ):
        self.scale, self.rng, self.year, self.subjects = scale, rng, year, subjects
        self.phone_n = Guardian.objects.count()
        self.agencies: dict[tuple[str, int], Agency] = {}
        self.names_used: set[tuple[str, int]] = set()
        self.students = 0

    def school_name(self, level: str, unit: Unit, index: int) -> str:
        prefix = LEVEL_PREFIX[level]
        pool = FLOWERS if level == "preschool" else NAMESAKES
        candidates = [f"{prefix} {unit.name}"] if index == 0 else []
        candidates += [f"{prefix} {n}" for n in self.rng.sample(pool, len(pool))]
        candidates += [f"{prefix} {unit.name} {i}" for i in range(2, 50)]
        for name in candidates:
            if (name, unit.pk) not in self.names_used:
                self.names_used.add((name, unit.pk))
                return name
        raise RuntimeError("no school name left")  # pragma: no cover

    def agency_for(self, level: str, unit: Unit) -> Agency:
        key = (level if level in ("preschool", "primary", "lower_secondary") else "dept", unit.pk)
        if key not in self.agencies:
            self.agencies[key] = derive_managing_agency(level=level, unit=unit)
        return self.agencies[key]

    @transaction.atomic
    def school(self, *, code: str, level: str, unit: Unit, index: int, first: bool) -> Institution:
        rng = self.rng
        # About one preschool in eight is private; the first of each level stays public.
        private = level == "preschool" and rng.random() < 0.12 and not first
        inst = Institution(
            code=code,
            name=self.school_name(level, unit, index),
            level=level,
            ownership="private" if private else "public",
            unit=unit,
            address=f"Số {rng.randint(1, 300)}, {unit.full_name}, thành phố Hải Phòng",
            phone=f"0225{rng.randint(3_000_000, 3_999_999)}",
            principal_name=person_name(rng, rng.choice(["male", "female"])),
            two_sessions_per_day=level in ("primary", "preschool") or rng.random() < 0.3,
            managing_agency=self.agency_for(level, unit),
        )
        inst.set_derived()
        inst.save()
        InstitutionPlacement.objects.create(institution=inst, unit=unit)
        classes = []
        for grade in sorted(set(GRADES[level])):
            groups = GRADES[level].count(grade) * self.scale.classes_per_grade[level]
            for n in range(1, groups + 1):
                label = (
                    ["Mầm", "Chồi", "Lá"][(n - 1) % 3] + f" {(n - 1) // 3 + 1}"
                    if grade == 0
                    else f"{grade}A{n}"
                )
                c = HomeroomClass(institution=inst, school_year=self.year, name=label, grade=grade)
                c.set_derived()
                classes.append(c)
        HomeroomClass.objects.bulk_create(classes)
        self._teachers(inst, level, classes)
        self._students(inst, level, classes)
        return inst

    def _teachers(self, inst: Institution, level: str, classes: list[HomeroomClass]) -> None:
        rng = self.rng
        subject_names = SUBJECTS_BY_LEVEL[level]
        per_subject = max(1, len(classes) // 4) if level not in ("preschool", "primary") else 1
        teachers, teacher_subjects = [], []
        homeroom_teachers = []
        for i in range(len(classes)):
            gender = "female" if rng.random() < 0.75 else "male"
            t = Teacher(institution=inst, code=f"GV{i + 1:04d}", full_name=person_name(rng, gender))
            t.set_derived()
            teachers.append(t)
            homeroom_teachers.append(t)
        specialists: dict[str, list[Teacher]] = {}
        for name in subject_names[1:] if level in ("preschool", "primary") else subject_names:
            for _ in range(per_subject):
                gender = "female" if rng.random() < 0.7 else "male"
                t = Teacher(
                    institution=inst,
                    code=f"GV{len(teachers) + 1:04d}",
                    full_name=person_name(rng, gender),
                )
                t.set_derived()
                teachers.append(t)
                specialists.setdefault(name, []).append(t)
        Teacher.objects.bulk_create(teachers)
        main_subject = self.subjects[subject_names[0]]
        assignments = []
        for c, t in zip(classes, homeroom_teachers, strict=True):
            teacher_subjects.append((t, main_subject))
            assignments.append(
                TeachingAssignment(
                    teacher=t, homeroom_class=c, subject=main_subject, is_homeroom=True
                )
            )
        for name, group in specialists.items():
            subject = self.subjects[name]
            for t in group:
                teacher_subjects.append((t, subject))
            for n, c in enumerate(classes):
                assignments.append(
                    TeachingAssignment(
                        teacher=group[n % len(group)], homeroom_class=c, subject=subject
                    )
                )
        through = Teacher.subjects.through
        through.objects.bulk_create(
            [through(teacher_id=t.pk, subject_id=s.pk) for t, s in teacher_subjects],
            ignore_conflicts=True,
        )
        TeachingAssignment.objects.bulk_create(assignments, ignore_conflicts=True)

    def _students(self, inst: Institution, level: str, classes: list[HomeroomClass]) -> None:
        rng = self.rng
        size = self.scale.class_size[level]
        students: list[Student] = []
        classes_of: list[HomeroomClass] = []
        for c in classes:
            for _ in range(size - rng.randint(0, 3)):
                gender = rng.choice(["male", "female"])
                family = rng.choice(FAMILY)
                birth_year = (
                    self.year.starts_on.year - 6 - c.grade
                    if c.grade
                    else rng.choice([self.year.starts_on.year - a for a in (3, 4, 5)])
                )
                dob = date(birth_year, 1, 1) + timedelta(days=rng.randint(0, 364))
                s = Student(
                    institution=inst,
                    code=f"HS{len(students) + 1:05d}",
                    full_name=person_name(rng, gender, family),
                    date_of_birth=dob,
                    gender=gender,
                )
                s.set_derived()
                students.append(s)
                classes_of.append(c)
        Student.objects.bulk_create(students)
        ClassMembership.objects.bulk_create(
            [
                ClassMembership(student=s, homeroom_class=c, school_year=self.year)
                for s, c in zip(students, classes_of, strict=True)
            ]
        )
        guardians, relations = [], []
        for s in students:
            self.phone_n += 1
            if rng.random() < 0.55:
                relation, name = "mother", person_name(rng, "female")
            else:
                relation, name = "father", person_name(rng, "male", s.full_name.split(" ")[0])
            guardians.append(Guardian(full_name=name, phone=fictional_phone(self.phone_n)))
            relations.append(relation)
        Guardian.objects.bulk_create(guardians)
        Guardianship.objects.bulk_create(
            [
                Guardianship(guardian=g, student=s, relation=r)
                for g, s, r in zip(guardians, students, relations, strict=True)
            ]
        )
        self.students += len(students)


def _communes(city: Unit, limit: int | None) -> list[Unit]:
    communes = list(Unit.objects.filter(parent=city, kind__in=COMMUNE_KINDS).order_by("code"))
    if limit is None or limit >= len(communes):
        return communes
    step = len(communes) / limit
    return [communes[int(i * step)] for i in range(limit)]


def seed(
    *,
    scale_name: str = "small",
    progress: Callable[[int, int], None] | None = None,
    max_schools: int | None = None,
) -> dict:
    """Create the demo city; returns counts. Callers check `demo_exists()` first."""
    scale = SCALES[scale_name]
    rng = random.Random(SEED)
    city = load_units().city
    _, year = ensure_years()
    subjects = ensure_subjects()
    seeder = _Seeder(scale, rng, year, subjects)
    communes = _communes(city, scale.communes)
    plan = []
    for level, count in scale.counts.items():
        for i in range(count):
            plan.append((level, communes[(i * 7 + len(level)) % len(communes)]))
    if max_schools is not None:
        # Keep every level present when a test asks for fewer schools.
        by_level: dict[str, list] = {}
        for item in plan:
            by_level.setdefault(item[0], []).append(item)
        rounds = itertools.zip_longest(*by_level.values())
        plan = [item for items in rounds for item in items if item is not None][:max_schools]
    per_unit: dict[tuple[str, int], int] = {}
    seen_levels: set[str] = set()
    for n, (level, unit) in enumerate(plan, start=1):
        index = per_unit.get((level, unit.pk), 0)
        per_unit[(level, unit.pk)] = index + 1
        seeder.school(
            code=f"{DEMO_PREFIX}{CODE_PREFIX[level]}-{n:04d}",
            level=level,
            unit=unit,
            index=index,
            first=level not in seen_levels,
        )
        seen_levels.add(level)
        if progress:
            progress(n, len(plan))
    ensure_demo_accounts()
    return {"schools": len(plan), "students": seeder.students}


# --- demo accounts ---------------------------------------------------------------------------

# username -> (role, how to find the scope). Principals' managing authorities all have an
# account: the two commune officers for the commune schools, the department for the THPT.
DEMO_ACCOUNTS = [
    ("so.quantri", Role.DEPARTMENT_ADMIN, "department"),
    ("so.chuyenvien", Role.DEPARTMENT_OFFICER, "department"),
    ("thanhtra", Role.INSPECTOR, "city"),
    ("ubnd.thanhpho", Role.CITY_VIEWER, "city"),
    ("canbo.xa1", Role.COMMUNE_OFFICER, "committee:primary"),
    ("canbo.xa2", Role.COMMUNE_OFFICER, "committee:lower_secondary"),
    ("canbo.xa3", Role.COMMUNE_OFFICER, "committee:preschool"),
    ("ht.mamnon", Role.PRINCIPAL, "school:preschool"),
    ("ht.tieuhoc", Role.PRINCIPAL, "school:primary"),
    ("ht.thcs", Role.PRINCIPAL, "school:lower_secondary"),
    ("ht.thpt", Role.PRINCIPAL, "school:upper_secondary"),
    ("vanphong.tieuhoc", Role.SCHOOL_STAFF, "school:primary"),
    ("gv.tieuhoc", Role.TEACHER, "school:primary"),
    ("doitac.thcs", Role.PARTNER_STAFF, "school:lower_secondary"),
    ("phuhuynh1", Role.GUARDIAN, "school:primary"),
    ("phuhuynh2", Role.GUARDIAN, "school:lower_secondary"),
    ("phuhuynh3", Role.GUARDIAN, "school:upper_secondary"),
]
DEMO_USERNAMES = [a[0] for a in DEMO_ACCOUNTS]


def demo_schools() -> dict[str, Institution | None]:
    """The demo schools the accounts work in: the first demo school of each level, with the
    preschool taken in the primary school's commune when there is one."""
    schools: dict[str, Institution | None] = {}
    qs = Institution.objects.filter(code__startswith=DEMO_PREFIX, ownership="public").order_by(
        "code"
    )
    for level in ("primary", "lower_secondary", "upper_secondary"):
        schools[level] = qs.filter(level=level).select_related("managing_agency").first()
    units = [s.unit_id for s in schools.values() if s is not None]
    schools["preschool"] = (
        qs.filter(level="preschool", unit_id__in=units).first()
        or qs.filter(level="preschool").first()
    )
    return schools


def _scope(spec: str, schools: dict[str, Institution | None]) -> dict:
    city = Unit.objects.filter(kind=Unit.Kind.CITY, parent__isnull=True).order_by("pk").first()
    if spec == "department":
        return {"agency": Agency.objects.get(unit=city, kind=Agency.Kind.DEPARTMENT)}
    if spec == "city":
        return {"unit": city}
    kind, level = spec.split(":")
    school = schools[level]
    assert school is not None  # ensure_demo_accounts checked every level is there
    if kind == "committee":
        return {"agency": school.managing_agency}
    return {"institution": school}


@transaction.atomic
def ensure_demo_accounts() -> list[User]:
    """Create (or repair) the demo accounts; safe to call again."""
    schools = demo_schools()
    if not all(schools.values()):
        raise RuntimeError("Chưa có dữ liệu mẫu đủ các cấp học; hãy chạy seed_demo trước.")
    users = []
    for n, (username, role, spec) in enumerate(DEMO_ACCOUNTS):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=_demo_full_name(n, role))
            user.set_password(DEMO_PASSWORD)
            user.save()
        scope = _scope(spec, schools)
        if not RoleAssignment.objects.active().filter(user=user, role=role, **scope).exists():
            assign_role(user=user, role=role, by=None, **scope)
        if role == Role.TEACHER:
            _link_teacher(user, scope["institution"])
        if role == Role.GUARDIAN:
            _link_guardian(user, scope["institution"], skip=n)
        users.append(user)
    return users


def _demo_full_name(n: int, role: str) -> str:
    rng = random.Random(SEED + n)
    return person_name(rng, rng.choice(["male", "female"]))


def _link_teacher(user: User, school: Institution) -> None:
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
        if not user.full_name:
            user.full_name = teacher.full_name
            user.save(update_fields=["full_name"])


def _link_guardian(user: User, school: Institution, skip: int) -> None:
    if Guardian.objects.filter(user=user).exists():
        return
    guardian = Guardian.objects.filter(
        user__isnull=True, guardianships__student__institution=school
    ).order_by("pk")[skip % 5]
    guardian.user = user
    guardian.save(update_fields=["user"])
    user.full_name = guardian.full_name
    user.save(update_fields=["full_name"])


def demo_accounts() -> list[dict]:
    """The demo accounts as username, password, role and scope ({type, id, name})."""
    rows = []
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    for username, role, _ in DEMO_ACCOUNTS:
        user = users.get(username)
        if user is None:
            continue
        a = (
            RoleAssignment.objects.active()
            .filter(user=user, role=role)
            .select_related("unit", "agency", "institution")
            .first()
        )
        if a is None:
            continue
        scope = a.scope
        name = getattr(scope, "full_name", None) if a.unit_id else None
        rows.append(
            {
                "username": username,
                "password": DEMO_PASSWORD,
                "role": role,
                "scope": {"type": a.scope_type, "id": scope.pk, "name": name or str(scope)},
            }
        )
    return rows


def text_progress(done: int, total: int, out=sys.stderr) -> None:
    """A one-line progress bar on stderr."""
    width = 40
    filled = int(width * done / total) if total else width
    out.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} trường")
    if done == total:
        out.write("\n")
    out.flush()
