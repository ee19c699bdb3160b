"""Administrators configure, they do not read: Django's admin shows no file, receipt, movement
or paper beyond what the same person could see on the desk (``workspace.access``), audit rows
show the action and never the text, tokens and task results show no secret. One test per
model the admin lists (the CGU's are in tests/cgu/test_admin_reads.py); the last test keeps
that list complete."""

import pytest
from django.contrib import admin
from django.urls import reverse
from rest_framework.authtoken.models import Token

import daftar.urls  # noqa: F401  (admin_site.configure() has run)
from tests.documents.corpus import text_pdf, upload
from tests.workspace.helpers import diarise, open_file
from workspace.models import Grading, Movement
from workspace.services import movement, notes

pytestmark = pytest.mark.django_db

SUBJECT = "Inquiry against the Director, secret"
NOTE = "The witnesses named Gul Bano as the source"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def secret(desk):
    """A secret file with a note and a movement, a secret receipt with a scan."""
    file = open_file(desk, subject=SUBJECT, grading=Grading.SECRET)
    notes.note_add(actor=desk.asst_user, file=file, text=NOTE)
    movement.file_put_up(actor=desk.asst_user, file=file)
    receipt = diarise(
        desk,
        subject="Complaint, secret",
        sender="A whistle-blower",
        grading=Grading.SECRET,
        scans=[upload("whistle.pdf", text_pdf(1, "Complaint"))],
    )
    return file, receipt


def _page(client, name, *args) -> str:
    response = client.get(reverse(f"admin:{name}", args=args))
    assert response.status_code == 200, (name, response.status_code)
    return response.content.decode()


def _gone(client, name, pk):
    """The change page of an object the admin must not show: not found (a redirect to the
    admin's index with "doesn't exist", as for a deleted object)."""
    response = client.get(reverse(f"admin:{name}", args=[pk]))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")


@pytest.fixture
def root(client, admin_user):
    """A superuser who holds no post: sees no file on the desk, so none in the admin."""
    client.force_login(admin_user)
    return client


def as_officer_admin(client, desk):
    """The Assistant who opened the secret file (it passed through their post) is also an
    administrator: sees it in the admin, as on the desk."""
    desk.asst_user.is_staff = desk.asst_user.is_superuser = True
    desk.asst_user.save()
    client.force_login(desk.asst_user)
    return client


# --- the organisation: configured here


def test_department(root, desk):
    html = _page(root, "organisation_department_changelist")
    assert desk.dept.name_en in html
    _page(root, "organisation_department_change", desk.dept.pk)


def test_section(root, desk):
    assert desk.section.code in _page(root, "organisation_section_changelist")


def test_post(root, desk):
    assert desk.so.designation_en in _page(root, "organisation_post_changelist")


def test_holding(root, desk):
    assert desk.asst_user.username in _page(root, "organisation_holding_changelist")


def test_subject_head(root, desk):
    assert desk.head.code in _page(root, "workspace_subjecthead_changelist")


def test_user_shows_no_password_hash(root, desk):
    html = _page(root, "auth_user_change", desk.asst_user.pk)
    assert desk.asst_user.username in html
    assert desk.asst_user.password not in html


def test_group(root):
    _page(root, "auth_group_changelist")


# --- the desk's records: only as on the desk


def test_file(root, secret, desk):
    file, _ = secret
    html = _page(root, "workspace_file_changelist")
    assert file.number not in html and SUBJECT not in html
    _gone(root, "workspace_file_change", file.pk)
    officer = as_officer_admin(root, desk)
    assert SUBJECT in _page(officer, "workspace_file_changelist")
    _page(officer, "workspace_file_change", file.pk)


def test_receipt(root, secret, desk):
    _, receipt = secret
    html = _page(root, "workspace_receipt_changelist")
    assert "whistle-blower" not in html
    _gone(root, "workspace_receipt_change", receipt.pk)
    officer = as_officer_admin(root, desk)
    assert "whistle-blower" in _page(officer, "workspace_receipt_changelist")


def test_movement(root, secret, desk):
    file, _ = secret
    move = Movement.objects.filter(file=file).exclude(kind="open").first()
    assert file.number not in _page(root, "workspace_movement_changelist")
    _gone(root, "workspace_movement_change", move.pk)
    officer = as_officer_admin(root, desk)
    assert file.number in _page(officer, "workspace_movement_changelist")


def test_audit_event_shows_the_action_never_the_text(root, secret, desk):
    client = as_officer_admin(root, desk)  # the note's writer reads it on the desk only
    html = _page(client, "kernel_auditevent_changelist")
    assert "note.add" in html or "paragraph" in html
    assert NOTE not in html and SUBJECT not in html
    from kernel.models import AuditEvent

    event = AuditEvent.objects.filter(action__startswith="note").last()
    html = _page(client, "kernel_auditevent_change", event.pk)
    assert event.action in html
    assert NOTE not in html and SUBJECT not in html and "Gul Bano" not in html
    # Searching the text finds nothing: the description is not searched.
    response = client.get(reverse("admin:kernel_auditevent_changelist"), {"q": "Gul Bano"})
    assert "0 results" in response.content.decode() or "0 audit" in response.content.decode()


def test_paper(root, secret, desk):
    _, receipt = secret
    paper = receipt.papers.get()
    assert "Complaint, secret" not in _page(root, "documents_paper_changelist")
    _gone(root, "documents_paper_change", paper.pk)
    officer = as_officer_admin(root, desk)
    _page(officer, "documents_paper_change", paper.pk)


