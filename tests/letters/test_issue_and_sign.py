"""Issuing an approved draft renders it on the letterhead (PDF/A, Urdu shaped), signs it with
the office's key (PAdES), keeps it byte for byte, and writes its SHA-256 on the register."""

import hashlib
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from kernel.models import AuditEvent
from letters import codes, signing
from letters.models import IssuedLetter, LetterTemplate, SignedApproval
from tests.letters.conftest import ENGLISH_LINE, URDU_LINE, issue_letter
from workspace.models import Approval, DispatchEntry, Draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def letterhead(desk):
    return LetterTemplate.objects.create(
        department=desk.dept,
        heading_en="Government of Khyber Pakhtunkhwa, Finance Department",
        heading_ur="حکومت خیبر پختونخوا، محکمہ خزانہ",
        address="Civil Secretariat, Peshawar",
        copy_to="PS to the Minister for Finance\nThe District Accounts Officer",
    )


def test_issue_signs_the_letter_once_and_records_its_hash(desk, letterhead):
    entry = issue_letter(desk)
    letter = IssuedLetter.objects.get(dispatch=entry)
    pdf = bytes(letter.pdf)
    assert pdf.startswith(b"%PDF-")
    assert hashlib.sha256(pdf).hexdigest() == letter.sha256
    entry.refresh_from_db()
    assert entry.signed_sha256 == letter.sha256  # the register names the bytes dispatched
    assert codes.is_valid(letter.code) and len(letter.code) == 10
    check = signing.check_pdf(pdf)
    assert check.valid, check
    assert "Finance Department" in check.signer
    events = AuditEvent.objects.filter(action="letter.sign")
    assert events.count() == 1 and events.get().after["sha256"] == letter.sha256


def test_one_changed_byte_breaks_the_signature(desk, letterhead):
    pdf = bytes(IssuedLetter.objects.get(dispatch=issue_letter(desk)).pdf)
    # A byte inside the page content (covered by the signature), not in the signature itself.
    at = pdf.index(b"stream") + 40
    altered = pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1 :]
    check = signing.check_pdf(altered)
    assert check.signed and not check.valid and not check.intact


def test_a_pdf_signed_by_another_ca_is_not_trusted(desk, letterhead, settings, tmp_path):
    pdf = bytes(IssuedLetter.objects.get(dispatch=issue_letter(desk)).pdf)
    settings.DAFTAR_LETTERS = {**settings.DAFTAR_LETTERS, "local_ca_dir": str(tmp_path / "x")}
    check = signing.check_pdf(pdf)
    assert check.intact and not check.trusted and not check.valid


def test_the_letter_says_what_was_approved_in_both_languages(desk, letterhead):
    entry = issue_letter(desk)
    text = PdfReader(io.BytesIO(bytes(entry.letter.pdf))).pages[0].extract_text()
    assert entry.outgoing_number in text
    assert "Revised estimates" in text
    flat = " ".join(text.split())
    assert ENGLISH_LINE in flat
    assert "Finance Department" in flat and "District Accounts Officer" in flat
    assert "حکومت خیبر پختونخوا، محکمہ خزانہ" in flat  # the Urdu letterhead
    assert codes.display(entry.letter.code) in text
    # Urdu is kept as characters (pypdf reads them back in logical order), not as glyph junk.
    urdu_words = {"تجویز", "منظوری", "خدمت"}
    assert urdu_words <= set(text.split())


def test_pdfa_metadata(desk, letterhead):
    reader = PdfReader(io.BytesIO(bytes(issue_letter(desk).letter.pdf)))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in xmp
    assert reader.trailer["/Root"]["/AcroForm"]["/Fields"][0].get_object()["/FT"] == "/Sig"


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) absent")
def test_urdu_paragraph_is_drawn_right_aligned(desk, letterhead, tmp_path):
    """Render the letter to PNG (pdftoppm) and find the Urdu paragraph's ink: right to left,
    it hugs the right margin, while the English paragraph starts at the left one."""
    entry = issue_letter(desk, body=f"{URDU_LINE}")
    pdf_path = tmp_path / "letter.pdf"
    pdf_path.write_bytes(bytes(entry.letter.pdf))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(pdf_path), str(tmp_path / "page")], check=True
    )
    png = sorted(tmp_path.glob("page*.png"))[0]
    artefacts = Path("test-artifacts/letters")
    artefacts.mkdir(parents=True, exist_ok=True)
    shutil.copy(png, artefacts / "letter-urdu-english.png")
    image = Image.open(png).convert("L")
    width, height = image.size
    rows = _ink_rows(image)
    # The body paragraph is the one Urdu-only line block below the subject: find rows whose
    # ink starts well right of the left margin (an RTL line shorter than the measure).
    spans = [(y, _ink_span(image, y)) for y in rows]
    right_aligned = [s for _, s in spans if s and s[0] > width * 0.35 and s[1] > width * 0.8]
    left_aligned = [s for _, s in spans if s and s[0] < width * 0.2]
    assert right_aligned, "no Urdu line hugging the right margin"
    assert left_aligned  # the English parts (number, addressee, subject) start on the left


