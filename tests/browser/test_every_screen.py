"""Every Daftar screen, staff and public, at 1280 and 360 px, in English and in Urdu: no page
scrolls sideways (``document.documentElement.scrollWidth <= window.innerWidth``, measured in
Chromium) and axe-core finds no WCAG 2.2 AA violation (issue 17, point 9).

The list of screens is built from the URL confs: every named URL is either a screen (a GET
answering HTML, visited with a representative object of the seeded office) or named in
``NOT_SCREENS`` with the reason; a new URL fails ``test_every_url_is_a_screen_or_says_why``
until it is one or the other. The public site's screens are its live Wagtail pages and the
performance index's routes. One browser; a context per (user, width, language), each page
visited once in it.
"""

import datetime as dt

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from wagtail.models import Page

from cgu.services import (
    monitoring_file_open,
    return_accept,
    return_send_back,
    return_submit,
    return_take_up,
)
from letters.models import StandardText
from organisation import services as org
from organisation.models import Holding, Post
from tests.browser.conftest import AXE, screenshot
from tests.cgu.conftest import _media_in_tmp as _media_in_tmp  # noqa: F401 — CGU fixtures
from tests.cgu.conftest import cgu as cgu  # noqa: F401
from tests.cgu.conftest import uni_rows
from tests.documents.corpus import text_pdf, upload
from tests.factories import HoldingFactory, PostFactory, SectionFactory, UserFactory
from tests.portal_pages.factories import build_tree, department_page, report_page
from workspace.models import Priority, SubjectHead
from workspace.services import approvals, correspondence, files, movement, notes, receipts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Named URLs that are not screens a person looks at, and why.
NOT_SCREENS = {
    "healthz": "JSON for the load balancer",
    "healthz-live": "JSON for the orchestrator (tests/test_health.py)",
    "healthz-ready": "JSON for the load balancer (tests/test_health.py)",
    "metrics": "Prometheus text for the monitoring server, behind a token",
    "accounts:second_factor": "a signed-in session has passed it: walked with axe at 360 px "
    "in tests/browser/test_signin_browser.py",
    "accounts:recovery_codes": "shown once, right after enrolment: walked in "
    "tests/browser/test_signin_browser.py",
    "accounts:second_factor_reset": "POST",
    "accounts:token_create": "POST",
    "accounts:token_revoke": "POST",
    "accounts:sign_out_everywhere": "POST",
    "workspace:receipt_dispose": "POST (its form is on the receipt page)",
    "documents:page_image": "a PNG of a paper's page (tests/workspace/test_viewer.py)",
    "favicon": "an icon (tests/portal_pages/test_rough_edges.py)",
    "set_language": "POST",
    "logout": "POST",
    "portal:set_language": "POST",
    "portal:acknowledgement": "a PDF",
    "complaints:mine": "a citizen's own complaint, opened by its number and digits in that "
    "browser: walked at 1280/360 px in tests/browser/test_complaints_browser.py",
    "complaints:detail": "a complaint of the officer's own district: walked at 1280/360 px in "
    "tests/browser/test_complaints_browser.py",
    "complaints:feedback": "POST",
    "complaints:answer": "POST",
    "complaints:act": "POST",
    "complaints:evidence": "a photo, video or audio clip",
    "complaints:statistics_csv": "a CSV download (tests/complaints/test_statistics.py)",
    "complaints:statistics_json": "a JSON download (tests/complaints/test_statistics.py)",
    "wagtailcore_authenticate_with_password": "Wagtail's password form for restricted pages",
    "wagtailcore_login": "Wagtail's redirect to sign in for restricted pages",
    "wagtail_serve": "the public pages: visited as the live pages of the site, below",
    "workspace:charge_end": "POST",
    "workspace:receipt_mark": "POST",
    "workspace:receipt_outcome": "POST",
    "workspace:receipt_open_file": "POST",
    "workspace:note_add": "POST",
    "workspace:note_edit": "POST",
    "workspace:note_delete": "POST",
    "workspace:note_decide": "POST",
    "workspace:file_mark": "POST",
    "workspace:file_recall": "POST",
    "workspace:enclose_receipt": "POST",
    "workspace:enclose_paper": "POST",
    "workspace:mark_puc": "POST",
    "workspace:draft_add": "POST",
    "workspace:draft_decide": "POST",
    "workspace:draft_issue": "POST",
    "workspace:file_move": "POST",
    "documents:paper_new_version": "POST",
    "documents:download": "the paper's bytes",
    "documents:view": "the paper's bytes, inline",
    "search:go": "a redirect to the file found",
    "cgu:return_template": "a CSV or XLSX template",
    "cgu:return_take_up": "POST",
    "cgu:return_accept": "POST",
    "cgu:return_send_back": "POST",
    "cgu:return_put_on_file": "POST",
    "cgu:reminders_send": "POST",
    "cgu:report_pdf": "a PDF",
    "cgu:entity_person_deactivate": "POST",
    "entity:template": "a CSV or XLSX template",
    "entity:certify": "POST",
    "entity:submit": "POST",
    "entity:deactivate": "POST",
    "letters:pdf": "the signed letter's bytes (tests/letters/test_views.py)",
    "letters:email": "POST",
    "documents:rendition": "a stamped copy's bytes (tests/documents/test_signatures.py)",
}

