from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

import search  # the facade only: it imports no models at load


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
        from search import sources as search_sources
        from workspace import (
            checks,  # noqa: F401  (registers system checks)
            time_limits,  # noqa: F401  (forgets the holidays when one changes)
        )
        from workspace.audit_actions import DeskAction, SubjectHeadAction
        from workspace.paper_rule import RULE
        from workspace.search.source import SOURCE
        from workspace.signals import file_changed_in_transaction

        audit_actions.register(DeskAction, SubjectHeadAction)
        paper_access.register(RULE)  # documents asks the desk who may see a paper
        # Search sits below the desk: the desk tells it what to index, who may see it and how
        # a hit is shown, and has its file changes indexed (the job queued in the change's own
        # transaction, or on its commit: ``search.file_changed``).
        search_sources.register(SOURCE)
        file_changed_in_transaction.connect(_file_changed, dispatch_uid="search.file_changed")
        # Subject heads are the desk's (files are opened under them) but kept in the admin
        # through the organisation's audited save, as complaints' categories are.
        ORG_FIELDS["workspace.subjecthead"] = ["department", "code", "name_en", "name_ur"]
        ORG_ACTIONS["workspace.subjecthead"] = RecordActions(
            SubjectHeadAction.SUBJECTHEAD_CREATE,
            SubjectHeadAction.SUBJECTHEAD_CHANGE,
            SubjectHeadAction.SUBJECTHEAD_DELETE,
        )


def _file_changed(sender, file_id, **kwargs):
    # ``search.file_changed`` looked up at call time, so a test may replace it.
    search.file_changed(file_id)
