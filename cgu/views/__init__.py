"""Staff screens of the CGU, mounted at /desk/cgu/. Thin: parse, call one service or
selector, map its error to a message, render or redirect. Only CGU staff get in."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from cgu import access
from cgu.models import ReportingPeriod
from cgu.selectors.registry import current_period
from organisation.selectors import my_holdings


def cgu_staff_required(view):
    """Signed in and holding a CGU post now; anyone else is refused (403)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        # The holdings the staff layout's "posts I hold" panel reads anyway (once a request).
        if not access.is_cgu_staff(request.user, holdings=my_holdings(request.user)):
            raise PermissionDenied(_("These screens are for the Corporate Governance Unit."))
        return view(request, *args, **kwargs)

    return wrapped


def chosen_period(request, code: str | None = None) -> ReportingPeriod | None:
    """The period named in the URL or ``?period=``, else the latest ended quarter."""
    code = code or request.GET.get("period")
    if code:
        return get_object_or_404(ReportingPeriod, code=code)
    return current_period()
