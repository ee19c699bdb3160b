"""Accepted uploads: what is stored, what is recorded, and what the extraction task adds."""

import hashlib
import io

import pytest
from PIL import Image

from documents import storage
from documents.models import Paper, PaperText, PaperVersion
from documents.services import paper_upload
from documents.signals import paper_text_stored
from kernel.errors import PermissionDenied, ValidationError
from kernel.models import AuditEvent
from tests.documents import corpus

ACCEPTED = [
    ("letter.bin", corpus.text_pdf(2), Paper.Kind.SCAN, "application/pdf", ".pdf"),
    ("scan", corpus.png(), Paper.Kind.SCAN, "image/png", ".png"),
    ("photo.pdf", corpus.jpeg_with_gps(), Paper.Kind.ATTACHMENT, "image/jpeg", ".jpg"),
    ("scan.tiff", corpus.tiff_with_gps(), Paper.Kind.SCAN, "image/tiff", ".tif"),
    ("draft.docx", corpus.docx(), Paper.Kind.DRAFT,
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    ("return.xlsx", corpus.xlsx(), Paper.Kind.KPI_RETURN,
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    ("draft.odt", corpus.odf("application/vnd.oasis.opendocument.text"), Paper.Kind.DRAFT,
     "application/vnd.oasis.opendocument.text", ".odt"),
    ("return.ods", corpus.odf("application/vnd.oasis.opendocument.spreadsheet"),
     Paper.Kind.KPI_RETURN, "application/vnd.oasis.opendocument.spreadsheet", ".ods"),
    ("return.csv", b"entity,revenue,change\nPDA,120.5,-3\nWSSP,98,+2\n", Paper.Kind.KPI_RETURN,
     "text/csv", ".csv"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "content", "kind", "mime", "extension"),
    ACCEPTED,
    ids=[case[0] + "-" + case[3].rsplit(".", 1)[-1].rsplit("/", 1)[-1] for case in ACCEPTED],
)
def test_accepted_types_are_stored_under_their_real_extension(
    clerk, name, content, kind, mime, extension
):
    version = paper_upload(actor=clerk, upload=corpus.upload(name, content), kind=kind)
    assert version.mime_type == mime
    assert version.storage_name.startswith("papers/") and version.storage_name.endswith(extension)
    assert name not in version.storage_name
    assert version.original_filename == name
    assert version.download_name.endswith(extension)
    with storage.open_object(version.storage_name) as stored:
        data = stored.read()
    assert hashlib.sha256(data).hexdigest() == version.sha256
    assert len(data) == version.size
    assert version.paper.current_version == version
    assert version.number == 1


def test_upload_is_audited_with_both_hashes(clerk):
    version = paper_upload(
        actor=clerk, upload=corpus.upload("p.jpg", corpus.jpeg_with_gps()), kind="scan"
    )
    event = AuditEvent.objects.get(action="paper.upload")
    assert event.actor_id == clerk.pk
    assert event.object_id == str(version.pk)
    assert event.after["sha256"] == version.sha256
    assert event.after["received_sha256"] == hashlib.sha256(corpus.jpeg_with_gps()).hexdigest()
    assert event.after["received_sha256"] != version.sha256
    assert event.after["changes"] == ["metadata removed"]


def _stored_image(version):
    with storage.open_object(version.storage_name) as stored:
        data = stored.read()
    return data, Image.open(io.BytesIO(data))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.jpg", corpus.jpeg_with_gps()),
        ("scan.png", corpus.png(text_chunk=b"GPS 34.0N 71.5E; Secret Scanner 2.0")),
        ("scan.tif", corpus.tiff_with_gps()),
    ],
    ids=["jpeg", "png", "tiff"],
)
def test_exif_and_gps_are_stripped_from_images(clerk, name, content):
    before = Image.open(io.BytesIO(content))
    assert before.getexif() or before.info.get("Comment")
    version = paper_upload(actor=clerk, upload=corpus.upload(name, content), kind="scan")
    data, image = _stored_image(version)
    exif = image.getexif()
    assert 0x8825 not in exif and not exif.get_ifd(0x8825)
    assert 0x0131 not in exif and 0x010F not in exif
    assert b"Secret Scanner" not in data and b"PhoneMaker" not in data
    assert "Comment" not in image.info
    assert image.size == before.size
    image.load()


def test_jpeg_pixels_are_untouched_when_only_metadata_goes(clerk):
    content = corpus.jpeg_with_gps()
    version = paper_upload(actor=clerk, upload=corpus.upload("a.jpg", content), kind="scan")
    _data, image = _stored_image(version)
    assert image.tobytes() == Image.open(io.BytesIO(content)).tobytes()


def test_jpeg_that_asks_to_be_rotated_is_turned_upright(clerk):
    content = corpus.jpeg_with_gps(size=(64, 48), orientation=6)  # rotate 90° clockwise
    version = paper_upload(actor=clerk, upload=corpus.upload("a.jpg", content), kind="scan")
    _data, image = _stored_image(version)
    assert image.size == (48, 64)
    assert 0x0112 not in image.getexif()


