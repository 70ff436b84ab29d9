"""Enrolment by the family's free choice: the consent ledger, enrolments and fee records.

The ledger is append-only. Each decision (granted, declined, withdrawn) is a new
`ConsentEntry`, chained to the previous entry of its partition (one partition per school or
facility, so schools never wait on each other) by a keyed hash; `LedgerHead` holds each
partition's last link and is the row writers lock. `LedgerAnchor` periodically seals every
head into one digest, so even the removal of a partition's latest entries is noticed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from oversight.programs.models import DisclosureVersion, Program
from oversight.registry.models import Guardian, Student


class Decision(models.TextChoices):
    GRANTED = "granted", _("Đồng ý tham gia")
    DECLINED = "declined", _("Không tham gia")
    WITHDRAWN = "withdrawn", _("Rút khỏi chương trình")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Phụ huynh tự đăng ký trên cổng")
    PAPER = "paper", _("Đơn giấy (mẫu 01) do nhà trường nhập")
    STAFF = "staff", _("Nhà trường ghi nhận theo yêu cầu của phụ huynh")


class LedgerProtected(Exception):
    """Raised on any attempt to change or delete a ledger entry through the ORM."""


class ConsentEntry(models.Model):
    # Every entry updates each index of this table: the composite indexes below lead with the
    # student and the programme, so those keys need none of their own, and the unique codes
    # are constraints (PostgreSQL adds no second, pattern-matching index for them).
    partition = models.CharField(max_length=20)
    seq = models.PositiveBigIntegerField()
    student = models.ForeignKey(
        Student, on_delete=models.PROTECT, related_name="consents", db_index=False
    )
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="consents", db_index=False
    )
    disclosure = models.ForeignKey(
        DisclosureVersion,
        null=True,
        on_delete=models.PROTECT,
        related_name="consents",
        verbose_name=_("phiên bản công khai"),
    )
    decision = models.CharField(_("quyết định"), max_length=10, choices=Decision.choices)
    channel = models.CharField(_("hình thức"), max_length=10, choices=Channel.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    guardian = models.ForeignKey(
        Guardian, null=True, on_delete=models.PROTECT, related_name="consents"
    )
    relation = models.CharField(_("quan hệ với học sinh"), max_length=20, blank=True)
    # Null when the child is under 7 (no confirmation is asked); otherwise whether they agreed.
    child_confirmed = models.BooleanField(_("học sinh đồng ý"), null=True)
    device_hash = models.CharField(max_length=64, blank=True)
    scan = models.FileField(upload_to="consents/%Y/%m/", blank=True)
    scan_sha256 = models.CharField(max_length=64, blank=True)
    # A guardian's confirmation of a paper application points at the staff-entered entry.
    confirms = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="confirmations"
    )
    receipt_code = models.CharField(_("mã biên nhận"), max_length=12)
    created_at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("quyết định tham gia")
        verbose_name_plural = _("sổ đồng ý tham gia")
        ordering = ["partition", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["partition", "seq"], name="unique_ledger_position"),
            models.UniqueConstraint(fields=["receipt_code"], name="unique_receipt_code"),
            models.UniqueConstraint(fields=["hash"], name="unique_entry_hash"),
        ]
        indexes = [
            models.Index(fields=["student", "program", "-seq"], name="consent_latest_idx"),
            models.Index(fields=["program", "-seq"], name="consent_program_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_code} {self.decision}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None and not kwargs.get("force_insert"):
            raise LedgerProtected("consent entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise LedgerProtected("consent entries are never deleted")

    @property
    def staff_entered(self) -> bool:
        return self.channel != Channel.PORTAL


class LedgerHead(models.Model):
    """The last link of one partition's chain; writers lock this row."""

    partition = models.CharField(max_length=20, unique=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.partition}#{self.seq}"


class LedgerAnchor(models.Model):
    """Every partition's head at one moment, sealed by one keyed digest."""

    created_at = models.DateTimeField()
    heads = models.JSONField()
    digest = models.CharField(max_length=64)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.digest[:12]}"


class EnrollmentQuerySet(models.QuerySet):
    def current(self):
        return self.filter(status__in=Enrollment.LIVE)

    def on_roster(self):
        """Who attends the next session: active, and the programme is running."""
        return self.filter(status=Enrollment.Status.ACTIVE, program__status=Program.Status.APPROVED)


class Enrollment(models.Model):
    """A student's place in a programme, which exists only on the strength of a grant."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Đang học")
        WAITLISTED = "waitlisted", _("Danh sách chờ")
        PAUSED = "paused", _("Tạm dừng, chờ phụ huynh xác nhận lại")
        ENDED = "ended", _("Đã kết thúc")

    class EndReason(models.TextChoices):
        WITHDRAWN = "withdrawn", _("Phụ huynh rút")
        PROGRAM_SUSPENDED = "program_suspended", _("Chương trình bị tạm dừng")
        PROGRAM_CLOSED = "program_closed", _("Chương trình kết thúc")

    LIVE = (Status.ACTIVE, Status.WAITLISTED, Status.PAUSED)

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="enrollments")
    # Looked up through enrollment_program_idx (programme, status).
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="enrollments", db_index=False
    )
    grant = models.ForeignKey(ConsentEntry, on_delete=models.PROTECT, related_name="enrollments")
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("ghi danh")
        verbose_name_plural = _("ghi danh")
        ordering = ["started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "program"],
                condition=Q(status__in=["active", "waitlisted", "paused"]),
                name="one_live_enrollment",
            ),
        ]
        indexes = [models.Index(fields=["program", "status"], name="enrollment_program_idx")]

    def __str__(self) -> str:
        return f"{self.student_id} → {self.program_id} ({self.status})"


class FeeRecord(models.Model):
    """What was billed and collected from one family for one period, and what was refunded."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="fee_records")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="fee_records")
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    billed = models.PositiveBigIntegerField(_("số phải thu (đồng)"))
    collected = models.PositiveBigIntegerField(_("số đã thu (đồng)"), default=0)
    collected_on = models.DateField(_("ngày thu"), null=True, blank=True)
    receipt_number = models.CharField(_("số biên lai"), max_length=40, blank=True)
    refund_due = models.PositiveBigIntegerField(_("số phải hoàn (đồng)"), default=0)
    refunded = models.PositiveBigIntegerField(_("số đã hoàn (đồng)"), default=0)
    refund_reason = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("khoản thu")
        verbose_name_plural = _("khoản thu")
        ordering = ["program", "student", "period_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="fee_period_order"
            ),
            models.CheckConstraint(
                condition=Q(refunded__lte=models.F("collected")), name="fee_refund_le_collected"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} {self.period_start}–{self.period_end}"
