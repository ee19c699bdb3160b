"""A received PDF's digital signatures, checked at intake with pyHanko's validator.

The PDF is stored byte for byte as received (no step rewrites a PDF; stamps are renditions
made from it), so its signatures stay checkable later; what the check found at intake is
recorded on the version: valid, invalid or not signed, the signer's name, and whether the
signer's certificate leads to an authority the office trusts (``DAFTAR_SIGNATURE_TRUST_ROOTS``:
PEM files of the certificate authorities; none by default, so "valid" means intact and
unaltered, not "from a trusted signer").

Valid means every signature is cryptographically sound, covers the whole file or its whole
revision, and anything appended after it is what the signer allowed. Nothing fetched from the
network: revocation is not checked at intake.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.conf import settings

from documents.intake.base import Intake

logger = logging.getLogger("daftar.documents")

UNSIGNED, VALID, INVALID = "unsigned", "valid", "invalid"
_MARKER = b"/ByteRange"


def _has_signature_marker(intake: Intake) -> bool:
    """Every PDF signature dictionary has a /ByteRange: without one there is nothing to check,
    and the PDF is not parsed a second time."""
    tail = b""
    for chunk in intake.chunks():
        if _MARKER in tail + chunk:
            return True
        tail = chunk[-len(_MARKER) :]
    return False


def trust_roots() -> list:
    from asn1crypto import pem, x509

    roots = []
    for path in getattr(settings, "DAFTAR_SIGNATURE_TRUST_ROOTS", []) or []:
        data = Path(path).read_bytes()
        if pem.detect(data):
            roots.extend(x509.Certificate.load(der) for _t, _h, der in pem.unarmor(data, True))
        else:
            roots.append(x509.Certificate.load(data))
    return roots


def signer_name(cert) -> str:
    subject = cert.subject.native
    return str(subject.get("common_name") or cert.subject.human_friendly)[:255]


def check(stream) -> tuple[str, str, bool | None]:
    """(status, signer, trusted) of the PDF in ``stream``. pyHanko's validator runs its own
    event loop (``asyncio.run``), which cannot start inside a running one: there it runs in
    a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _check(stream)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_check, stream).result()


def _check(stream) -> tuple[str, str, bool | None]:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    stream.seek(0)
    try:
        signatures = PdfFileReader(stream, strict=False).embedded_signatures
    except Exception:
        logger.info("Signatures of a PDF could not be read", exc_info=True)
        return INVALID, "", None
    if not signatures:
        return UNSIGNED, "", None
    status, signer, trusted = VALID, "", True
    for signature in signatures:
        context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False)
        try:
            result = validate_pdf_signature(signature, context)
        except Exception:
            logger.info("A PDF signature could not be validated", exc_info=True)
            status, trusted = INVALID, None
            continue
        signer = signer or signer_name(result.signing_cert)
        whole = result.coverage in (
            SignatureCoverageLevel.ENTIRE_FILE,
            SignatureCoverageLevel.ENTIRE_REVISION,
        )
        allowed = result.docmdp_ok or result.modification_level is None
        if not (result.intact and result.valid and whole and allowed):
            status = INVALID
        trusted = bool(trusted and result.trusted)
    return status, signer, (trusted if status == VALID else None)


def read_signatures(intake: Intake) -> None:
    """Intake step: record the PDF's signatures (never refuses: an invalid signature is a fact
    about the paper the office must see, not a reason to turn it away)."""
    if intake.mime != "application/pdf":
        return
    if not _has_signature_marker(intake):
        intake.signature = (UNSIGNED, "", None)
        return
    try:
        intake.signature = check(intake.stream)
    finally:
        intake.stream.seek(0)
