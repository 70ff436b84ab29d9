"""Complaints from the public and the hotline, their handling, and hotspot alerts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    COERCED_TO_JOIN = "coerced_to_join", _("Ép buộc tham gia")
    TEACHER_PRESSURE = "teacher_pressure", _("Giáo viên, giáo viên chủ nhiệm gây áp lực")
    FEES = "fees", _("Thu tiền sai quy định, thu kèm, thu trước, thu qua ban đại diện")
    TEACHING_AHEAD = "teaching_ahead", _("Dạy trước chương trình, kiểm tra bằng nội dung học thêm")
    LINKAGE_IN_OFFICIAL_HOURS = "linkage_in_official_hours", _("Liên kết trong giờ chính khóa")
    NO_ALTERNATIVE = "no_alternative", _("Không bố trí hoạt động cho học sinh không tham gia")
    RETALIATION = "retaliation", _("Trù dập sau khi từ chối hoặc phản ánh")
    OTHER = "other", _("Khác")


# Categories severe enough to go to the department whoever manages the school.
SEVERE_CATEGORIES = frozenset({Category.RETALIATION})


class Source(models.TextChoices):
    WEB = "web", _("Biểu mẫu trực tuyến")
    HOTLINE = "hotline", _("Đường dây nóng")
    PRESS = "press", _("Báo chí")
    INSPECTION = "inspection", _("Thanh tra, kiểm tra")
    OTHER = "other", _("Khác")


class Status(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận")
    ACCEPTED = "accepted", _("Đã thụ lý")
    REJECTED = "rejected", _("Không thụ lý")
    VERIFYING = "verifying", _("Đang xác minh")
    CONCLUDED = "concluded", _("Đã có kết luận")
    CLOSED = "closed", _("Đã đóng")


OPEN_STATUSES = (Status.RECEIVED, Status.ACCEPTED, Status.VERIFYING, Status.CONCLUDED)


class Outcome(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("Đúng")
    PARTLY = "partly", _("Đúng một phần")
    NOT_SUBSTANTIATED = "not_substantiated", _("Không đúng")


class ComplaintQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class Complaint(models.Model):
    """One complaint about one school. The reporter's identity (name, phone) is kept only when
    they chose not to stay anonymous, and is read only through `services.reveal_identity`."""

    tracking_code = models.CharField(_("mã theo dõi"), max_length=12, unique=True)
    # HMAC of the reporter's secret; the secret itself is shown once and never stored.
    secret_hash = models.CharField(max_length=64)
    institution = models.ForeignKey(
        "registry.Institution",
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("cơ sở giáo dục"),
    )
    program = models.ForeignKey(
        "programs.Program",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
        verbose_name=_("chương trình"),
    )
    category = models.CharField(_("nội dung phản ánh"), max_length=40, choices=Category.choices)
    description = models.TextField(_("mô tả"))
    source = models.CharField(_("nguồn"), max_length=20, choices=Source.choices)
    anonymous = models.BooleanField(_("ẩn danh"), default=True)
    reporter_name = models.CharField(_("họ và tên người phản ánh"), max_length=120, blank=True)
    reporter_phone = models.CharField(_("điện thoại người phản ánh"), max_length=20, blank=True)
    # Keyed hashes, never the raw values: the network (for rate limits) and the reporter (the
    # phone if given, else the network) for linking a resubmission to its first case.
    origin_hash = models.CharField(max_length=64, blank=True, db_index=True)
    reporter_hash = models.CharField(max_length=64, blank=True)
    names_principal = models.BooleanField(_("liên quan đến hiệu trưởng"), default=False)
    handling_agency = models.ForeignKey(
        "registry.Agency",
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("cơ quan xử lý"),
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handled_complaints",
        verbose_name=_("cán bộ xử lý"),
    )
    escalated = models.BooleanField(_("đã chuyển lên Sở"), default=False)
    escalation_reason = models.CharField(_("lý do chuyển"), max_length=300, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    held_for_moderation = models.BooleanField(_("chờ kiểm duyệt"), default=False)
    rejection_reason = models.CharField(_("lý do không thụ lý"), max_length=500, blank=True)
    outcome = models.CharField(_("kết luận"), max_length=20, choices=Outcome.choices, blank=True)
    conclusion = models.TextField(_("nội dung kết luận"), blank=True)
    due_on = models.DateField(_("hạn xử lý"), null=True, blank=True)
    reminded_for_due_on = models.DateField(null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resubmissions",
        verbose_name=_("gửi lại của"),
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What the handling officer linked the case to (issue 6): a finding of the compliance
    # engine, and later the inspection that checked it.
    finding = models.ForeignKey(
        "compliance.Finding",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
        verbose_name=_("phát hiện liên quan"),
    )
    inspection = models.ForeignKey(
        "inspections.Inspection",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
        verbose_name=_("đợt kiểm tra liên quan"),
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("phản ánh")
        verbose_name_plural = _("phản ánh")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(reporter_name="", reporter_phone=""),
                name="complaint_anonymous_has_no_identity",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="complaint_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["concluded", "closed"]) | ~Q(outcome=""),
                name="complaint_concluded_has_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["handling_agency", "status"], name="complaint_agency_status_idx"),
            models.Index(fields=["institution", "created_at"], name="complaint_inst_created_idx"),
            models.Index(fields=["status", "due_on"], name="complaint_status_due_idx"),
            models.Index(fields=["origin_hash", "created_at"], name="complaint_origin_idx"),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def display_code(self) -> str:
        return f"{self.tracking_code[:4]}-{self.tracking_code[4:]}"


class ComplaintEvent(models.Model):
    """The history of a case: each step, who took it, and a note. `public` steps are shown on
    the tracking page."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Tiếp nhận")
        HELD = "held", _("Giữ lại để kiểm duyệt")
        RELEASED = "released", _("Đã kiểm duyệt")
        RESUBMITTED = "resubmitted", _("Người phản ánh gửi lại")
        ACCEPTED = "accepted", _("Thụ lý")
        REJECTED = "rejected", _("Không thụ lý")
        VERIFYING = "verifying", _("Bắt đầu xác minh")
        CONCLUDED = "concluded", _("Kết luận")
        CLOSED = "closed", _("Đóng")
        ESCALATED = "escalated", _("Chuyển lên Sở")
        REMINDED = "reminded", _("Nhắc hạn")
        INFO_ADDED = "info_added", _("Người phản ánh bổ sung")
        REPLIED = "replied", _("Trả lời")
        NOTE = "note", _("Ghi chú nội bộ")
        LINKED = "linked", _("Liên kết chương trình")
        LINKED_FINDING = "linked_finding", _("Liên kết phát hiện")
        LINKED_INSPECTION = "linked_inspection", _("Liên kết đợt kiểm tra")
        EXPLANATION_REQUESTED = "explanation_requested", _("Yêu cầu nhà trường giải trình")
        EXPLAINED = "explained", _("Nhà trường giải trình")
        IDENTITY_VIEWED = "identity_viewed", _("Xem danh tính người phản ánh")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    public = models.BooleanField(default=False)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint} {self.kind}"


