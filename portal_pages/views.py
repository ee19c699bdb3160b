"""Plain Django views of the public site (the pages themselves are Wagtail's)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from portal_pages.slips import acknowledgement_pdf
from workspace import access, tracking


@csrf_exempt
@require_POST
def set_language(request):
    """Django's ``set_language`` without the CSRF token: a public page that rendered a token
    would set a cookie and could no longer be cached for everyone. Switching someone's
    language is the worst a forged request can do here."""
    return django_set_language(request)


@never_cache
@login_required
def acknowledgement(request, pk: int):
    """The acknowledgement slip of a citizen's receipt, for staff who may see the receipt."""
    receipt = (
        access.visible_receipts(request.user)
        .filter(pk=pk, tracking_ref__isnull=False)
        .select_related("section__department")
        .first()
    )
    if receipt is None:
        raise Http404
    response = HttpResponse(acknowledgement_pdf(receipt), content_type="application/pdf")
    filename = f"acknowledgement-{tracking.display(receipt.tracking_ref)}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
