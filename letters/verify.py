"""The public check of an issued letter: by its verification code (rate-limited with the
tracking lookup's limiter: every lookup counts for the client, failed ones for the code), and
of a PDF someone holds: is it that letter, byte for byte, with a valid office signature?

What the public learns: the letter's number, date and issuing office, and its subject when
the file it went out on is unclassified. For a graded letter, only that a genuine letter of
that office exists. Nothing is stored of what is looked up or uploaded."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from letters import codes, selectors, signing
from organisation.models import Department
from portal_pages import ratelimit
from workspace.models import Grading

MAX_UPLOAD = 10 * 1024 * 1024

NOT_FOUND = _(
    "No letter has this verification code. Check the code against the letter: it is printed "
    "at the foot of every page, beside the QR code."
)
TOO_MANY = _(
    "Too many attempts from this connection or for this code. Please try again in "
    "%(minutes)s minutes."
)
UNAVAILABLE = _("Verification is unavailable for a moment. Please try again shortly.")


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=24,
        help_text=_("Ten letters and digits, printed at the foot of the letter, e.g. K7M2Q-X9PT4."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "dir": "ltr",
                "class": "ref-input",
            }
        ),
    )
    pdf = forms.FileField(
        label=_("The letter as a PDF (optional)"),
        required=False,
        help_text=_("To check that a copy you hold is this letter, unaltered. At most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def clean_code(self):
        value = self.cleaned_data["code"]
        if not codes.is_valid(value):
            raise forms.ValidationError(
                _(
                    "This is not a valid verification code: one of its characters is probably "
                    "mistyped. It has ten letters and digits (there is no letter O or I, and no "
                    "digit 0 or 1)."
                ),
                code="invalid",
            )
        return codes.normalise(value)

    def clean_pdf(self):
        upload = self.cleaned_data.get("pdf")
        if not upload:
            return None
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 10 MB."), code="too_large")
        data = upload.read()
        if not data.startswith(b"%PDF-"):
            raise forms.ValidationError(_("This file is not a PDF."), code="not_pdf")
        return data


@dataclass(frozen=True)
class PublicLetter:
    """What the public page may say of a letter."""

    office: str
    graded: bool
    number: str = ""
    date: object = None
    subject: str = ""


@dataclass(frozen=True)
class UploadVerdict:
    same_bytes: bool
    signature: signing.SignatureCheck

    @property
    def genuine(self) -> bool:
        return self.same_bytes and self.signature.valid


@dataclass(frozen=True)
class Verification:
    letter: PublicLetter | None = None
    upload: UploadVerdict | None = None
    limited: bool = False
    retry_after: int = 0
    unavailable: bool = False

    @property
    def http_status(self) -> int:
        return 503 if self.unavailable else 429

    @property
    def message(self) -> str:
        if self.unavailable:
            return str(UNAVAILABLE)
        if self.limited:
            return str(TOO_MANY) % {"minutes": max(1, (self.retry_after + 59) // 60)}
        if self.letter is None:
            return str(NOT_FOUND)
        return ""


def _public(row: dict) -> PublicLetter:
    office = Department(name_en=row["department__name_en"], name_ur=row["department__name_ur"])
    if row["dispatch__draft__file__grading"] != Grading.UNCLASSIFIED:
        return PublicLetter(office=office.name, graded=True)
    return PublicLetter(
        office=office.name,
        graded=False,
        number=row["dispatch__outgoing_number"],
        date=timezone.localtime(row["dispatch__issued_at"]).date(),
        subject=row["dispatch__draft__subject"],
    )


def verify(request, *, code: str, pdf: bytes | None = None) -> Verification:
    """Look ``code`` up for the client making ``request`` and, if a PDF came, compare it."""
    verdict = ratelimit.check(client=ratelimit.client_of(request), reference=f"letter:{code}")
    if not verdict.allowed:
        return Verification(
            limited=True, retry_after=verdict.retry_after, unavailable=verdict.unavailable
        )
    letter = selectors.public_letter(code)
    if letter is None:
        ratelimit.record_failure(reference=f"letter:{code}")
        return Verification()
    upload = None
    if pdf is not None:
        upload = UploadVerdict(
            same_bytes=hashlib.sha256(pdf).hexdigest() == letter["sha256"],
            signature=signing.check_pdf(pdf),
        )
    return Verification(letter=_public(letter), upload=upload)