SKIPPED_PREFIXES = ("django-admin/", "cms/", "api/v1/", "documents/")  # not Daftar's screens


def _named_urls(patterns=None, prefix="", namespace=None):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern) in SKIPPED_PREFIXES:
                continue
            yield from _named_urls(
                p.url_patterns, prefix + str(p.pattern), p.namespace or namespace
            )
        elif isinstance(p, URLPattern) and p.name:
            yield (f"{namespace}:{p.name}" if namespace else p.name), prefix + str(p.pattern)


@pytest.fixture
def office(cgu, settings):  # noqa: F811
    """The CGU in miniature (``tests/cgu/conftest.py``) and around it a Finance Department
    desk with one of everything: a citizen's receipt with a scan on a file at the Section
    Officer's desk with a note and a draft, an issued letter, a parked file, an additional
    charge; returns accepted and returned; the public site's pages."""
    L = Post.Level
    secy = SectionFactory(department=cgu.fd, code="Secy", name_en="Secretariat")
    secretary = PostFactory(
        section=secy, level=L.SECRETARY, designation_en="Secretary", may_approve=True
    )
    secretary_user = UserFactory(username="fd-secretary", first_name="Sana", last_name="Khan")
    HoldingFactory(post=secretary, user=secretary_user)
    cgu.budget_so.reports_to = secretary
    cgu.budget_so.save(update_fields=["reports_to"])
    clerk_post = PostFactory(
        section=cgu.budget, level=L.ASSISTANT, designation_en="Assistant (Budget-I)",
        reports_to=cgu.budget_so,
    )  # fmt: skip
    clerk = UserFactory(username="fd-asst", first_name="Bilal", last_name="Ahmad")
    HoldingFactory(post=clerk_post, user=clerk)
    cgu.fd.limit_urgent_days = 5  # the Finance Department's own time limit for "urgent"
    cgu.fd.save(update_fields=["limit_urgent_days"])
    head = SubjectHead.objects.create(department=cgu.fd, code="12", name_en="Budget estimates")
    pse = SubjectHead.objects.create(department=cgu.fd, code="PSE", name_en="PSE monitoring")
    so, so_post = cgu.budget_so_user, cgu.budget_so

    # A citizen's matter with a scan, on a file with a note and a draft, at the SO's desk.
    receipt = receipts.receipt_diarise(
        actor=clerk,
        post=clerk_post,
        sender="Gul Bibi, Mardan",
        subject="Release of pension arrears — مرحوم شوہر کی پنشن",
        citizen_name="Gul Bibi",
        citizen_cnic_last4="1234",
        time_limit_days=30,
        priority=Priority.URGENT,
        scans=[upload("application.pdf", text_pdf(2, "Application for pension arrears"))],
    )
    file = files.file_open(
        actor=clerk,
        post=clerk_post,
        subject_head=head,
        subject="Pension arrears of Gul Bibi (widow of a Class-IV employee, Mardan)",
        receipt=receipt,
        priority=Priority.URGENT,
    )
    correspondence.paper_enclose(
        actor=clerk, file=file, upload=upload("service-book.pdf", text_pdf(1, "Service book"))
    )
    notes.note_add(
        actor=clerk, file=file, text="The widow's application at Flag A asks for arrears of "
        "PKR 412,500 since 2023. The AG's verification is awaited. درخواست گزار بیوہ ہیں۔",
    )  # fmt: skip
    movement.file_put_up(actor=clerk, file=file, remarks="For orders, please.")
    pending_draft = approvals.draft_create(
        actor=so, file=file, subject="Sanction of pension arrears", addressees="AG KP, Peshawar",
        body="Sanction is accorded to the payment of arrears.",
    )  # fmt: skip
    StandardText.objects.create(
        department=so_post.section.department, title="I am directed to refer", title_ur="حوالہ",
        text="I am directed to refer to your letter cited above.",
        text_ur="مجھے ہدایت ہوئی ہے کہ آپ کے مذکورہ بالا خط کا حوالہ دوں۔",
    )  # fmt: skip
    # An issued letter in the section's dispatch register.
    issued = files.file_open(actor=so, post=so_post, subject_head=head, subject="ADP release")
    draft = approvals.draft_create(
        actor=so, file=issued, subject="Release of ADP funds", addressees="AG KP", body="Text"
    )
    movement.file_put_up(actor=so, file=issued)
    approvals.draft_decide(actor=secretary_user, file=issued, draft=draft, decision="approved")
    dispatched = approvals.draft_issue(actor=so, file=issued, draft=draft)
    parked = files.file_open(actor=so, post=so_post, subject_head=head, subject="Audit para 7")
    movement.file_park(actor=so, file=parked)
    org.additional_charge_give(
        actor=secretary_user,
        post=clerk_post,
        user=so,
        reason=Holding.Reason.LEAVE,
        starts_at=timezone.now(),
        ends_at=timezone.now() + dt.timedelta(days=7),
    )

    # The CGU: an accepted return (published), one returned with reasons.
    for entity in (cgu.uni, cgu.uni2):
        monitoring_file_open(actor=cgu.asst_user, entity=entity, subject_head=pse)
        entity.refresh_from_db()
    accepted = return_submit(
        actor=cgu.asst_user, entity=cgu.uni, period=cgu.q3, rows=uni_rows(),
        received_on=dt.date(2025, 10, 20),
    )  # fmt: skip
    return_take_up(actor=cgu.so_user, kpi_return=accepted)
    return_accept(actor=cgu.so_user, kpi_return=accepted)
    returned = return_submit(
        actor=cgu.asst_user, entity=cgu.uni2, period=cgu.q3, rows=uni_rows(STAFF="9"),
        received_on=dt.date(2025, 11, 4),
    )  # fmt: skip
    return_send_back(
        actor=cgu.so_user, kpi_return=returned, reasons="Staff strength of 9 looks wrong; check."
    )

    # The entity portal: UOP's head (signed in), and an invitation not yet taken up.
    from django.contrib.auth.models import AnonymousUser

    from cgu.services.entity import entity_user_invite, invitation_accept

    _member, key = entity_user_invite(
        actor=cgu.asst_user, entity=cgu.uni, email="vc@uop.edu.pk", full_name="Qaiser Khan",
        role="head",
    )  # fmt: skip
    invitation_accept(
        actor=AnonymousUser(), key=key, password="pw-for-tests", password_again="pw-for-tests"
    )
    _pending, pending_key = entity_user_invite(
        actor=cgu.asst_user, entity=cgu.uni, email="focal@uop.edu.pk", full_name="Amina Shah",
        role="preparer",
    )  # fmt: skip

    tree = build_tree()
    department_page(tree, cgu.fd, intro="Prepares the provincial budget.")
    report_page(tree, cgu.q3)
    return {
        "users": {
            "desk": so,
            "charges": secretary_user,
            "cgu": cgu.head_user,
            "entity": _member.user,
        },
        "args": {
            "workspace:receipt": [receipt.pk],
            "workspace:file": [file.pk],
            "workspace:file_paper": [file.pk, receipt.papers.get().current_version_id],
            "workspace:receipt_paper": [receipt.pk, receipt.papers.get().current_version_id],
            "workspace:draft_read": [file.pk, 1],
            "documents:paper_detail": [receipt.papers.get().pk],
            "cgu:entity": [cgu.uni.code],
            "cgu:department": [cgu.hed.code],
            "cgu:kpi": [cgu.budget_kpi.code],
            "cgu:return": [accepted.pk],
            "cgu:return_resubmit": [returned.pk],
            "cgu:compliance_period": [cgu.q3.code],
            "cgu:entity_people": [cgu.uni.code],
            "entity:period": [cgu.q3.code],
            "entity:join": [pending_key],
            "letters:letter": [dispatched.pk],
            "letters:draft_texts": [pending_draft.pk],
        },
        "performance": tree.performance,
        "entity": cgu.uni,
        "dept": cgu.hed,
    }


