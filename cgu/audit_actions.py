"""The CGU's audit actions (registered in ``CguConfig.ready``; see kernel.audit_actions).
The values are the strings already in the audit trail."""

from django.utils.translation import gettext_lazy as _

from kernel.audit_actions import AuditAction


class CguAction(AuditAction):
    """Returns, their review, entity users, the registry, reminders and reports (cgu/services)."""

    KPI_RETURN_SUBMIT = "kpi_return.submit", _("KPI return submitted")
    KPI_RETURN_RESUBMIT = "kpi_return.resubmit", _("KPI return resubmitted")
    KPI_RETURN_TAKE_UP = "kpi_return.take_up", _("KPI return taken up for review")
    KPI_RETURN_ACCEPT = "kpi_return.accept", _("KPI return accepted")
    KPI_RETURN_SEND_BACK = "kpi_return.send_back", _("KPI return sent back")
    ENTITY_RETURN_SAVE_DRAFT = "entity_return.save_draft", _("Entity's draft return saved")
    ENTITY_RETURN_CERTIFY = "entity_return.certify", _("Entity's return certified")
    ENTITY_USER_INVITE = "entity_user.invite", _("Entity user invited")
    ENTITY_USER_JOIN = "entity_user.join", _("Entity user joined")
    ENTITY_USER_DEACTIVATE = "entity_user.deactivate", _("Entity user deactivated")
    REMINDERS_SEND = "cgu.reminders_send", _("Reminders sent")
    ENTITY_CHASE = "cgu.entity_chase", _("Entity chased")
    REPORT_GENERATE = "cgu.report_generate", _("Performance report generated")
    ENTITY_CREATE = "publicsectorentity.create", _("Public sector entity created")
    ENTITY_CHANGE = "publicsectorentity.change", _("Public sector entity changed")
    ENTITY_MONITORING_FILE = (
        "publicsectorentity.monitoring_file",
        _("Entity's monitoring file opened"),
    )
    KPI_CREATE = "kpidefinition.create", _("KPI definition created")
    KPI_CHANGE = "kpidefinition.change", _("KPI definition changed")
    PERIOD_CREATE = "reportingperiod.create", _("Reporting period created")
    PERIOD_CHANGE = "reportingperiod.change", _("Reporting period changed")
