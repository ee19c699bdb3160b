"""The catalogue of categories is kept in the admin; complaints themselves are read there
without the sealed identity (acting on them is the offices' screens', through the services)."""

from django.contrib import admin

from complaints.models import Category, Complaint
from organisation.admin import AuditedAdmin


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ["code", "name_en", "name_ur", "department", "limit_days", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name_en", "name_ur"]


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["tracking_ref", "category", "district", "status", "level", "due_at"]
    list_filter = ["status", "level"]
    fields = ["tracking_ref", "category", "district", "status", "level", "office", "due_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