def _screens(office) -> list[tuple[str, str, str]]:
    """(who, name, path) of every screen: the staff screens from the URL confs, then the
    public site's live pages and the performance routes."""
    from django.urls import reverse

    out = []
    for name, _pattern in _named_urls():
        if name in NOT_SCREENS:
            continue
        who = (
            "cgu"
            if name.startswith("cgu:")
            else "charges"
            if name == "workspace:charges"
            else None
            if name in ("login", "entity:join")
            else "entity"
            if name.startswith("entity:")
            else "desk"
        )
        out.append((who, name, reverse(name, args=office["args"].get(name, []))))
    for page in Page.objects.live().filter(depth__gt=1).specific():
        if page.url:  # pages under the site's root
            out.append((None, f"page:{type(page).__name__}", page.url))
    perf = office["performance"].url
    for route in (
        f"departments/{office['dept'].code.lower()}/",
        f"entities/{office['entity'].code.lower()}/",
        "e-office/",
    ):
        out.append((None, f"performance:{route.split('/')[0]}", perf + route))
    return out


def test_every_url_is_a_screen_or_says_why(office):
    names = {name for name, _ in _named_urls()}
    assert set(NOT_SCREENS) <= names, set(NOT_SCREENS) - names  # no stale entries
    screens = _screens(office)
    staff = [s for s in screens if s[0] is not None]
    assert len(staff) >= 25 and len(screens) >= 35, len(screens)
    names = {name for _who, name, _path in screens}
    assert {
        "workspace:file",
        "workspace:receipt",
        "workspace:charges",
        "documents:paper_detail",
        "cgu:dashboard",
        "cgu:return",
        "cgu:compliance",
        "page:HomePage",
        "page:TrackingPage",
        "page:PerformanceIndexPage",
        "page:MonitoringReportPage",
        "page:DepartmentPage",
        "performance:entities",
    } <= names
    for _who, name, _path in screens:
        # every staff detail page has its representative object
        assert "<" not in _path, name


