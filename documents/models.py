"""Papers and their stored versions.

A ``Paper`` is the logical paper a clerk talks about ("the Finance letter of 3 March"); each
``PaperVersion`` is one stored object with its hash. A new version never overwrites an old
one, and once a paper is part of an approved note or an issued letter it is frozen: no new
versions, and (on PostgreSQL) a trigger refuses changes to a version's stored identity.
Extracted text lives in ``PaperText`` so that lists of versions stay light.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.intake.types import extension_for


class Paper(models.Model):
    """A paper that entered Daftar: a scanned receipt, an attachment, a KPI return, a draft or
    an issued letter. Its content is in its versions; ``current_version`` is the newest."""

    class Kind(models.TextChoices):
        SCAN = "scan", _("Scanned receipt")
        ATTACHMENT = "attachment", _("Attachment")
        KPI_RETURN = "kpi_return", _("KPI return")
        DRAFT = "draft", _("Draft")
        ISSUED_LETTER = "issued_letter", _("Issued letter")

    title = models.CharField(_("title"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    current_version = models.ForeignKey(
        "PaperVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current version"),
    )
    frozen_at = models.DateTimeField(_("frozen"), null=True, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("frozen by"),
    )
    frozen_reason = models.CharField(_("why frozen"), max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("paper")
        verbose_name_plural = _("papers")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(frozen_at__isnull=True, frozen_by__isnull=True)
                    | Q(frozen_at__isnull=False, frozen_by__isnull=False)
                ),
                name="paper_frozen_has_who_and_when",
            ),
        ]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="paper_by_uploader")]

    def __str__(self) -> str:
        return self.title or str(_("Paper %(id)s") % {"id": self.pk})

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class PaperVersion(models.Model):
    """One stored object: what was received (after metadata was stripped), where it is kept,
    and its sha256, so ``manage.py documents_verify`` can prove it is unchanged."""

    class TextStatus(models.TextChoices):
        PENDING = "pending", _("Waiting for text extraction")
        DONE = "done", _("Text extracted")
        NONE = "none", _("No text to extract")
        FAILED = "failed", _("Text extraction failed")
        # OCR ran over a scan and found no word it could read.
        BLANK = "blank", _("No recognisable text")

    class SignatureStatus(models.TextChoices):
        UNSIGNED = "unsigned", _("Not signed")
        VALID = "valid", _("Signature valid")
        INVALID = "invalid", _("Signature invalid")

    # What identifies the stored bytes; never changed once written (see save()).
    IMMUTABLE_FIELDS = (
        "paper",
        "number",
        "storage_name",
        "sha256",
        "size",
        "mime_type",
        "original_filename",
        "derived_from",
        "signature_status",
        "signature_signer",
        "signature_trusted",
        "created_by",
        "created_at",
    )

    paper = models.ForeignKey(
        Paper, on_delete=models.PROTECT, related_name="versions", verbose_name=_("paper")
    )
    number = models.PositiveIntegerField(_("version"))
    storage_name = models.CharField(_("stored as"), max_length=255, unique=True)
    original_filename = models.CharField(
        _("file name"), max_length=255, help_text=_("As the uploader named it; for display only.")
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    mime_type = models.CharField(_("type"), max_length=127)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    text_status = models.CharField(
        _("text"), max_length=8, choices=TextStatus.choices, default=TextStatus.PENDING
    )
    thumbnail_name = models.CharField(_("thumbnail"), max_length=255, blank=True)
    derived_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="derived_versions",
        verbose_name=_("made from"),
        help_text=_(
            "The version this one was made from (stamped copies made before stamps became "
            "renditions)."
        ),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    # A received PDF's digital signature as checked at intake with pyHanko (the bytes are kept
    # exactly as received, so the signature stays checkable). Empty for other types.
    signature_status = models.CharField(
        _("signature"), max_length=8, choices=SignatureStatus.choices, blank=True
    )
    signature_signer = models.CharField(_("signed by"), max_length=255, blank=True)
    signature_trusted = models.BooleanField(
        _("signer trusted"),
        null=True,
        blank=True,
        help_text=_("Whether the signer's certificate leads to an authority this office trusts."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["paper", "-number"]
        verbose_name = _("paper version")
        verbose_name_plural = _("paper versions")
        constraints = [
            models.UniqueConstraint(fields=["paper", "number"], name="paperversion_number_unique"),
            models.UniqueConstraint(
                fields=["thumbnail_name"],
                condition=~Q(thumbnail_name=""),
                name="paperversion_thumbnail_unique",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="paperversion_number_positive"),
            models.CheckConstraint(condition=Q(size__gt=0), name="paperversion_not_empty"),
            models.CheckConstraint(
                condition=Exact(Length("sha256"), 64), name="paperversion_sha256_length"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.paper} (v{self.number})"

    def save(self, *args, **kwargs):
        # A stored version is evidence: its identity is written once. Only derived data
        # (page count, text status, thumbnail) may be updated, and only by naming it.
        if not self._state.adding:
            update_fields = kwargs.get("update_fields")
            named = {self._meta.get_field(f).name for f in update_fields or ()}
            if update_fields is None or named & set(self.IMMUTABLE_FIELDS):
                raise ValueError("A paper version's stored identity cannot be changed.")
        super().save(*args, **kwargs)

    @property
    def download_name(self) -> str:
        """The uploader's name for the file with the extension of what it really is."""

        stem = self.original_filename.rsplit(".", 1)[0] if "." in self.original_filename else ""
        stem = stem or self.original_filename or f"paper-{self.paper_id}-v{self.number}"
        return f"{stem}{extension_for(self.mime_type)}"


