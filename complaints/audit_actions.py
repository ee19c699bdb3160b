"""The audit actions of citizens' complaints (registered in ``ComplaintsConfig.ready``; see
kernel.audit_actions). The values are the strings already in the audit trail."""

from django.utils.translation import gettext_lazy as _

from kernel.audit_actions import AuditAction


class ComplaintAction(AuditAction):
    """Complaints (complaints/services.py) and their categories (kept through the
    organisation's audited save)."""

    FILE = "complaint.file", _("Complaint filed")
    LAND = "complaint.land", _("Complaint diarised at its cell")
    ASSIGN = "complaint.assign", _("Complaint assigned")
    MARK = "complaint.mark", _("Complaint marked")
    REQUEST_INFO = "complaint.request_info", _("Information requested from the citizen")
    ANSWER_INFO = "complaint.answer_info", _("Citizen answered a request for information")
    RESOLVE = "complaint.resolve", _("Complaint resolved")
    REVEAL_IDENTITY = "complaint.reveal_identity", _("Complainant's identity revealed")
    FEEDBACK = "complaint.feedback", _("Citizen's feedback recorded")
    ESCALATE = "complaint.escalate", _("Complaint escalated")
    CLOSE_UNANSWERED = "complaint.close_unanswered", _("Complaint closed unanswered")
    CATEGORY_CREATE = "category.create", _("Complaint category created")
    CATEGORY_CHANGE = "category.change", _("Complaint category changed")
    CATEGORY_DELETE = "category.delete", _("Complaint category deleted")
