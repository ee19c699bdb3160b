"""The Content-Security-Policy of every answer, by django-csp (``csp.middleware``).

Two policies, both in ``settings.py``:

- ``CONTENT_SECURITY_POLICY``: Daftar's own pages (the desk, the CGU, search, the public site,
  sign-in, Django's admin, the API). Scripts and styles only from Daftar's own origin — no
  inline script, no inline style attribute, no ``eval``; a template that truly needs an
  inline ``<script>`` asks for ``request.csp_nonce`` and django-csp adds that one nonce.
- ``DAFTAR_CSP_WAGTAIL_ADMIN``: Wagtail's admin under ``/cms/``, a separate, looser policy
  (Wagtail's editor and its widgets write inline styles and a few inline scripts; see the
  README, "Content-Security-Policy"). Only editors reach it, after signing in.

``DaftarCSPMiddleware`` picks the Wagtail policy for ``/cms/`` paths; a view's own
``csp_override``/``csp_update`` decorators still win over both.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

WAGTAIL_ADMIN_PREFIX = "/cms/"


class DaftarCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(WAGTAIL_ADMIN_PREFIX)
        ):
            parts.config = settings.DAFTAR_CSP_WAGTAIL_ADMIN
        return parts
