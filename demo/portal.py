"""Demo data of the public site for ``manage.py seed_demo``: the Wagtail page tree (home as
the site root, about, a page per demo department, news, performance with a monitoring
report, tracking), an ``editor`` in Wagtail's Editors group, and citizens' matters at every
stage with tracking references — diarised and moved through the desk's own services.

Idempotent: pages and matters that exist are left as they are. The performance pages read
the CGU's published figures; its seeding step runs before this one.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from wagtail.models import GroupPagePermission, Locale, Page, Site

from cgu.models import ReportingPeriod
from cgu.selectors import published as cgu_published
from demo.organisation import DEMO_PASSWORD
from organisation.models import Department, Holding, Post
from portal_pages.models import (
    DepartmentIndexPage,
    DepartmentPage,
    HomePage,
    MonitoringReportPage,
    NewsIndexPage,
    NewsPage,
    PerformanceIndexPage,
    SiteIdentity,
    StandardPage,
    TrackingPage,
)
from workspace import tracking
from workspace.models import File, Grading, Receipt, SubjectHead
from workspace.services.files import file_open
from workspace.services.movement import file_close, file_park, file_put_up
from workspace.services.receipts import receipt_diarise, receipt_record_outcome


def _p(text: str) -> dict:
    return {"type": "paragraph", "value": f"<p>{text}</p>"}


def _h(text: str, level: str = "h2") -> dict:
    return {"type": "heading", "value": {"text": text, "level": level}}


# ---- the page tree --------------------------------------------------------------------------

HOME = {
    "title": "Citizen portal",
    "title_ur": "شہری پورٹل",
    "intro": (
        "Track the application or complaint you gave a government office, and see how "
        "departments and public sector entities perform — in figures anyone can download."
    ),
    "intro_ur": (
        "سرکاری دفتر میں جمع کرائی گئی اپنی درخواست یا شکایت کا پتہ لگائیں، اور دیکھیں کہ "
        "محکمے اور سرکاری ادارے کیسی کارکردگی دکھا رہے ہیں۔"
    ),
    "body": [
        _h("How tracking works"),
        {
            "type": "steps",
            "value": {
                "title": "",
                "steps": [
                    {
                        "title": "Hand in your application",
                        "text": "The office registers it and gives you an acknowledgement "
                        "slip with a tracking number.",
                    },
                    {
                        "title": "Track it here",
                        "text": "Enter the tracking number and the last four digits of your "
                        "CNIC or mobile number.",
                    },
                    {
                        "title": "See where it stands",
                        "text": "Which office has it, what happens next, and when a decision "
                        "is due.",
                    },
                ],
            },
        },
    ],
    "body_ur": [
        _h("درخواست کا پتہ کیسے لگائیں"),
        {
            "type": "steps",
            "value": {
                "title": "",
                "steps": [
                    {
                        "title": "اپنی درخواست جمع کرائیں",
                        "text": "دفتر اسے درج کر کے آپ کو ٹریکنگ نمبر والی رسید دیتا ہے۔",
                    },
                    {
                        "title": "یہاں پتہ لگائیں",
                        "text": "ٹریکنگ نمبر اور اپنے شناختی کارڈ یا موبائل نمبر کے آخری چار "
                        "ہندسے درج کریں۔",
                    },
                    {
                        "title": "دیکھیں معاملہ کہاں ہے",
                        "text": "کون سا دفتر اس پر کام کر رہا ہے، آگے کیا ہوگا اور فیصلہ "
                        "کب تک متوقع ہے۔",
                    },
                ],
            },
        },
    ],
}

ABOUT = {
    "title": "About this portal",
    "title_ur": "اس پورٹل کے بارے میں",
    "slug": "about",
    "intro": "The public face of the province's paperless e-office.",
    "intro_ur": "صوبے کے بغیر کاغذ کے ای آفس کا عوامی چہرہ۔",
    "body": [
        _p(
            "Government departments of the province work on Daftar, a paperless e-office: "
            "letters are diarised, files are opened, noted and moved between desks online. "
            "The first four departments — Finance, Higher Education, Science &amp; "
            "Technology and IT, and Sports — went live in November 2023; the rest follow "
            "department by department."
        ),
        _p(
            "Because every file moves online, a citizen can see where an application stands "
            "without visiting the office, and anyone can see how quickly departments dispose "
            "of their files."
        ),
        _h("Performance of public sector entities"),
        _p(
            "The Corporate Governance Unit of the Finance Department watches the province's "
            "183 public sector entities — universities, teaching hospitals, water and "
            "sanitation companies, authorities and boards — through the figures they report "
            "every quarter. Figures it has checked and accepted are published here, with the "
            "Service Delivery Performance Monitoring Reports."
        ),
        {
            "type": "callout",
            "value": {
                "tone": "info",
                "title": "What we never publish",
                "text": "<p>Notes, papers, officers' names, and anything with a security "
                "grading never appear on this site.</p>",
            },
        },
    ],
    "body_ur": [
        _p(
            "صوبے کے سرکاری محکمے دفتر پر کام کرتے ہیں، جو بغیر کاغذ کا ای آفس ہے: خطوط درج "
            "ہوتے ہیں، فائلیں کھلتی ہیں اور آن لائن ایک میز سے دوسری میز تک جاتی ہیں۔ پہلے چار "
            "محکمے — خزانہ، اعلیٰ تعلیم، سائنس و ٹیکنالوجی و آئی ٹی، اور کھیل — نومبر 2023 میں "
            "شامل ہوئے؛ باقی محکمے مرحلہ وار شامل ہو رہے ہیں۔"
        ),
        _h("سرکاری اداروں کی کارکردگی"),
        _p(
            "محکمہ خزانہ کا کارپوریٹ گورننس یونٹ صوبے کے 183 سرکاری اداروں کی سہ ماہی رپورٹوں "
            "کے ذریعے نگرانی کرتا ہے۔ جانچ کے بعد منظور شدہ اعداد و شمار یہاں شائع کیے جاتے ہیں۔"
        ),
        {
            "type": "callout",
            "value": {
                "tone": "info",
                "title": "جو ہم کبھی شائع نہیں کرتے",
                "text": "<p>نوٹس، کاغذات، افسران کے نام اور کوئی خفیہ درجہ بندی والی چیز اس سائٹ "
                "پر کبھی ظاہر نہیں ہوتی۔</p>",
            },
        },
    ],
}

TRACKING = {
    "title": "Track your application",
    "title_ur": "اپنی درخواست کا پتہ لگائیں",
    "slug": "track",
    "intro": (
        "Enter the tracking number from your acknowledgement slip and the last four digits of "
        "your CNIC or mobile number."
    ),
    "intro_ur": (
        "اپنی رسید پر درج ٹریکنگ نمبر اور اپنے شناختی کارڈ یا موبائل نمبر کے آخری چار ہندسے "
        "درج کریں۔"
    ),
    "body": [
        _h("Where is my tracking number?"),
        _p(
            "It is printed at the top of the acknowledgement slip the office gave you, for "
            "example <b>K7M2Q-X9PT4</b>. It has ten letters and digits; there is no letter O "
            "or I and no digit 0 or 1, so it is hard to mistype."
        ),
        _h("Something wrong?"),
        _p(
            "If the matter is past its time limit, contact the office named on this page. "
            "Keep your slip: nobody will ever ask you for a fee to track your application."
        ),
    ],
    "body_ur": [
        _h("میرا ٹریکنگ نمبر کہاں ہے؟"),
        _p(
            "یہ دفتر کی دی ہوئی رسید کے اوپر درج ہوتا ہے۔ اس میں دس حروف اور ہندسے ہوتے ہیں؛ "
            "اس میں انگریزی حرف O یا I اور ہندسہ 0 یا 1 نہیں ہوتا۔"
        ),
        _h("کوئی مسئلہ؟"),
        _p(
            "اگر معاملہ مقررہ مدت سے تجاوز کر گیا ہو تو اس صفحے پر درج دفتر سے رابطہ کریں۔ "
            "اپنی رسید سنبھال کر رکھیں: درخواست کا پتہ لگانے کی کوئی فیس نہیں ہے۔"
        ),
    ],
}

PERFORMANCE = {
    "title": "Performance",
    "title_ur": "کارکردگی",
    "slug": "performance",
    "intro": (
        "Figures reported by public sector entities and accepted by the Corporate Governance "
        "Unit, and figures of the e-office itself. Every table can be downloaded."
    ),
    "intro_ur": (
        "سرکاری اداروں کے رپورٹ کردہ اور کارپوریٹ گورننس یونٹ کے منظور شدہ اعداد و شمار، اور "
        "خود ای آفس کے اعداد و شمار۔ ہر جدول ڈاؤن لوڈ کیا جا سکتا ہے۔"
    ),
}

DEPARTMENTS = {
    "title": "Departments",
    "title_ur": "محکمے",
    "slug": "departments",
    "intro": "What each department does, how to reach it, and how it works on the e-office.",
    "intro_ur": "ہر محکمہ کیا کرتا ہے، اس سے رابطہ کیسے کریں، اور وہ ای آفس پر کیسے کام کرتا ہے۔",
}

DEPARTMENT_TEXT = {
    "FD": (
        "Prepares the provincial budget, releases funds and oversees public sector entities "
        "through its Corporate Governance Unit.",
        "صوبائی بجٹ تیار کرتا ہے، فنڈز جاری کرتا ہے اور کارپوریٹ گورننس یونٹ کے ذریعے سرکاری "
        "اداروں کی نگرانی کرتا ہے۔",
    ),
    "HED": (
        "Runs the province's public colleges and oversees its universities.",
        "صوبے کے سرکاری کالجوں کا انتظام اور جامعات کی نگرانی کرتا ہے۔",
    ),
    "STIT": (
        "Leads science, technology and the digital services of government.",
        "سائنس، ٹیکنالوجی اور حکومت کی ڈیجیٹل خدمات کی قیادت کرتا ہے۔",
    ),
    "SYA": (
        "Builds and runs sports facilities and youth programmes.",
        "کھیلوں کی سہولیات اور نوجوانوں کے پروگرام چلاتا ہے۔",
    ),
    "HD": (
        "Runs public hospitals and health programmes across the province.",
        "صوبے بھر میں سرکاری ہسپتال اور صحت کے پروگرام چلاتا ہے۔",
    ),
    "LGD": (
        "Oversees local governments and municipal services.",
        "مقامی حکومتوں اور بلدیاتی خدمات کی نگرانی کرتا ہے۔",
    ),
    "ESED": (
        "Runs the province's public primary and secondary schools.",
        "صوبے کے سرکاری پرائمری اور ثانوی سکول چلاتا ہے۔",
    ),
}

NEWS = [
    (
        dt.date(2023, 11, 9),
        "kp-digital-workspace-goes-live",
        "Paperless e-office goes live in four departments",
        "چار محکموں میں بغیر کاغذ کا ای آفس شروع",
        "Finance, Higher Education, Science & Technology and IT, and Sports now move files "
        "online; the other departments follow in phases.",
        "خزانہ، اعلیٰ تعلیم، سائنس و ٹیکنالوجی و آئی ٹی اور کھیل کے محکمے اب فائلیں آن لائن "
        "چلاتے ہیں؛ باقی محکمے مرحلہ وار شامل ہوں گے۔",
    ),
    (
        dt.date(2025, 3, 20),
        "integrated-information-portal",
        "Integrated Information Portal for 183 public sector entities",
        "183 سرکاری اداروں کے لیے مربوط انفارمیشن پورٹل",
        "Universities, teaching hospitals, municipal service units and other entities now "
        "report their financial and service-delivery figures to the Corporate Governance Unit "
        "online.",
        "جامعات، تدریسی ہسپتال، بلدیاتی ادارے اور دیگر ادارے اب اپنی مالی اور خدمات کی کارکردگی "
        "کے اعداد و شمار آن لائن کارپوریٹ گورننس یونٹ کو بھیجتے ہیں۔",
    ),
    (
        dt.date(2025, 3, 21),
        "first-service-delivery-report",
        "First Service Delivery Performance Monitoring Report",
        "خدمات کی فراہمی کی کارکردگی کی پہلی نگرانی رپورٹ",
        "The first report of its kind, piloted in three departments, now covers every public "
        "sector entity.",
        "اپنی نوعیت کی پہلی رپورٹ، جو تین محکموں میں آزمائی گئی، اب تمام سرکاری اداروں کا "
        "احاطہ کرتی ہے۔",
    ),
    (
        dt.date(2025, 6, 2),
        "track-applications-online",
        "Track your application online",
        "اپنی درخواست کا آن لائن پتہ لگائیں",
        "Applications and complaints handed in at a live department now come with a tracking "
        "number you can check on this site.",
        "فعال محکموں میں جمع کرائی گئی درخواستوں اور شکایات کو اب ٹریکنگ نمبر ملتا ہے جسے آپ اس "
        "سائٹ پر دیکھ سکتے ہیں۔",
    ),
]


def _child(parent, model, slug: str, **fields):
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing:
        return existing, False
    page = parent.add_child(instance=model(slug=slug, show_in_menus=True, **fields))
    page.save_revision().publish()
    return page, True


def ensure_root() -> Page:
    """Wagtail's root page (its migration creates it; a flushed database has none)."""
    root = Page.get_first_root_node()
    if root is None:
        Locale.objects.get_or_create(language_code="en")
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    return root


