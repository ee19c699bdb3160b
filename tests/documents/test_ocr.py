"""OCR of scans (issue 23.6): a scanned receipt or an image-only PDF gets its words by
Tesseract in the background task, in English and Urdu, with its confidence recorded, as a text
record beside the version (never a new version); a blank scan says so on the paper's page."""

import pytest
from django.urls import reverse
from django.utils import translation

from documents import ocr, pdf, storage
from documents.intake import spooled
from documents.models import Paper, PaperText, PaperVersion
from documents.services import paper_upload
from tests.documents.corpus import upload
from tests.documents.scans import ENGLISH, URDU, blank_scan, png, scan_image

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not ocr.available(), reason=f"OCR needs Tesseract: {ocr.missing()}"),
]


def test_ocr_reads_english_and_urdu_lines_of_a_scan():
    result = ocr.read_pages([scan_image()])
    assert ENGLISH in result.text
    assert URDU in result.text
    assert result.confidence is not None and result.confidence > 60


@pytest.mark.parametrize("as_pdf", [False, True], ids=["png", "image-only-pdf"])
def test_a_scan_is_read_by_ocr_in_the_background_and_never_versioned(
    as_pdf, clerk, django_capture_on_commit_callbacks
):
    data = png(scan_image())
    if as_pdf:
        data = pdf.images_to_pdf_bytes([spooled(data)])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        version = paper_upload(actor=clerk, upload=upload("scan", data, "image/png"), kind="scan")
    stored_sha = version.sha256
    assert not PaperText.objects.filter(version=version).exists()  # nothing in the request
    for callback in callbacks:
        callback()  # the task, as a worker runs it after the commit
    version.refresh_from_db()
    assert version.text_status == PaperVersion.TextStatus.DONE
    text = PaperText.objects.get(version=version)
    # OCR is not exact: the English line whole, and the Urdu line's longer words.
    assert ENGLISH in text.content
    assert {"محکمہ", "خزانہ"} <= set(text.content.split())
    assert "\u200f" not in text.content
    assert text.ocr_pages == 1
    assert 60 < text.ocr_confidence <= 100
    # The scan is as it was stored; OCR made a text record, not a version.
    assert version.paper.versions.count() == 1
    assert Paper.objects.get(pk=version.paper_id).current_version_id == version.pk
    assert version.sha256 == stored_sha
    with storage.open_object(version.storage_name) as stored:
        import hashlib

        assert hashlib.sha256(stored.read()).hexdigest() == stored_sha


def test_a_blank_scan_says_no_recognisable_text_on_its_page(
    clerk, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        version = paper_upload(actor=clerk, upload=upload("blank.png", blank_scan()), kind="scan")
    version.refresh_from_db()
    assert version.text_status == PaperVersion.TextStatus.BLANK
    assert not PaperText.objects.filter(version=version).exists()
    client.force_login(clerk)
    url = reverse("documents:paper_detail", args=[version.paper_id])
    page = client.get(url).content.decode()
    assert "No recognisable text" in page
    with translation.override("ur"):
        urdu = translation.gettext("No recognisable text: OCR found no words on this scan.")
        assert urdu != "No recognisable text: OCR found no words on this scan."
    client.cookies["django_language"] = "ur"
    page = client.get(url).content.decode()
    assert urdu in page
