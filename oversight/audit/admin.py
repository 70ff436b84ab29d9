from django.contrib import admin

from oversight.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is only ever appended to, by audit.services.record_event."""

    list_display = ("at", "actor", "action", "target_repr", "via", "ip_address")
    list_filter = ("via",)
    search_fields = ("action", "target_repr", "target_id", "actor__username")
    list_select_related = ("actor",)
    show_full_result_count = False
    fields = (
        "at",
        "actor",
        "action",
        "target_type",
        "target_id",
        "target_repr",
        "data",
        "ip_address",
        "user_agent",
        "via",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
