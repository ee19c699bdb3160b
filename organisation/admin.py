"""Django admin for the organisation: departments, sections, posts, who holds them, and the
territorial offices and holidays. Every save and delete goes through the organisation's
services (``organisation.services``), so the admin is audited like every other way in."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from organisation import services as org
from organisation.models import (
    Department,
    District,
    Division,
    Holding,
    Holiday,
    Post,
    Section,
    Tehsil,
)


class AuditedAdmin(admin.ModelAdmin):
    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            # Keep an untouched copy for the audit row's "before".
            request._daftar_original = type(obj).objects.get(pk=obj.pk)
        return obj

    def save_model(self, request, obj, form, change):
        org.org_save(
            actor=request.user, instance=obj, original=getattr(request, "_daftar_original", None)
        )

    def delete_model(self, request, obj):
        org.org_delete(actor=request.user, instance=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            org.org_delete(actor=request.user, instance=obj)


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ["code", "name_en", "name_ur"]
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # added on the section page, through the service

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ["code", "name_en", "name_ur", "is_live", "live_since"]
    list_filter = ["is_live"]
    search_fields = ["code", "name_en", "name_ur"]
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(AuditedAdmin):
    list_display = ["code", "name_en", "department", "territorial_role", "district"]
    list_filter = ["department", "territorial_role"]
    list_select_related = ["department"]
    search_fields = ["code", "name_en", "name_ur"]


@admin.register(Division)
class DivisionAdmin(AuditedAdmin):
    list_display = ["code", "name_en", "name_ur", "province"]
    search_fields = ["code", "name_en", "name_ur"]


@admin.register(District)
class DistrictAdmin(AuditedAdmin):
    list_display = ["code", "name_en", "name_ur", "division"]
    list_filter = ["division"]
    list_select_related = ["division"]
    search_fields = ["code", "name_en", "name_ur"]


@admin.register(Holiday)
class HolidayAdmin(AuditedAdmin):
    """The public holidays the working-day clock skips (``workspace.time_limits``)."""

    list_display = ["date", "name_en", "name_ur", "province"]
    list_filter = ["province"]
    date_hierarchy = "date"


@admin.register(Tehsil)
class TehsilAdmin(AuditedAdmin):
    list_display = ["name_en", "name_ur", "district"]
    list_select_related = ["district"]
    search_fields = ["name_en", "name_ur"]


@admin.register(Post)
class PostAdmin(AuditedAdmin):
    list_display = ["designation_en", "section", "level", "reports_to", "is_active"]
    list_filter = ["section__department", "level", "is_active"]
    list_select_related = ["section__department", "reports_to__section__department"]
    search_fields = ["designation_en", "designation_ur", "section__code"]
    autocomplete_fields = ["section", "reports_to"]


class HoldingForm(forms.ModelForm):
    class Meta:
        model = Holding
        fields = ["post", "user", "kind", "starts_at", "ends_at"]

    def _get_validation_exclusions(self):
        # Adding a holding to a post that has one is a transfer: the service ends the old one
        # (and validates everything itself), so the "one open holding" constraint is left to it.
        exclude = super()._get_validation_exclusions()
        if self.instance._state.adding:
            exclude.add("kind")
        return exclude


@admin.register(Holding)
class HoldingAdmin(AuditedAdmin):
    form = HoldingForm
    list_display = ["post", "user", "kind", "starts_at", "ends_at"]
    list_filter = ["kind", "post__section__department"]
    list_select_related = ["post__section__department", "user"]
    search_fields = [
        "user__username",
        "user__first_name",
        "user__last_name",
        "post__designation_en",
    ]
    autocomplete_fields = ["post", "user"]
    actions = ["end_now"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            org.holding_assign(
                actor=request.user,
                post=obj.post,
                user=obj.user,
                kind=obj.kind,
                starts_at=obj.starts_at,
            )

    @admin.action(description=_("End the selected holdings now"))
    def end_now(self, request, queryset):
        for holding in queryset.filter(ends_at__isnull=True):
            try:
                org.holding_end(actor=request.user, holding=holding)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{holding}: {exc}", messages.ERROR)
