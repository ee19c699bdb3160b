"""The shared shell: sign-in, staff layout, language switch, error pages, /healthz."""

from pathlib import Path

import pytest
import viewflow
from django.conf import settings
from django.template.loader import get_template

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_desk_requires_sign_in(client):
    response = client.get("/desk/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_sign_in_then_desk_lists_the_posts_i_hold(client, org):
    from tests.accounts.support import current_code

    code = current_code("fd-so")  # the second factor (accounts/): password, then the code
    response = client.post("/accounts/login/", {"username": "fd-so", "password": "pw-for-tests"})
    assert response.status_code == 302
    client.post("/accounts/second-factor/", {"otp_token": code, "next": "/desk/"})
    page = client.get("/desk/").content.decode()
    assert "Section Officer (Budget-I)" in page
    assert "Deputy Secretary (Budget-I)" not in page  # a post I do not hold


def test_wrong_password_is_refused_with_a_message(client, org):
    response = client.post("/accounts/login/", {"username": "fd-so", "password": "wrong"})
    assert response.status_code == 200
    assert "did not match" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_urdu_switches_language_and_direction(client, org):
    client.force_login(org.so_user)
    response = client.post("/i18n/setlang/", {"language": "ur", "next": "/desk/"})
    assert response.status_code == 302
    page = client.get("/desk/").content.decode()
    assert 'lang="ur"' in page and 'dir="rtl"' in page
    assert "جن عہدوں پر میں فائز ہوں" in page  # "Posts I hold", translated
    assert "سیکشن آفیسر" in page  # the post's Urdu designation
    back = client.post("/i18n/setlang/", {"language": "en", "next": "/desk/"})
    assert back.status_code == 302
    assert 'dir="ltr"' in client.get("/desk/").content.decode()


@pytest.mark.parametrize("name", ["400.html", "403.html", "404.html", "500.html"])
def test_our_error_pages_win_over_viewflows(name):
    origin = Path(get_template(name).origin.name)
    assert origin == TEMPLATES / name


def test_no_unnamespaced_viewflow_template_can_show():
    vf_templates = Path(viewflow.__file__).parent / "templates"
    names = [p.relative_to(vf_templates).as_posix() for p in vf_templates.glob("*.html")]
    names += [
        p.relative_to(vf_templates).as_posix()
        for p in (vf_templates / "registration").glob("*.html")
    ]
    assert names, "viewflow ships templates; the test would be empty otherwise"
    for name in names:
        assert Path(get_template(name).origin.name).is_relative_to(TEMPLATES), name


def test_unknown_page_gets_our_404(client):
    response = client.get("/desk/no-such-thing/")
    assert response.status_code == 404
    assert 'data-daftar-error="404"' in response.content.decode()


def test_healthz_reports_each_part(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    for part in ["database", "storage", "search", "tasks"]:
        assert body[part]["status"] == "ok", body
    assert body["tasks"]["backend"] == "ImmediateBackend"
    assert body["search"]["backend"] == "database"


def test_healthz_answers_503_when_storage_fails(client, settings, tmp_path):
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the media directory should be")
    settings.MEDIA_ROOT = str(blocked)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down" and body["storage"]["status"] == "down"
    assert body["database"]["status"] == "ok"
