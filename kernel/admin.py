"""The audit trail in Django's admin: read-only, as the trail is append-only."""

from django.contrib import admin

from kernel.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only. The action, never the text: the object's
    description and the before/after values (a note's words, a file's subject) stay out."""

    list_display = ["at", "action", "actor", "post", "object_type", "object_id"]
    list_filter = ["action"]
    list_select_related = ["actor", "post__section__department"]
    search_fields = ["object_id", "action"]
    date_hierarchy = "at"
    fields = ["at", "action", "actor", "post", "object_type", "object_id", "chain", "seq"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
