"""The audit actions of signing in (registered in ``AccountsConfig.ready``; see
kernel.audit_actions). The values are the strings already in the audit trail."""

from django.utils.translation import gettext_lazy as _

from kernel.audit_actions import AuditAction


class IdentityAction(AuditAction):
    """Identity events, written through ``accounts.services.record_identity``."""

    SIGNED_IN = "auth.signed_in", _("Signed in")
    SIGN_IN_FAILED = "auth.sign_in_failed", _("Sign-in failed")
    LOCKED_OUT = "auth.locked_out", _("Locked out")
    UNLOCKED = "auth.unlocked", _("Unlocked")
    SECOND_FACTOR_ENROLLED = "auth.second_factor_enrolled", _("Second factor enrolled")
    SECOND_FACTOR_REMOVED = "auth.second_factor_removed", _("Second factor removed")
    TOKEN_CREATED = "auth.token_created", _("API token created")
    TOKEN_REVOKED = "auth.token_revoked", _("API token revoked")
    SIGNED_OUT_EVERYWHERE = "auth.signed_out_everywhere", _("Signed out everywhere")
