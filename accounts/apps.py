from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Signing in: lockout (django-axes), the second factor (django-otp), sessions that end,
    hashed API tokens, and every identity event in the audit trail."""

    name = "accounts"
    verbose_name = _("Sign-in")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts import otp, signals  # noqa: F401  (connects the audit receivers)
        from accounts.audit_actions import IdentityAction
        from kernel import audit_actions

        audit_actions.register(IdentityAction)

        otp.register()  # the user's confirmed second-factor devices, read with the user
