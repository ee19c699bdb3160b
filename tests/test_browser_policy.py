"""What every answer tells the browser and caches: the Content-Security-Policy (Daftar's strict
one, Wagtail's admin its own), Permissions-Policy, and ``no-store, private`` on every staff
page and API answer while public pages keep their public caching. (That no page breaks the
policy is proven in the browser: tests/browser/test_csp_browser.py and every browser test.)"""

import pytest
from rest_framework.test import APIClient

from tests.portal_pages.factories import build_tree

pytestmark = pytest.mark.django_db

NO_STORE = "no-store, private"


def directives(response) -> dict:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ") if part}


def test_daftar_pages_allow_nothing_inline(client, org):
    client.force_login(org.asst_user)
    response = client.get("/desk/")
    assert response.status_code == 200
    csp = directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no nonce unless a template asked for one
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:", "blob:"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"  # CSP-reading browsers follow frame-ancestors
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_no_template_writes_an_inline_script_or_style():
    """The templates themselves: no inline <script> with code, no style="" attribute, no
    on...="" handler (JSON data blocks are not scripts and are allowed)."""
    import re
    from pathlib import Path

    from django.conf import settings

    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = path.read_text()
        for match in re.finditer(r"<script(?![^>]*\bsrc=)([^>]*)>", text):
            if "application/json" not in match.group(1):
                offenders.append(f"{path.name}: inline <script>")
        if re.search(r"\sstyle=\"", text):
            offenders.append(f"{path.name}: style attribute")
        if re.search(r"\son[a-z]+=\"", text):
            offenders.append(f"{path.name}: event handler attribute")
    assert offenders == []


def test_wagtail_admin_has_its_own_looser_policy(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/cms/")
    assert response.status_code == 200
    csp = directives(response)
    assert "'unsafe-inline'" in csp["script-src"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'self'"]
    assert csp["connect-src"] == ["'self'"]
    assert response["Cache-Control"] == NO_STORE


@pytest.mark.parametrize(
    "path", ["/desk/", "/desk/receipts/", "/desk/search/", "/django-admin/", "/accounts/login/"]
)
def test_staff_pages_are_never_stored(client, admin_user, org, path):
    client.force_login(org.asst_user if path.startswith("/desk/") else admin_user)
    if path == "/accounts/login/":
        client.logout()
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Cache-Control"] == NO_STORE


def test_api_answers_are_never_stored(org):
    api = APIClient()
    api.force_authenticate(org.asst_user)
    for path in ["/api/v1/inbox/", "/api/v1/files/", "/api/v1/cgu/published/entities/"]:
        response = api.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == NO_STORE, path
    refused = APIClient().get("/api/v1/files/")
    assert refused.status_code in (401, 403) and refused["Cache-Control"] == NO_STORE


def test_public_pages_keep_their_public_caching(client):
    tree = build_tree()
    response = client.get(tree.about.url)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]
    assert directives(response)["script-src"] == ["'self'"]
