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


class OrganisationAction(AuditAction):
    """Keeping the organisation (workspace/services/organisation.py, through the admin)."""

    DEPARTMENT_CREATE = "department.create", _("Department created")
    DEPARTMENT_CHANGE = "department.change", _("Department changed")
    DEPARTMENT_DELETE = "department.delete", _("Department deleted")
    DEPARTMENT_GO_LIVE = "department.go_live", _("Department went live")
    SECTION_CREATE = "section.create", _("Section created")
    SECTION_CHANGE = "section.change", _("Section changed")
    SECTION_DELETE = "section.delete", _("Section deleted")
    DIVISION_CREATE = "division.create", _("Division created")
    DIVISION_CHANGE = "division.change", _("Division changed")
    DIVISION_DELETE = "division.delete", _("Division deleted")
    DISTRICT_CREATE = "district.create", _("District created")
    DISTRICT_CHANGE = "district.change", _("District changed")
    DISTRICT_DELETE = "district.delete", _("District deleted")
    TEHSIL_CREATE = "tehsil.create", _("Tehsil created")
    TEHSIL_CHANGE = "tehsil.change", _("Tehsil changed")
    TEHSIL_DELETE = "tehsil.delete", _("Tehsil deleted")
    HOLIDAY_CREATE = "holiday.create", _("Holiday created")
    HOLIDAY_CHANGE = "holiday.change", _("Holiday changed")
    HOLIDAY_DELETE = "holiday.delete", _("Holiday deleted")
    POST_CREATE = "post.create", _("Post created")
    POST_CHANGE = "post.change", _("Post changed")
    POST_DELETE = "post.delete", _("Post deleted")
    SUBJECTHEAD_CREATE = "subjecthead.create", _("Subject head created")
    SUBJECTHEAD_CHANGE = "subjecthead.change", _("Subject head changed")
    SUBJECTHEAD_DELETE = "subjecthead.delete", _("Subject head deleted")
    HOLDING_CREATE = "holding.create", _("Holding created")
    HOLDING_CHANGE = "holding.change", _("Holding changed")
    HOLDING_DELETE = "holding.delete", _("Holding deleted")
    HOLDING_ASSIGN = "holding.assign", _("Post assigned")
    HOLDING_CHARGE = "holding.charge", _("Additional charge given")
    HOLDING_END = "holding.end", _("Holding ended")
