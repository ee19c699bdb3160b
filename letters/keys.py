"""The issuing office's signing key and the trust roots letters are verified against.

Three ways, chosen by ``DAFTAR_LETTERS_SIGNER`` (read in ``daftar/env.py``):

- ``pkcs11``: the key stays on a token or HSM (pyHanko's PKCS#11 signer; needs the
  ``python-pkcs11`` package and the vendor's module). Labels may contain ``{department}``,
  replaced by the issuing department's code, so one token can hold an office key each.
- ``file``: a PEM/DER key file and its certificate (paths may contain ``{department}`` too).
- ``local-ca`` (embedded default, refused in production): a demo certificate authority made
  on first use under ``var/letters-ca/`` with one key per department. Never committed.

Keys are EC P-256: small signatures, fast to make."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from pyhanko.keys import load_cert_from_pemder
from pyhanko.sign import signers

from kernel.errors import ActionRefused

ROOT_NAME = "Daftar demo letters CA"


def _conf() -> dict:
    return settings.DAFTAR_LETTERS


def _name(common: str, org: str = "Daftar (demo)") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
        ]
    )


def _write_once(path: Path, data: bytes) -> None:
    """Write a file atomically; if another process wrote it first, keep theirs."""
    fd, tmp = tempfile.mkstemp(dir=path.parent)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.chmod(tmp, 0o600)
    try:
        os.link(tmp, path)  # fails if it exists: the first writer wins
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)


def _pem_key(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _issue_cert(*, subject, issuer, public_key, signing_key, ca: bool, years: int) -> bytes:
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    cert = builder.sign(signing_key, hashes.SHA256())
    return cert.public_bytes(serialization.Encoding.PEM)


def local_ca_dir() -> Path:
    path = Path(_conf()["local_ca_dir"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def _local_root() -> tuple[Path, Path]:
    folder = local_ca_dir()
    key_path, cert_path = folder / "root.key", folder / "root.crt"
    if not cert_path.exists():
        key = ec.generate_private_key(ec.SECP256R1())
        _write_once(key_path, _pem_key(key))
        key = serialization.load_pem_private_key(key_path.read_bytes(), None)
        name = _name(ROOT_NAME)
        cert = _issue_cert(
            subject=name,
            issuer=name,
            public_key=key.public_key(),
            signing_key=key,
            ca=True,
            years=20,
        )
        _write_once(cert_path, cert)
    return key_path, cert_path


def _local_office(department) -> tuple[Path, Path, Path]:
    root_key_path, root_cert_path = _local_root()
    folder = local_ca_dir()
    code = "".join(ch for ch in department.code if ch.isalnum()) or "office"
    key_path, cert_path = folder / f"{code}.key", folder / f"{code}.crt"
    if not cert_path.exists():
        key = ec.generate_private_key(ec.SECP256R1())
        _write_once(key_path, _pem_key(key))
        key = serialization.load_pem_private_key(key_path.read_bytes(), None)
        root_key = serialization.load_pem_private_key(root_key_path.read_bytes(), None)
        root_cert = x509.load_pem_x509_certificate(root_cert_path.read_bytes())
        cert = _issue_cert(
            subject=_name(department.name_en, org=department.code),
            issuer=root_cert.subject,
            public_key=key.public_key(),
            signing_key=root_key,
            ca=False,
            years=5,
        )
        _write_once(cert_path, cert)
    return key_path, cert_path, root_cert_path


def _for(template: str, department) -> str:
    return template.replace("{department}", department.code)


@lru_cache(maxsize=64)
def _file_signer(key_file: str, cert_file: str, chain: tuple, passphrase: str):
    signer = signers.SimpleSigner.load(
        key_file,
        cert_file,
        ca_chain_files=chain or None,
        key_passphrase=passphrase.encode() if passphrase else None,
    )
    if signer is None:
        raise ActionRefused(
            "The office's signing key could not be read; tell the system administrator."
        )
    return signer


def signer_for(department):
    """The pyHanko signer of ``department``'s office."""
    conf = _conf()
    if conf["signer"] == "local-ca":
        key_path, cert_path, root_path = _local_office(department)
        return _file_signer(str(key_path), str(cert_path), (str(root_path),), "")
    if conf["signer"] == "file":
        if not (conf["key_file"] and conf["cert_file"]):
            raise ActionRefused(
                "No signing key is installed for letters (DAFTAR_LETTERS_KEY_FILE and "
                "DAFTAR_LETTERS_CERT_FILE); tell the system administrator."
            )
        return _file_signer(
            _for(conf["key_file"], department),
            _for(conf["cert_file"], department),
            tuple(_for(c, department) for c in conf["chain_files"]),
            conf["key_passphrase"],
        )
    return _pkcs11_signer(department)


def _pkcs11_signer(department):
    conf = _conf()
    cert_label = conf["pkcs11_cert_label"] or conf["pkcs11_key_label"]
    return _token_signer(
        conf["pkcs11_module"],
        _for(conf["pkcs11_token"], department),
        conf["pkcs11_pin"],
        _for(conf["pkcs11_key_label"], department),
        _for(cert_label, department),
        conf.get("pkcs11_raw", False),
    )


@lru_cache(maxsize=64)
def _token_signer(module: str, token: str, pin: str, key_label: str, cert_label: str, raw: bool):
    """One logged-in session per token and key, kept for the process: PKCS#11 logs in per
    application, not per session, so a second session's login is refused
    (CKR_USER_ALREADY_LOGGED_IN) while the first signer's session is open; the second
    letter would not have been signed."""
    # python-pkcs11 (pyHanko's [pkcs11] extra) is loaded only where a token is used.
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11

    session = pkcs11.open_pkcs11_session(
        module, token_criteria=TokenCriteria(label=token), user_pin=pin or None
    )
    return pkcs11.PKCS11Signer(
        session,
        key_label=key_label or None,
        cert_label=cert_label or None,
        use_raw_mechanism=raw,
    )


def trust_roots() -> list:
    """The certificates a letter's signature must chain to."""
    conf = _conf()
    if conf["signer"] == "local-ca":
        return [load_cert_from_pemder(str(_local_root()[1]))]
    return [load_cert_from_pemder(path) for path in conf["trust_roots"]]
