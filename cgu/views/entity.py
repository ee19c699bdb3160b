"""The entity's own portal (/entity/): what is due, a return typed or uploaded as a draft,
certified by the head, submitted; its versions and the CGU's decisions; the entity's people.

Every screen is for a signed-in entity user and looks each row up *within their entity*:
another entity's period page, draft or person is not found (404), never refused with a hint
that it exists."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cgu import access, intake, portal
from cgu.forms import DraftForm, JoinForm
from cgu.models import EntityDraft, EntityUser, ReportingPeriod
from cgu.services import entity as entity_services
from cgu.views.returns import _refusal
from cgu.views.rows import entity_due_rows, entity_figure_rows
from kernel.errors import ActionRefused, NotFound, PermissionDenied, ValidationError

REFUSALS = (ActionRefused, PermissionDenied, ValidationError, NotFound)


def entity_member_required(view):
    """Signed in as an active entity user; anyone else finds nothing here (404)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        member = access.entity_membership(request.user)
        if member is None:
            raise Http404
        request.entity_member = member
        return view(request, *args, **kwargs)

    return wrapped


def _period(code: str) -> ReportingPeriod:
    period = portal.period_of(code)
    if period is None:
        raise Http404
    return period


@entity_member_required
def home(request):
    member = request.entity_member
    entity = member.entity
    found = portal.home(entity, with_people=member.is_head)  # one round trip
    rows = found.rows
    benchmarks = portal.benchmarks(entity, periods=[row.period for row in rows], stamp=found.stamp)
    return render(
        request,
        "cgu/entity/home.html",
        {
            "member": member,
            "entity": entity,
            "rows": rows,
            "benchmarks": benchmarks,
            # Built in Python, one f-string a row: see cgu/views/rows.py.
            "due_rows": entity_due_rows(rows),
            "figure_rows": entity_figure_rows(benchmarks.rows),
            "people": found.people,
        },
    )


@entity_member_required
def period_page(request, code):
    member = request.entity_member
    entity = member.entity
    period = _period(code)
    draft = portal.open_draft(entity, period)
    versions = portal.versions(entity, period)
    latest = versions[0] if versions else None
    # The figures form is for a period that has ended with nothing filed or the latest
    # version returned; otherwise the page shows no form and reads no KPI definitions.
    may_edit = (latest is None or latest.status == "returned") and (
        period.ends_on < timezone.localdate()
    )
    row_errors = []
    form = None
    if request.method == "POST":
        kpis = intake.kpis_for(entity.type)
        form = DraftForm(request.POST, request.FILES, kpis=kpis)
        if form.is_valid():
            data = form.cleaned_data
            source = {"upload": data["upload"]} if data["upload"] else {"rows": form.rows()}
            try:
                entity_services.draft_save(
                    actor=request.user, entity=entity, period=period, **source
                )
            except intake.ReturnRejected as exc:
                row_errors = exc.row_errors
                if "rows" in source:
                    for err in row_errors:
                        if err.row is not None and err.row <= len(kpis):
                            form.add_error(DraftForm.field_name(kpis[err.row - 1]), err.message)
                messages.error(
                    request,
                    _(
                        "The return has %(n)s error(s) and was not saved. "
                        "Correct them all and save again."
                    )
                    % {"n": len(row_errors)},
                )
            except REFUSALS as exc:
                _refusal(request, exc)
            else:
                messages.success(
                    request, _("Draft saved. The head of the entity must now certify it.")
                )
                return redirect("entity:period", code=period.code)
    elif may_edit:
        kpis = intake.kpis_for(entity.type)
        source_values = {}
        if draft is not None:
            source_values = {r["kpi_code"]: r["value"] for r in draft.rows}
        elif versions:
            source_values = {
                v.kpi.code: f"{v.value.normalize():f}" for v in versions[0].values.all()
            }
        form = DraftForm(
            kpis=kpis,
            initial={
                DraftForm.field_name(k): source_values[k.code]
                for k in kpis
                if k.code in source_values
            },
        )
    return render(
        request,
        "cgu/entity/period.html",
        {
            "member": member,
            "entity": entity,
            "period": period,
            "form": form,
            "row_errors": row_errors,
            "draft": draft,
            "versions": versions,
            "latest": latest,
            "may_edit": may_edit,
            "may_certify": draft is not None
            and draft.state == EntityDraft.State.DRAFT
            and member.is_head,
            "may_submit": draft is not None and draft.state == EntityDraft.State.CERTIFIED,
        },
    )


def _draft_act(request, pk, action, success):
    member = request.entity_member
    draft = get_object_or_404(
        EntityDraft.objects.select_related("entity", "period"), pk=pk, entity=member.entity
    )
    try:
        action(draft)
    except intake.ReturnRejected as exc:
        for e in exc.row_errors:
            messages.error(request, str(e))
    except REFUSALS as exc:
        _refusal(request, exc)
    else:
        messages.success(request, success)
    return redirect("entity:period", code=draft.period.code)


@require_POST
@entity_member_required
def certify(request, pk):
    return _draft_act(
        request,
        pk,
        lambda d: entity_services.draft_certify(actor=request.user, draft=d),
        _("Certified. The return can now be submitted to the CGU."),
    )


@require_POST
@entity_member_required
def submit(request, pk):
    return _draft_act(
        request,
        pk,
        lambda d: entity_services.draft_submit(actor=request.user, draft=d),
        _("Submitted to the CGU. It is received; you will see its review here."),
    )


@entity_member_required
def template(request, code, fmt):
    entity = request.entity_member.entity
    period = _period(code)
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


@require_POST
@entity_member_required
def deactivate(request, pk):
    member = request.entity_member
    target = get_object_or_404(
        EntityUser.objects.select_related("entity", "user"), pk=pk, entity=member.entity
    )
    try:
        entity_services.entity_user_deactivate(actor=request.user, member=target)
    except REFUSALS as exc:
        _refusal(request, exc)
    else:
        messages.success(
            request, _("%(name)s can no longer sign in.") % {"name": target.user.get_full_name()}
        )
    return redirect("entity:home")


def join(request, key):
    """The invitation link: set a password (once, before it expires)."""
    member = entity_services.invitation_for(key)
    if member is None or request.user.is_authenticated:
        return render(request, "cgu/entity/join_invalid.html", status=404)
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entity_services.invitation_accept(
                actor=request.user,
                key=key,
                password=form.cleaned_data["password"],
                password_again=form.cleaned_data["password_again"],
            )
        except ValidationError as exc:
            for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
        except (ActionRefused, NotFound) as exc:
            _refusal(request, exc)
        else:
            messages.success(
                request,
                _("Your password is set. Sign in with your email address and this password."),
            )
            return redirect("login")
    return render(request, "cgu/entity/join.html", {"form": form, "member": member})
