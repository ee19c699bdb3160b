from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    name = "workspace"
    verbose_name = _("Workspace")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here, as Django asks of ready(): these modules import models.
        from documents import access as paper_access
        from kernel import audit_actions
        from kernel.audit_actions import RecordActions
        from organisation.services import ORG_ACTIONS, ORG_FIELDS
        from workspace import (
            checks,  # noqa: F401  (registers system checks)
            time_limits,  # noqa: F401  (forgets the holidays when one changes)
        )
        from workspace.audit_actions import DeskAction, SubjectHeadAction
        from workspace.paper_rule import RULE

        audit_actions.register(DeskAction, SubjectHeadAction)
        paper_access.register(RULE)  # documents asks the desk who may see a paper
        # Subject heads are the desk's (files are opened under them) but kept in the admin
        # through the organisation's audited save, as complaints' categories are.
        ORG_FIELDS["workspace.subjecthead"] = ["department", "code", "name_en", "name_ur"]
        ORG_ACTIONS["workspace.subjecthead"] = RecordActions(
            SubjectHeadAction.SUBJECTHEAD_CREATE,
            SubjectHeadAction.SUBJECTHEAD_CHANGE,
            SubjectHeadAction.SUBJECTHEAD_DELETE,
        )
