"""Rough edges a daily user notices (issue 17, point 11), on the desk: the dashed tracking
reference on the receipt page, a paper's way back to its file and receipt."""

import pytest

from tests.documents.corpus import text_pdf, upload
from tests.workspace.helpers import diarise, open_file
from workspace import tracking
from workspace.services import correspondence

pytestmark = pytest.mark.django_db


def test_the_receipt_page_shows_the_reference_as_the_citizen_has_it(client, desk):
    receipt = diarise(
        desk,
        subject="Pension case",
        citizen_name="Gul Bibi",
        citizen_cnic_last4="1234",
    )
    assert receipt.tracking_ref and "-" not in receipt.tracking_ref
    client.force_login(desk.asst_user)
    html = client.get(f"/desk/receipts/{receipt.pk}/").content.decode()
    dashed = tracking.display(receipt.tracking_ref)
    assert dashed[5] == "-" and dashed in html
    assert receipt.tracking_ref not in html


def test_a_papers_page_leads_back_to_its_file_and_receipt(client, desk, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    receipt = diarise(desk, scans=[upload("letter.pdf", text_pdf(1))])
    file = open_file(desk, receipt=receipt)
    enclosure = correspondence.paper_enclose(
        actor=desk.asst_user, file=file, upload=upload("sanction.pdf", text_pdf(1))
    )
    client.force_login(desk.so_user)
    html = client.get(f"/desk/papers/paper/{enclosure.paper_id}/").content.decode()
    assert f'href="/desk/files/{file.pk}/"' in html and f"Flag {enclosure.flag}" in html
    scan = receipt.papers.get()
    html = client.get(f"/desk/papers/paper/{scan.pk}/").content.decode()
    assert f'href="/desk/receipts/{receipt.pk}/"' in html
