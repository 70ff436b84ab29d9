"""Orders that assign work (letters, plans, directives), their tasks and the progress reports.

A task's status is never stored: it follows from its progress and its dates on the day asked
(`Task.status_on`, and `TaskQuerySet.with_status` for lists and filters).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils.translation import gettext_lazy as _

from oversight.lib.text import fold, nfc
from oversight.registry.models import Agency, Institution


class Document(models.Model):
    class Kind(models.TextChoices):
        LETTER = "letter", _("Công văn")
        PLAN = "plan", _("Kế hoạch")
        DIRECTIVE = "directive", _("Chỉ thị")
        RESOLUTION = "resolution", _("Nghị quyết")
        DECISION = "decision", _("Quyết định")

    kind = models.CharField(_("loại văn bản"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("số, ký hiệu"), max_length=60, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    # The issuing body as printed ("Hội đồng nhân dân thành phố"); `issuer` links it to the
    # registry when it is one of our agencies, which decides who manages the tasks.
    issuing_body = models.CharField(_("cơ quan ban hành"), max_length=200)
    issuer = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_documents",
        verbose_name=_("cơ quan ban hành (danh mục)"),
    )
    subject = models.CharField(_("trích yếu"), max_length=500)
    signer_name = models.CharField(_("người ký"), max_length=120, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120, blank=True)
    addressees = models.TextField(_("kính gửi"), blank=True)
    recipients = models.TextField(_("nơi nhận"), blank=True)
    body = models.TextField(_("nội dung"), blank=True)
    file = models.FileField(_("tệp văn bản"), upload_to="directives/%Y/", blank=True)
    implements = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="implemented_by",
        verbose_name=_("thực hiện văn bản"),
    )
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        verbose_name=_("thay thế văn bản"),
    )
    # Meant for families (rules on tutoring, their rights): listed on the public portal.
    is_public = models.BooleanField(_("công khai trên cổng thông tin"), default=False)
    # Set by the seed loader so loading twice finds the same rows (numbers may be unknown).
    seed_key = models.CharField(max_length=40, null=True, blank=True, unique=True, editable=False)
    search_text = models.CharField(max_length=1000, editable=False, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("văn bản chỉ đạo")
        verbose_name_plural = _("văn bản chỉ đạo")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        label = self.number or str(_("(chưa rõ số)"))
        return f"{self.get_kind_display()} {label}"

    def set_derived(self) -> None:
        for field in (
            "number",
            "issuing_body",
            "subject",
            "signer_name",
            "signer_title",
        ):
            setattr(self, field, nfc(getattr(self, field)))
        self.addressees = (self.addressees or "").strip()
        self.recipients = (self.recipients or "").strip()
        self.search_text = fold(f"{self.number} {self.subject} {self.issuing_body}")[:1000]


class Recurrence(models.TextChoices):
    NONE = "", _("Không lặp lại")
    MONTHLY = "monthly", _("Hằng tháng")
    TERM = "term", _("Mỗi học kỳ")
    SCHOOL_YEAR = "school_year", _("Mỗi năm học")


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE_ON_TIME = "done_on_time", _("Hoàn thành đúng hạn")
    DONE_LATE = "done_late", _("Hoàn thành quá hạn")
    OVERDUE = "overdue", _("Quá hạn")


# Overdue first, then what still needs doing, then what is done.
STATUS_ORDER = [
    Status.OVERDUE,
    Status.IN_PROGRESS,
    Status.NOT_STARTED,
    Status.DONE_LATE,
    Status.DONE_ON_TIME,
]


def _month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def period_of(recurrence: str, on: date) -> tuple[date, date]:
    """The period of a recurring task that contains `on`: the calendar month, the term
    (September-January, February-August) or the school year (September-August)."""
    if recurrence == Recurrence.MONTHLY:
        return on.replace(day=1), _month_end(on)
    start_year = on.year if on.month >= 9 else on.year - 1
    if recurrence == Recurrence.TERM:
        if on.month >= 9 or on.month == 1:
            return date(start_year, 9, 1), date(start_year + 1, 1, 31)
        return date(on.year, 2, 1), date(on.year, 8, 31)
    return date(start_year, 9, 1), date(start_year + 1, 8, 31)


def _status_rules(today: date) -> list[tuple[Q, str]]:
    """The status of a task on `today` as ordered (condition, status) pairs: the first that
    holds wins, none holding is "not started" (the same rule as Task.status_on)."""
    done = Q(percent__gte=100)
    rules: list[tuple[Q, str]] = []
    for recurrence in (Recurrence.MONTHLY, Recurrence.TERM, Recurrence.SCHOOL_YEAR):
        start, _end = period_of(recurrence, today)
        prev_start, prev_end = period_of(recurrence, start - timedelta(days=1))
        rec = Q(recurrence=recurrence)
        reported_now = Q(last_report_on__gte=start)
        rules += [
            (rec & reported_now & done, Status.DONE_ON_TIME),
            (rec & reported_now, Status.IN_PROGRESS),
            (
                rec
                & Q(starts_on__lte=prev_end)
                & (Q(last_report_on__isnull=True) | Q(last_report_on__lt=prev_start)),
                Status.OVERDUE,
            ),
            (rec, Status.NOT_STARTED),
        ]
    rules += [
        (
            done & (Q(deadline__isnull=True) | Q(completed_on__lte=F("deadline"))),
            Status.DONE_ON_TIME,
        ),
        (done, Status.DONE_LATE),
        (Q(deadline__lt=today), Status.OVERDUE),
        (Q(percent__gt=0), Status.IN_PROGRESS),
    ]
    return rules


def status_case(today: date) -> Case:
    """The status of every task on `today`, as one SQL expression (see Task.status_on)."""
    whens = [When(cond, then=Value(status)) for cond, status in _status_rules(today)]
    return Case(*whens, default=Value(Status.NOT_STARTED), output_field=models.CharField())


def status_q(status: str, today: date) -> Q:
    """A WHERE condition on plain columns that holds exactly for the tasks in `status` on
    `today`, so lists filter with the indexes instead of computing every row's status."""
    matched = Q(pk__in=[])
    earlier = Q(pk__in=[])
    for cond, result in _status_rules(today):
        if result == status:
            matched |= cond & ~earlier
        earlier |= cond
    if status == Status.NOT_STARTED:
        matched |= ~earlier
    return matched


