"""A received signed PDF is kept byte for byte, and its signature's validity is recorded at
intake with pyHanko's validator (issue 23.3): valid after intake, invalid once altered, not
signed for a plain PDF; the signer's name on the paper's page. Signed here with a throwaway
key and certificate."""

import hashlib
import io

import pytest
from cryptography.hazmat.primitives import serialization
from django.urls import reverse
from pypdf import PdfReader

from documents import storage
from documents.intake import signatures
from documents.models import Paper, PaperVersion
from documents.services import paper_stamp, paper_upload
from kernel.models import AuditEvent
from tests.documents.corpus import text_pdf, upload
from tests.documents.signing import SIGNER, make_key_and_cert, sign

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def key_and_cert():
    return make_key_and_cert()


def altered(data: bytes) -> bytes:
    """One byte changed inside what the signature covers (the producer's name)."""
    at = data.index(b"ReportLab")
    return data[:at] + b"X" + data[at + 1 :]


def stored_sha256(version) -> str:
    with storage.open_object(version.storage_name) as stored:
        return hashlib.sha256(stored.read()).hexdigest()


def test_a_signed_pdf_is_kept_byte_for_byte_and_recorded_valid(clerk, key_and_cert, client):
    data = sign(text_pdf(1, "Sanction for the culvert widening"), key_and_cert)
    version = paper_upload(actor=clerk, upload=upload("signed.pdf", data), kind="scan")
    assert stored_sha256(version) == hashlib.sha256(data).hexdigest() == version.sha256
    version.refresh_from_db()
    assert version.signature_status == PaperVersion.SignatureStatus.VALID
    assert version.signature_signer == SIGNER
    assert version.signature_trusted is False  # no authority configured
    # Still valid read back from storage after intake.
    with storage.open_object(version.storage_name) as stored:
        assert signatures.check(io.BytesIO(stored.read()))[0] == "valid"
    event = AuditEvent.objects.get(action="paper.upload", object_id=str(version.pk))
    assert event.after["signature"] == "valid" and event.after["signed_by"] == SIGNER
    client.force_login(clerk)
    page = client.get(reverse("documents:paper_detail", args=[version.paper_id])).content
    page = page.decode()
    assert 'data-signature="valid"' in page and SIGNER in page


def test_a_signer_from_a_trusted_authority_is_recorded_trusted(
    clerk, key_and_cert, settings, tmp_path
):
    root = tmp_path / "root.pem"
    root.write_bytes(key_and_cert[1].public_bytes(serialization.Encoding.PEM))
    settings.DAFTAR_SIGNATURE_TRUST_ROOTS = [str(root)]
    data = sign(text_pdf(1, "Trusted"), key_and_cert)
    version = paper_upload(actor=clerk, upload=upload("signed.pdf", data), kind="scan")
    assert (version.signature_status, version.signature_trusted) == ("valid", True)


def test_an_altered_signed_pdf_is_recorded_invalid_and_still_kept_as_received(clerk, key_and_cert):
    data = altered(sign(text_pdf(1, "Sanction for the culvert widening"), key_and_cert))
    version = paper_upload(actor=clerk, upload=upload("altered.pdf", data), kind="scan")
    assert version.signature_status == PaperVersion.SignatureStatus.INVALID
    assert version.signature_signer == SIGNER
    assert version.signature_trusted is None
    assert stored_sha256(version) == hashlib.sha256(data).hexdigest()


def test_a_plain_pdf_is_not_signed_and_an_image_has_no_signature_status(clerk):
    from tests.documents.corpus import png

    pdf_version = paper_upload(actor=clerk, upload=upload("a.pdf", text_pdf()), kind="scan")
    assert pdf_version.signature_status == PaperVersion.SignatureStatus.UNSIGNED
    image = paper_upload(actor=clerk, upload=upload("a.png", png(), "image/png"), kind="scan")
    assert image.signature_status == ""


def test_stamping_a_signed_pdf_makes_a_copy_and_leaves_the_original_signed(
    clerk, officer, key_and_cert, client
):
    """Issue 23: stamps make separate renditions, never a new version of the original."""
    data = sign(text_pdf(1, "Do not rewrite me"), key_and_cert)
    version = paper_upload(actor=clerk, upload=upload("signed.pdf", data), kind="scan")
    copy = paper_stamp(actor=clerk, version=version, text="Diary 12/2026")
    # The original is the paper's only version, byte for byte, its signature still valid.
    paper = Paper.objects.get(pk=version.paper_id)
    assert list(paper.versions.all()) == [version] and paper.current_version == version
    assert stored_sha256(version) == hashlib.sha256(data).hexdigest() == version.sha256
    with storage.open_object(version.storage_name) as stored:
        assert signatures.check(io.BytesIO(stored.read()))[0] == "valid"
    # The stamped copy is a rendition of it, with the stamp on its first page.
    assert copy.version == version and copy.kind == "stamped" and copy.sha256 != version.sha256
    with storage.open_object(copy.storage_name) as stored:
        stamped = stored.read()
    assert hashlib.sha256(stamped).hexdigest() == copy.sha256
    assert "Diary 12/2026" in PdfReader(io.BytesIO(stamped)).pages[0].extract_text()
    event = AuditEvent.objects.get(action="paper.stamp")
    assert event.object_id == str(copy.pk) and event.after["version_sha256"] == version.sha256
    # Served to those who may see the paper, audited; 404 to anyone else.
    url = reverse("documents:rendition", args=[copy.pk])
    client.force_login(officer)
    assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="paper.download").exists()
    client.force_login(clerk)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == stamped
    assert AuditEvent.objects.filter(action="paper.download", object_id=str(copy.pk)).exists()
    page = client.get(reverse("documents:paper_detail", args=[paper.pk])).content.decode()
    assert 'data-rendition="stamped"' in page and "Diary 12/2026" in page
