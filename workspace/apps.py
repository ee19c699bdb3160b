from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    name = "workspace"
    verbose_name = _("Workspace")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here, as Django asks of ready(): these modules import models.
        from accounts.policy import register_post_levels
        from documents import access as paper_access
        from kernel import audit_actions
        from workspace import (
            checks,  # noqa: F401  (registers system checks)
            time_limits,  # noqa: F401  (forgets the holidays when one changes)
        )
        from workspace.audit_actions import DeskAction, OrganisationAction
        from workspace.paper_rule import RULE

        audit_actions.register(DeskAction, OrganisationAction)
        paper_access.register(RULE)  # documents asks the desk who may see a paper
        register_post_levels(_post_levels)  # accounts asks who must use a second factor


def _post_levels(user):
    from workspace.models import Holding  # not at the top: apps.py loads before the models

    return Holding.objects.current().filter(user=user).values_list("post__level", flat=True)