def _status_rank() -> Case:
    return Case(
        *[When(status=s, then=Value(i)) for i, s in enumerate(STATUS_ORDER)],
        output_field=models.IntegerField(),
    )


class TaskQuerySet(models.QuerySet):
    def with_status(self, today: date):
        """Annotate `status` (and `status_rank`, overdue first) as of `today`."""
        return self.annotate(status=status_case(today)).annotate(status_rank=_status_rank())

    def top_level(self):
        return self.filter(parent__isnull=True)


class Task(models.Model):
    """One duty a document assigns: a lead unit (an agency or an institution), cooperating
    units, a deadline or a recurrence. A task expanded to all communes or all schools of a level
    has one sub-task per unit and rolls their progress up."""

    class Expansion(models.TextChoices):
        NONE = "", _("Không")
        COMMUNES = "communes", _("Tất cả UBND cấp xã")
        SCHOOLS = "schools", _("Tất cả trường của một cấp học")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subtasks",
        verbose_name=_("nhiệm vụ chung"),
    )
    section = models.CharField(_("mục"), max_length=20, blank=True)
    title = models.CharField(_("nhiệm vụ"), max_length=300)
    content = models.TextField(_("nội dung"), blank=True)
    lead_agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_tasks",
        verbose_name=_("đơn vị chủ trì"),
    )
    lead_institution = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_tasks",
        verbose_name=_("cơ sở giáo dục chủ trì"),
    )
    cooperating_agencies = models.ManyToManyField(
        Agency, blank=True, related_name="cooperating_tasks", verbose_name=_("đơn vị phối hợp")
    )
    cooperating_institutions = models.ManyToManyField(
        Institution,
        blank=True,
        related_name="cooperating_tasks",
        verbose_name=_("cơ sở giáo dục phối hợp"),
    )
    expansion = models.CharField(
        _("giao cho"), max_length=20, choices=Expansion.choices, blank=True, default=""
    )
    expansion_level = models.CharField(
        _("cấp học"), max_length=30, choices=Institution.Level.choices, blank=True
    )
    starts_on = models.DateField(_("bắt đầu"))
    deadline = models.DateField(_("hạn"), null=True, blank=True)
    recurrence = models.CharField(
        _("định kỳ"), max_length=20, choices=Recurrence.choices, blank=True, default=""
    )
    # Kept by the services from the lead's reports (or the sub-tasks' roll-up).
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    last_report_on = models.DateField(null=True, blank=True)
    # Claimed by remind_tasks with a conditional UPDATE, so two runners never send twice.
    reminded_for = models.DateField(null=True, blank=True)
    escalated_for = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["document", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(lead_agency__isnull=True) ^ Q(lead_institution__isnull=True),
                name="task_has_one_lead",
            ),
            models.CheckConstraint(condition=Q(percent__lte=100), name="task_percent_at_most_100"),
            models.UniqueConstraint(
                fields=["parent", "lead_agency"],
                condition=Q(parent__isnull=False, lead_agency__isnull=False),
                name="one_subtask_per_agency",
            ),
            models.UniqueConstraint(
                fields=["parent", "lead_institution"],
                condition=Q(parent__isnull=False, lead_institution__isnull=False),
                name="one_subtask_per_institution",
            ),
        ]
        indexes = [
            models.Index(fields=["deadline"], name="task_deadline_idx"),
            models.Index(fields=["lead_agency", "deadline"], name="task_lead_agency_idx"),
            models.Index(fields=["lead_institution"], name="task_lead_inst_idx"),
            models.Index(fields=["document", "parent"], name="task_document_parent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.section} {self.title}".strip()

    @property
    def lead(self) -> Agency | Institution:
        return self.lead_agency or self.lead_institution  # type: ignore[return-value]

    def due_on(self, today: date) -> date | None:
        """The deadline, or for a recurring task the end of the current period."""
        if self.recurrence:
            return period_of(self.recurrence, today)[1]
        return self.deadline

    def status_on(self, today: date) -> str:
        """Done on or before the deadline is on time; the day after is late; past the
        deadline and not done is overdue. A recurring task is judged per period: reported in
        this period counts, nothing in the whole previous period is overdue."""
        done = self.percent >= 100
        if self.recurrence:
            start, _end = period_of(self.recurrence, today)
            prev_start, prev_end = period_of(self.recurrence, start - timedelta(days=1))
            if self.last_report_on and self.last_report_on >= start:
                return Status.DONE_ON_TIME if done else Status.IN_PROGRESS
            if self.starts_on <= prev_end and (
                self.last_report_on is None or self.last_report_on < prev_start
            ):
                return Status.OVERDUE
            return Status.NOT_STARTED
        if done:
            if self.deadline is None or (
                self.completed_on is not None and self.completed_on <= self.deadline
            ):
                return Status.DONE_ON_TIME
            return Status.DONE_LATE
        if self.deadline is not None and self.deadline < today:
            return Status.OVERDUE
        return Status.IN_PROGRESS if self.percent > 0 else Status.NOT_STARTED


class TaskReport(models.Model):
    """A progress report on a task, by its lead or a cooperating unit; the issuer accepts it
    or returns it with a reason. Returned reports no longer count towards progress."""

    class Review(models.TextChoices):
        PENDING = "pending", _("Chờ xem xét")
        ACCEPTED = "accepted", _("Đã chấp nhận")
        RETURNED = "returned", _("Trả lại")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    by_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by_institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_lead = models.BooleanField(_("của đơn vị chủ trì"), default=True)
    text = models.TextField(_("kết quả thực hiện"))
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"))
    difficulties = models.TextField(_("khó khăn, vướng mắc"), blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)
    evidence = models.FileField(_("minh chứng"), upload_to="directives/reports/%Y/", blank=True)
    reported_on = models.DateField(_("ngày báo cáo"))
    review = models.CharField(
        _("xem xét"), max_length=10, choices=Review.choices, default=Review.PENDING
    )
    return_reason = models.CharField(_("lý do trả lại"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("báo cáo tiến độ")
        verbose_name_plural = _("báo cáo tiến độ")
        ordering = ["-reported_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__lte=100), name="task_report_percent_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} – {self.percent}% ({self.reported_on:%d/%m/%Y})"

    @property
    def by(self) -> Agency | Institution | None:
        return self.by_agency or self.by_institution


class Digest(models.Model):
    """One per unit per day: inserting the row claims the day's digest, so two runners of
    remind_tasks never send it twice."""

    unit_key = models.CharField(max_length=40)  # "agency:12" or "institution:7"
    sent_on = models.DateField()
    tasks = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit_key", "sent_on"], name="one_digest_per_unit_day")
        ]

    def __str__(self) -> str:
        return f"{self.unit_key} {self.sent_on}"


class Dissemination(models.Model):
    """A document sent to a unit to be made known ("quán triệt"): the unit acknowledges
    receipt, then reports when it has briefed its staff; the sender sees who has not."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="disseminations")
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("đã nhận lúc"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    briefed_on = models.DateField(_("ngày quán triệt"), null=True, blank=True)
    briefing_note = models.TextField(_("kết quả quán triệt"), blank=True)

    class Meta:
        verbose_name = _("gửi văn bản")
        verbose_name_plural = _("gửi văn bản")
        ordering = ["document", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(agency__isnull=True) ^ Q(institution__isnull=True),
                name="dissemination_has_one_unit",
            ),
            models.UniqueConstraint(
                fields=["document", "agency"],
                condition=Q(agency__isnull=False),
                name="one_dissemination_per_agency",
            ),
            models.UniqueConstraint(
                fields=["document", "institution"],
                condition=Q(institution__isnull=False),
                name="one_dissemination_per_institution",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} → {self.unit}"

    @property
    def unit(self) -> Agency | Institution:
        return self.agency or self.institution  # type: ignore[return-value]


class ExecutionReport(models.Model):
    """A report of a document's execution to the superior (the department's report to the city
    on resolution 39, say): drafted from the task reports, edited, then recorded as sent."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        SENT = "sent", _("Đã gửi")

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="execution_reports"
    )
    issuer_parent = models.CharField(_("cơ quan chủ quản"), max_length=200, blank=True)
    issuer_name = models.CharField(_("cơ quan báo cáo"), max_length=200)
    number = models.CharField(_("số, ký hiệu"), max_length=60, blank=True)
    place = models.CharField(_("địa danh"), max_length=60, default="Hải Phòng")
    dated = models.DateField(_("ngày"))
    addressee = models.CharField(_("kính gửi"), max_length=300)
    subject = models.CharField(_("trích yếu"), max_length=500)
    body = models.TextField(_("nội dung"))
    recipients = models.TextField(_("nơi nhận"), blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=120, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("báo cáo kết quả thực hiện")
        verbose_name_plural = _("báo cáo kết quả thực hiện")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.number or _('Báo cáo')} – {self.subject}"