def seed_pages(progress=print) -> HomePage:
    """The page tree, with HomePage as the default site's root."""
    root = ensure_root()
    home = HomePage.objects.first()
    if home is None:
        home = root.add_child(instance=HomePage(slug="citizen-portal", **HOME))
        home.save_revision().publish()
        progress("  home page created")
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Daftar"
        )
    elif site.root_page_id != home.pk:
        old = site.root_page
        site.root_page = home
        site.site_name = site.site_name or "Daftar"
        site.save(update_fields=["root_page", "site_name"])
        # Wagtail's "Welcome to your new Wagtail site!" placeholder
        if old.specific_class is Page and not old.get_children().exists():
            old.delete()

    _child(home, TrackingPage, **TRACKING)
    performance, _ = _child(home, PerformanceIndexPage, **PERFORMANCE)
    dept_index, _ = _child(home, DepartmentIndexPage, **DEPARTMENTS)
    news_index, _ = _child(
        home, NewsIndexPage, slug="news", title="News", title_ur="خبریں",
        intro="News and public notices.", intro_ur="خبریں اور عوامی اعلانات۔",
    )  # fmt: skip
    _child(home, StandardPage, **ABOUT)

    made = 0
    for dept in Department.objects.order_by("code"):
        if DepartmentPage.objects.filter(department=dept).exists():
            continue
        en, ur = DEPARTMENT_TEXT.get(dept.code, ("", ""))
        contact = {
            "type": "contact",
            "value": {
                "office": f"Secretary's Office, {dept.name_en}",
                "address": "Civil Secretariat, Peshawar",
                "phone": "",
                "email": f"{dept.code.lower()}@daftar.invalid",
                "hours": "Monday to Friday, 9:00 to 17:00",
            },
        }
        contact_ur = {
            "type": "contact",
            "value": {
                "office": f"دفترِ سیکرٹری، {dept.name_ur or dept.name_en}",
                "address": "سول سیکرٹریٹ، پشاور",
                "phone": "",
                "email": f"{dept.code.lower()}@daftar.invalid",
                "hours": "پیر تا جمعہ، صبح 9 سے شام 5 بجے تک",
            },
        }
        page = dept_index.add_child(
            instance=DepartmentPage(
                title=dept.name_en,
                title_ur=dept.name_ur,
                slug=dept.code.lower(),
                department=dept,
                intro=en,
                intro_ur=ur,
                body=[contact],
                body_ur=[contact_ur],
                show_in_menus=False,
            )
        )
        page.save_revision().publish()
        made += 1
    if made:
        progress(f"  {made} department pages")

    for date, slug, title, title_ur, intro, intro_ur in NEWS:
        if NewsPage.objects.child_of(news_index).filter(slug=slug).exists():
            continue
        page = news_index.add_child(
            instance=NewsPage(
                slug=slug,
                title=title,
                title_ur=title_ur,
                intro=intro,
                intro_ur=intro_ur,
                date=date,
                body=[_p(intro)],
                body_ur=[_p(intro_ur)],
            )
        )
        page.save_revision().publish()

    _seed_report_page(performance, progress)

    identity = SiteIdentity.for_site(Site.objects.get(is_default_site=True))
    if not identity.address:
        identity.address = "Civil Secretariat, Peshawar"
        identity.address_ur = "سول سیکرٹریٹ، پشاور"
        identity.email = "portal@daftar.invalid"
        identity.save()
    return home


