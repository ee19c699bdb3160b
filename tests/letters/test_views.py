"""The staff letter page, its PDF, emailing it from the register, the register itself, and
the public verification page: genuine, altered by one byte, unknown code, graded letter."""

import pytest
from django.core import mail
from django.urls import reverse

from kernel.models import AuditEvent
from letters import codes
from letters.models import EmailSent, IssuedLetter
from tests.letters.conftest import issue_letter
from workspace.models import Grading

pytestmark = pytest.mark.django_db


def _alter_one_byte(pdf: bytes) -> bytes:
    at = pdf.index(b"stream") + 40
    return pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1 :]


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")


# ---- staff ----------------------------------------------------------------------------------


def test_letter_page_and_pdf_for_the_issuing_section(client, desk):
    entry = issue_letter(desk)
    client.force_login(desk.ds_user)
    html = client.get(reverse("letters:letter", args=[entry.pk])).content.decode()
    assert codes.display(entry.letter.code) in html and entry.letter.sha256 in html
    response = client.get(reverse("letters:pdf", args=[entry.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content == bytes(entry.letter.pdf)  # the kept bytes, never re-rendered


def test_letter_is_not_shown_outside_the_issuing_section(client, desk):
    entry = issue_letter(desk)
    client.force_login(desk.other_user)  # another department's officer
    assert client.get(reverse("letters:letter", args=[entry.pk])).status_code == 404
    assert client.get(reverse("letters:pdf", args=[entry.pk])).status_code == 404
    response = client.post(reverse("letters:email", args=[entry.pk]), {"to": "x@kp.gov.pk"})
    assert response.status_code == 404
    assert not EmailSent.objects.exists() and not mail.outbox


def test_register_shows_the_hash_and_links_the_letter_with_flat_queries(
    client, desk, django_assert_max_num_queries
):
    issue_letter(desk)
    client.force_login(desk.ds_user)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("workspace:dispatch"))
    issue_letter(desk, subject="Second letter")
    issue_letter(desk, subject="Third letter")
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get(reverse("workspace:dispatch")).content.decode()
    for letter in IssuedLetter.objects.all():
        assert reverse("letters:letter", args=[letter.dispatch_id]) in html
        assert letter.sha256[:16] in html


def test_email_the_letter_to_its_addressees(client, desk, django_capture_on_commit_callbacks):
    entry = issue_letter(desk)
    client.force_login(desk.ds_user)
    page = client.get(reverse("letters:letter", args=[entry.pk])).content.decode()
    assert "ag@kp.gov.pk" in page  # suggested from the addressee lines
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("letters:email", args=[entry.pk]), {"to": "ag@kp.gov.pk\ndao@kp.gov.pk"}
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ag@kp.gov.pk", "dao@kp.gov.pk"]
    name, content, mimetype = message.attachments[0]
    assert content == bytes(entry.letter.pdf) and mimetype == "application/pdf"
    assert codes.display(entry.letter.code) in message.body
    assert EmailSent.objects.get().by == desk.ds_user
    event = AuditEvent.objects.get(action="letter.email")
    assert event.after["to"] == ["ag@kp.gov.pk", "dao@kp.gov.pk"]


def test_a_bad_address_sends_and_records_nothing(client, desk, django_capture_on_commit_callbacks):
    entry = issue_letter(desk)
    client.force_login(desk.ds_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("letters:email", args=[entry.pk]), {"to": "ag@kp.gov.pk\nnot an address"},
            follow=True,
        )  # fmt: skip
    assert "not an email address" in response.content.decode()
    assert not mail.outbox and not EmailSent.objects.exists()
    assert not AuditEvent.objects.filter(action="letter.email").exists()


# ---- public ---------------------------------------------------------------------------------

VERIFY = "/verify/"


def test_verify_a_genuine_letter_by_code(client, desk):
    entry = issue_letter(desk, subject="Release of ADP funds")
    response = client.get(VERIFY, {"code": codes.display(entry.letter.code).lower()})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="letter-found"' in html
    assert entry.outgoing_number in html and "Release of ADP funds" in html
    assert desk.dept.name_en in html
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_a_lookup_costs_one_query(client, desk, django_assert_num_queries):
    """The letter's public facts in one row; the layout's site identity and menu come from
    the cache once the first visitor has filled it."""
    entry = issue_letter(desk)
    client.get(VERIFY)
    with django_assert_num_queries(1):
        response = client.get(VERIFY, {"code": entry.letter.code})
    assert 'id="letter-found"' in response.content.decode()


def test_upload_of_the_genuine_letter(client, desk):
    entry = issue_letter(desk)
    pdf = bytes(entry.letter.pdf)
    response = client.post(VERIFY, {"code": entry.letter.code, "pdf": _upload("l.pdf", pdf)})
    html = response.content.decode()
    assert 'id="upload-genuine"' in html and 'id="upload-altered"' not in html


def test_upload_altered_by_one_byte_is_refused_as_altered(client, desk):
    entry = issue_letter(desk)
    altered = _alter_one_byte(bytes(entry.letter.pdf))
    response = client.post(VERIFY, {"code": entry.letter.code, "pdf": _upload("l.pdf", altered)})
    html = response.content.decode()
    assert 'id="upload-altered"' in html and 'id="upload-genuine"' not in html


def test_another_genuine_letter_is_not_this_one(client, desk):
    first, second = issue_letter(desk), issue_letter(desk, subject="Another")
    response = client.post(
        VERIFY, {"code": first.letter.code, "pdf": _upload("l.pdf", bytes(second.letter.pdf))}
    )
    assert 'id="upload-other"' in response.content.decode()


def test_unknown_code(client, desk):
    body = "23456789A"
    code = body + codes.tracking.check_character(body)
    response = client.get(VERIFY, {"code": code})
    html = response.content.decode()
    assert 'id="not-found"' in html and 'id="letter-found"' not in html


def test_mistyped_code_is_caught_by_its_check_character(client, desk):
    entry = issue_letter(desk)
    code = entry.letter.code
    wrong = code[:3] + ("2" if code[3] != "2" else "3") + code[4:]
    response = client.post(VERIFY, {"code": wrong})
    assert response.status_code == 400
    assert "not a valid verification code" in response.content.decode()


def test_graded_letter_shows_only_that_it_exists(client, desk):
    entry = issue_letter(desk, subject="Inquiry, confidential", grading=Grading.CONFIDENTIAL)
    html = client.get(VERIFY, {"code": entry.letter.code}).content.decode()
    assert 'id="graded"' in html and desk.dept.name_en in html
    assert entry.outgoing_number not in html and "Inquiry" not in html


def test_not_a_pdf_is_refused_in_both_languages(client, desk):
    entry = issue_letter(desk)
    data = {"code": entry.letter.code, "pdf": _upload("l.pdf", b"GIF89a not a pdf")}
    assert "This file is not a PDF." in client.post(VERIFY, data).content.decode()
    client.cookies["django_language"] = "ur"
    data["pdf"] = _upload("l.pdf", b"GIF89a not a pdf")
    html = client.post(VERIFY, data, HTTP_ACCEPT_LANGUAGE="ur").content.decode()
    assert "This file is not a PDF." not in html


def test_lookups_are_rate_limited_like_tracking(client, desk, settings):
    settings.DAFTAR_TRACKING_CLIENT_LIMIT = (3, 600)
    entry = issue_letter(desk)
    for _ in range(3):
        assert client.get(VERIFY, {"code": entry.letter.code}).status_code == 200
    response = client.get(VERIFY, {"code": entry.letter.code})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert 'id="letter-found"' not in response.content.decode()
