from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    name = "workspace"
    verbose_name = _("Workspace")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from kernel import audit_actions
        from workspace import checks  # noqa: F401  (registers system checks)
        from workspace.audit_actions import DeskAction, OrganisationAction

        audit_actions.register(DeskAction, OrganisationAction)
