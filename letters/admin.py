"""The department's letter template and standard texts, kept in Django's admin by the
department's administrator; every save and delete goes through ``letters.services``."""

from django.contrib import admin

from letters import services
from letters.models import LetterTemplate, StandardText


class _ThroughServices(admin.ModelAdmin):
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
