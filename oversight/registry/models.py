"""The map of who and what exists: units, agencies, institutions, years, classes, people."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oversight.lib.text import fold, nfc, person_sort_key, vi_sort_key


class SearchableQuerySet(models.QuerySet):
    def search(self, q: str | None):
        """Accent-insensitive match on every word of `q` (đ counts as d)."""
        for word in fold(q).split():
            self = self.filter(search_name__contains=word)
        return self


class Unit(models.Model):
    """An administrative unit: a city or province at the root, communes below it.

    Districts abolished on 01/07/2025 stay as units with `valid_to` set, so history keeps
    which school belonged where before the reorganisation.
    """

    class Kind(models.TextChoices):
        CITY = "city", _("Thành phố/Tỉnh")
        WARD = "ward", _("Phường")
        COMMUNE = "commune", _("Xã")
        SPECIAL_ZONE = "special_zone", _("Đặc khu")
        DISTRICT = "district", _("Quận/Huyện/Thị xã (cũ)")

    code = models.CharField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên"), max_length=120)
    full_name = models.CharField(_("tên đầy đủ"), max_length=160)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("trực thuộc"),
    )
    # Materialised path of ids ("/1/17/"), so "this unit and everything beneath it" is one
    # indexed prefix match whatever the depth.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    former_district = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successors",
        verbose_name=_("thuộc quận/huyện cũ"),
    )
    former_area = models.CharField(_("địa bàn cũ"), max_length=160, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced",
        verbose_name=_("được thay bằng"),
    )
    search_name = models.CharField(max_length=400, editable=False, db_index=True)
    sort_key = models.CharField(max_length=400, editable=False, db_index=True)

    objects = SearchableQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["sort_key"]

    def __str__(self) -> str:
        return self.full_name

    def is_current(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or self.valid_to >= on
        )

    def set_derived(self) -> None:
        """Fill the normalised and derived columns (called by the services before saving)."""
        self.name = nfc(self.name)
        self.full_name = nfc(self.full_name) or self.name
        self.search_name = fold(f"{self.full_name} {self.code} {self.former_area}")
        self.sort_key = vi_sort_key(self.name)


class UnitName(models.Model):
    """A name a unit bore for a period: renames keep the old name with its dates."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(_("tên"), max_length=120)
    full_name = models.CharField(_("tên đầy đủ"), max_length=160)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    reason = models.CharField(_("căn cứ"), max_length=300, blank=True)

    class Meta:
        ordering = ["unit", "valid_from"]

    def __str__(self) -> str:
        return self.full_name


