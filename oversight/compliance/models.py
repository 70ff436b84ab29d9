"""The law as data (versioned rule packs), the findings the engine makes from them, and the
signs of coercion it measures (RULES.md)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    VIOLATION = "violation", _("Vi phạm")
    WARNING = "warning", _("Cảnh báo")
    INFORMATION = "information", _("Thông tin")


class RulePack(models.Model):
    """One version of a city's rules, loaded from a data file (a correction needs no code)."""

    code = models.CharField(_("mã bộ quy tắc"), max_length=40)
    version = models.PositiveIntegerField(_("phiên bản"))
    title = models.CharField(_("tên"), max_length=200)
    # City settings that are data, e.g. {"hours_window": null} until the city's numbers exist.
    settings = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bộ quy tắc")
        verbose_name_plural = _("bộ quy tắc")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_pack_version"),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class Rule(models.Model):
    """A rule of RULES.md: its citation, regime and dates, and the check that decides it
    (empty for inspection-checklist items the data cannot decide)."""

    pack = models.ForeignKey(RulePack, on_delete=models.CASCADE, related_name="rules")
    code = models.CharField(_("mã quy tắc"), max_length=60)
    title = models.CharField(_("tên"), max_length=300)
    explanation = models.TextField(_("giải thích"))
    remedy = models.TextField(_("cách khắc phục"), blank=True)
    citation_document = models.CharField(_("văn bản"), max_length=200)
    citation_article = models.CharField(_("điều"), max_length=40, blank=True)
    citation_clause = models.CharField(_("khoản, điểm"), max_length=40, blank=True)
    regime = models.CharField(_("chế độ"), max_length=30)
    effective_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    severity = models.CharField(_("mức độ"), max_length=12, choices=Severity.choices)
    kinds = models.JSONField(_("loại chương trình"), default=list, blank=True)
    levels = models.JSONField(_("cấp học"), default=list, blank=True)
    categories = models.JSONField(_("lĩnh vực"), default=list, blank=True)
    source = models.CharField(_("nguồn"), max_length=300, blank=True)
    verified = models.BooleanField(_("đã đối chiếu văn bản"), default=False)
    check_name = models.CharField(_("hàm kiểm tra"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("quy tắc")
        verbose_name_plural = _("quy tắc")
        ordering = ["pack", "code"]
        constraints = [
            models.UniqueConstraint(fields=["pack", "code"], name="unique_rule_in_pack"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def citation(self) -> str:
        parts = [self.citation_clause, self.citation_article, self.citation_document]
        return ", ".join(p for p in parts if p)

    @property
    def checklist_only(self) -> bool:
        return not self.check_name

    def in_force(self, day: date) -> bool:
        """Whether the rule applied on `day` (the regime is chosen by the fact's date)."""
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_to is None or day <= self.effective_to
        )


class SignalThreshold(models.Model):
    """A sign of coercion's threshold and weight, tunable by the department (data, not code)."""

    code = models.CharField(_("mã dấu hiệu"), max_length=40, unique=True)
    title = models.CharField(_("tên"), max_length=200)
    threshold = models.FloatField(_("ngưỡng"))
    points = models.PositiveIntegerField(_("điểm rủi ro"))
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("ngưỡng dấu hiệu ép buộc")
        verbose_name_plural = _("ngưỡng dấu hiệu ép buộc")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class FindingQuerySet(models.QuerySet):
    def live(self):
        return self.filter(status__in=Finding.LIVE)


class Finding(models.Model):
    """A rule broken by an object (a programme or an institution) on a date, with the facts."""

    class Status(models.TextChoices):
        OPEN = "open", _("Mới phát hiện")
        ACKNOWLEDGED = "acknowledged", _("Đã tiếp nhận")
        RESOLVED = "resolved", _("Đã khắc phục")
        DISMISSED = "dismissed", _("Đã bác bỏ")

    LIVE = (Status.OPEN, Status.ACKNOWLEDGED)

    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="findings")
    rule_code = models.CharField(_("mã quy tắc"), max_length=60)
    severity = models.CharField(_("mức độ"), max_length=12, choices=Severity.choices)
    # "program:12" or "institution:5": the object the finding is about.
    subject = models.CharField(max_length=40)
    key = models.CharField(max_length=80, blank=True)
    program = models.ForeignKey(
        "programs.Program",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="findings",
    )
    institution = models.ForeignKey(
        "registry.Institution",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="findings",
    )
    unit = models.ForeignKey("registry.Unit", on_delete=models.PROTECT, related_name="findings")
    occurred_on = models.DateField(_("ngày"))
    citation = models.CharField(_("căn cứ"), max_length=300)
    message = models.TextField(_("nội dung"))
    facts = models.JSONField(default=dict)
    remedy = models.TextField(_("cách khắc phục"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=14, choices=Status.choices, default=Status.OPEN
    )
    status_reason = models.CharField(_("lý do"), max_length=500, blank=True)
    override_reason = models.CharField(_("lý do phê duyệt vượt"), max_length=500, blank=True)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("phát hiện")
        verbose_name_plural = _("phát hiện")
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_code", "subject", "key"],
                condition=Q(status__in=["open", "acknowledged"]),
                name="one_live_finding",
            ),
        ]
        indexes = [
            models.Index(fields=["subject", "status"], name="finding_subject_idx"),
            models.Index(fields=["unit", "status", "severity"], name="finding_unit_idx"),
            models.Index(fields=["institution", "status"], name="finding_inst_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_code} {self.subject} {self.key}".strip()


class FindingEvent(models.Model):
    """The history of a finding: opened, acknowledged, resolved, dismissed, overridden."""

    LABELS = {
        "opened": _("Phát hiện"),
        "acknowledge": _("Tiếp nhận"),
        "resolve": _("Đánh dấu đã khắc phục"),
        "resolved": _("Tự đóng: sự việc không còn trong dữ liệu"),
        "dismiss": _("Bác bỏ"),
        "overridden": _("Phê duyệt vượt"),
    }

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.finding_id} {self.action}"

    @property
    def label(self) -> str:
        return str(self.LABELS.get(self.action, self.action))


class RiskSignal(models.Model):
    """A sign of coercion measured on a programme at its last evaluation: the measured value,
    the threshold, the points it adds to the score, and an explanation with the numbers."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="risk_signals"
    )
    institution = models.ForeignKey(
        "registry.Institution",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="risk_signals",
    )
    unit = models.ForeignKey("registry.Unit", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=40)
    value = models.FloatField()
    threshold = models.FloatField()
    points = models.PositiveIntegerField()
    explanation = models.TextField()
    facts = models.JSONField(default=dict)
    measured_at = models.DateTimeField()

    class Meta:
        ordering = ["-points", "code"]
        indexes = [
            models.Index(fields=["institution"], name="signal_inst_idx"),
            models.Index(fields=["unit"], name="signal_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.program_id} {self.code} {self.value}"
