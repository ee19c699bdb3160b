"""Compliance per period, reminders, the escalation list, and the generated reports."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cgu import access, charts, services
from cgu.charts import isolate
from cgu.forms import PeriodChoiceForm
from cgu.models import PerformanceReport, ReportingPeriod
from cgu.selectors import filing, registry
from cgu.selectors.filing import FilingState
from cgu.views import cgu_staff_required, chosen_period
from cgu.views.rows import compliance_rows
from kernel.errors import ActionRefused, PermissionDenied, ValidationError

STATES = [
    (FilingState.OVERDUE, gettext_lazy("Not filed, overdue")),
    (FilingState.NOT_DUE, gettext_lazy("Not filed, not yet due")),
    (FilingState.LATE, gettext_lazy("Filed late")),
    (FilingState.ON_TIME, gettext_lazy("Filed on time")),
]


@cgu_staff_required
def compliance(request, code=None):
    period = chosen_period(request, code)
    if period is None:
        raise Http404
    report = filing.compliance_table(period)  # plain values: no instance per PSE
    state = request.GET.get("state") or None
    rows = report.with_state(state) if state in dict(STATES) else report.rows
    rows = sorted(rows, key=lambda r: (-r.days_late if not r.filed else 0, r.entity_code))
    return render(
        request,
        "cgu/compliance.html",
        {
            "period": period,
            "report": report,
            # Built in Python, one format_html a row: see cgu/views/rows.py.
            "rows": compliance_rows(rows),
            "state": state,
            "states": STATES,
            "charts": [charts.compliance_chart("chart-compliance", report)],
            "periods": registry.recent_periods(),
            "overdue": period.is_overdue(report.on),
        },
    )


@require_POST
@cgu_staff_required
def reminders_send(request, code):
    period = get_object_or_404(ReportingPeriod, code=code)
    try:
        sent = services.reminders_send(actor=request.user, period=period)
    except (ActionRefused, PermissionDenied, ValidationError) as exc:
        messages.error(request, str(getattr(exc, "message", exc)))
    else:
        if sent:
            no_email = [r.entity.code for r in sent if not r.email]
            messages.success(
                request,
                _("%(n)s reminder(s) queued for email.") % {"n": len(sent) - len(no_email)},
            )
            if no_email:
                messages.warning(
                    request,
                    _("No email address for %(codes)s: follow up by phone.")
                    % {"codes": ", ".join(no_email)},
                )
        else:
            messages.info(request, _("Nobody to remind: everyone owing was reminded today."))
    return redirect("cgu:compliance_period", code=period.code)


@cgu_staff_required
def escalation_list(request):
    rows = filing.escalations_by_entity(filing.escalations())
    return render(
        request,
        "cgu/escalations.html",
        {
            "rows": rows,
            "head": access.head_post(),
            "is_head": access.is_cgu_head(request.user),
            "after_days": filing.ESCALATE_AFTER_DAYS,
            "after_reminders": filing.ESCALATE_AFTER_REMINDERS,
        },
    )


@cgu_staff_required
def report_list(request):
    # The latest quarter whose returns were due is chosen already; a form posted without
    # a period says so rather than doing nothing.
    latest = registry.latest_due_quarter()
    form = PeriodChoiceForm(request.POST or None, initial={"period": latest})
    if request.method == "POST" and form.is_valid() and not form.cleaned_data["period"]:
        messages.error(request, _("Choose the period the report should cover."))
        form.add_error("period", _("Choose the period the report should cover."))
    elif request.method == "POST" and form.is_valid():
        try:
            row = services.report_generate(actor=request.user, period=form.cleaned_data["period"])
        except (ActionRefused, PermissionDenied, ValidationError) as exc:
            messages.error(request, str(getattr(exc, "message", exc)))
        else:
            messages.success(
                request,
                _("Report for %(period)s generated.") % {"period": isolate(row.period.code)},
            )
            return redirect("cgu:reports")
    reports = PerformanceReport.objects.select_related("period", "generated_by")[:50]
    return render(request, "cgu/reports.html", {"form": form, "reports": reports})


@cgu_staff_required
def report_pdf(request, pk):
    row = get_object_or_404(PerformanceReport.objects.select_related("period"), pk=pk)
    return FileResponse(
        row.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=False,
        filename=f"sdpm-report-{row.period.code}.pdf",
    )