def _seed_report_page(performance, progress) -> None:
    period = cgu_published.published_periods(kind=ReportingPeriod.Kind.QUARTERLY).last()
    if period is None:
        progress("  no published CGU figures yet: the monitoring report page waits for them")
        return
    if MonitoringReportPage.objects.filter(period=period).exists():
        return
    page = performance.add_child(
        instance=MonitoringReportPage(
            slug=f"sdpmr-{period.code.lower()}",
            title=f"Service Delivery Performance Monitoring Report {period.code}",
            title_ur=f"خدمات کی فراہمی کی کارکردگی کی نگرانی رپورٹ {period.code}",
            period=period,
            intro=(
                "How the province's public sector entities performed this quarter, from the "
                "figures they reported and the Corporate Governance Unit accepted."
            ),
            intro_ur=(
                "اس سہ ماہی میں صوبے کے سرکاری اداروں کی کارکردگی، منظور شدہ اعداد و شمار کی "
                "بنیاد پر۔"
            ),
            body=[
                _p(
                    "Entities that did not report, or whose figures were returned for "
                    "correction, are shown as not reported. The Corporate Governance Unit "
                    "follows them up."
                )
            ],
            body_ur=[
                _p(
                    "جن اداروں نے رپورٹ نہیں دی یا جن کے اعداد و شمار درستگی کے لیے واپس کیے گئے، "
                    "انہیں «رپورٹ نہیں کیا» دکھایا گیا ہے۔"
                )
            ],
        )
    )
    page.save_revision().publish()
    progress(f"  monitoring report page for {period.code}")