def test_multipage_tiff_keeps_its_pages(clerk):
    version = paper_upload(
        actor=clerk, upload=corpus.upload("s.tif", corpus.tiff_with_gps(frames=3)), kind="scan"
    )
    _data, image = _stored_image(version)
    assert image.n_frames == 3
    assert version.page_count == 3


def test_bidi_tricks_are_removed_from_the_display_name(clerk):
    version = paper_upload(
        actor=clerk,
        upload=corpus.upload("../../etc/invoice\u202efdp.exe", corpus.text_pdf()),
        kind="scan",
    )
    assert version.original_filename == "invoicefdp.exe"
    assert version.download_name == "invoicefdp.pdf"


def test_title_defaults_to_the_file_name(clerk):
    version = paper_upload(
        actor=clerk, upload=corpus.upload("PDA letter.pdf", corpus.text_pdf()), kind="scan"
    )
    assert version.paper.title == "PDA letter"


def test_unknown_kind_is_refused(clerk, nothing_left):
    with nothing_left(), pytest.raises(ValidationError):
        paper_upload(actor=clerk, upload=corpus.upload("a.pdf", corpus.text_pdf()), kind="memo")


def test_inactive_user_cannot_upload(clerk, nothing_left):
    clerk.is_active = False
    with nothing_left(), pytest.raises(PermissionDenied):
        paper_upload(actor=clerk, upload=corpus.upload("a.pdf", corpus.text_pdf()), kind="scan")


def test_text_is_extracted_after_commit_and_search_is_told(
    clerk, django_capture_on_commit_callbacks, monkeypatch
):
    told = []

    def listener(sender, version_id, **kwargs):
        told.append(version_id)

    paper_text_stored.connect(listener)
    monkeypatch.setattr("search.paper_text_extracted", lambda version_id: None)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        version = paper_upload(
            actor=clerk, upload=corpus.upload("a.pdf", corpus.text_pdf(3, "Peshawar")), kind="scan"
        )
    assert not PaperText.objects.exists()  # nothing heavy on the request path
    assert version.text_status == PaperVersion.TextStatus.PENDING
    for callback in callbacks:
        callback()
    version.refresh_from_db()
    assert version.text_status == PaperVersion.TextStatus.DONE
    assert version.page_count == 3
    pages = version.text.pages()
    assert len(pages) == 3 and "Peshawar page 2" in pages[1]
    assert told == [version.pk]
    paper_text_stored.disconnect(listener)


@pytest.mark.parametrize(
    ("name", "content", "kind", "expected"),
    [
        ("d.docx", corpus.docx(["Draft letter", "سیکشن آفیسر"]), "draft", "سیکشن آفیسر"),
        ("r.xlsx", corpus.xlsx(), "kpi_return", "PDA\t120.5"),
        ("d.odt", corpus.odf("application/vnd.oasis.opendocument.text"), "draft", "KPI return"),
        ("r.csv", "entity,city\nPDA,پشاور\n".encode(), "kpi_return", "PDA\tپشاور"),
    ],
    ids=["docx", "xlsx", "odt", "csv"],
)
def test_office_and_table_text_is_extracted(
    clerk, django_capture_on_commit_callbacks, name, content, kind, expected
):
    with django_capture_on_commit_callbacks(execute=True):
        version = paper_upload(actor=clerk, upload=corpus.upload(name, content), kind=kind)
    version.refresh_from_db()
    assert version.text_status == PaperVersion.TextStatus.DONE
    assert expected in version.text.content


def test_images_get_a_thumbnail_and_no_text(clerk, django_capture_on_commit_callbacks):
    """A plain red image has no words: with Tesseract installed OCR says so, without it the
    image has no text to extract (tests/documents/test_ocr.py reads real scans)."""
    from documents import ocr

    with django_capture_on_commit_callbacks(execute=True):
        version = paper_upload(
            actor=clerk, upload=corpus.upload("s.png", corpus.png((800, 600))), kind="scan"
        )
    version.refresh_from_db()
    expected = PaperVersion.TextStatus.BLANK if ocr.available() else PaperVersion.TextStatus.NONE
    assert version.text_status == expected
    assert version.thumbnail_name.startswith("thumbnails/")
    with storage.open_object(version.thumbnail_name) as stored:
        assert max(Image.open(stored).size) <= 640


def test_urdu_in_a_pdf_is_searchable_as_plain_letters(clerk, django_capture_on_commit_callbacks):
    from documents import pdf

    content = pdf.stamp(corpus.text_pdf(1), "سیکشن آفیسر")
    with django_capture_on_commit_callbacks(execute=True):
        version = paper_upload(actor=clerk, upload=corpus.upload("u.pdf", content), kind="scan")
    version.refresh_from_db()
    assert "سیکشن آفیسر" in version.text.content
