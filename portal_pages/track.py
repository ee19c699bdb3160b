"""The tracking lookup the page and the API share: validate, rate-limit, ask
``workspace.tracking.public_status``, count failures. Nothing about the person or the
reference is logged."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from portal_pages import ratelimit
from workspace import tracking

REFERENCE_HELP = _(
    "Ten letters and digits, as printed on your acknowledgement slip, e.g. K7M2Q-X9PT4."
)
FACTOR_HELP = _("The last four digits of the CNIC or of the mobile number you gave.")
NOT_FOUND = _(
    "We could not find a matter with this tracking number and these four digits. Check both "
    "against your acknowledgement slip. If they are right, the office may not have registered "
    "your matter for tracking: contact the office where you submitted it."
)
UNAVAILABLE = _(
    "Tracking is unavailable for a moment. Nothing is wrong with your matter: please try "
    "again shortly."
)
TOO_MANY = _(
    "Too many attempts. To protect citizens' information, tracking is paused for this "
    "connection or this tracking number. Please try again in %(minutes)s minutes."
)


class FactorInput(forms.TextInput):
    """A text box that never echoes what was typed back into the page."""

    def format_value(self, value):
        return None


class TrackingForm(forms.Form):
    """A tracking number and a second factor. Only the form of the number is checked here
    (its check character catches typing slips); whether it exists is the lookup's business."""

    reference = forms.CharField(
        label=_("Tracking number"),
        max_length=24,
        help_text=REFERENCE_HELP,
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
    second_factor = forms.CharField(
        label=_("Last four digits of your CNIC or mobile number"),
        max_length=8,
        help_text=FACTOR_HELP,
        widget=FactorInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "dir": "ltr",
                "class": "factor-input",
            }
        ),
    )

    def clean_reference(self):
        value = self.cleaned_data["reference"]
        if not tracking.is_valid(value):
            raise forms.ValidationError(
                _(
                    "This is not a valid tracking number: one of its characters is probably "
                    "mistyped. It has ten letters and digits, e.g. K7M2Q-X9PT4 (there is no "
                    "letter O or I, and no digit 0 or 1)."
                ),
                code="invalid",
            )
        return tracking.normalise(value)

    def clean_second_factor(self):
        digits = tracking.normalise_second_factor(self.cleaned_data["second_factor"])
        if len(digits) != 4:
            raise forms.ValidationError(_("Enter exactly four digits."), code="invalid")
        return digits


# Other matters a tracking number may name, kept by the apps above this one (citizens'
# complaints use the same numbers): each finder, given ``(request, reference,
# second_factor)``, answers the address of the matter's own public page, opened for this
# browser, or None. Asked by the tracking page when no diarised matter answers.
OTHER_MATTERS: list = []


def register_other_matters(finder) -> None:
    if finder not in OTHER_MATTERS:
        OTHER_MATTERS.append(finder)


@dataclass(frozen=True)
class Lookup:
    status: tracking.PublicStatus | None
    limited: bool = False
    retry_after: int = 0
    unavailable: bool = False  # refused because the rate limit cannot be kept just now
    elsewhere: str = ""  # another kind of matter answered: the address of its own page

    @property
    def http_status(self) -> int:
        """The status a refused lookup answers with: 503 while the limit cannot be kept."""
        return 503 if self.unavailable else 429

    @property
    def message(self) -> str:
        if self.unavailable:
            return str(UNAVAILABLE)
        if self.limited:
            return str(TOO_MANY) % {"minutes": max(1, (self.retry_after + 59) // 60)}
        if self.status is None and not self.elsewhere:
            return str(NOT_FOUND)
        return ""


def lookup(request, *, reference: str, second_factor: str, others: bool = False) -> Lookup:
    """Look a matter up for the client making ``request``, within the rate limits; with
    ``others``, a number no diarised matter answers is also asked of ``OTHER_MATTERS``."""
    verdict = ratelimit.check(client=ratelimit.client_of(request), reference=reference)
    if not verdict.allowed:
        return Lookup(
            None,
            limited=True,
            retry_after=verdict.retry_after,
            unavailable=verdict.unavailable,
        )
    status = tracking.public_status(reference=reference, second_factor=second_factor)
    if status is None and others:
        for finder in OTHER_MATTERS:
            address = finder(request, reference, second_factor)
            if address:
                return Lookup(None, elsewhere=address)
    if status is None:
        ratelimit.record_failure(reference=reference)
    return Lookup(status)
