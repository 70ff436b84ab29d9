from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One write (or one read of a child's record): who, what, on which object, when, from where.

    Rows are only ever added, by `audit.services.record_event`; nothing edits or deletes them.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    action = models.CharField(_("hành động"), max_length=80)
    target_type = models.CharField(_("loại đối tượng"), max_length=80, blank=True)
    target_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    target_repr = models.CharField(_("đối tượng"), max_length=300, blank=True)
    data = models.JSONField(_("chi tiết"), default=dict, blank=True)
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ mạng"), null=True, blank=True)
    user_agent = models.CharField(_("trình duyệt"), max_length=300, blank=True)
    via = models.CharField(_("kênh"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("nhật ký")
        verbose_name_plural = _("nhật ký")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "-at"], name="audit_target_idx")
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"
