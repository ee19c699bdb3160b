"""Issued letters: the department's letter template and standard texts, each issued letter
signed once (PAdES) with its verification code, and the signed record of each approval."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from organisation.models import Department
from workspace.models import Approval, DispatchEntry


class LetterTemplate(models.Model):
    """A department's letterhead and the fixed parts of its letters, kept by the department's
    administrator. One per department; a department without one issues on a plain letterhead
    built from its names."""

    department = models.OneToOneField(
        Department, on_delete=models.PROTECT, related_name="letter_template"
    )
    heading_en = models.CharField(
        _("letterhead (English)"),
        max_length=200,
        help_text=_("e.g. Government of Khyber Pakhtunkhwa, Finance Department"),
    )
    heading_ur = models.CharField(_("letterhead (Urdu)"), max_length=200, blank=True)
    address = models.CharField(_("address and contact line"), max_length=300, blank=True)
    signature_note = models.CharField(
        _("under the signature"),
        max_length=200,
        blank=True,
        help_text=_("A line printed under the signing officer's designation."),
    )
    copy_to = models.TextField(
        _("copy to"), blank=True, help_text=_("Offices every letter is copied to, one per line.")
    )
    footer = models.CharField(_("footer"), max_length=300, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")

    def __str__(self) -> str:
        return f"{self.department.code}: {self.heading_en}"


class StandardText(models.Model):
    """A paragraph officers insert in drafts ("I am directed to refer to…"), per department,
    in English and (optionally) Urdu. Kept by the department's administrator."""

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="standard_texts"
    )
    title = models.CharField(_("title (English)"), max_length=120)
    title_ur = models.CharField(_("title (Urdu)"), max_length=120, blank=True)
    text = models.TextField(_("text (English)"))
    text_ur = models.TextField(_("text (Urdu)"), blank=True)

    class Meta:
        ordering = ["department", "title"]
        verbose_name = _("standard text")
        verbose_name_plural = _("standard texts")
        constraints = [
            models.UniqueConstraint(fields=["department", "title"], name="standard_text_unique")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        if (get_language() or "en").startswith("ur") and self.title_ur:
            return self.title_ur
        return self.title

    def body(self, language: str) -> str:
        """The text to insert in ``language`` ("en" or "ur"); English when there is no Urdu."""
        return self.text_ur if language == "ur" and self.text_ur else self.text


class IssuedLetter(models.Model):
    """The signed PDF of an issued draft: written once at issue, never rewritten (the database
    refuses an UPDATE of its bytes on PostgreSQL). ``code`` is what anyone types on the public
    verification page; the PDF's SHA-256 is also on the dispatch register."""

    dispatch = models.OneToOneField(DispatchEntry, on_delete=models.PROTECT, related_name="letter")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("verification code"), max_length=10, unique=True)
    pdf = models.BinaryField(_("signed PDF"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    signer_subject = models.CharField(_("signed by (certificate)"), max_length=300)
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("issued letter")
        verbose_name_plural = _("issued letters")

    def __str__(self) -> str:
        return f"{self.dispatch.outgoing_number} ({self.code})"


class EmailSent(models.Model):
    """One sending of an issued letter by email to its addressees, from the register."""

    letter = models.ForeignKey(IssuedLetter, on_delete=models.PROTECT, related_name="emails")
    to = models.TextField(_("sent to"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("letter emailed")
        verbose_name_plural = _("letters emailed")

    def __str__(self) -> str:
        return f"{self.letter_id} → {self.to}"


class SignedApproval(models.Model):
    """The office's signature over who approved (or returned) what: the approval's canonical
    statement (with its content hash) and a detached CMS signature of it."""

    approval = models.OneToOneField(Approval, on_delete=models.PROTECT, related_name="signed")
    statement = models.TextField()
    signature = models.BinaryField()
    signer_subject = models.CharField(max_length=300)

    class Meta:
        verbose_name = _("signed approval")
        verbose_name_plural = _("signed approvals")

    def __str__(self) -> str:
        return f"signed approval {self.approval_id}"
