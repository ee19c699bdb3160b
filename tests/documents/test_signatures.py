"""A received signed PDF is kept byte for byte, and its signature's validity is recorded at
intake with pyHanko's validator (issue 23.3): valid after intake, invalid once altered, not
signed for a plain PDF; the signer's name on the paper's page. Signed here with a throwaway
key and certificate."""

import datetime
import hashlib
import io

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.urls import reverse
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from documents import storage
from documents.intake import signatures
from documents.models import PaperVersion
from documents.services import paper_stamp, paper_upload
from tests.documents.corpus import text_pdf, upload
from workspace.errors import ActionRefused
from workspace.models import AuditEvent

pytestmark = pytest.mark.django_db

SIGNER = "Secretary Finance (test key)"


@pytest.fixture(scope="module")
def key_and_cert():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SIGNER)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),  # fmt: skip
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return key, cert


def sign(pdf: bytes, key_and_cert) -> bytes:
    key, cert = key_and_cert
    der_cert = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    der_key = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    signer = signers.SimpleSigner(
        signing_cert=der_cert,
        signing_key=der_key,
        cert_registry=SimpleCertificateStore.from_certs([der_cert]),
    )
    out = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False),
        signers.PdfSignatureMetadata(field_name="Signature1"),
        signer=signer,
    )
    return out.getvalue()


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


def test_a_signed_pdf_is_never_stamped(clerk, key_and_cert):
    data = sign(text_pdf(1, "Do not rewrite me"), key_and_cert)
    version = paper_upload(actor=clerk, upload=upload("signed.pdf", data), kind="scan")
    with pytest.raises(ActionRefused):
        paper_stamp(actor=clerk, version=version, text="Diary 12/2026")
    assert version.paper.versions.count() == 1
    assert stored_sha256(version) == hashlib.sha256(data).hexdigest()