# ---- the editor -----------------------------------------------------------------------------


def seed_editor(progress=print, home=None):
    """``editor`` in Wagtail's Editors group, which may enter the admin and add, change and
    publish pages under the home page."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username="editor", defaults={"first_name": "Site", "last_name": "Editor"}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    home = home or HomePage.objects.first()
    if home is not None:
        for codename in ("add_page", "change_page", "publish_page"):
            GroupPagePermission.objects.get_or_create(
                group=editors,
                page=home,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
    user.groups.add(editors)
    return user


# ---- citizens' matters ----------------------------------------------------------------------

# citizen, CNIC last 4, mobile last 4, subject, days ago, time limit, what happens
MATTERS = [
    ("Gul Bano", "4321", "8765", "Pension case of late husband", 2, 30, "received"),
    ("Sher Alam", "1122", "3344", "Refund of excess tax deducted", 12, 30, "examined"),
    ("Nasreen Akhtar", "5566", "7788", "Scholarship for a disabled student", 20, 30, "put_up"),
    ("Amanullah", "9911", "2233", "Release of retention money", 45, 30, "overdue"),
    ("Zarmina Bibi", "6677", "1199", "Correction of service record", 25, 45, "parked"),
    ("Fazal Rabi", "3355", "8822", "Grant for a village sports ground", 60, 30, "decided"),
    ("Haji Gul", "4488", "6611", "Complaint about a disciplinary inquiry", 10, 30, "restricted"),
]
OUTCOME = "Approved. The grant has been sanctioned; the letter was sent to you by post."


def _holder(post):
    holding = Holding.objects.current().filter(post=post).order_by("kind").first()
    return holding.user if holding else None


def seed_matters(progress=print) -> list[tuple[str, str, str, str]]:
    """Citizens' matters in Finance (Budget-I), taken through the desk's services; returns
    (reference, second factor, citizen, stage) to print for trying the tracking page."""
    L = Post.Level
    posts = {
        p.level: p
        for p in Post.objects.filter(section__department__code="FD", section__code="SO(B-I)")
    }
    if L.ASSISTANT not in posts:
        progress("  skipped: Finance (Budget-I) is not seeded")
        return []
    asst = posts[L.ASSISTANT]
    clerk = _holder(asst)
    head, _ = SubjectHead.objects.get_or_create(
        department=asst.section.department, code="30", defaults={"name_en": "Public grievances"}
    )
    out = []
    today = timezone.localdate()
    for name, cnic, mobile, subject, days_ago, limit, plan in MATTERS:
        receipt = Receipt.objects.filter(citizen_name=name, subject=subject).first()
        if receipt is None:
            with transaction.atomic():
                receipt = receipt_diarise(
                    actor=clerk,
                    post=asst,
                    sender=name,
                    sender_address="Peshawar",
                    subject=subject,
                    received_on=today - dt.timedelta(days=days_ago),
                    citizen_name=name,
                    citizen_cnic_last4=cnic,
                    citizen_mobile_last4=mobile,
                    time_limit_days=limit,
                    grading=Grading.RESTRICTED if plan == "restricted" else Grading.UNCLASSIFIED,
                )
                if plan != "received":
                    file = file_open(
                        actor=clerk, post=asst, subject_head=head, subject=subject, receipt=receipt
                    )
                    actor = clerk
                    if plan in ("put_up", "overdue", "parked", "decided"):
                        file_put_up(actor=actor, file=file, remarks="Put up for orders.")
                        file.refresh_from_db()
                        actor = _holder(file.holding_post)
                    if plan in ("put_up", "decided"):
                        file_put_up(actor=actor, file=file, remarks="For approval.")
                        file.refresh_from_db()
                        actor = _holder(file.holding_post)
                    if plan == "parked":
                        file_park(actor=actor, file=file, remarks="Awaiting record from AGPR.")
                    if plan == "decided":
                        file_close(actor=actor, file=file, remarks="Sanctioned.")
                        receipt.refresh_from_db()
                        receipt_record_outcome(actor=actor, receipt=receipt, outcome=OUTCOME)
        stage = tracking.public_status(reference=receipt.tracking_ref, second_factor=cnic)
        out.append(
            (
                tracking.display(receipt.tracking_ref),
                cnic,
                name,
                stage.stage_label if stage else "not public (graded restricted)",
            )
        )
    return out


def seed(progress=print) -> None:
    """The public site's demo data (idempotent)."""
    home = seed_pages(progress)
    seed_editor(progress, home=home)
    matters = seed_matters(progress)
    progress("  Wagtail editor:   editor / " + DEMO_PASSWORD + "  (http://127.0.0.1:8000/cms/)")
    if matters:
        progress("  Try the tracking page (http://127.0.0.1:8000/track/) with:")
        for ref, factor, _name, stage in matters:
            progress(f"    {ref}  {factor}   {stage}")
    files = File.objects.count()
    progress(f"  public site ready ({files} files on the e-office)")
