"""The desk's audit actions (registered in ``WorkspaceConfig.ready``; see kernel.audit_actions).

The values are the strings already in the audit trail: do not change them."""

from django.utils.translation import gettext_lazy as _

from kernel.audit_actions import AuditAction


class DeskAction(AuditAction):
    """Work on files, receipts, notes and drafts (workspace/services)."""

    RECEIPT_DIARISE = "receipt.diarise", _("Receipt diarised")
    RECEIPT_MARK = "receipt.mark", _("Receipt marked")
    RECEIPT_OUTCOME = "receipt.outcome", _("Receipt's outcome recorded")
    RECEIPT_DISPOSE = "receipt.dispose", _("Receipt disposed of")
    FILE_OPEN = "file.open", _("File opened")
    FILE_MARK = "file.mark", _("File marked")
    FILE_PUT_UP = "file.put_up", _("File put up")
    FILE_SEND_BACK = "file.send_back", _("File sent back")
    FILE_RECALL = "file.recall", _("File recalled")
    FILE_PARK = "file.park", _("File parked")
    FILE_RESUME = "file.resume", _("File taken out of park")
    FILE_CLOSE = "file.close", _("File closed")
    FILE_REOPEN = "file.reopen", _("File reopened")
    FILE_RECORD_ROOM = "file.record_room", _("File sent to the record room")
    FILE_ENCLOSE = "file.enclose", _("Paper enclosed in a file")
    FILE_PUC = "file.puc", _("Paper marked as under consideration")
    NOTE_ADD = "note.add", _("Note added")
    NOTE_EDIT = "note.edit", _("Note edited")
    NOTE_WITHDRAW = "note.withdraw", _("Note withdrawn")
    NOTE_APPROVED = "note.approved", _("Note approved")
    NOTE_RETURNED = "note.returned", _("Note returned")
    DRAFT_CREATE = "draft.create", _("Draft written")
    DRAFT_EDIT = "draft.edit", _("Draft edited")
    DRAFT_APPROVED = "draft.approved", _("Draft approved")
    DRAFT_RETURNED = "draft.returned", _("Draft returned")
    DRAFT_ISSUE = "draft.issue", _("Draft issued")


class SubjectHeadAction(AuditAction):
    """Keeping the subject heads files are opened under (through the organisation's audited
    save, ``organisation.services.org_save``)."""

    SUBJECTHEAD_CREATE = "subjecthead.create", _("Subject head created")
    SUBJECTHEAD_CHANGE = "subjecthead.change", _("Subject head changed")
    SUBJECTHEAD_DELETE = "subjecthead.delete", _("Subject head deleted")