class Reply(models.Model):
    """A message on a case: a public reply to the reporter, an internal note between officers,
    or information the reporter added later with the tracking code."""

    class Kind(models.TextChoices):
        PUBLIC = "public", _("Trả lời người phản ánh")
        INTERNAL = "internal", _("Ghi chú nội bộ")
        REPORTER = "reporter", _("Người phản ánh bổ sung")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="replies")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    body = models.TextField(_("nội dung"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["complaint", "kind"], name="reply_complaint_kind_idx")]

    def __str__(self) -> str:
        return f"{self.complaint} {self.kind}"


class Attachment(models.Model):
    """A photo or PDF sent with a complaint, checked by its content and stored with its
    metadata (photo location, camera) removed."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="complaints/%Y/%m/")
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint} {self.content_type}"


class ExplanationRequest(models.Model):
    """The handling authority asks the school to explain one point. The school sees only the
    question it is asked, never the complaint or who sent it."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="explanation_requests"
    )
    question = models.TextField(_("nội dung cần giải trình"))
    answer = models.TextField(_("giải trình"), blank=True)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    asked_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.complaint} – {self.question[:40]}"


class Hotspot(models.Model):
    """A place (a school or a commune) where weighted complaints in the recent window rose
    above its own baseline and the city's average. One open alert per place."""

    class Scope(models.TextChoices):
        INSTITUTION = "institution", _("Cơ sở giáo dục")
        COMMUNE = "commune", _("Xã/phường")

    class State(models.TextChoices):
        WATCH = "watch", _("Theo dõi")
        ACTIVE = "active", _("Điểm nóng")
        RESOLVED = "resolved", _("Đã xử lý")

    scope = models.CharField(_("phạm vi"), max_length=20, choices=Scope.choices)
    institution = models.ForeignKey(
        "registry.Institution",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="hotspots",
    )
    unit = models.ForeignKey(
        "registry.Unit", on_delete=models.PROTECT, related_name="hotspots"
    )  # the commune (for a school, the commune it stands in)
    state = models.CharField(_("mức"), max_length=10, choices=State.choices)
    weight = models.FloatField(_("trọng số phản ánh trong kỳ"))
    baseline = models.FloatField(_("mức nền của nơi này"))
    city_average = models.FloatField(_("mức bình quân thành phố"))
    reasons = models.JSONField(default=list)
    evidence = models.JSONField(default=list)  # ids of the complaints in the window
    raised_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("điểm nóng")
        verbose_name_plural = _("điểm nóng")
        ordering = ["-weight", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution"],
                condition=Q(scope="institution") & ~Q(state="resolved"),
                name="one_open_hotspot_per_school",
            ),
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(scope="commune") & ~Q(state="resolved"),
                name="one_open_hotspot_per_commune",
            ),
            models.CheckConstraint(
                condition=Q(scope="commune", institution__isnull=True)
                | Q(scope="institution", institution__isnull=False),
                name="hotspot_scope_matches_place",
            ),
        ]
        indexes = [models.Index(fields=["state", "unit"], name="hotspot_state_unit_idx")]

    def __str__(self) -> str:
        return f"{self.get_state_display()}: {self.institution or self.unit}"
