"""``/favicon.ico``: browsers ask for it on every site whatever the page links, so it is
answered here (a small file read once) rather than with a 404 in every log."""

from functools import lru_cache
from pathlib import Path

from django.http import HttpResponse
from django.views.decorators.http import require_safe

ICON = Path(__file__).resolve().parent.parent / "static" / "favicon.ico"


@lru_cache(maxsize=1)
def _icon() -> bytes:
    return ICON.read_bytes()


@require_safe
def favicon(request):
    response = HttpResponse(_icon(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
