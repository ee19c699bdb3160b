from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "complaints"
    verbose_name = _("Citizens' complaints")

    def ready(self):
        from complaints.audit_actions import ComplaintAction
        from complaints.models import PORTAL_USERNAME
        from complaints.views import open_from_tracking_page
        from kernel import audit_actions
        from kernel.audit_actions import RecordActions
        from organisation.services import ORG_ACTIONS, ORG_FIELDS
        from portal_pages.track import register_other_matters
        from workspace.services import receipts

        audit_actions.register(ComplaintAction)
        # A complaint's number typed into the public site's tracking page finds it.
        register_other_matters(open_from_tracking_page)
        # A filed complaint lands as a receipt at its office's complaint cell, sent by the
        # portal's service account (complaints.landing).
        receipts.register_sender(PORTAL_USERNAME)

        # The categories' catalogue is kept in the admin through the organisation's audited
        # save (organisation.admin.AuditedAdmin).
        ORG_FIELDS["complaints.category"] = [
            "code",
            "name_en",
            "name_ur",
            "department",
            "limit_days",
            "is_active",
        ]
        ORG_ACTIONS["complaints.category"] = RecordActions(
            ComplaintAction.CATEGORY_CREATE,
            ComplaintAction.CATEGORY_CHANGE,
            ComplaintAction.CATEGORY_DELETE,
        )
