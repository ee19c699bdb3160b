from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running Daftar: the scheduler of periodic jobs, the task queue's upkeep, metrics."""

    name = "daftar.ops"
    label = "ops"
    verbose_name = "Operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.backends.signals import connection_created

        from daftar.observability import install_slow_query_logger

        connection_created.connect(install_slow_query_logger, dispatch_uid="daftar-slow-queries")
