"""PDF output: stamps, the assembled file (bookmarks, page numbers, flag order), Urdu shaped
and right to left, and scans combined into one PDF."""

import datetime as dt
import io
import unicodedata

import pytest
from django.utils import timezone, translation
from pypdf import PdfReader, PdfWriter

from documents import pdf, pdf_text
from documents.models import Paper
from documents.services import images_to_pdf
from kernel.errors import ValidationError
from tests.documents import corpus

URDU = "براہ کرم فائل ملاحظہ فرمائیں اور احکامات صادر فرمائیں"


def _reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def test_stamp_goes_on_the_first_page_only():
    stamped = _reader(pdf.stamp(corpus.text_pdf(3, "Receipt"), "Diary No. 123/2025\n12 Mar 2025"))
    first = stamped.pages[0].extract_text()
    assert "Diary No. 123/2025" in first and "12 Mar 2025" in first
    assert "Receipt page 1" in first
    assert "Diary" not in stamped.pages[1].extract_text()
    assert len(stamped.pages) == 3


def test_stamp_lands_inside_a_rotated_or_offset_page():
    writer = PdfWriter(clone_from=_reader(corpus.text_pdf(1)))
    writer.pages[0].rotate(90)
    writer.pages[0].cropbox.lower_left = (50, 50)
    out = io.BytesIO()
    writer.write(out)
    page = _reader(pdf.stamp(out.getvalue(), "Flag B", corner="top-left")).pages[0]
    assert page.rotation == 0
    found = []

    def visitor(text, cm, tm, font_dict, font_size):
        if "Flag B" in text:
            found.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

    page.extract_text(visitor_text=visitor)
    assert found
    box = page.cropbox
    x, y = found[0]
    assert box.left <= x <= box.right and box.bottom <= y <= box.top


def test_urdu_stamp_text_comes_back_in_reading_order_and_shaped():
    stamped = _reader(pdf.stamp(corpus.text_pdf(1), URDU))
    lines = stamped.pages[0].extract_text().splitlines()
    line = next(text for text in lines if not text.isascii())
    # Shaped: the letters came out as Arabic presentation forms, joined as they are written ...
    assert any("\ufb50" <= ch <= "\ufeff" for ch in line)
    # ... the first letter read back is the initial form of the first letter of the text ...
    assert line[0] == "\ufe91"  # BEH INITIAL FORM (ب joining to ر)
    # ... and folded back it is the original sentence in logical order.
    assert pdf_text.logical_text(line) == unicodedata.normalize("NFKC", URDU)


def test_every_urdu_letter_in_every_position_has_a_glyph():
    letters = "ابپتٹثجچحخدڈذرڑزژسشصضطظعغفقکگلمنںوہھءیےۓئؤآۂۃ"
    text = " ".join(ch * 3 for ch in letters) + " لا اللہ نمبر سیکشن"
    glyphs = pdf_text._urdu_glyphs()
    shaped = pdf_text.shape(text)
    assert [hex(ord(ch)) for ch in shaped if not ch.isspace() and ord(ch) not in glyphs] == []


def _bundle(papers=None, paragraphs=8):
    at = timezone.make_aware(dt.datetime(2025, 3, 12, 10, 30))
    entries = []
    for number in range(1, paragraphs + 1):
        urdu = number % 3 == 0
        entries.append(
            pdf.NoteEntry(
                number=number,
                text=(URDU + "۔ ") * 6 if urdu else "Submitted for perusal and orders. " * 12,
                author_name="Ayesha Afridi" if number % 2 else "Sajid Khan",
                post_designation="Section Officer (Budget-I)",
                at=at + dt.timedelta(hours=number),
                approvals=["Approved — Secretary Finance, 12 Mar 2025"] if number == 8 else [],
            )
        )
    return pdf.FileBundle(
        number="FD/SO(B-I)/12-3/2025",
        subject="Release of funds to the Peshawar Development Authority",
        department="Finance Department",
        paragraphs=entries,
        papers=papers
        if papers is not None
        else [
            pdf.FlaggedPaper("A", "Letter of the PDA", corpus.text_pdf(2, "PDA letter")),
            pdf.FlaggedPaper("B", "Budget statement", corpus.text_pdf(3, "Budget statement")),
        ],
    )


def _outline(reader):
    out = []
    for item in reader.outline:
        if isinstance(item, list):
            out[-1][2].extend((i.title, reader.get_destination_page_number(i)) for i in item)
        else:
            out.append((item.title, reader.get_destination_page_number(item), []))
    return out


