"""Programmes: in-school tutoring, outside tutoring and education linkage, with their lifecycle
and the frozen versions of what was disclosed to families."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from oversight.lib.text import fold, nfc, vi_sort_key
from oversight.registry.models import Institution, SchoolYear, SearchableQuerySet, Subject, Unit


class Facility(models.Model):
    """An outside tutoring facility (cơ sở dạy thêm ngoài nhà trường), managed by its commune."""

    class BusinessKind(models.TextChoices):
        HOUSEHOLD = "household", _("Hộ kinh doanh")
        ENTERPRISE = "enterprise", _("Doanh nghiệp")
        OTHER = "other", _("Tổ chức khác")

    name = models.CharField(_("tên cơ sở"), max_length=200)
    registration_number = models.CharField(_("số đăng ký kinh doanh"), max_length=50, blank=True)
    business_kind = models.CharField(
        _("loại hình kinh doanh"),
        max_length=20,
        choices=BusinessKind.choices,
        default=BusinessKind.HOUSEHOLD,
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="facilities", verbose_name=_("xã/phường")
    )
    address = models.CharField(_("địa chỉ"), max_length=300)
    representative = models.CharField(_("người đại diện"), max_length=120)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    search_name = models.CharField(max_length=400, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SearchableQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ sở dạy thêm")
        verbose_name_plural = _("cơ sở dạy thêm")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def set_derived(self) -> None:
        self.name, self.address = nfc(self.name), nfc(self.address)
        self.representative = nfc(self.representative)
        self.search_name = fold(f"{self.name} {self.registration_number}")


class Partner(models.Model):
    """An outside organisation delivering a linkage programme inside a school."""

    name = models.CharField(_("tên đối tác"), max_length=200)
    licence_number = models.CharField(_("giấy phép/đăng ký"), max_length=80, blank=True)
    licence_issuer = models.CharField(_("cơ quan cấp"), max_length=200, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    representative = models.CharField(_("người đại diện"), max_length=120, blank=True)
    search_name = models.CharField(max_length=400, editable=False, db_index=True)

    objects = SearchableQuerySet.as_manager()

    class Meta:
        verbose_name = _("đối tác liên kết")
        verbose_name_plural = _("đối tác liên kết")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def set_derived(self) -> None:
        self.name = nfc(self.name)
        self.search_name = fold(f"{self.name} {self.licence_number}")


class ProgramQuerySet(SearchableQuerySet):
    def published(self):
        """What the public sees: approved programmes (suspended ones are shown as suspended)."""
        return self.filter(status__in=[Program.Status.APPROVED, Program.Status.SUSPENDED])


class Program(models.Model):
    class Kind(models.TextChoices):
        IN_SCHOOL_TUTORING = "in_school_tutoring", _("Dạy thêm trong nhà trường")
        OUTSIDE_TUTORING = "outside_tutoring", _("Dạy thêm ngoài nhà trường")
        LINKAGE = "linkage", _("Liên kết giáo dục")

    class Category(models.TextChoices):
        FOREIGN_LANGUAGE = "foreign_language", _("Ngoại ngữ")
        FOREIGN_LANGUAGE_FOREIGN_TEACHER = (
            "foreign_language_foreign_teacher",
            _("Ngoại ngữ có yếu tố nước ngoài"),
        )
        IT = "it", _("Tin học")
        LIFE_SKILLS = "life_skills", _("Kĩ năng sống")
        STEM = "stem", _("Giáo dục STEM")
        THINKING_MATH = "thinking_math", _("Toán tư duy")
        EXPERIENTIAL = "experiential", _("Trải nghiệm")
        CAREER_GUIDANCE = "career_guidance", _("Hướng nghiệp")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        SUBMITTED = "submitted", _("Chờ phê duyệt")
        RETURNED = "returned", _("Trả lại để sửa")
        APPROVED = "approved", _("Đã phê duyệt, công khai")
        SUSPENDED = "suspended", _("Tạm dừng")
        CLOSED = "closed", _("Đã kết thúc")

    class DeliveryForm(models.TextChoices):
        IN_PERSON = "in_person", _("Trực tiếp")
        ONLINE = "online", _("Trực tuyến")

    class FeeUnit(models.TextChoices):
        PER_SESSION = "per_session", _("mỗi buổi")
        PER_MONTH = "per_month", _("mỗi tháng")
        PER_COURSE = "per_course", _("cả khóa")

    kind = models.CharField(_("loại"), max_length=30, choices=Kind.choices)
    institution = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programs",
        verbose_name=_("trường"),
    )
    facility = models.ForeignKey(
        Facility,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programs",
        verbose_name=_("cơ sở dạy thêm"),
    )
    partner = models.ForeignKey(
        Partner,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programs",
        verbose_name=_("đối tác"),
    )
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="programs", verbose_name=_("năm học")
    )
    title = models.CharField(_("tên chương trình"), max_length=200)
    description = models.TextField(_("nội dung"), blank=True)
    subject = models.ForeignKey(
        Subject,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programs",
        verbose_name=_("môn học"),
    )
    category = models.CharField(
        _("lĩnh vực liên kết"), max_length=40, choices=Category.choices, blank=True
    )
    grades = models.JSONField(_("khối lớp"), default=list)
    capacity = models.PositiveIntegerField(_("sĩ số tối đa"))
    starts_on = models.DateField(_("bắt đầu"))
    ends_on = models.DateField(_("kết thúc"))
    fee_amount = models.PositiveBigIntegerField(_("mức thu (đồng)"), default=0)
    fee_unit = models.CharField(
        _("đơn vị thu"), max_length=20, choices=FeeUnit.choices, default=FeeUnit.PER_MONTH
    )
    fee_legal_basis = models.CharField(_("căn cứ thu"), max_length=300, blank=True)
    alternative_activity = models.CharField(
        _("hoạt động cho học sinh không tham gia"), max_length=300, blank=True
    )
    delivery_form = models.CharField(
        _("hình thức"), max_length=20, choices=DeliveryForm.choices, default=DeliveryForm.IN_PERSON
    )
    # Form 02 discloses the hours of each subject in each grade as a fact of its own (not only
    # implied by the sessions): [{"subject": "Toán", "grade": 9, "hours_per_week": 2.0}, ...].
    subject_hours = models.JSONField(_("số giờ mỗi tuần theo môn, khối"), default=list, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    status_reason = models.CharField(_("lý do"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_name = models.CharField(max_length=400, editable=False, db_index=True)
    sort_key = models.CharField(max_length=400, editable=False)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        verbose_name = _("chương trình")
        verbose_name_plural = _("chương trình")
        ordering = ["-starts_on", "sort_key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(institution__isnull=False) | Q(facility__isnull=False),
                name="program_has_a_provider",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="program_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="program_capacity_positive"),
        ]
        indexes = [models.Index(fields=["status", "kind"], name="program_status_kind_idx")]

    def __str__(self) -> str:
        return self.title

    def set_derived(self) -> None:
        self.title = nfc(self.title)
        self.description = nfc(self.description)
        provider = (
            self.institution.name
            if self.institution
            else (self.facility.name if self.facility else "")
        )
        self.search_name = fold(
            f"{self.title} {provider} {self.partner or ''} {self.subject or ''}"
        )
        self.sort_key = vi_sort_key(self.title)


class Session(models.Model):
    """A weekly session: weekday 1 (Monday) to 7 (Sunday), start and end times, place."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="sessions")
    weekday = models.PositiveSmallIntegerField(_("thứ"))
    start = models.TimeField(_("bắt đầu"))
    end = models.TimeField(_("kết thúc"))
    place = models.CharField(_("địa điểm"), max_length=200)

    class Meta:
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=1, weekday__lte=7), name="session_weekday"
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.start:%H:%M}–{self.end:%H:%M}"


