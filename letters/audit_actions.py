"""The audit actions of letters (registered in ``LettersConfig.ready``; see
kernel.audit_actions). The values are the strings already in the audit trail."""

from django.utils.translation import gettext_lazy as _

from kernel.audit_actions import AuditAction


class LetterAction(AuditAction):
    """Signing and sending letters, and the department's letter settings (letters/services.py)."""

    SIGN = "letter.sign", _("Letter signed")
    EMAIL = "letter.email", _("Letter emailed")
    TEMPLATE_CREATE = "lettertemplate.create", _("Letter template created")
    TEMPLATE_CHANGE = "lettertemplate.change", _("Letter template changed")
    TEMPLATE_DELETE = "lettertemplate.delete", _("Letter template deleted")
    STANDARD_TEXT_CREATE = "standardtext.create", _("Standard text created")
    STANDARD_TEXT_CHANGE = "standardtext.change", _("Standard text changed")
    STANDARD_TEXT_DELETE = "standardtext.delete", _("Standard text deleted")
    STANDARD_TEXT_INSERT = "standardtext.insert", _("Standard text inserted in a draft")
