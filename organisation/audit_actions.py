"""The organisation's audit actions (registered in ``OrganisationConfig.ready``; see
kernel.audit_actions).

The values are the strings already in the audit trail: do not change them."""

from django.utils.translation import gettext_lazy as _

from kernel.audit_actions import AuditAction


class OrganisationAction(AuditAction):
    """Keeping the organisation (organisation/services.py, through the admin)."""

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
    HOLDING_CREATE = "holding.create", _("Holding created")
    HOLDING_CHANGE = "holding.change", _("Holding changed")
    HOLDING_DELETE = "holding.delete", _("Holding deleted")
    HOLDING_ASSIGN = "holding.assign", _("Post assigned")
    HOLDING_CHARGE = "holding.charge", _("Additional charge given")
    HOLDING_END = "holding.end", _("Holding ended")