class StaffMember(models.Model):
    """Who teaches in a programme: a school teacher, or an outside tutor (foreign or not)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="staff")
    full_name = models.CharField(_("họ và tên"), max_length=120)
    role = models.CharField(_("vai trò"), max_length=100, blank=True)
    is_foreign = models.BooleanField(_("giáo viên nước ngoài"), default=False)
    qualification = models.CharField(_("trình độ/chứng chỉ"), max_length=200, blank=True)
    teacher = models.ForeignKey(
        "registry.Teacher",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="program_roles",
    )

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name


class Contract(models.Model):
    """The linkage contract between the school and the partner."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="contract")
    number = models.CharField(_("số hợp đồng"), max_length=80)
    signed_on = models.DateField(_("ngày ký"))
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"))
    key_terms = models.TextField(_("điều khoản chính"), blank=True)
    file = models.FileField(upload_to="contracts/%Y/", blank=True)

    def __str__(self) -> str:
        return self.number


class DisclosureVersion(models.Model):
    """The facts a family was shown, frozen: fee, sessions, staff, partner, legal basis.

    A new version is made on approval and whenever a published programme's disclosed facts
    change; consent (later) points at the version the family saw.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["program", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="unique_disclosure_number"),
        ]

    def __str__(self) -> str:
        return f"{self.program} v{self.number}"


class ApprovalRoute(models.Model):
    """Who approves which kind of programme, as data (RULES.md, "Who manages what").

    `approver` is "principal" (the school's head approves and reports upward) or
    "managing_authority" (the institution's managing agency; a facility's commune).
    """

    class Approver(models.TextChoices):
        PRINCIPAL = "principal", _("Hiệu trưởng")
        MANAGING_AUTHORITY = "managing_authority", _("Cơ quan quản lý")

    kind = models.CharField(max_length=30, choices=Program.Kind.choices, unique=True)
    approver = models.CharField(max_length=30, choices=Approver.choices)

    def __str__(self) -> str:
        return f"{self.kind} → {self.approver}"


class OfficialTimetableSlot(models.Model):
    """A block of the school's main timetable (giờ chính khóa) on one weekday of a school year;
    later checks use it to find extra classes or linkage sessions inside official hours."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="timetable")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    weekday = models.PositiveSmallIntegerField(_("thứ"))
    start = models.TimeField(_("bắt đầu"))
    end = models.TimeField(_("kết thúc"))

    class Meta:
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=1, weekday__lte=7), name="slot_weekday"
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="slot_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["institution", "school_year"], name="slot_inst_year_idx")]

    def __str__(self) -> str:
        return f"{self.institution} {self.weekday} {self.start:%H:%M}–{self.end:%H:%M}"


