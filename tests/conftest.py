"""Fixtures shared by the whole suite."""

import os

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from organisation.models import Post
from tests.factories import (
    DepartmentFactory,
    HoldingFactory,
    PostFactory,
    SectionFactory,
    UserFactory,
)
from workspace.models import SubjectHead

# Every test gets an empty cache of its own. With REDIS_URL set (CI) the default cache is a
# Redis shared by the parallel test processes, each with its own database: a department list
# cached by one process would be served to the other, and clearing it (FLUSHDB) would wipe the
# other's keys mid-test. Tests of Redis itself set a prefixed Redis cache of their own.
TEST_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "daftar-tests",
    }
}


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix):
    """Each run's PostgreSQL test databases are its own: ``test_<name>_<run>_gw0``, not
    pytest-django's ``test_<name>_gw0``. With the shared names, a second run started against
    the same server (another checkout, a CI clone, a helper) dropped and re-created a database
    the first run was using between two connections, and the first run's tests then met a
    schema half-migrated by the other (session 14's red CI: ``django_content_type.name`` NOT
    NULL, tables missing on one worker). ``<run>`` is xdist's id of the run, shared by its
    workers, or the process id without xdist. pytest-django still drops them at the end.
    With ``--reuse-db`` the names stay pytest-django's: keeping a database for the next run
    is asking for a name the next run will find."""
    if request.config.getvalue("reuse_db"):
        return
    run = (os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"p{os.getpid()}")[:8]
    worker = getattr(request.config, "workerinput", {}).get("workerid")
    for db in django_settings.DATABASES.values():
        if db["ENGINE"] == "django.db.backends.sqlite3":
            continue  # in memory: nothing shared
        test = db.setdefault("TEST", {})
        name = test.get("NAME") or f"test_{db['NAME']}"
        # pytest-django has already added the worker's suffix (``_gw0``); the run goes before it.
        if worker:
            test["NAME"] = f"{name.removesuffix(f'_{worker}')}_{run}_{worker}"
        else:
            test["NAME"] = f"{name}_{run}"


