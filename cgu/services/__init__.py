"""Every write the CGU's people and jobs ask for, one function each. Each takes a required
``actor``, checks permission (``cgu.access``), validates, works in one transaction and writes
its audit row there; email and other effects that leave the database run on commit."""

from cgu.services.compliance import reminders_send
from cgu.services.registry import entity_save, kpi_save, monitoring_file_open, period_save
from cgu.services.reports import report_generate
from cgu.services.returns import return_put_on_file, return_resubmit, return_submit
from cgu.services.review import return_accept, return_send_back, return_take_up

__all__ = [
    "entity_save",
    "kpi_save",
    "monitoring_file_open",
    "period_save",
    "reminders_send",
    "report_generate",
    "return_accept",
    "return_put_on_file",
    "return_resubmit",
    "return_send_back",
    "return_submit",
    "return_take_up",
]
