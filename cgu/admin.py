"""Django admin for the CGU's registry. Saves go through the registry services (audited, CGU
officers of Section Officer level and above); returns, reminders and reports are read-only
here — they change only through the review services."""

from django.contrib import admin

from cgu import access, services
from cgu.models import (
    KpiDefinition,
    KpiReturn,
    PerformanceReport,
    PublicSectorEntity,
    Reminder,
    ReportingPeriod,
)


class RegistryAdmin(admin.ModelAdmin):
    save_service = None

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            request._cgu_original = type(obj).objects.get(pk=obj.pk)
        return obj

    def save_model(self, request, obj, form, change):
        type(self).save_service(
            actor=request.user, instance=obj, original=getattr(request, "_cgu_original", None)
        )

    # Only those the service lets keep the registry may edit it here; others only look.
    def has_add_permission(self, request):
        return access.may_review(request.user)

    def has_change_permission(self, request, obj=None):
        return access.may_review(request.user)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or access.is_cgu_staff(request.user)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # entities become inactive; KPIs stop being used; nothing is deleted


@admin.register(PublicSectorEntity)
class EntityAdmin(RegistryAdmin):
    save_service = staticmethod(services.entity_save)
    list_display = ["code", "name_en", "type", "department", "is_active"]
    list_filter = ["type", "department", "is_active"]
    search_fields = ["code", "name_en", "name_ur"]
    raw_id_fields = ["monitoring_file"]


@admin.register(KpiDefinition)
class KpiAdmin(RegistryAdmin):
    save_service = staticmethod(services.kpi_save)
    list_display = ["code", "name_en", "unit", "category", "is_required", "min_value", "max_value"]
    list_filter = ["category", "unit", "is_active"]


@admin.register(ReportingPeriod)
class PeriodAdmin(RegistryAdmin):
    save_service = staticmethod(services.period_save)
    list_display = ["code", "kind", "starts_on", "ends_on", "deadline"]
    list_filter = ["kind"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or access.is_cgu_staff(request.user)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(KpiReturn)
class ReturnAdmin(ReadOnlyAdmin):
    """CGU staff see every return, as on their screens; anyone else only what the public
    site shows (published returns)."""

    def get_queryset(self, request):
        returns = super().get_queryset(request)
        if access.is_cgu_staff(request.user):
            return returns
        return returns.filter(is_published=True)

    def get_exclude(self, request, obj=None):
        # The review's reasons and the original paper are the CGU's working papers.
        return [] if access.is_cgu_staff(request.user) else ["reasons", "paper"]

    list_display = ["entity", "period", "version", "status", "is_published", "received_on"]
    list_filter = ["status", "is_published", "period"]
    search_fields = ["entity__code", "entity__name_en"]
    list_select_related = ["entity", "period"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    """The CGU's own correspondence with the entities: CGU staff only."""

    def get_queryset(self, request):
        reminders = super().get_queryset(request)
        return reminders if access.is_cgu_staff(request.user) else reminders.none()

    list_display = ["entity", "period", "email", "reason", "delivery", "created_at"]
    list_filter = ["delivery", "period"]
    list_select_related = ["entity", "period"]


@admin.register(PerformanceReport)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["period", "generated_at", "generated_by", "entities_reported", "size"]
    list_select_related = ["period", "generated_by"]
