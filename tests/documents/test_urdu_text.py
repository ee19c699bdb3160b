"""Right-to-left text read out of PDFs in reading order with its own letters (issue 23.7)."""

import io
import unicodedata

import pypdfium2
import pytest

from documents import extraction
from documents.models import PaperText, PaperVersion
from documents.services import paper_upload
from tests.documents.corpus import upload
from tests.documents.urdu_pdfs import chromium_pdf, reportlab_pdf

pytestmark = pytest.mark.django_db


def _stray(text: str) -> list[str]:
    """Characters PDFium makes of Arabic glyphs it cannot map: Greek, spacing modifiers."""
    return [ch for ch in text if 0x02B0 <= ord(ch) <= 0x03FF]


def test_pdfium_alone_misreads_a_shaped_urdu_page(tmp_path):
    """Why extraction does not trust PDFium on right-to-left pages (if this starts failing,
    PDFium learned to read them and the pypdf re-read could go)."""
    data = chromium_pdf(tmp_path)
    page = pypdfium2.PdfDocument(data)[0]
    words = page.get_textpage().get_text_bounded().split()
    assert "حَبيبي" not in words
    assert "محکمہ" not in words


@pytest.mark.parametrize("maker", ["chromium", "reportlab"])
def test_extraction_keeps_the_words_and_letters_of_urdu(maker, tmp_path):
    data = chromium_pdf(tmp_path) if maker == "chromium" else reportlab_pdf()
    text = unicodedata.normalize("NFKC", extraction.extract_pdf(io.BytesIO(data)).text)
    words = text.split()
    assert "حَبيبي" in words  # the zabar kept, the letters in reading order
    assert "habibi" in words
    assert "یہ خط محکمہ خزانہ کا ہے" in " ".join(words)
    assert _stray(text) == []


def test_a_latin_page_is_read_by_pdfium_alone():
    assert not extraction.needs_pypdf("Release of funds for the Swat bridge")
    assert extraction.needs_pypdf("محکمہ خزانہ")
    assert extraction.needs_pypdf("ϲΒϴΒhabibi")


def test_an_uploaded_urdu_pdf_is_stored_as_received_and_its_text_reads_right(
    clerk, tmp_path, django_capture_on_commit_callbacks
):
    data = chromium_pdf(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        version = paper_upload(actor=clerk, upload=upload("khat.pdf", data), kind="scan")
    version.refresh_from_db()
    assert version.text_status == PaperVersion.TextStatus.DONE
    content = PaperText.objects.get(version=version).content
    assert "حَبيبي" in content.split()
    assert "محکمہ" in content.split()
    assert _stray(content) == []