def _measure(page, path):
    """Open ``path``; the page's width against the window's and axe's violations."""
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)
    if not page.evaluate("typeof axe !== 'undefined'"):
        # Evaluated through DevTools: an added <script> tag is refused by the page's CSP.
        page.evaluate(AXE.read_text())
    return page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values:
                ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}});
            return {
                width: document.documentElement.scrollWidth,
                window: window.innerWidth,
                lang: document.documentElement.lang,
                violations: r.violations.map(v => [v.id, v.nodes.slice(0, 3).map(n => n.target)]),
            };
        }"""
    )


def test_no_screen_scrolls_sideways_or_fails_axe(browser, live_server, office):
    screens = _screens(office)
    storage = {}
    for who, user in office["users"].items():
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", "pw-for-tests")
        page.press("#id_password", "Enter")
        page.wait_for_url(f"{live_server.url}/{'entity' if who == 'entity' else 'desk'}/**")
        storage[who] = context.storage_state()
        context.close()
    storage[None] = None
    problems = []
    shots = {"workspace:file", "workspace:charges", "cgu:dashboard", "cgu:return",
             "documents:paper_detail", "workspace:home", "performance:departments",
             "entity:home", "entity:period", "cgu:entity_people", "entity:join"}  # fmt: skip
    for width, height in ((1280, 860), (360, 740)):
        for lang in ("en", "ur"):
            for who in storage:
                mine = [s for s in screens if s[0] == who]
                context = browser.new_context(
                    viewport={"width": width, "height": height},
                    storage_state=storage[who],
                    # Not is_mobile: a mobile viewport zooms out to fit a wide page, and
                    # window.innerWidth grows with it; a narrow window measures honestly.
                    has_touch=width < 500,
                    base_url=live_server.url,
                )
                context.add_cookies(
                    [{"name": "django_language", "value": lang, "url": live_server.url}]
                )
                page = context.new_page()
                page.set_default_timeout(20_000)
                for _who, name, path in mine:
                    result = _measure(page, path)
                    where = f"{name} {path} at {width}px in {lang}"
                    assert result["lang"] == lang, where
                    assert result["window"] == width, (where, result["window"])
                    if result["width"] > result["window"]:
                        problems.append(f"{where}: {result['width']}px wide")
                    if result["violations"]:
                        problems.append(f"{where}: axe {result['violations']}")
                    if name in shots:
                        screenshot(page, f"every-{name.replace(':', '-')}-{width}-{lang}")
                context.close()
    assert problems == [], "\n".join(problems)