def test_assembled_file_has_note_sheet_then_flags_in_order_with_numbers_and_bookmarks():
    reader = _reader(pdf.assemble(_bundle()))
    total = len(reader.pages)
    texts = [page.extract_text() for page in reader.pages]
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {total}" in text
    first = texts[0]
    assert "FD/SO(B-I)/12-3/2025" in first and "Release of funds" in first
    assert "Ayesha Afridi" in first and "Section Officer (Budget-I)" in first
    sheet_pages = total - 5
    assert "PDA letter page 1" in texts[sheet_pages] and "Flag A" in texts[sheet_pages]
    assert "PDA letter page 2" in texts[sheet_pages + 1]
    assert "Budget statement page 1" in texts[sheet_pages + 2]
    assert "Flag B" in texts[sheet_pages + 2]
    assert "Approved — Secretary Finance" in "".join(texts[:sheet_pages])

    outline = _outline(reader)
    assert [title for title, _page, _kids in outline] == ["Note sheet", "Correspondence"]
    paras = outline[0][2]
    assert [t.split(" — ")[0] for t, _p in paras] == [f"Para {n}" for n in range(1, 9)]
    assert all(page < sheet_pages for _t, page in paras)
    assert paras[-1][1] == sheet_pages - 1 or paras[-1][1] >= paras[0][1]
    assert outline[1][2] == [
        ("Flag A: Letter of the PDA", sheet_pages),
        ("Flag B: Budget statement", sheet_pages + 2),
    ]
    assert reader.page_mode == "/UseOutlines"


def test_paragraph_bookmarks_point_at_the_page_where_each_paragraph_starts():
    reader = _reader(pdf.assemble(_bundle(papers=[], paragraphs=12)))
    for title, page in _outline(reader)[0][2]:
        number = title.split(" — ")[0].removeprefix("Para ")
        lines = reader.pages[page].extract_text().splitlines()
        assert any(line.strip().startswith(f"{number}.") for line in lines) or any(
            line.strip().endswith(f"{number}.") for line in lines
        ), (title, page)


def test_urdu_paragraphs_come_back_shaped_in_reading_order():
    bundle = _bundle(papers=[], paragraphs=3)
    bundle.paragraphs[2].text = URDU
    text = _reader(pdf.assemble(bundle)).pages[0].extract_text()
    assert pdf_text.logical_text(URDU) in pdf_text.logical_text(text)


def test_assembly_in_urdu_prints_its_labels_in_urdu():
    with translation.override("ur"):
        label = translation.gettext("Page %(number)d of %(total)d")
        sheet = translation.gettext("Note sheet")
        reader = _reader(pdf.assemble(_bundle()))
    assert label != "Page %(number)d of %(total)d", "the Urdu catalogue lacks the label"
    first = pdf_text.logical_text(reader.pages[0].extract_text())
    words = [w for w in label.replace("%(number)d", "").replace("%(total)d", "").split()]
    assert words and all(word in first for word in words)
    assert sheet in first


def test_a_file_without_notes_or_papers_still_assembles():
    bundle = pdf.FileBundle(number="FD/1/2025", subject="Empty", department="Finance")
    reader = _reader(pdf.assemble(bundle))
    assert len(reader.pages) == 1 and "Page 1 of 1" in reader.pages[0].extract_text()


def test_images_are_combined_into_one_pdf(clerk):
    version = images_to_pdf(
        actor=clerk,
        uploads=[
            corpus.upload("1.jpg", corpus.jpeg_with_gps((400, 560))),
            corpus.upload("2.png", corpus.png((300, 420))),
            corpus.upload("3.tif", corpus.tiff_with_gps(frames=2)),
        ],
        title="Receipt from PDA",
    )
    assert version.mime_type == "application/pdf"
    assert version.page_count == 4
    assert version.paper.kind == Paper.Kind.SCAN
    assert version.paper.title == "Receipt from PDA"
    from documents import storage

    with storage.open_object(version.storage_name) as stored:
        data = stored.read()
    reader = _reader(data)
    first = reader.pages[0]
    # 400 px at 300 dpi is 96 pt: the page has the paper's physical size.
    assert round(float(first.mediabox.width)) == 96
    assert b"Secret Scanner" not in data and b"PhoneMaker" not in data


@pytest.mark.parametrize(
    ("uploads", "code"),
    [
        ([], "no_images"),
        ([corpus.upload("a.pdf", corpus.text_pdf())], "not_an_image"),
        ([corpus.upload("a.png", corpus.png()), corpus.upload("b.png", b"")], "empty"),
    ],
)
def test_combining_refuses_what_is_not_a_good_image(clerk, nothing_left, uploads, code):
    with nothing_left(), pytest.raises(ValidationError) as refused:
        images_to_pdf(actor=clerk, uploads=uploads, title="Scans")
    assert refused.value.code == code
