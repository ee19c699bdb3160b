"""The acknowledgement slip: a one-page PDF with the tracking number, in English and Urdu,
served to staff who may see the receipt."""

import io

import pytest
from pypdf import PdfReader

from portal_pages import slips
from portal_pages.slips import acknowledgement_pdf
from tests.factories import HoldingFactory, UserFactory
from tests.portal_pages.factories import CitizenReceiptFactory
from workspace import tracking

pytestmark = pytest.mark.django_db


@pytest.fixture
def receipt(org):
    return CitizenReceiptFactory(holding_post=org.asst, citizen_name="Gul Bano")


def test_slip_is_one_page_with_the_reference_and_how_to_track(receipt, tree):
    pdf = acknowledgement_pdf(receipt)
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert tracking.display(receipt.tracking_ref) in text
    assert "Acknowledgement of your application" in text
    assert "Gul Bano" in text
    assert "/track/" in text
    assert "last four digits" in text
    fonts = reader.pages[0]["/Resources"]["/Font"]
    base_fonts = " ".join(str(fonts[name].get_object()["/BaseFont"]) for name in fonts)
    assert "NotoNaskhArabic" in base_fonts  # Urdu set in the project's embedded Naskh


def test_urdu_font_is_the_project_naskh(receipt):
    assert slips.urdu_font() is not None
    assert slips.FONT_CANDIDATES[0][0].exists(), "static/fonts/NotoNaskhArabic-Regular.ttf"


def test_no_slip_without_a_reference(org):
    receipt = CitizenReceiptFactory(
        holding_post=org.asst, tracking_ref=None, is_citizen_matter=True
    )
    with pytest.raises(ValueError):
        acknowledgement_pdf(receipt)


def test_staff_who_may_see_the_receipt_get_the_slip(client, receipt, org):
    url = f"/portal/receipts/{receipt.pk}/acknowledgement.pdf"
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(org.asst_user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    stranger = UserFactory(username="stranger")
    HoldingFactory(user=stranger)  # a post in another department
    client.force_login(stranger)
    assert client.get(url).status_code == 404
