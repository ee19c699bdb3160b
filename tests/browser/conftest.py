"""Headless Chromium for browser tests: Debian's /usr/bin/chromium driven by Playwright
(never a browser download), axe-core from node_modules for WCAG 2.2 AA checks.

Screenshots go to test-artifacts/screenshots/ (kept by CI for people to look at)."""

import os
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
AXE = Path(settings.BASE_DIR) / "node_modules/axe-core/axe.min.js"
SHOTS = Path(settings.BASE_DIR) / "test-artifacts/screenshots"

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run in a
# thread with a running loop unless told this is safe (it is: the loop only drives the browser).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def screenshot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page, tags=("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")):
    """Run axe-core in the page; return the violations (empty list when the page passes).
    axe is evaluated through DevTools, not added as an inline <script> the page's
    Content-Security-Policy would (rightly) refuse."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        list(tags),
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def login(page, live_server, username, password="pw-for-tests"):
    """Sign in as a person does: the password, then — when asked, as in the tests marked
    ``real_second_factor`` — the code from the authenticator app (the user's device, made
    with a known secret if missing; see tests/accounts/support.py and tests/conftest.py)."""
    from tests.accounts.support import current_code

    code = current_code(username)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/desk/" in url or "/accounts/second-factor/" in url)
    if "/accounts/second-factor/" in page.url:
        page.fill("#id_otp_token", code)
        page.press("#id_otp_token", "Enter")
    page.wait_for_url(f"{live_server.url}/desk/**")


# --- Content-Security-Policy: every page of every browser test is watched; a violation
# Chromium reports (in any context or page the test opens) fails the test at teardown.
_CSP_WATCH = """document.addEventListener('securitypolicyviolation', (e) => console.error(
  'CSP violation: ' + e.effectiveDirective + ' refused ' + (e.blockedURI || 'inline') +
  ' in ' + document.location.pathname + ' (' + (e.sourceFile || '') + ':' + e.lineNumber + ')'));"""


def _is_csp_violation(text: str) -> bool:
    return text.startswith("CSP violation") or "Content Security Policy" in text


def watch_csp(context, seen: list) -> None:
    """Record every CSP violation of ``context``'s pages in ``seen``."""
    context.add_init_script(_CSP_WATCH)
    context.on(
        "console",
        lambda msg: seen.append(msg.text) if _is_csp_violation(msg.text) else None,
    )


@pytest.fixture(autouse=True)
def csp_violations(request):
    """The CSP violations of this test's pages so far (the test fails at teardown on any)."""
    if "browser" not in request.keywords:
        yield []
        return
    browser = request.getfixturevalue("browser")
    seen: list[str] = []
    new_context, new_page = browser.new_context, browser.new_page

    def watched_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        watch_csp(context, seen)
        return context

    def watched_page(*args, **kwargs):
        page = new_page(*args, **kwargs)
        watch_csp(page.context, seen)
        return page

    browser.new_context, browser.new_page = watched_context, watched_page
    try:
        yield seen
    finally:
        del browser.new_context, browser.new_page
    if seen:
        pytest.fail(
            "Content-Security-Policy violations:\n" + "\n".join(dict.fromkeys(seen)),
            pytrace=False,
        )
