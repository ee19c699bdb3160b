"""Returns: the list, entering one (form or upload), the review actions, the template."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from viewflow.workflow.models import Task

from cgu import access, intake, services
from cgu.charts import isolate
from cgu.forms import ReturnEntryForm, ReturnStartForm, SendBackForm
from cgu.models import KpiReturn, PublicSectorEntity, ReportingPeriod
from cgu.selectors import returns
from cgu.views import cgu_staff_required
from cgu.views.rows import return_rows
from kernel.errors import ActionRefused, NotFound, PermissionDenied, ValidationError
from organisation.models import Department


def _refusal(request, exc) -> None:
    if isinstance(exc, ValidationError):
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(getattr(exc, "message", exc)))


@cgu_staff_required
def return_list(request):
    status = request.GET.get("status") or None
    if status not in KpiReturn.Status.values:
        status = None
    wanted_period, wanted_department = request.GET.get("period"), request.GET.get("department")
    period = ReportingPeriod.objects.filter(code=wanted_period).first() if wanted_period else None
    department = (
        Department.objects.filter(code=wanted_department).first() if wanted_department else None
    )
    page, periods, departments = returns.returns_screen(
        status=status, period=period, department=department, cursor=request.GET.get("after")
    )
    query = {k: v for k, v in request.GET.items() if k != "after"}
    return render(
        request,
        "cgu/return_list.html",
        {
            # Built in Python, one f-string a row: see cgu/views/rows.py.
            "rows": return_rows(page.rows),
            "next_url": f"?{urlencode({**query, 'after': page.next_cursor})}"
            if page.next_cursor
            else None,
            "first_url": f"?{urlencode(query)}" if request.GET.get("after") else None,
            "status": status,
            "period": period,
            "department": department,
            "statuses": KpiReturn.Status.choices,
            "periods": periods,
            "departments": departments,
        },
    )


def _entry(request, *, entity, period, resubmitting: KpiReturn | None):
    """The figures form, for a first return or a resubmission."""
    kpis = intake.kpis_for(entity.type)
    row_errors = []
    if request.method == "POST":
        form = ReturnEntryForm(request.POST, request.FILES, kpis=kpis)
        if form.is_valid():
            data = form.cleaned_data
            source = {"upload": data["upload"]} if data["upload"] else {"rows": form.rows()}
            try:
                if resubmitting is None:
                    kpi_return = services.return_submit(
                        actor=request.user,
                        entity=entity,
                        period=period,
                        received_on=data["received_on"],
                        **source,
                    )
                else:
                    kpi_return = services.return_resubmit(
                        actor=request.user,
                        kpi_return=resubmitting,
                        received_on=data["received_on"],
                        **source,
                    )
            except intake.ReturnRejected as exc:
                row_errors = exc.row_errors
                if "rows" in source:
                    # Form line n is the n-th KPI field: show the error beside it.
                    for err in row_errors:
                        if err.row is not None and err.row <= len(kpis):
                            form.add_error(
                                ReturnEntryForm.field_name(kpis[err.row - 1]), err.message
                            )
                messages.error(
                    request,
                    _(
                        "The return has %(n)s error(s) and was not saved. "
                        "Correct them all and submit again."
                    )
                    % {"n": len(row_errors)},
                )
            except (ActionRefused, PermissionDenied, ValidationError, NotFound) as exc:
                _refusal(request, exc)
            else:
                messages.success(
                    request,
                    _("Return %(ret)s entered; it waits for review.") % {"ret": kpi_return},
                )
                return redirect("cgu:return", pk=kpi_return.pk)
    else:
        initial = {}
        if resubmitting is not None:
            initial = {
                ReturnEntryForm.field_name(v.kpi): f"{v.value.normalize():f}"
                for v in resubmitting.values.select_related("kpi")
            }
        form = ReturnEntryForm(kpis=kpis, initial=initial)
    return render(
        request,
        "cgu/return_form.html",
        {
            "form": form,
            "entity": entity,
            "period": period,
            "resubmitting": resubmitting,
            "row_errors": row_errors,
            "template_query": urlencode({"entity": entity.code, "period": period.code}),
        },
    )


@cgu_staff_required
def return_new(request):
    start = ReturnStartForm(request.GET or None)
    if not start.is_valid():
        return render(request, "cgu/return_start.html", {"form": start})
    entity, period = start.cleaned_data["entity"], start.cleaned_data["period"]
    existing = KpiReturn.objects.filter(entity=entity, period=period).order_by("-version").first()
    if existing is not None:
        messages.info(
            request,
            _("%(entity)s already has a return for %(period)s; here it is.")
            % {"entity": entity.code, "period": isolate(period.code)},
        )
        return redirect("cgu:return", pk=existing.pk)
    return _entry(request, entity=entity, period=period, resubmitting=None)


@cgu_staff_required
def return_resubmit(request, pk):
    kpi_return = get_object_or_404(KpiReturn.objects.select_related("entity", "period"), pk=pk)
    return _entry(
        request, entity=kpi_return.entity, period=kpi_return.period, resubmitting=kpi_return
    )


@cgu_staff_required
def return_detail(request, pk):
    try:
        kpi_return = returns.return_detail(pk)
    except KpiReturn.DoesNotExist:
        raise Http404
    user = request.user
    may_review = (
        kpi_return.is_open
        and kpi_return.submitted_by_id != user.pk
        and access.may_review(user)
        and (kpi_return.reviewed_by_id in (None, user.pk))
    )
    versions = list(returns.versions_of(kpi_return))
    tasks = (
        Task.objects.filter(process__kpireviewprocess__kpi_return=kpi_return)
        .select_related("owner")
        .order_by("pk")
    )
    return render(
        request,
        "cgu/return_detail.html",
        {
            "r": kpi_return,
            "values": list(kpi_return.values.all()),
            "versions": versions,
            "is_latest": versions and versions[0].pk == kpi_return.pk,
            "may_review": may_review,
            "may_take_up": may_review and kpi_return.status == KpiReturn.Status.SUBMITTED,
            "send_back_form": SendBackForm(),
            "tasks": [t for t in tasks if t.flow_task_type in ("HUMAN", "FUNCTION", "START")],
        },
    )


def _act(request, pk, action, success):
    kpi_return = get_object_or_404(KpiReturn, pk=pk)
    try:
        action(kpi_return)
    except (ActionRefused, PermissionDenied, ValidationError, NotFound) as exc:
        _refusal(request, exc)
    else:
        messages.success(request, success)
    return redirect("cgu:return", pk=pk)


@require_POST
@cgu_staff_required
def return_take_up(request, pk):
    return _act(
        request,
        pk,
        lambda r: services.return_take_up(actor=request.user, kpi_return=r),
        _("You are reviewing this return."),
    )


@require_POST
@cgu_staff_required
def return_accept(request, pk):
    return _act(
        request,
        pk,
        lambda r: services.return_accept(actor=request.user, kpi_return=r),
        _("Return accepted; its figures are published."),
    )


@require_POST
@cgu_staff_required
def return_send_back(request, pk):
    form = SendBackForm(request.POST)
    reasons = form.data.get("reasons", "")
    return _act(
        request,
        pk,
        lambda r: services.return_send_back(actor=request.user, kpi_return=r, reasons=reasons),
        _("Return sent back to the entity with your reasons."),
    )


@require_POST
@cgu_staff_required
def return_put_on_file(request, pk):
    return _act(
        request,
        pk,
        lambda r: services.return_put_on_file(actor=request.user, kpi_return=r),
        _("Return put on the monitoring file."),
    )


@cgu_staff_required
def return_template(request, fmt):
    entity = get_object_or_404(PublicSectorEntity, code=request.GET.get("entity", ""))
    period = get_object_or_404(ReportingPeriod, code=request.GET.get("period", ""))
    name = f"kpi-return-{entity.code}-{period.code}"
    if fmt == "csv":
        response = HttpResponse(
            intake.template_csv(entity, period), content_type="text/csv; charset=utf-8"
        )
        name += ".csv"
    elif fmt == "xlsx":
        response = HttpResponse(intake.template_xlsx(entity, period), content_type=intake.XLSX_MIME)
        name += ".xlsx"
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def new_return_url(entity, period) -> str:
    return reverse("cgu:return_new") + "?" + urlencode({"entity": entity.pk, "period": period.pk})
