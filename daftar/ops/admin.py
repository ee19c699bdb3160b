from django.contrib import admin

from daftar.ops.models import JobRun


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    """Runs of the periodic jobs: read only (the scheduler writes them)."""

    list_display = ["job", "slot", "state", "runner", "started_at", "finished_at"]
    list_filter = ["job", "state"]
    readonly_fields = [f.name for f in JobRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
