"""The hostile corpus: every file is refused with its own message and code, and nothing is
stored (no row of any kind, no object, no audit row)."""

import pytest

from documents.models import Paper
from documents.services import paper_upload
from kernel.errors import ValidationError
from tests.documents import corpus

SCAN, DRAFT, RETURN = Paper.Kind.SCAN, Paper.Kind.DRAFT, Paper.Kind.KPI_RETURN

CSV_FORMULA = b"entity,revenue\nPDA,120\nWSSP,=1+2\n"

HOSTILE = [
    # (id, file name, content, kind, expected code, words the message must contain)
    ("empty", "letter.pdf", b"", SCAN, "empty", "empty"),
    ("elf-renamed-pdf", "letter.pdf", corpus.elf_executable(), SCAN, "executable", "program"),
    ("pe-renamed-pdf", "invoice.pdf", corpus.pe_executable(), SCAN, "executable", "program"),
    ("shell-script", "notes.pdf", b"#!/bin/sh\nrm -rf /\n", SCAN, "executable", "program"),
    (
        "html-with-script",
        "letter.pdf",
        b"<html><body><script>alert(document.cookie)</script></body></html>",
        SCAN,
        "html",
        "web page",
    ),
    (
        "svg-with-script",
        "logo.png",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
        b"<script>alert(1)</script></svg>",
        SCAN,
        "svg",
        "SVG",
    ),
    ("plain-zip", "return.xlsx", corpus.zip_bytes([("a.txt", b"x")]), RETURN, "archive", "ZIP"),
    ("ole-doc", "draft.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000, DRAFT,
     "old_office", "macros"),
    ("plain-text", "letter.pdf", b"Dear Sir, kindly release the funds.\n", SCAN,
     "type_not_accepted", "does not accept"),
    ("docx-as-scan", "scan.pdf", corpus.docx(), SCAN, "type_not_for_kind", "draft"),
    ("docx-zip-bomb", "draft.docx", corpus.docx_zip_bomb(), DRAFT, "zip_bomb", "zip bomb"),
    ("xlsx-zip-bomb", "return.xlsx", corpus.xlsx_zip_bomb(), RETURN, "zip_bomb", "zip bomb"),
    (
        "docx-macros",
        "draft.docx",
        corpus.docx(extra=[("word/vbaProject.bin", b"\0" * 100)]),
        DRAFT,
        "office_macros",
        "macros",
    ),
    ("docx-encrypted", "draft.docx", corpus.set_encrypted_flag(corpus.docx()), DRAFT,
     "office_encrypted", "password"),
    (
        "docx-entity-bomb",
        "draft.docx",
        corpus.zip_bytes(
            [
                ("[Content_Types].xml", corpus.CONTENT_TYPES_DOCX),
                ("_rels/.rels", b"<Relationships/>"),
                (
                    "word/document.xml",
                    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><w:document>&lol2;</w:document>',
                ),
            ]
        ),
        DRAFT,
        "office_xml_entities",
        "entity",
    ),
    (
        "docx-hollow",
        "draft.docx",
        corpus.zip_bytes(
            [
                ("[Content_Types].xml", corpus.CONTENT_TYPES_DOCX),
                ("_rels/.rels", b"<Relationships/>"),
                ("word/styles.xml", b"<w:styles/>"),
            ]
        ),
        DRAFT,
        "office_structure",
        "not a real one",
    ),
    ("pdf-zip-polyglot", "letter.pdf", corpus.pdf_zip_polyglot(), SCAN, "polyglot", "ZIP"),
    ("truncated-pdf", "letter.pdf", corpus.truncated_pdf(), SCAN, "pdf_truncated", "cut off"),
    ("malformed-pdf", "letter.pdf", corpus.malformed_pdf(), SCAN, "pdf_malformed", "damaged"),
    ("encrypted-pdf", "letter.pdf", corpus.encrypted_pdf(), SCAN, "pdf_encrypted", "password"),
    ("pdf-javascript", "letter.pdf", corpus.pdf_with_javascript(), SCAN, "pdf_javascript",
     "JavaScript"),
    ("pdf-embedded-file", "letter.pdf", corpus.pdf_with_embedded_file(), SCAN,
     "pdf_embedded_file", "embedded"),
    ("pdf-launch", "letter.pdf", corpus.pdf_with_launch_action(), SCAN, "pdf_launch",
     "another program"),
    ("pdf-no-pages", "letter.pdf", corpus.empty_pdf(), SCAN, "pdf_no_pages", "no pages"),
    ("png-truncated", "scan.png", corpus.png((300, 300))[:400], SCAN, "image_damaged", "damaged"),
    ("jpeg-truncated", "scan.jpg", corpus.jpeg_with_gps((400, 400))[:900], SCAN,
     "image_damaged", "damaged"),
    ("csv-formula", "return.csv", CSV_FORMULA, RETURN, "csv_formula", "B3"),
    (
        "csv-latin1",
        "return.csv",
        "entity,city\nPDA,Peshawar\nJosé,Zürich\n".encode("latin-1"),
        RETURN,
        "csv_encoding",
        "UTF-8",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "content", "kind", "code", "words"),
    [pytest.param(*case[1:], id=case[0]) for case in HOSTILE],
)
def test_hostile_file_is_refused_with_its_own_message(
    clerk, nothing_left, name, content, kind, code, words
):
    with nothing_left(), pytest.raises(ValidationError) as refused:
        paper_upload(actor=clerk, upload=corpus.upload(name, content), kind=kind, title="Hostile")
    assert refused.value.code == code
    assert words.lower() in refused.value.messages[0].lower()