class PaperRendition(models.Model):
    """A file made from a version and kept beside it, never a version of the paper: a stamped
    copy (the diary number or flag label on its first page). The version stays the paper's
    record byte for byte (a received signed PDF keeps its valid signature); the rendition is
    what is printed or sent on. Seen by whoever may see the paper. Written once."""

    class Kind(models.TextChoices):
        STAMPED = "stamped", _("Stamped copy")

    version = models.ForeignKey(
        PaperVersion,
        on_delete=models.PROTECT,
        related_name="renditions",
        verbose_name=_("made from"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    storage_name = models.CharField(_("stored as"), max_length=255, unique=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    mime_type = models.CharField(_("type"), max_length=127)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("made"), default=timezone.now)

    class Meta:
        ordering = ["version", "-created_at", "-pk"]
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="paperrendition_not_empty"),
            models.CheckConstraint(
                condition=Exact(Length("sha256"), 64), name="paperrendition_sha256_length"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.version}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A rendition is written once.")
        super().save(*args, **kwargs)

    @property
    def download_name(self) -> str:
        stem = self.version.download_name.rsplit(".", 1)[0]
        return f"{stem}-{self.kind}{extension_for(self.mime_type)}"


class PaperText(models.Model):
    """The text extracted from a version, kept off the version row; pages are separated by
    form feeds (``\\f``) as pdftotext does, so a search hit can name its page. For a scan it
    is what OCR read: a record beside the version, never a new version of the paper."""

    version = models.OneToOneField(
        PaperVersion,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="text",
        verbose_name=_("version"),
    )
    content = models.TextField(_("text"))
    extracted_at = models.DateTimeField(_("extracted"), default=timezone.now)
    # OCR's part in the text: how many pages were read from their image, and Tesseract's
    # mean word confidence (0-100) over them. 0 and empty for text taken from the file itself.
    ocr_pages = models.PositiveIntegerField(_("pages read by OCR"), default=0)
    ocr_confidence = models.FloatField(_("OCR confidence"), null=True, blank=True)

    class Meta:
        verbose_name = _("extracted text")
        verbose_name_plural = _("extracted texts")

    def __str__(self) -> str:
        return str(self.version)

    def pages(self) -> list[str]:
        return self.content.split("\f")
