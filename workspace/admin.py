"""Django admin for the desk's records. Subject heads are saved through the organisation's
audited save (``organisation.admin.AuditedAdmin``).

Administrators configure, they do not read: files, receipts and movements are listed only as
far as ``workspace.access`` lets the same person see them on the desk (a superuser holding no
post sees none), and audit rows show who did what to which object, never the text."""

from django.contrib import admin

from organisation.admin import AuditedAdmin
from workspace import access
from workspace.models import File, Movement, Receipt, SubjectHead


@admin.register(SubjectHead)
class SubjectHeadAdmin(AuditedAdmin):
    list_display = ["code", "name_en", "department"]
    list_filter = ["department"]
    list_select_related = ["department"]
    search_fields = ["code", "name_en", "name_ur"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Files, receipts and movements change only through the desk's services (and its
    screens and API); the admin shows them for support, and writes nothing."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(File)
class FileAdmin(ReadOnlyAdmin):
    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=access.visible_files(request.user))

    list_display = [
        "number",
        "subject",
        "status",
        "priority",
        "grading",
        "holding_post",
        "desk_since",
    ]
    list_filter = ["status", "priority", "grading", "department"]
    list_select_related = ["holding_post__section__department"]
    search_fields = ["number"]
    show_full_result_count = False


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    def get_queryset(self, request):
        visible = access.visible_receipts(request.user)
        return super().get_queryset(request).filter(pk__in=visible.values("pk"))

    list_display = ["diary_number", "diary_year", "section", "sender", "status", "holding_post"]
    list_filter = ["status", "section__department"]
    list_select_related = ["section__department", "holding_post__section__department"]
    search_fields = ["sender", "tracking_ref"]
    show_full_result_count = False


@admin.register(Movement)
class MovementAdmin(ReadOnlyAdmin):
    def get_queryset(self, request):
        visible = access.visible_files(request.user).values("pk")
        return super().get_queryset(request).filter(file__in=visible)

    list_display = ["file", "kind", "from_post", "to_post", "by", "at"]
    list_filter = ["kind"]
    list_select_related = [
        "file",
        "from_post__section__department",
        "to_post__section__department",
        "by",
    ]
    show_full_result_count = False
