"""What Django's admin lists beyond Daftar's own apps (called from ``daftar/urls.py``, once
every app has registered its models).

Django's admin is for the organisation, holdings, users and settings. Libraries register
more: Viewflow's processes and tasks (with actions that would move files behind the desk's
services), Wagtail's images and documents and taggit's tags (kept in Wagtail's own admin at
/cms/), DRF's tokens (whose list shows every user's token key) and django-tasks' results
(whose arguments, return values and tracebacks may carry what a task worked on). Viewflow,
Wagtail and taggit are taken off; tokens and task results are listed without their secrets.
"""

from __future__ import annotations

from django.contrib import admin

UNLISTED = [
    ("viewflow", "Process"),
    ("viewflow", "Task"),
    ("wagtaildocs", "Document"),
    ("wagtailimages", "Image"),
    ("taggit", "Tag"),
]


class TokenAdmin(admin.ModelAdmin):
    """Who has a token and since when; never the key (it signs in as its user)."""

    list_display = ["user", "created"]
    # A token's primary key is its key: no link or checkbox may carry it onto the page.
    list_display_links = None
    actions = None
    fields = ["user", "created"]
    readonly_fields = fields
    search_fields = ["user__username"]

    def has_add_permission(self, request):
        return False  # a new token's key would be shown on the page

    def has_change_permission(self, request, obj=None):
        return False


class TaskResultAdmin(admin.ModelAdmin):
    """Background tasks for the operator: which, when, how it ended — not their arguments,
    return values or tracebacks."""

    list_display = ["task_path", "status", "enqueued_at", "started_at", "finished_at"]
    list_filter = ["status", "queue_name"]
    fields = [
        "task_path",
        "status",
        "queue_name",
        "priority",
        "enqueued_at",
        "started_at",
        "finished_at",
        "exception_class_path",
    ]
    readonly_fields = fields
    ordering = ["-enqueued_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


_done = False


def configure(site=admin.site) -> None:
    global _done
    if _done:
        return
    from django.apps import apps

    for app_label, model_name in UNLISTED:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        if site.is_registered(model):
            site.unregister(model)
    replacements = [("authtoken", "TokenProxy", TokenAdmin)]
    replacements.append(("django_tasks_database", "DBTaskResult", TaskResultAdmin))
    for app_label, model_name, model_admin in replacements:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        if site.is_registered(model):
            site.unregister(model)
        site.register(model, model_admin)
    _done = True
