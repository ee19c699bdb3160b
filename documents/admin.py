"""Papers in Django's admin, read only: every write goes through documents.services. Only the
papers the same person could open on the desk (``documents.access.visible_papers``)."""

from django.contrib import admin

from documents import access
from documents.models import Paper, PaperRendition, PaperVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VersionInline(admin.TabularInline):
    model = PaperVersion
    fk_name = "paper"
    fields = ["number", "original_filename", "mime_type", "size", "page_count", "sha256"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Paper)
class PaperAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "created_by", "created_at", "frozen_at"]
    list_filter = ["kind", ("frozen_at", admin.EmptyFieldListFilter)]
    search_fields = ["title"]
    list_select_related = ["created_by"]
    inlines = [VersionInline]

    def get_queryset(self, request):
        visible = access.visible_papers(request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=visible)


class RenditionInline(admin.TabularInline):
    model = PaperRendition
    fields = ["kind", "note", "mime_type", "size", "sha256", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PaperVersion)
class PaperVersionAdmin(ReadOnlyAdmin):
    inlines = [RenditionInline]
    list_display = ["paper", "number", "mime_type", "size", "page_count", "text_status"]
    list_filter = ["mime_type", "text_status"]
    search_fields = ["sha256", "original_filename", "paper__title"]
    list_select_related = ["paper"]

    def get_queryset(self, request):
        visible = access.visible_papers(request.user).values("pk")
        return super().get_queryset(request).filter(paper__in=visible)
