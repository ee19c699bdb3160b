from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "complaints"
    verbose_name = _("Citizens' complaints")

    def ready(self):
        from workspace.services.organisation import ORG_FIELDS

        # The categories' catalogue is kept in the admin through the organisation's audited
        # save (workspace.admin.AuditedAdmin).
        ORG_FIELDS["complaints.category"] = [
            "code",
            "name_en",
            "name_ur",
            "department",
            "limit_days",
            "is_active",
        ]