def test_every_refusal_has_a_message_of_its_own():
    codes = [case[4] for case in HOSTILE]
    assert len(set(codes)) >= 24  # executables share one message, as do the two zip bombs


@pytest.mark.parametrize(
    ("setting", "value", "content", "name", "code"),
    [
        ("DAFTAR_PAPER_MAX_BYTES", 1000, corpus.text_pdf(3), "big.pdf", "too_large"),
        ("DAFTAR_PAPER_MAX_PAGES", 3, corpus.text_pdf(4), "long.pdf", "too_many_pages"),
        ("DAFTAR_PAPER_MAX_PAGES", 1, corpus.tiff_with_gps(frames=2), "s.tif", "too_many_pages"),
        ("DAFTAR_IMAGE_MAX_PIXELS", 100, corpus.png((20, 20)), "scan.png", "image_too_many_pixels"),
    ],
    ids=["bytes", "pdf-pages", "tiff-pages", "pixels"],
)
def test_limits(settings, clerk, nothing_left, setting, value, content, name, code):
    setattr(settings, setting, value)
    with nothing_left(), pytest.raises(ValidationError) as refused:
        paper_upload(actor=clerk, upload=corpus.upload(name, content), kind=SCAN)
    assert refused.value.code == code


def test_oversized_message_names_both_sizes(settings, clerk):
    settings.DAFTAR_PAPER_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as refused:
        paper_upload(actor=clerk, upload=corpus.upload("a.pdf", corpus.text_pdf(3)), kind=SCAN)
    assert "1.0 KB" in refused.value.messages[0].replace("\xa0", " ")


def test_declared_sizes_that_lie_are_caught_by_unpacking(settings, clerk, nothing_left):
    """A part whose header understates its size cannot slip past the declared-size check."""
    settings.DAFTAR_ZIP_MAX_UNPACKED_BYTES = 200_000
    settings.DAFTAR_ZIP_MAX_RATIO = 10**9
    content = corpus.docx(paragraphs=["x" * 150_000, "y" * 150_000])
    with nothing_left(), pytest.raises(ValidationError) as refused:
        paper_upload(actor=clerk, upload=corpus.upload("d.docx", content), kind=DRAFT)
    assert refused.value.code == "zip_bomb"


def test_too_many_parts_is_a_bomb(settings, clerk):
    settings.DAFTAR_ZIP_MAX_MEMBERS = 5
    content = corpus.docx(extra=[(f"word/media/{i}.xml", b"<x/>") for i in range(10)])
    with pytest.raises(ValidationError) as refused:
        paper_upload(actor=clerk, upload=corpus.upload("d.docx", content), kind=DRAFT)
    assert refused.value.code == "zip_bomb"


def test_refusal_messages_are_translated(clerk):
    from django.utils import translation

    with translation.override("ur"), pytest.raises(ValidationError) as refused:
        paper_upload(actor=clerk, upload=corpus.upload("a.pdf", b""), kind=SCAN)
    message = refused.value.messages[0]
    assert any("\u0600" <= ch <= "\u06ff" for ch in message), message
