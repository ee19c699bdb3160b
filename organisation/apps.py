from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "organisation"
    verbose_name = _("Organisation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here, as Django asks of ready(): these modules import models.
        from accounts.policy import register_post_levels
        from kernel import audit_actions
        from organisation.audit_actions import OrganisationAction

        audit_actions.register(OrganisationAction)
        register_post_levels(_post_levels)  # accounts asks who must use a second factor


def _post_levels(user):
    from organisation.models import Holding  # not at the top: apps.py loads before the models

    return Holding.objects.current().filter(user=user).values_list("post__level", flat=True)
