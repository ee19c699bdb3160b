"""An issued letter signed by a key that never leaves a PKCS#11 token (issue 23.3), through
the environment variables production sets (``daftar.env`` → ``letters.keys``): SoftHSM, a
software token from Debian's ``softhsm2`` package, stands in for the office's HSM. The key
pair is generated inside the token; only its certificate (issued by a throwaway authority)
is written into it. Skipped, saying why, where SoftHSM or python-pkcs11 is missing."""

import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from daftar import env
from letters import keys, signing
from tests.documents.corpus import text_pdf
from tests.factories import DepartmentFactory

SOFTHSM = Path("/usr/lib/softhsm/libsofthsm2.so")
PIN = "246810"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not SOFTHSM.exists() or shutil.which("softhsm2-util") is None,
        reason="SoftHSM is not installed (Debian's softhsm2; ./dev.sh test installs it)",
    ),
    pytest.mark.skipif(
        importlib.util.find_spec("pkcs11") is None,
        reason="python-pkcs11 is not installed (pyHanko's [pkcs11] extra, in the lock files)",
    ),
]


def _certificate(*, public_key, subject, issuer, signing_key, ca: bool) -> x509.Certificate:
    """A certificate made as the demo's local authority makes its own (``letters.keys``)."""
    pem = keys._issue_cert(
        subject=subject, issuer=issuer, public_key=public_key, signing_key=signing_key,
        ca=ca, years=1,
    )  # fmt: skip
    return x509.load_pem_x509_certificate(pem)


@pytest.fixture
def token(tmp_path, monkeypatch, settings):
    """A SoftHSM token labelled with the department's code, holding the office's key pair
    (made in the token) and its certificate; the environment set as in production."""
    import pkcs11
    from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass
    from pkcs11.util.ec import encode_ec_public_key, encode_named_curve_parameters

    department = DepartmentFactory(code="FD", name_en="Finance Department")
    tokens = tmp_path / "tokens"
    tokens.mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", department.code,
         "--pin", PIN, "--so-pin", "13579246"],
        check=True, capture_output=True,
    )  # fmt: skip
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = _certificate(
        public_key=root_key.public_key(),
        subject=keys._name("Test letters CA", "Daftar (tests)"),
        issuer=keys._name("Test letters CA", "Daftar (tests)"),
        signing_key=root_key,
        ca=True,
    )
    root_path = tmp_path / "root.pem"
    root_path.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    label = f"letters-{department.code}"
    session = (
        pkcs11.lib(str(SOFTHSM)).get_token(token_label=department.code).open(rw=True, user_pin=PIN)
    )
    try:
        params = session.create_domain_parameters(
            KeyType.EC,
            {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")},
            local=True,
        )
        public, _private = params.generate_keypair(store=True, label=label)
        office = _certificate(
            public_key=serialization.load_der_public_key(encode_ec_public_key(public)),
            subject=keys._name("Finance Department (token)", "Daftar (tests)"),
            issuer=root.subject,
            signing_key=root_key,
            ca=False,
        )
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: label,
                Attribute.SUBJECT: office.subject.public_bytes(),
                Attribute.VALUE: office.public_bytes(serialization.Encoding.DER),
            }
        )
    finally:
        session.close()
    for name, value in {
        "DAFTAR_LETTERS_SIGNER": "pkcs11",
        "DAFTAR_LETTERS_PKCS11_MODULE": str(SOFTHSM),
        "DAFTAR_LETTERS_PKCS11_TOKEN": "{department}",
        "DAFTAR_LETTERS_PKCS11_KEY_LABEL": "letters-{department}",
        "DAFTAR_LETTERS_PKCS11_PIN": PIN,
        "DAFTAR_LETTERS_PKCS11_RAW": "true",  # SoftHSM 2.6 has no CKM_ECDSA_SHA256
        "DAFTAR_LETTERS_TRUST_ROOTS": str(root_path),
    }.items():
        monkeypatch.setenv(name, value)
    settings.DAFTAR_LETTERS = env._letters_signing(False, tmp_path)
    yield department
    keys._token_signer.cache_clear()


def _one_byte_changed(pdf: bytes) -> bytes:
    at = pdf.index(b"stream") + 40  # inside the page content the signature covers
    return pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1 :]


def test_letters_signed_in_a_token_are_valid_and_invalid_once_altered(token):
    assert keys.signer_for(token).signing_cert.subject.human_friendly.endswith("(token)")
    for subject in ("Release of funds", "A second letter, the same session"):
        signed, signer = signing.sign_pdf(text_pdf(1, subject), department=token, reason="Issued")
        assert "Finance Department (token)" in signer
        check = signing.check_pdf(signed)
        assert check.valid, check
        assert not signing.check_pdf(_one_byte_changed(signed)).valid
