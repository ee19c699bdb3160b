"""Additional charge: the department's administrator (or its Secretary) gives and ends it."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisation import services as org
from organisation.models import Holding
from workspace.forms import ChargeEndForm, ChargeForm
from workspace.views.common import form_errors, run

CHARGES_SHOWN = 200


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _starts_at(day: dt.date) -> dt.datetime:
    """A charge from today starts now; from another day, at the start of that day."""
    return timezone.now() if day == timezone.localdate() else _start_of(day)


def _ends_at(day: dt.date | None) -> dt.datetime | None:
    """The last day is inclusive: the charge ends at the start of the next day."""
    return None if day is None else _start_of(day + dt.timedelta(days=1))


@login_required
def charge_list(request):
    """Current and coming additional charges of the departments the officer manages, and the
    form to give one. 403 for anyone who manages none."""
    departments = org.charge_departments(request.user)
    if not departments:
        raise Forbidden
    form = ChargeForm(
        request.POST or None,
        departments=departments,
        initial={"starts_on": timezone.localdate(), "reason": Holding.Reason.LEAVE},
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            holding = run(
                request,
                org.additional_charge_give,
                None,
                post=data["post"],
                user=data["user"],
                reason=data["reason"],
                starts_at=_starts_at(data["starts_on"]),
                ends_at=_ends_at(data["ends_on"]),
            )
            if holding is not None:
                messages.success(
                    request,
                    _("%(user)s holds the additional charge of %(post)s.")
                    % {"user": _officer(holding.user), "post": holding.post.designation},
                )
                return redirect("workspace:charges")
        else:
            form_errors(request, form)
    charges = list(
        Holding.objects.filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=timezone.now()),
            kind=Holding.Kind.ADDITIONAL,
            post__section__department__in=[d.pk for d in departments],
        )
        .select_related("post__section__department", "user")
        .order_by("post__section__department__code", "starts_at", "pk")[:CHARGES_SHOWN]
    )
    return render(
        request,
        "workspace/charges.html",
        {
            "form": form,
            "charges": charges,
            "departments": departments,
            "now": timezone.now(),
            "end_form": ChargeEndForm(),
        },
    )


@login_required
@require_POST
def charge_end(request, pk):
    holding = Holding.objects.filter(pk=pk, kind=Holding.Kind.ADDITIONAL).first()
    if holding is None or not org.may_manage_charges(
        request.user, holding.post.section.department_id
    ):
        raise Http404
    form = ChargeEndForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("workspace:charges")
    ended = run(
        request,
        org.additional_charge_end,
        None,
        holding=holding,
        ends_at=_ends_at(form.cleaned_data["ends_on"]),
    )
    if ended is not None:
        messages.success(request, _("The additional charge was ended."))
    return redirect("workspace:charges")


def _officer(user) -> str:
    return user.get_full_name() or user.username
