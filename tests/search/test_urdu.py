"""A received Urdu PDF is found by its Urdu words, with or without harakat, whichever
keyboard typed the query (issue 23.7), and a scan by the words OCR read in it (23.6); on
every backend and database."""

import pytest

import search
from documents import ocr
from search.normalise import fold
from search.query import parse
from tests.documents.corpus import upload
from tests.documents.scans import png, scan_image
from tests.documents.urdu_pdfs import chromium_pdf, reportlab_pdf
from workspace.services import correspondence, files

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def ids(results):
    return [h.file_id for h in results.hits]


def test_fold_drops_harakat_and_brings_arabic_letters_to_urdu():
    assert fold("حَبيبي") == fold("حبيبي") == fold("حبیبی") == "حبیبی"
    assert fold("ﺣَﺒﻴﺒﻲ") == "حبیبی"  # presentation forms, as some PDFs carry them
    assert fold("كتاب") == "کتاب"
    assert fold("مدرسة") == "مدرسۃ"
    assert fold("Release of funds") == "Release of funds"
    assert parse("حَبيبي -مدرسة").words == ["حبیبی"]
    assert parse("حَبيبي -مدرسة").excluded == ["مدرسۃ"]


@pytest.mark.parametrize("maker", ["chromium", "reportlab"])
def test_a_received_urdu_pdf_is_found_by_its_urdu_words(
    maker, desk, backend_name, tmp_path, django_capture_on_commit_callbacks
):
    data = chromium_pdf(tmp_path) if maker == "chromium" else reportlab_pdf()
    o = desk
    with django_capture_on_commit_callbacks(execute=True):
        file = files.file_open(
            actor=o.asst_user, post=o.asst, subject_head=o.head, subject="Letter from Finance"
        )
        correspondence.paper_enclose(actor=o.asst_user, file=file, upload=upload("k.pdf", data))
        other = files.file_open(
            actor=o.asst_user, post=o.asst, subject_head=o.head, subject="Unrelated file"
        )
    from search import backends

    backends.get_backend().refresh()
    for query in ["حبيبي", "حَبيبي", "حبیبی", "محکمہ", "خزانہ", "habibi"]:
        assert ids(search.search_files(user=o.asst_user, query=query)) == [file.pk], query
    assert ids(search.search_files(user=o.asst_user, query="تعلیم")) == []
    # Not theirs: the other department's officer does not find it.
    assert ids(search.search_files(user=o.other_user, query="حبيبي")) == []
    assert other.pk not in ids(search.search_files(user=o.asst_user, query="محکمہ"))


@pytest.mark.skipif(not ocr.available(), reason=f"OCR needs Tesseract: {ocr.missing()}")
def test_a_scanned_receipt_is_found_by_search_in_english_and_urdu(
    desk, backend_name, django_capture_on_commit_callbacks
):
    o = desk
    with django_capture_on_commit_callbacks(execute=True):
        file = files.file_open(
            actor=o.asst_user, post=o.asst, subject_head=o.head, subject="Scanned letter"
        )
        correspondence.paper_enclose(
            actor=o.asst_user, file=file, upload=upload("scan.png", png(scan_image()))
        )
    from search import backends

    backends.get_backend().refresh()
    for query in ["Swat", "bridge", "محکمہ", "خزانہ"]:
        assert ids(search.search_files(user=o.asst_user, query=query)) == [file.pk], query
    assert ids(search.search_files(user=o.other_user, query="محکمہ")) == []
