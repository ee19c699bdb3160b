"""The department's letter template and standard texts, kept in Django's admin by the
department's administrator; every save and delete goes through ``letters.services``."""

from django.contrib import admin

from letters import services
from letters.models import LetterTemplate, StandardText
from organisation.selectors import my_department_ids


class _ThroughServices(admin.ModelAdmin):
    """Lists and choices of the administrator's own departments (a superuser's: all); the
    service refuses the rest whatever the form sends."""

    def get_queryset(self, request):
        rows = super().get_queryset(request).select_related("department")
        if request.user.is_superuser:
            return rows
        return rows.filter(department_id__in=my_department_ids(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "department" and not request.user.is_superuser:
            field.queryset = field.queryset.filter(pk__in=my_department_ids(request.user))
        return field

    def save_model(self, request, obj, form, change):
        services.setting_save(actor=request.user, instance=obj)

    def delete_model(self, request, obj):
        services.setting_delete(actor=request.user, instance=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.setting_delete(actor=request.user, instance=obj)


@admin.register(LetterTemplate)
class LetterTemplateAdmin(_ThroughServices):
    list_display = ["department", "heading_en", "heading_ur", "updated_at"]
    search_fields = ["department__code", "heading_en", "heading_ur"]
    exclude = ["updated_at"]


@admin.register(StandardText)
class StandardTextAdmin(_ThroughServices):
    list_display = ["title", "title_ur", "department"]
    list_filter = ["department"]
    search_fields = ["title", "title_ur", "text", "text_ur"]
