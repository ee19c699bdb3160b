"""Clean refusals for paths that would otherwise answer 500."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _


def cms_error_test(request):
    """Wagtail's admin has ``/cms/failwhale/``, a view that raises on purpose to test error
    reporting: to a person it is a 500 out of nowhere. Daftar answers 404 with a message."""
    message = _("There is no such page in the content editor. Go back to its dashboard.")
    return render(request, "404.html", {"message": message, "home": "/cms/"}, status=404)
