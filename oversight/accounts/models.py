from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=120, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    CITY_VIEWER = "city_viewer", _("Lãnh đạo UBND thành phố (xem)")
    DEPARTMENT_ADMIN = "department_admin", _("Quản trị Sở GDĐT")
    DEPARTMENT_OFFICER = "department_officer", _("Chuyên viên Sở GDĐT")
    INSPECTOR = "inspector", _("Thanh tra")
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ UBND xã/phường")
    PRINCIPAL = "principal", _("Hiệu trưởng")
    SCHOOL_STAFF = "school_staff", _("Cán bộ nhà trường")
    TEACHER = "teacher", _("Giáo viên")
    PARTNER_STAFF = "partner_staff", _("Nhân viên đơn vị liên kết")
    GUARDIAN = "guardian", _("Cha mẹ học sinh")


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class RoleAssignment(models.Model):
    """A role held over a scope: a unit (the city, a commune), an agency or an institution.

    It covers what lies beneath the scope. Exactly one scope column is set.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("vai trò"), max_length=30, choices=Role.choices)
    unit = models.ForeignKey(
        "registry.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("địa bàn"),
    )
    agency = models.ForeignKey(
        "registry.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cơ quan"),
    )
    institution = models.ForeignKey(
        "registry.Institution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cơ sở giáo dục"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(unit__isnull=False, agency__isnull=True, institution__isnull=True)
                    | Q(unit__isnull=True, agency__isnull=False, institution__isnull=True)
                    | Q(unit__isnull=True, agency__isnull=True, institution__isnull=False)
                ),
                name="role_has_exactly_one_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.scope}"

    @property
    def scope(self):
        return self.unit or self.agency or self.institution

    @property
    def scope_type(self) -> str:
        if self.unit is not None:
            return "city" if self.unit.kind == "city" else "unit"
        return "agency" if self.agency_id else "institution"


class ApiToken(models.Model):
    """A bearer token for integrations. Only its SHA-256 is stored; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên"), max_length=100)
    prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class PhoneCode(models.Model):
    """A one-time sign-in code sent by SMS to a guardian's phone. Only its hash is kept."""

    phone = models.CharField(max_length=20, db_index=True)
    code_hash = models.CharField(max_length=64)
    # A hash of the requesting network, for the per-network limit (never the raw address).
    origin_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.phone} {self.created_at:%Y-%m-%d %H:%M}"
