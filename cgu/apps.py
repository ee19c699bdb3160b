from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CguConfig(AppConfig):
    name = "cgu"
    verbose_name = _("Corporate Governance Unit")
    default_auto_field = "django.db.models.BigAutoField"
