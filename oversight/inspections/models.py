"""Inspections: plans, periodic and surprise inspections with their targets and team, the
checklist and its evidence, the conclusion, sanctions, corrective actions, and the
suspensions of programmes ordered by an inspection."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from oversight.programs.models import Facility, Program
from oversight.registry.models import Agency, Institution


class InspectionPlan(models.Model):
    """A periodic inspection plan of one authority for one period."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        APPROVED = "approved", _("Đã ban hành")
        CLOSED = "closed", _("Đã kết thúc")

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="inspection_plans", verbose_name=_("cơ quan")
    )
    title = models.CharField(_("tên kế hoạch"), max_length=200)
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=500)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kế hoạch kiểm tra")
        verbose_name_plural = _("kế hoạch kiểm tra")
        ordering = ["-period_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="plan_period_order"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Inspection(models.Model):
    """One inspection (thanh tra, kiểm tra), periodic (in a plan) or surprise."""

    class Kind(models.TextChoices):
        PERIODIC = "periodic", _("Định kỳ")
        SURPRISE = "surprise", _("Đột xuất")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Đã lập kế hoạch")
        IN_PROGRESS = "in_progress", _("Đang tiến hành")
        CONCLUDED = "concluded", _("Đã kết luận")

    plan = models.ForeignKey(
        InspectionPlan,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("kế hoạch"),
    )
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("cơ quan")
    )
    title = models.CharField(_("tên đợt kiểm tra"), max_length=200)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=500)
    starts_on = models.DateField(_("ngày bắt đầu"))
    ends_on = models.DateField(_("ngày kết thúc"))
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="inspections_led",
        verbose_name=_("trưởng đoàn"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="inspections_joined",
        verbose_name=_("thành viên đoàn"),
    )
    started_at = models.DateTimeField(null=True, blank=True)
    # The conclusion (kết luận); filled when the inspection is concluded.
    concluded_at = models.DateTimeField(null=True, blank=True)
    conclusion_number = models.CharField(_("số kết luận"), max_length=50, blank=True)
    conclusion_date = models.DateField(_("ngày kết luận"), null=True, blank=True)
    conclusion_subject = models.CharField(_("trích yếu"), max_length=300, blank=True)
    conclusion_body = models.TextField(_("nội dung kết luận"), blank=True)
    recipients = models.TextField(_("nơi nhận"), blank=True)
    signer_name = models.CharField(_("người ký"), max_length=120, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đợt kiểm tra")
        verbose_name_plural = _("đợt kiểm tra")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="inspection_dates_order"
            )
        ]
        indexes = [models.Index(fields=["status", "kind"], name="inspection_status_kind_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def started(self) -> bool:
        return self.status != self.Status.PLANNED


class InspectionTarget(models.Model):
    """What is inspected (exactly one of institution, facility, programme) and why it was
    chosen (the planner's reason and the ranking's score at that moment)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="targets")
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    facility = models.ForeignKey(
        Facility, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("lý do chọn"))
    score = models.PositiveIntegerField(_("điểm rủi ro"), default=0)

    class Meta:
        verbose_name = _("đối tượng kiểm tra")
        verbose_name_plural = _("đối tượng kiểm tra")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(institution__isnull=False, facility__isnull=True, program__isnull=True)
                    | Q(institution__isnull=True, facility__isnull=False, program__isnull=True)
                    | Q(institution__isnull=True, facility__isnull=True, program__isnull=False)
                ),
                name="inspection_target_exactly_one",
            )
        ]
        indexes = [
            models.Index(fields=["institution"], name="inspection_target_inst_idx"),
            models.Index(fields=["facility"], name="inspection_target_fac_idx"),
            models.Index(fields=["program"], name="inspection_target_prog_idx"),
        ]

    def __str__(self) -> str:
        return str(self.subject)

    @property
    def subject(self) -> Institution | Facility | Program:
        return self.institution or self.facility or self.program  # type: ignore[return-value]

    @property
    def target_kind(self) -> str:
        """The checklist's kind: `institution`, `facility`, or the programme's kind."""
        if self.institution_id:
            return "institution"
        if self.facility_id:
            return "facility"
        return self.program.kind  # type: ignore[union-attr]


class ChecklistItem(models.Model):
    """One rule checked at one target; title and citation are copied when the list is made."""

    class Status(models.TextChoices):
        NOT_CHECKED = "not_checked", _("Chưa kiểm tra")
        COMPLIANT = "compliant", _("Đúng quy định")
        BREACH = "breach", _("Vi phạm")
        NOT_APPLICABLE = "not_applicable", _("Không áp dụng")

    target = models.ForeignKey(InspectionTarget, on_delete=models.CASCADE, related_name="checklist")
    rule = models.CharField(_("mã quy định"), max_length=60)
    title = models.CharField(_("nội dung"), max_length=300)
    citation = models.CharField(_("căn cứ"), max_length=300)
    status = models.CharField(
        _("kết quả"), max_length=15, choices=Status.choices, default=Status.NOT_CHECKED
    )
    notes = models.TextField(_("ghi chép, chứng cứ"), blank=True)
    interviewed = models.TextField(_("người được làm việc"), blank=True)
    # For a breach, the conclusion names who is responsible and the measures taken.
    persons_responsible = models.CharField(_("người vi phạm"), max_length=300, blank=True)
    heads_responsible = models.CharField(
        _("người đứng đầu chịu trách nhiệm"), max_length=300, blank=True
    )
    measures = models.TextField(_("biện pháp xử lý"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mục kiểm tra")
        verbose_name_plural = _("mục kiểm tra")
        ordering = ["target", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["target", "rule"], name="checklist_one_rule_per_target")
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.get_status_display()}"


class Evidence(models.Model):
    """A photo or document backing a checklist item (PDF or image, checked by content)."""

    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(_("tên tài liệu"), max_length=200)
    file = models.FileField(upload_to="inspections/%Y/%m/")
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


class Sanction(models.Model):
    """A sanction decided after an inspection, kept as a record (the decree's article and a
    fine's amount are data entered from the decision, not rules in code)."""

    class Kind(models.TextChoices):
        REPRIMAND = "reprimand", _("Khiển trách")
        WARNING = "warning", _("Cảnh cáo")
        FORCED_DISMISSAL = "forced_dismissal", _("Buộc thôi việc")
        REMOVAL_FROM_POST = "removal_from_post", _("Cách chức")
        FINE = "fine", _("Phạt tiền (xử phạt vi phạm hành chính)")

    class SubjectKind(models.TextChoices):
        PERSON = "person", _("Cá nhân")
        ORGANISATION = "organisation", _("Tổ chức")

    # Disciplinary kinds under Decree 112/2020 apply to persons only.
    PERSON_ONLY = (Kind.REPRIMAND, Kind.WARNING, Kind.FORCED_DISMISSAL, Kind.REMOVAL_FROM_POST)

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="sanctions")
    target = models.ForeignKey(InspectionTarget, on_delete=models.PROTECT, related_name="sanctions")
    item = models.ForeignKey(
        ChecklistItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="sanctions"
    )
    kind = models.CharField(_("hình thức"), max_length=20, choices=Kind.choices)
    subject_kind = models.CharField(_("đối tượng"), max_length=15, choices=SubjectKind.choices)
    subject_name = models.CharField(_("tên cá nhân/tổ chức"), max_length=200)
    subject_position = models.CharField(_("chức vụ"), max_length=120, blank=True)
    legal_basis = models.CharField(_("điều, khoản áp dụng"), max_length=300)
    amount = models.PositiveBigIntegerField(_("số tiền phạt (đồng)"), null=True, blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=50)
    decided_on = models.DateField(_("ngày quyết định"))
    effective_from = models.DateField(_("hiệu lực từ"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("xử lý vi phạm")
        verbose_name_plural = _("xử lý vi phạm")
        ordering = ["decided_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="fine") | Q(amount__gt=0), name="sanction_fine_has_amount"
            ),
            models.CheckConstraint(
                condition=Q(kind="fine") | Q(subject_kind="person"),
                name="sanction_discipline_is_personal",
            ),
            models.CheckConstraint(
                condition=Q(effective_from__gte=models.F("decided_on")),
                name="sanction_effective_after_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.subject_name}"


class CorrectiveActionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=[CorrectiveAction.Status.OPEN, CorrectiveAction.Status.DONE])


class CorrectiveAction(models.Model):
    """A correction the target must make by a deadline; done by its owner, verified by the
    inspector."""

    class Status(models.TextChoices):
        OPEN = "open", _("Đang thực hiện")
        DONE = "done", _("Đã báo cáo hoàn thành, chờ xác minh")
        VERIFIED = "verified", _("Đã xác minh hoàn thành")

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="corrective_actions"
    )
    target = models.ForeignKey(
        InspectionTarget, on_delete=models.PROTECT, related_name="corrective_actions"
    )
    item = models.ForeignKey(
        ChecklistItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="corrective_actions",
    )
    description = models.TextField(_("nội dung khắc phục"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="corrective_actions",
        verbose_name=_("người chịu trách nhiệm"),
    )
    deadline = models.DateField(_("thời hạn"), db_index=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    completion_note = models.TextField(_("kết quả khắc phục"), blank=True)
    completion_file = models.FileField(upload_to="inspections/actions/%Y/%m/", blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    # Claimed by a conditional UPDATE, so two runners never send the same reminder twice.
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CorrectiveActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("biện pháp khắc phục")
        verbose_name_plural = _("biện pháp khắc phục")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["status", "deadline"], name="corrective_status_idx")]

    def __str__(self) -> str:
        return self.description[:80]


class ProgramSuspension(models.Model):
    """A programme suspended by an inspection; lifted only once the inspection's corrective
    actions on it are verified."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="suspensions")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("lý do"), max_length=500)
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    suspended_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tạm dừng chương trình")
        verbose_name_plural = _("tạm dừng chương trình")
        ordering = ["-suspended_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["program"],
                condition=Q(lifted_at__isnull=True),
                name="one_open_suspension_per_program",
            )
        ]

    def __str__(self) -> str:
        return f"{self.program} ({self.inspection})"
