"""The audit trail in Django's admin: read-only, as the trail is append-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kernel import audit_actions
from kernel.models import AuditEvent


class ActionFilter(admin.SimpleListFilter):
    """Filter by the catalogue's labels (kernel.audit_actions), not the stored codes."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return audit_actions.choices()

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(action=value) if value else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only. The action, never the text: the object's
    description and the before/after values (a note's words, a file's subject) stay out."""

    list_display = ["at", "action_label", "actor", "post", "object_type", "object_id"]
    list_filter = [ActionFilter]
    list_select_related = ["actor", "post__section__department"]
    search_fields = ["object_id", "action"]
    date_hierarchy = "at"
    fields = ["at", "action_label", "actor", "post", "object_type", "object_id", "chain", "seq"]
    readonly_fields = fields

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, event: AuditEvent) -> str:
        """The catalogue's label, with the stored code (what search and exports match)."""
        label = audit_actions.label(event.action)
        return label if label == event.action else f"{label} ({event.action})"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