def test_paper_version(root, secret):
    _, receipt = secret
    version = receipt.papers.get().current_version
    assert "whistle.pdf" not in _page(root, "documents_paperversion_changelist")
    _gone(root, "documents_paperversion_change", version.pk)


# --- what libraries register: listed without their secrets


def test_token_key_is_never_shown(root, desk):
    token = Token.objects.create(user=desk.asst_user)
    html = _page(root, "authtoken_tokenproxy_changelist")
    assert desk.asst_user.username in html and token.key not in html
    assert root.get(reverse("admin:authtoken_tokenproxy_add")).status_code == 403


def test_task_results_show_no_arguments(root):
    from django_tasks_db.models import DBTaskResult

    result = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {"subject": SUBJECT}},
        task_path="workspace.tasks.index_file",
        backend_name="default",
        queue_name="default",
        run_after=DBTaskResult._meta.get_field("run_after").get_default() or "2030-01-01T00:00Z",
        exception_class_path="",
        traceback="",
    )
    html = _page(root, "django_tasks_database_dbtaskresult_change", result.pk)
    assert "workspace.tasks.index_file" in html and SUBJECT not in html


def test_api_token_shows_its_start_never_its_secret_or_digest(root, desk):
    from accounts.services import token_create

    token, secret = token_create(actor=desk.asst_user, name="Finance export")
    html = _page(root, "accounts_apitoken_changelist")
    assert "Finance export" in html and token.key_start in html
    assert secret not in html and token.digest not in html
    detail = _page(root, "accounts_apitoken_change", token.pk)
    assert secret not in detail and token.digest not in detail


def test_sign_in_attempts_show_who_and_where_never_the_password(client, root, desk):
    from django.test import Client

    tried = "Guessed-Passw0rd-42"
    Client(REMOTE_ADDR="192.0.2.9").post(
        "/accounts/login/", {"username": desk.asst_user.username, "password": tried}
    )
    html = _page(root, "axes_accessattempt_changelist")
    assert desk.asst_user.username in html and "192.0.2.9" in html and tried not in html
    for name in ("axes_accessfailurelog_changelist", "axes_accesslog_changelist"):
        assert tried not in _page(root, name)


def test_job_runs_show_the_job_and_its_summary_only(root):
    from django.utils import timezone

    from daftar.ops.models import JobRun

    run = JobRun.objects.create(
        job="cgu_report", slot=timezone.now(), runner="host:1", outcome="report 2025-Q3"
    )
    html = _page(root, "ops_jobrun_changelist")
    assert "cgu_report" in html
    assert root.post(reverse("admin:ops_jobrun_add")).status_code == 403
    assert JobRun.objects.get().pk == run.pk


# --- letters: the department's letter template and standard texts, kept here through services


def test_letter_template_and_standard_text(root, desk):
    from kernel.models import AuditEvent
    from letters.models import LetterTemplate, StandardText

    response = root.post(
        reverse("admin:letters_lettertemplate_add"),
        {
            "department": desk.dept.pk,
            "heading_en": "Government of Khyber Pakhtunkhwa, Finance Department",
            "heading_ur": "حکومت خیبر پختونخوا، محکمہ خزانہ",
            "address": "",
            "signature_note": "",
            "copy_to": "PS to the Minister",
            "footer": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    template = LetterTemplate.objects.get(department=desk.dept)
    assert AuditEvent.objects.filter(action="lettertemplate.create").count() == 1
    assert "Finance Department" in _page(root, "letters_lettertemplate_changelist")
    _page(root, "letters_lettertemplate_change", template.pk)
    text = StandardText.objects.create(
        department=desk.dept, title="Directed to convey", text="I am directed to convey…"
    )
    assert "Directed to convey" in _page(root, "letters_standardtext_changelist")
    _page(root, "letters_standardtext_change", text.pk)


LISTED_WITH_TESTS = {
    # here
    "organisation.Department", "organisation.Section", "organisation.Post", "organisation.Holding",
    "workspace.SubjectHead", "auth.User", "auth.Group", "workspace.File", "workspace.Receipt",
    "workspace.Movement", "kernel.AuditEvent", "documents.Paper", "documents.PaperVersion",
    "authtoken.TokenProxy", "django_tasks_database.DBTaskResult",
    "accounts.ApiToken", "axes.AccessAttempt", "axes.AccessFailureLog", "axes.AccessLog",
    "ops.JobRun", "letters.LetterTemplate", "letters.StandardText",
    # tests/cgu/test_admin_reads.py
    "cgu.PublicSectorEntity", "cgu.KpiDefinition", "cgu.ReportingPeriod", "cgu.KpiReturn",
    "cgu.Reminder", "cgu.PerformanceReport",
    # tests/complaints/test_admin.py
    "complaints.Category", "complaints.Complaint", "organisation.Division", "organisation.District",
    "organisation.Tehsil", "organisation.Holiday",
}  # fmt: skip


def test_every_model_the_admin_lists_has_a_test_here():
    listed = {model._meta.label for model in admin.site._registry}
    missing = listed - LISTED_WITH_TESTS
    assert not missing, (
        f"Django's admin now lists {sorted(missing)}: add a test that it shows nothing the "
        "same person could not see on the desk, and name the model in LISTED_WITH_TESTS "
        "(or take it off the admin in daftar/admin_site.py)."
    )