class TeacherReport(models.Model):
    """A teacher's report of teaching outside the school (Form 03, TT29 Art. 6.3)."""

    class Form(models.TextChoices):
        IN_PERSON = "in_person", _("Trực tiếp")
        ONLINE = "online", _("Trực tuyến")

    class Relationship(models.TextChoices):
        NONE = "none", _("Không có quan hệ")
        EMPLOYEE = "employee", _("Làm thuê cho chủ cơ sở")
        RELATIVE = "relative", _("Người thân của chủ cơ sở")
        OWNER = "owner", _("Là chủ hoặc đồng sở hữu cơ sở")

    teacher = models.ForeignKey(
        "registry.Teacher", on_delete=models.CASCADE, related_name="outside_reports"
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="+", verbose_name=_("môn")
    )
    facility = models.ForeignKey(
        Facility, null=True, blank=True, on_delete=models.SET_NULL, related_name="teacher_reports"
    )
    facility_name = models.CharField(_("cơ sở dạy thêm"), max_length=200)
    place = models.CharField(_("địa điểm"), max_length=300)
    form = models.CharField(_("hình thức"), max_length=20, choices=Form.choices)
    times = models.CharField(_("thời gian"), max_length=300)
    relationship = models.CharField(
        _("quan hệ với chủ cơ sở"), max_length=20, choices=Relationship.choices
    )
    starts_on = models.DateField(_("bắt đầu dạy từ"))
    submitted_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("báo cáo dạy thêm ngoài nhà trường")
        verbose_name_plural = _("báo cáo dạy thêm ngoài nhà trường")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.teacher} – {self.subject} – {self.facility_name}"


class Attachment(models.Model):
    """A document attached to a programme: a plan, a licence, a scanned contract (PDF or image)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("tên tài liệu"), max_length=200)
    file = models.FileField(upload_to="programs/%Y/%m/")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.title


class TutoringGroup(models.Model):
    """A group of an in-school tutoring plan: one subject within one grade, with its teacher
    (TT29 Art. 5.4.a: groups are formed by subject within a grade, not from a homeroom class)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("tên nhóm"), max_length=60)
    grade = models.PositiveSmallIntegerField(_("khối"))
    teacher = models.ForeignKey(
        "registry.Teacher",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tutoring_groups",
        verbose_name=_("giáo viên"),
    )

    class Meta:
        ordering = ["grade", "name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="unique_group_name")
        ]

    def __str__(self) -> str:
        return self.name


class EligibleStudent(models.Model):
    """Why a student may attend in-school tutoring (TT29 Art. 5.1), and in which group."""

    class Basis(models.TextChoices):
        NOT_YET_ACHIEVED = "not_yet_achieved", _("Kết quả học kỳ trước chưa đạt")
        GIFTED = "gifted", _("Được chọn bồi dưỡng học sinh giỏi")
        FINAL_YEAR_REVIEW = "final_year_review", _("Ôn thi cuối cấp (lớp 9, lớp 12), tự nguyện")

    group = models.ForeignKey(TutoringGroup, on_delete=models.CASCADE, related_name="students")
    student = models.ForeignKey(
        "registry.Student", on_delete=models.CASCADE, related_name="tutoring_eligibility"
    )
    basis = models.CharField(_("căn cứ"), max_length=30, choices=Basis.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "student"], name="unique_group_student")
        ]

    def __str__(self) -> str:
        return f"{self.student} – {self.group} ({self.basis})"


class UpwardReport(models.Model):
    """An in-school tutoring plan the principal approved, as reported to the school's managing
    authority (TT29 Art. 5: the principal approves "and reports upward"). The agency is the one
    that managed the school on the day; a later change of authority does not move old reports."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="upward_reports")
    agency = models.ForeignKey(
        "registry.Agency",
        on_delete=models.PROTECT,
        related_name="reported_plans",
        verbose_name=_("cơ quan quản lý"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField(_("ngày báo cáo"), auto_now_add=True)

    class Meta:
        verbose_name = _("kế hoạch dạy thêm đã báo cáo")
        verbose_name_plural = _("kế hoạch dạy thêm đã báo cáo")
        ordering = ["-reported_at", "-id"]
        indexes = [models.Index(fields=["agency", "reported_at"], name="upward_agency_at_idx")]

    def __str__(self) -> str:
        return f"{self.program} → {self.agency}"
