"""The admin is for superusers only; every change that matters goes through accounts.services."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from oversight.accounts import services
from oversight.accounts.models import ApiToken, RoleAssignment, User


def _superuser_only(request) -> bool:
    return request.user.is_active and request.user.is_superuser


def _login(request, extra_context=None):
    """Sign in through the site's own page (axes lockout, two-factor), never the admin's."""
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


admin.site.has_permission = _superuser_only
admin.site.login = _login
admin.site.site_header = _("Quản trị hệ thống giám sát dạy thêm")
admin.site.site_title = _("Quản trị hệ thống")
admin.site.index_title = _("Quản trị")


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta(auth_forms.UserChangeForm.Meta):
        model = User


class UserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta(auth_forms.AdminUserCreationForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ("username", "full_name", "email", "is_active", "is_superuser", "last_login")
    search_fields = ("username", "full_name", "email", "phone")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("full_name", "email", "phone")}),
        (_("Quyền"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")

    def has_delete_permission(self, request, obj=None):
        # The audit trail refers to users; accounts are deactivated, never deleted.
        return False

    def save_model(self, request, obj, form, change):
        services.save_user(user=obj, changed=form.changed_data, by=request.user)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            services.record_password_set(user=self.get_object(request, id), by=request.user)
        return response


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ("user", "role", "unit", "agency", "institution")

    def clean(self):
        data = super().clean()
        if sum(data.get(f) is not None for f in ("unit", "agency", "institution")) != 1:
            # On a field, so the model's own (English) constraint message is not added too.
            self.add_error(
                "unit",
                _("Chọn đúng một phạm vi: một địa bàn, một cơ quan hoặc một cơ sở giáo dục."),
            )
        return data


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    """Assignments are added and revoked, never edited or deleted, so their history stays."""

    form = RoleAssignmentForm
    list_display = ("user", "role", "scope", "created_at", "revoked_at")
    list_filter = ("role", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("user__username", "user__full_name")
    list_select_related = ("user", "unit", "agency", "institution")
    readonly_fields = ("created_at", "revoked_at")
    actions = ("revoke",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        d = form.cleaned_data
        assignment = services.assign_role(
            user=d["user"],
            role=d["role"],
            by=request.user,
            unit=d["unit"],
            agency=d["agency"],
            institution=d["institution"],
        )
        obj.pk, obj.created_at = assignment.pk, assignment.created_at

    @admin.action(description=_("Thu hồi các phân quyền đã chọn"))
    def revoke(self, request, queryset):
        active = list(queryset.filter(revoked_at__isnull=True).select_related("user"))
        for assignment in active:
            services.revoke_role(assignment=assignment, by=request.user)
        msg = ngettext("Đã thu hồi %(n)d phân quyền.", "Đã thu hồi %(n)d phân quyền.", len(active))
        self.message_user(request, msg % {"n": len(active)}, messages.SUCCESS)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only; the key is never stored, and its hash is not shown either."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("name", "prefix", "user__username")
    list_select_related = ("user",)
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ("revoke",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Thu hồi các mã truy cập đã chọn"))
    def revoke(self, request, queryset):
        live = list(queryset.filter(revoked_at__isnull=True))
        for token in live:
            services.revoke_token(token=token, by=request.user)
        msg = ngettext("Đã thu hồi %(n)d mã truy cập.", "Đã thu hồi %(n)d mã truy cập.", len(live))
        self.message_user(request, msg % {"n": len(live)}, messages.SUCCESS)