class Agency(models.Model):
    """A body that receives tasks and reports: the city committee, the department and its
    divisions, other city departments, commune committees."""

    class Kind(models.TextChoices):
        CITY_COMMITTEE = "city_committee", _("UBND thành phố")
        DEPARTMENT = "department", _("Sở Giáo dục và Đào tạo")
        DIVISION = "division", _("Phòng/Thanh tra thuộc Sở")
        CITY_DEPARTMENT = "city_department", _("Sở, ngành khác")
        COMMUNE_COMMITTEE = "commune_committee", _("UBND cấp xã")

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    kind = models.CharField(_("loại"), max_length=30, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("trực thuộc"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="agencies",
        verbose_name=_("địa bàn quản lý"),
    )
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    search_name = models.CharField(max_length=400, editable=False, db_index=True)
    sort_key = models.CharField(max_length=400, editable=False)

    objects = SearchableQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(kind="commune_committee"),
                name="one_committee_per_commune",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def set_derived(self) -> None:
        self.name = nfc(self.name)
        self.short_name = nfc(self.short_name)
        self.search_name = fold(f"{self.name} {self.short_name} {self.code}")
        self.sort_key = vi_sort_key(self.name)


class Institution(models.Model):
    """A school or centre. Its managing authority follows RULES.md "Who manages what"."""

    class Level(models.TextChoices):
        PRESCHOOL = "preschool", _("Mầm non")
        PRIMARY = "primary", _("Tiểu học")
        LOWER_SECONDARY = "lower_secondary", _("Trung học cơ sở")
        UPPER_SECONDARY = "upper_secondary", _("Trung học phổ thông")
        MULTI_LEVEL = "multi_level", _("Nhiều cấp học")
        CONTINUING_EDUCATION = "continuing_education", _("Giáo dục thường xuyên")

    class Ownership(models.TextChoices):
        PUBLIC = "public", _("Công lập")
        PRIVATE = "private", _("Ngoài công lập")

    code = models.CharField(_("mã trường"), max_length=30, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    level = models.CharField(_("cấp học"), max_length=30, choices=Level.choices)
    ownership = models.CharField(
        _("loại hình"), max_length=20, choices=Ownership.choices, default=Ownership.PUBLIC
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="institutions", verbose_name=_("xã/phường")
    )
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    website = models.URLField(_("trang thông tin"), blank=True)
    principal_name = models.CharField(_("hiệu trưởng/giám đốc"), max_length=120, blank=True)
    principal_phone = models.CharField(_("điện thoại hiệu trưởng"), max_length=30, blank=True)
    two_sessions_per_day = models.BooleanField(_("dạy 2 buổi/ngày"), default=False)
    managing_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="managed_institutions",
        verbose_name=_("cơ quan quản lý"),
    )
    managing_override_reason = models.CharField(
        _("lý do chỉ định cơ quan quản lý khác quy định"), max_length=500, blank=True
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    search_name = models.CharField(max_length=400, editable=False, db_index=True)
    sort_key = models.CharField(max_length=400, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SearchableQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ sở giáo dục")
        verbose_name_plural = _("cơ sở giáo dục")
        ordering = ["sort_key"]
        indexes = [models.Index(fields=["unit", "level"], name="inst_unit_level_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def grade_range(self) -> range:
        """The grades this level teaches (0 stands for preschool)."""
        return GRADES_BY_LEVEL[self.level]

    def set_derived(self) -> None:
        self.name = nfc(self.name)
        self.address = nfc(self.address)
        self.principal_name = nfc(self.principal_name)
        self.search_name = fold(f"{self.name} {self.code}")
        self.sort_key = vi_sort_key(self.name)


GRADES_BY_LEVEL: dict[str, range] = {
    Institution.Level.PRESCHOOL: range(0, 1),
    Institution.Level.PRIMARY: range(1, 6),
    Institution.Level.LOWER_SECONDARY: range(6, 10),
    Institution.Level.UPPER_SECONDARY: range(10, 13),
    Institution.Level.MULTI_LEVEL: range(0, 13),
    Institution.Level.CONTINUING_EDUCATION: range(6, 13),
}


class InstitutionPlacement(models.Model):
    """Which unit an institution belonged to over a period (kept through renames and merges)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="placements"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="placements")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["institution", "valid_from"]

    def __str__(self) -> str:
        return f"{self.institution} @ {self.unit} ({self.valid_from}–{self.valid_to})"


class SchoolYear(models.Model):
    name = models.CharField(_("năm học"), max_length=9, unique=True)  # "2025-2026"
    starts_on = models.DateField(_("bắt đầu"))
    ends_on = models.DateField(_("kết thúc"))

    class Meta:
        verbose_name = _("năm học")
        verbose_name_plural = _("năm học")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="year_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Term(models.Model):
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(_("học kỳ"), max_length=40)
    starts_on = models.DateField(_("bắt đầu"))
    ends_on = models.DateField(_("kết thúc"))

    class Meta:
        verbose_name = _("học kỳ")
        verbose_name_plural = _("học kỳ")
        ordering = ["starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["school_year", "name"], name="unique_term_name"),
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="term_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.school_year}"


class Subject(models.Model):
    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("môn học"), max_length=100, unique=True)
    search_name = models.CharField(max_length=200, editable=False, db_index=True)

    class Meta:
        verbose_name = _("môn học")
        verbose_name_plural = _("môn học")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class HomeroomClass(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="classes")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="classes")
    name = models.CharField(_("lớp"), max_length=40)
    grade = models.PositiveSmallIntegerField(_("khối"))  # 0 = preschool, 1..12
    sort_key = models.CharField(max_length=120, editable=False)

    class Meta:
        verbose_name = _("lớp")
        verbose_name_plural = _("lớp")
        ordering = ["grade", "sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "school_year", "name"], name="unique_class_name"
            ),
            models.CheckConstraint(condition=Q(grade__lte=12), name="grade_at_most_12"),
        ]

    def __str__(self) -> str:
        return self.name

    def set_derived(self) -> None:
        self.name = nfc(self.name).upper()
        self.sort_key = vi_sort_key(self.name)


class Teacher(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="teachers")
    code = models.CharField(_("mã giáo viên"), max_length=40)
    full_name = models.CharField(_("họ và tên"), max_length=120)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    subjects = models.ManyToManyField(Subject, blank=True, related_name="teachers")
    is_public_employee = models.BooleanField(_("viên chức"), default=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="teacher_records",
    )
    is_active = models.BooleanField(_("đang công tác"), default=True)
    search_name = models.CharField(max_length=300, editable=False, db_index=True)
    sort_key = models.CharField(max_length=300, editable=False)

    objects = SearchableQuerySet.as_manager()

    class Meta:
        verbose_name = _("giáo viên")
        verbose_name_plural = _("giáo viên")
        ordering = ["sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "code"], name="unique_teacher_code"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def set_derived(self) -> None:
        self.full_name = nfc(self.full_name)
        self.search_name = fold(f"{self.full_name} {self.code}")
        self.sort_key = person_sort_key(self.full_name)


class TeachingAssignment(models.Model):
    """Teacher × class × subject in the class's school year; `is_homeroom` marks the form tutor."""

    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="assignments")
    homeroom_class = models.ForeignKey(
        HomeroomClass, on_delete=models.CASCADE, related_name="assignments"
    )
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="assignments")
    is_homeroom = models.BooleanField(_("chủ nhiệm"), default=False)

    class Meta:
        verbose_name = _("phân công giảng dạy")
        verbose_name_plural = _("phân công giảng dạy")
        constraints = [
            models.UniqueConstraint(
                fields=["teacher", "homeroom_class", "subject"], name="unique_assignment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.teacher} – {self.subject} – {self.homeroom_class}"


class Student(models.Model):
    """A student: only what the oversight needs (RULES.md, "Personal data")."""

    class Gender(models.TextChoices):
        MALE = "male", _("Nam")
        FEMALE = "female", _("Nữ")

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="students")
    code = models.CharField(_("mã học sinh"), max_length=40)
    full_name = models.CharField(_("họ và tên"), max_length=120)
    date_of_birth = models.DateField(_("ngày sinh"))
    gender = models.CharField(_("giới tính"), max_length=10, choices=Gender.choices)
    is_active = models.BooleanField(_("đang học"), default=True)
    search_name = models.CharField(max_length=300, editable=False)
    sort_key = models.CharField(max_length=300, editable=False)

    objects = SearchableQuerySet.as_manager()

    class Meta:
        verbose_name = _("học sinh")
        verbose_name_plural = _("học sinh")
        ordering = ["sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "code"], name="unique_student_code"),
        ]
        indexes = [models.Index(fields=["institution", "sort_key"], name="student_inst_sort_idx")]

    def __str__(self) -> str:
        return self.full_name

    def set_derived(self) -> None:
        self.full_name = nfc(self.full_name)
        self.search_name = fold(f"{self.full_name} {self.code}")
        self.sort_key = person_sort_key(self.full_name)

    def age_on(self, on: date) -> int:
        dob = self.date_of_birth
        return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


class ClassMembership(models.Model):
    """The student's homeroom class in one school year."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="memberships")
    homeroom_class = models.ForeignKey(
        HomeroomClass, on_delete=models.CASCADE, related_name="memberships"
    )
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "school_year"], name="one_class_per_year"),
        ]
        indexes = [models.Index(fields=["homeroom_class"], name="membership_class_idx")]

    def __str__(self) -> str:
        return f"{self.student} – {self.homeroom_class}"


class Guardian(models.Model):
    full_name = models.CharField(_("họ và tên"), max_length=120)
    phone = models.CharField(_("điện thoại"), max_length=20, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guardian",
    )

    class Meta:
        verbose_name = _("cha mẹ/người giám hộ")
        verbose_name_plural = _("cha mẹ/người giám hộ")

    def __str__(self) -> str:
        return self.full_name


class Guardianship(models.Model):
    class Relation(models.TextChoices):
        FATHER = "father", _("Cha")
        MOTHER = "mother", _("Mẹ")
        GRANDPARENT = "grandparent", _("Ông/Bà")
        SIBLING = "sibling", _("Anh/Chị")
        GUARDIAN = "guardian", _("Người giám hộ")

    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="guardianships")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="guardianships")
    relation = models.CharField(_("quan hệ"), max_length=20, choices=Relation.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["guardian", "student"], name="unique_guardianship"),
        ]

    def __str__(self) -> str:
        return f"{self.guardian} ({self.get_relation_display()}) – {self.student}"


class ImportJob(models.Model):
    """An uploaded registry file and the outcome of importing it (run in the background)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ")
        RUNNING = "running", _("Đang kiểm tra")
        DONE = "done", _("Hoàn tất")
        FAILED = "failed", _("Có lỗi, chưa ghi dữ liệu")

    kind = models.CharField(_("loại dữ liệu"), max_length=20)
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.CASCADE, related_name="import_jobs"
    )
    school_year = models.ForeignKey(
        SchoolYear, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("tên tệp"), max_length=255)
    dry_run = models.BooleanField(_("chỉ kiểm tra"), default=False)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lượt nhập dữ liệu")
        verbose_name_plural = _("lượt nhập dữ liệu")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} – {self.original_name}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0
