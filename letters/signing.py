"""Signing a letter (PAdES, pyHanko) and checking one that someone brings back.

A letter is signed once, as the last thing written into it: its bytes are then kept as they
are and never rewritten. Checking asks pyHanko's validator whether the signature covers the
whole file, is intact, and chains to the office's trust root (``keys.trust_roots``)."""

from __future__ import annotations

import asyncio
import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from asn1crypto import cms
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from letters import keys


def _run(make_coroutine):
    """Run one of pyHanko's coroutines to its end from synchronous code. Where this thread
    already runs an event loop (a worker under an async server, a test driving Playwright),
    ``asyncio.run`` is refused, so the coroutine runs on a loop of its own in a short thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coroutine())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()


def sign_pdf(pdf: bytes, *, department, reason: str) -> tuple[bytes, str]:
    """The PDF signed by ``department``'s office key, and the signer's certificate subject."""
    signer = keys.signer_for(department)
    meta = signers.PdfSignatureMetadata(
        field_name="OfficeSignature",
        reason=reason,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    out = _run(lambda: signers.async_sign_pdf(writer, meta, signer=signer))
    return out.getvalue(), signer.signing_cert.subject.human_friendly


@dataclass(frozen=True)
class SignatureCheck:
    signed: bool  # the file carries a signature at all
    intact: bool  # the signed bytes are unchanged
    trusted: bool  # the signer chains to the office's trust root
    whole_file: bool  # nothing was added after signing
    signer: str = ""

    @property
    def valid(self) -> bool:
        return self.signed and self.intact and self.trusted and self.whole_file


def check_pdf(pdf: bytes) -> SignatureCheck:
    """What pyHanko's validator says of the (first) signature in ``pdf``."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = reader.embedded_signatures
    except Exception:  # not a PDF pyHanko can read: no signature to speak of
        return SignatureCheck(False, False, False, False)
    if not embedded:
        return SignatureCheck(False, False, False, False)
    context = ValidationContext(trust_roots=keys.trust_roots(), allow_fetching=False)
    try:
        status = _run(lambda: async_validate_pdf_signature(embedded[0], context))
    except Exception:  # a signature so broken it cannot be read is not valid
        return SignatureCheck(True, False, False, False)
    return SignatureCheck(
        signed=True,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer=status.signing_cert.subject.human_friendly if status.signing_cert else "",
    )


def sign_statement(statement: bytes, *, department) -> tuple[bytes, str]:
    """A detached CMS signature of ``statement`` by the office key (an approval's record)."""
    signer = keys.signer_for(department)
    cms = _run(lambda: signer.async_sign_general_data(statement, "sha256", detached=True))
    return cms.dump(), signer.signing_cert.subject.human_friendly


def check_statement(statement: bytes, signature: bytes) -> bool:
    """Whether ``signature`` (detached CMS) is an intact, valid signature of ``statement`` by
    a key that chains to the office's trust root: an approval's signed record, checked."""
    try:
        signed_data = cms.ContentInfo.load(signature)["content"]
        context = ValidationContext(trust_roots=keys.trust_roots(), allow_fetching=False)
        status = _run(lambda: async_validate_detached_cms(statement, signed_data, context))
    except Exception:  # unreadable: not a valid signature
        return False
    return bool(status.intact and status.valid and status.trusted)