def _ink_rows(image):
    width, height = image.size
    px = image.load()
    return [y for y in range(height) if any(px[x, y] < 128 for x in range(0, width, 2))]


def _ink_span(image, y):
    width, _ = image.size
    px = image.load()
    xs = [x for x in range(width) if px[x, y] < 128]
    return (xs[0], xs[-1]) if xs else None


def test_a_failed_render_leaves_the_draft_unissued(desk, letterhead, monkeypatch):
    from kernel.errors import ActionRefused
    from letters import render

    def broken(context):
        raise ActionRefused("The letter could not be rendered.")

    monkeypatch.setattr(render, "render_pdf", broken)
    with pytest.raises(ActionRefused):
        issue_letter(desk)
    assert not DispatchEntry.objects.exists()
    assert not IssuedLetter.objects.exists()
    assert Draft.objects.get().status == Draft.Status.APPROVED
    assert not AuditEvent.objects.filter(action__in=["draft.issue", "letter.sign"]).exists()


def test_every_decision_is_signed_by_the_office(
    desk, letterhead, django_capture_on_commit_callbacks
):
    from asn1crypto import cms

    # The signature is a background job the decision queues (inline here, once it commits).
    with django_capture_on_commit_callbacks(execute=True):
        issue_letter(desk)
    approval = Approval.objects.get(draft__isnull=False)
    record = SignedApproval.objects.get(approval=approval)
    assert approval.content_hash in record.statement
    assert desk.secretary_user.username in record.statement
    info = cms.ContentInfo.load(bytes(record.signature))
    assert info["content_type"].native == "signed_data"
    statement = record.statement.encode()
    assert signing.check_statement(statement, bytes(record.signature))
    forged = statement.replace(desk.secretary_user.username.encode(), b"someone-else")
    assert not signing.check_statement(forged, bytes(record.signature))
    # The decision's own audit row carries the same hash.
    assert AuditEvent.objects.get(action="draft.approved").after["hash"] == approval.content_hash


@pytest.mark.postgres
def test_the_database_refuses_to_rewrite_a_signed_letter(desk, letterhead):
    from django.db import DatabaseError, transaction

    letter = issue_letter(desk).letter
    with pytest.raises(DatabaseError, match="signed and final"), transaction.atomic():
        IssuedLetter.objects.filter(pk=letter.pk).update(pdf=b"%PDF-forged")


def test_a_decision_queues_its_signature_in_its_own_transaction(desk, letterhead, settings):
    """With the database queue the job's row is written with the decision (none for a refusal);
    the job signs once however often it runs, and the scheduler queues a lost one again."""
    import datetime as dt

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from letters import services, tasks

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    issue_letter(desk)
    approval = Approval.objects.get(draft__isnull=False)
    job = DBTaskResult.objects.get(task_path="letters.tasks.sign_approval")
    assert job.args_kwargs["args"][0] == approval.pk
    assert not SignedApproval.objects.exists()  # nothing signed inside the decision
    statement = job.args_kwargs["args"][1]
    # Lost: found once its job has had time to run, within the retry window.
    assert services.unsigned_approvals() == []  # just decided: its job may still be queued
    later = timezone.now() + dt.timedelta(minutes=6)
    assert services.unsigned_approvals(now=later) == [approval.pk]
    assert services.unsigned_approvals(now=later + dt.timedelta(days=3)) == []
    # A statement that is not this approval's is not signed; the approval's own is.
    forged = statement.replace(approval.content_hash, "0" * 64)
    services.sign_approval(approval_id=approval.pk, statement=forged)
    assert SignedApproval.objects.get().statement == statement
    assert tasks.sign_approval.call(approval.pk, statement) == f"signed approval {approval.pk}"
    record = SignedApproval.objects.get(approval=approval)  # still the one
    assert record.statement == statement  # the statement as it was at the decision
    assert signing.check_statement(statement.encode(), bytes(record.signature))
    assert services.unsigned_approvals(now=later) == []
