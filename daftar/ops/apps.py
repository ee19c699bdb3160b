from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running Daftar: the scheduler of periodic jobs, the task queue's upkeep, metrics."""

    name = "daftar.ops"
    label = "ops"
    verbose_name = "Operations"
    default_auto_field = "django.db.models.BigAutoField"
