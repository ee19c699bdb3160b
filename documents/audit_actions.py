"""The audit actions of papers (registered in ``DocumentsConfig.ready``; see
kernel.audit_actions). The values are the strings already in the audit trail."""

from django.utils.translation import gettext_lazy as _

from kernel.audit_actions import AuditAction


class PaperAction(AuditAction):
    """Writes and reads of papers and their versions (documents/services.py)."""

    UPLOAD = "paper.upload", _("Paper uploaded")
    ADD_VERSION = "paper.add_version", _("Paper's new version added")
    FREEZE = "paper.freeze", _("Paper frozen")
    COMBINE_SCANS = "paper.combine_scans", _("Scans combined into a paper")
    STAMP = "paper.stamp", _("Paper stamped")
    DISCARD = "paper.discard", _("Paper discarded")
    DOWNLOAD = "paper.download", _("Paper downloaded")
    OPEN = "paper.open", _("Paper opened")