@pytest.fixture
def restores_schema(transactional_db):
    """For tests that migrate the database back and forward: whatever happens in the test, the
    schema ends fully migrated, so a failure cannot leave the worker's later tests on an old
    schema (they would fail for a reason that is not theirs)."""
    yield
    call_command("migrate", verbosity=0)


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = TEST_CACHE
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _language_back_to_default(settings):
    """A page requested in Urdu leaves Urdu active in the test process's thread (the locale
    middleware activates it and nothing deactivates it): later tests would read Urdu messages."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def org(db):
    """A small live department: Secretary ← Deputy Secretary ← Section Officer ← Assistant,
    each held by one officer. Returns a namespace of posts and users."""

    class Org:
        pass

    o = Org()
    o.dept = DepartmentFactory(code="FD", name_en="Finance Department")
    o.secy_section = SectionFactory(department=o.dept, code="Secy")
    o.section = SectionFactory(department=o.dept, code="SO(B-I)", name_en="Budget-I")
    L = PostFactory._meta.model.Level
    o.secretary = PostFactory(section=o.secy_section, level=L.SECRETARY, designation_en="Secretary")
    o.ds = PostFactory(
        section=o.section,
        level=L.DEPUTY_SECRETARY,
        designation_en="Deputy Secretary (Budget-I)",
        reports_to=o.secretary,
    )
    o.so = PostFactory(
        section=o.section,
        level=L.SECTION_OFFICER,
        designation_en="Section Officer (Budget-I)",
        reports_to=o.ds,
    )
    o.asst = PostFactory(
        section=o.section, level=L.ASSISTANT, designation_en="Assistant (Budget-I)", reports_to=o.so
    )
    for name in ["secretary", "ds", "so", "asst"]:
        user = UserFactory(username=f"fd-{name}")
        HoldingFactory(post=getattr(o, name), user=user)
        setattr(o, f"{name}_user", user)
    return o


@pytest.fixture
def desk(org):
    """``org`` plus: the Secretary may approve, a subject head, an assistant in another live
    department, and a department that is not live yet."""
    org.secretary.may_approve = True
    org.secretary.save(update_fields=["may_approve"])
    org.head = SubjectHead.objects.create(
        department=org.dept, code="12", name_en="Budget estimates"
    )
    org.other_dept = DepartmentFactory(code="HED", name_en="Higher Education Department")
    other_section = SectionFactory(department=org.other_dept, code="SO(Univ)")
    org.other_so = PostFactory(
        section=other_section,
        level=Post.Level.SECTION_OFFICER,
        designation_en="Section Officer (Universities)",
    )
    org.other_head = SubjectHead.objects.create(
        department=org.other_dept, code="4", name_en="Universities"
    )
    org.other_user = UserFactory(username="hed-so")
    HoldingFactory(post=org.other_so, user=org.other_user)
    org.dead_dept = DepartmentFactory(
        code="HD", name_en="Health Department", is_live=False, live_since=None
    )
    org.dead_post = PostFactory(section=SectionFactory(department=org.dead_dept, code="SO(Hosp)"))
    return org


def pytest_collection_modifyitems(config, items):
    _mark_browser_tests(items)
    for item in items:
        if "postgres" in item.keywords and connection.vendor != "postgresql":
            item.add_marker(
                pytest.mark.skip(
                    reason="needs PostgreSQL (set DATABASE_URL); SQLite lacks this feature"
                )
            )


@pytest.fixture(autouse=True)
def _signed_in_with_second_factor(request):
    """Every officer needs a second factor (accounts/, issue 18); tests keep signing in as
    before. While a test runs, any sign-in — ``client.force_login(user)``, a password posted
    to /accounts/login/, a browser test's own sign-in — also gives the user an authenticator
    and marks the session as having passed it, in the test and in the live server's thread
    (a ``user_logged_in`` receiver). A DRF ``Token`` a test creates works as a hashed API
    token. The browser ``login`` helper types a real code when asked for one. Tests of the
    second factor itself opt out with ``@pytest.mark.real_second_factor`` (tests/accounts/)."""
    if "real_second_factor" in request.keywords:
        yield
        return
    from django.contrib.auth.signals import user_logged_in
    from django.db.models.signals import post_save
    from rest_framework.authtoken.models import Token

    from tests.accounts.support import mark_second_factor_passed, mirror_drf_token

    user_logged_in.connect(mark_second_factor_passed, dispatch_uid="tests.second_factor")
    post_save.connect(mirror_drf_token, sender=Token, dispatch_uid="tests.mirror_drf_token")
    yield
    user_logged_in.disconnect(dispatch_uid="tests.second_factor")
    post_save.disconnect(sender=Token, dispatch_uid="tests.mirror_drf_token")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness is for attackers, not for the test suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- Browser tests (headless Chromium). The fixtures live here, once, so that every test
# directory shares one session-wide browser: a second sync Playwright in the same worker fails.
import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

from tests.browser.conftest import AXE, CHROMIUM  # noqa: E402


def _mark_browser_tests(items):
    reason = None
    if not Path(CHROMIUM).exists():
        reason = "needs Debian's chromium at /usr/bin/chromium (./dev.sh test installs it as root)"
    elif shutil.which("node") is None and not AXE.exists():
        reason = "needs axe-core from npm (./dev.sh test installs it)"
    for item in items:
        if "browser" in item.keywords and reason:
            if os.environ.get("CI"):
                item.add_marker(pytest.mark.xfail(reason=reason, run=False, strict=True))
            else:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def pytest_report_header(config):
    """Say which database the run uses: tests marked ``postgres`` skip on SQLite."""
    settings_db = connection.settings_dict
    where = settings_db.get("HOST") or settings_db.get("NAME")
    return f"database: {connection.vendor} ({where})"
