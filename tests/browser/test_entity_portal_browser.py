"""Issue 22 through the screens: the University of Peshawar's focal person types its
2025-Q3 return with errors (listed by row and column, nothing saved), fixes them and saves a
draft; the university's head certifies and submits it; the CGU returns it with a reason; the
focal person reads the reason and resubmits; the head certifies and submits version 2; the
CGU accepts it, and the figures are on the public performance page at once. Screenshots at
1280 and 360 px, in English and Urdu; axe-clean; no sideways scroll at 360 px."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser

from cgu.models import EntityUser, KpiReturn
from cgu.services import monitoring_file_open
from cgu.services.entity import entity_user_invite, invitation_accept
from tests.browser.conftest import axe_violations, screenshot
from tests.cgu.conftest import _media_in_tmp as _media_in_tmp  # noqa: F401 — CGU fixtures
from tests.cgu.conftest import cgu as cgu  # noqa: F401
from tests.portal_pages.factories import build_tree
from workspace.models import SubjectHead

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PW = "pw-for-tests"  # noqa: S105


def _person(cgu, email, name, role):  # noqa: F811
    member, key = entity_user_invite(
        actor=cgu.asst_user, entity=cgu.uni, email=email, full_name=name, role=role
    )
    invitation_accept(actor=AnonymousUser(), key=key, password=PW, password_again=PW)
    return member


def _sign_in(page, live_server, username, lands="desk"):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PW)
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{live_server.url}/{lands}/**")


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


def _fill(page, **values):
    for code, value in values.items():
        page.fill(f"#id_kpi_{code}", value)


def _shots(page, live_server, url, name):
    """The page at 1280 and 360 px in English and Urdu: axe-clean, no sideways scroll."""
    for lang in ("en", "ur"):
        page.context.add_cookies(
            [{"name": "django_language", "value": lang, "url": live_server.url}]
        )
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(url)
            assert page.evaluate("document.documentElement.lang") == lang
            assert axe_violations(page) == [], (name, lang, width)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
                name,
                lang,
                width,
            )
            screenshot(page, f"entity-{name}-{width}-{lang}")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.set_viewport_size({"width": 1280, "height": 800})


def test_an_entity_files_is_returned_resubmits_and_is_published(page, live_server, cgu):  # noqa: F811
    tree = build_tree()
    head = SubjectHead.objects.create(department=cgu.fd, code="PSE", name_en="PSE monitoring")
    monitoring_file_open(actor=cgu.asst_user, entity=cgu.uni, subject_head=head)
    _person(cgu, "focal@uop.edu.pk", "Amina Shah", EntityUser.Role.PREPARER)
    _person(cgu, "vc@uop.edu.pk", "Qaiser Khan", EntityUser.Role.HEAD)
    period_url = f"{live_server.url}/entity/returns/2025-Q3/"

    # The focal person signs in: the portal, not the desk; 2025-Q3 is overdue, in red.
    _sign_in(page, live_server, "focal@uop.edu.pk", lands="entity")
    assert page.locator("tr.overdue", has_text="2025-Q3").count() == 1
    _shots(page, live_server, f"{live_server.url}/entity/", "home")

    # Typed with errors: every one listed, nothing saved.
    page.goto(period_url)
    _fill(page, BUDGET="1200.50", EXPENDITURE="980.25", UTIL_PCT="815", STAFF="23.5",
          ENROLMENT="14500")  # fmt: skip
    _submit(page, "main form.card button[type=submit]")
    errors = page.locator("table.row-errors tbody tr")
    assert errors.count() == 2
    assert "outside the valid range" in page.content() and "whole number" in page.content()
    assert page.locator("text=Certify these figures").count() == 0
    screenshot(page, "entity-errors-1280-en")
    # Fixed and saved as a draft; the focal person cannot certify it.
    _fill(page, UTIL_PCT="81.65", STAFF="23")
    _submit(page, "main form.card button[type=submit]")
    assert "Draft saved" in page.content()
    assert page.locator("text=Certify these figures").count() == 0

    # The head certifies and submits.
    _sign_in(page, live_server, "vc@uop.edu.pk", lands="entity")
    page.goto(period_url)
    _submit(page, "text=Certify these figures")
    _submit(page, "text=Submit to the CGU")
    first = KpiReturn.objects.get()
    assert first.channel == "entity" and first.certified_by.username == "vc@uop.edu.pk"
    assert "Received by the CGU" in page.content()

    # The CGU returns it with a reason; it sees who filed it.
    _sign_in(page, live_server, "cgu-so")
    page.goto(f"{live_server.url}/desk/cgu/returns/{first.pk}/")
    assert "Filed by the entity" in page.content() and "Qaiser Khan" in page.content()
    _submit(page, "text=Take up for review")
    page.fill("#id_reasons", "Staff strength of 23 cannot be right for a university; check.")
    _submit(page, "text=Return with these reasons")

    # Nothing public yet (and the public page is now cached).
    public = f"{live_server.url}{tree.performance.url}entities/{cgu.uni.code.lower()}/"
    page.context.clear_cookies()
    page.goto(public)
    assert "2,300" not in page.content()

    # The focal person reads the reason and resubmits; the head certifies and submits.
    _sign_in(page, live_server, "focal@uop.edu.pk", lands="entity")
    page.goto(period_url)
    assert "Staff strength of 23 cannot be right" in page.content()
    assert page.input_value("#id_kpi_BUDGET") == "1200.5"  # the last version's figures
    _shots(page, live_server, period_url, "returned")
    page.fill("#id_kpi_STAFF", "2300")
    _submit(page, "main form.card button[type=submit]")
    _sign_in(page, live_server, "vc@uop.edu.pk", lands="entity")
    page.goto(period_url)
    _submit(page, "text=Certify these figures")
    _submit(page, "text=Submit to the CGU")
    second = KpiReturn.objects.get(version=2)
    assert second.channel == "entity"

    # The CGU accepts version 2: published.
    _sign_in(page, live_server, "cgu-so")
    page.goto(f"{live_server.url}/desk/cgu/returns/{second.pk}/")
    _submit(page, "text=Take up for review")
    _submit(page, "text=Accept and publish")
    second.refresh_from_db()
    assert second.is_published

    # At once on the public page (its cache follows publication), and in the portal.
    page.context.clear_cookies()
    # A visitor's browser may keep the page it saw for PUBLIC_MAX_AGE; the server's cached
    # copy is what must follow publication: a new visitor sees the figures at once.
    visitor = page.context.browser.new_context(base_url=live_server.url)
    public_page = visitor.new_page()
    public_page.goto(public)
    shown = public_page.locator("main").inner_text()
    visitor.close()
    assert re.search(r"Staff \(number\)\s+Period\s+Value \(number\)\s+2025-Q3\s+2,300\b", shown)
    _sign_in(page, live_server, "focal@uop.edu.pk", lands="entity")
    page.goto(period_url)
    assert "Accepted and published" in page.content()
    _shots(page, live_server, period_url, "published")
