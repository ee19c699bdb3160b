"""Files, receipts, note sheets, correspondence, drafts, approvals and movement.

Custody: an open file is at exactly one post. The truth is the file's open Viewflow desk task
(workflows.flows.FileFlow); ``File.holding_post`` mirrors it for the inbox's composite index and
is written only by the movement services in the same transaction as the flow step
(``manage.py custody_verify`` and a test prove the two never differ).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from organisation.models import BilingualName, Department, Post, Section


class Priority(models.IntegerChoices):
    ROUTINE = 0, _("Routine")
    URGENT = 1, _("Urgent")
    IMMEDIATE = 2, _("Immediate")
    MOST_IMMEDIATE = 3, _("Most immediate")


class Grading(models.IntegerChoices):
    UNCLASSIFIED = 0, _("Unclassified")
    RESTRICTED = 1, _("Restricted")
    CONFIDENTIAL = 2, _("Confidential")
    SECRET = 3, _("Secret")


PRIORITY_SLUGS = {0: "routine", 1: "urgent", 2: "immediate", 3: "most_immediate"}
GRADING_SLUGS = {0: "unclassified", 1: "restricted", 2: "confidential", 3: "secret"}


class Counter(models.Model):
    """Gap-free running numbers (diary numbers, file serials, outgoing numbers).

    The row is locked by the transaction that takes a number and released at its commit; a
    rolled-back transaction gives its number back, so numbers have no gaps."""

    scope = models.CharField(max_length=120, primary_key=True)
    value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.scope}={self.value}"


class SubjectHead(BilingualName):
    """A head of the department's file index, e.g. 12 = "Budget estimates"."""

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="subject_heads"
    )
    code = models.CharField(_("code"), max_length=16)

    class Meta:
        ordering = ["department__code", "code"]
        verbose_name = _("subject head")
        verbose_name_plural = _("subject heads")
        constraints = [
            models.UniqueConstraint(fields=["department", "code"], name="subject_head_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class HoldReason(models.TextChoices):
    """Why a parked file's matter is on hold, in words the public tracking page may show (the
    officer who parks a file chooses one; no free text reaches the public)."""

    AWAITING_OFFICE = (
        "awaiting_office",
        _("The office is waiting for a report or comments from another office."),
    )
    AWAITING_CITIZEN = (
        "awaiting_citizen",
        _(
            "The office is waiting for papers or information from you. If it has written to you, "
            "please reply."
        ),
    )
    AWAITING_FUNDS = "awaiting_funds", _("The office is waiting for funds to be released.")
    BEFORE_COURT = (
        "before_court",
        _("The matter is before a court, and the office is waiting for its orders."),
    )
    AWAITING_VISIT = "awaiting_visit", _("The office is waiting for a site inspection.")


class File(models.Model):
    """A file: note sheet plus correspondence, numbered like ``FD/SO(B-I)/12-3/2025``."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("file status", "Open")
        PARKED = "parked", pgettext_lazy("file status", "Parked")
        CLOSED = "closed", pgettext_lazy("file status", "Closed")
        RECORD_ROOM = "record_room", pgettext_lazy("file status", "In record room")

    number = models.CharField(_("file number"), max_length=80, unique=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="files")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="files")
    subject_head = models.ForeignKey(SubjectHead, on_delete=models.PROTECT, related_name="files")
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("running number"))
    subject = models.CharField(_("subject"), max_length=500)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.ROUTINE
    )
    grading = models.PositiveSmallIntegerField(
        _("security grading"), choices=Grading.choices, default=Grading.UNCLASSIFIED
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    # Mirrors the open desk task (see module docstring). Null only while a file is being opened.
    holding_post = models.ForeignKey(
        Post, on_delete=models.PROTECT, null=True, related_name="files_held"
    )
    desk_since = models.DateTimeField(_("at this desk since"), default=timezone.now)
    due_on = models.DateField(_("due"), null=True, blank=True)
    # While parked: why, as the public tracking page says it (HoldReason); blank otherwise.
    hold_reason = models.CharField(
        _("public reason for the hold"), max_length=20, choices=HoldReason.choices, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("file")
        verbose_name_plural = _("files")
        constraints = [
            models.UniqueConstraint(
                fields=["section", "subject_head", "year", "serial"], name="file_serial_unique"
            ),
        ]
        indexes = [
            # The inbox: open files at my posts, most urgent then oldest at desk.
            models.Index(
                fields=["holding_post", "status", "-priority", "desk_since"], name="file_inbox"
            ),
            models.Index(fields=["department", "status", "opened_at"], name="file_dept"),
            # "Files of my departments up to restricted" as an index-only scan: the receipts
            # API's "on a file I can see" rule (access.visible_receipt_ids) hashes these ids
            # instead of reading each file row of the department.
            models.Index(fields=["department", "grading", "id"], name="file_dept_grading"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def priority_slug(self) -> str:
        return PRIORITY_SLUGS[self.priority]

    @property
    def grading_slug(self) -> str:
        return GRADING_SLUGS[self.grading]


class Receipt(models.Model):
    """An incoming letter (dak) diarised in a section, then put on a file.

    A citizen's application or complaint carries the citizen's contact and a public tracking
    reference; the public sees only its stage and office, never its contents."""

    class Mode(models.TextChoices):
        PHYSICAL = "physical", _("Physical (by hand or post)")
        ELECTRONIC = "electronic", _("Electronic")

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("receipt status", "Pending")
        ON_FILE = "on_file", pgettext_lazy("receipt status", "Put on file")
        DISPOSED = "disposed", pgettext_lazy("receipt status", "Disposed of")

    # No index of its own (nor on holding_post): the indexes below lead with each.
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="receipts", db_index=False
    )
    diary_year = models.PositiveSmallIntegerField(_("diary year"))
    diary_number = models.PositiveIntegerField(_("diary number"))
    sender = models.CharField(_("sender"), max_length=300)
    sender_address = models.CharField(_("sender's address"), max_length=500, blank=True)
    letter_number = models.CharField(_("letter number"), max_length=120, blank=True)
    letter_date = models.DateField(_("letter date"), null=True, blank=True)
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices, default=Mode.PHYSICAL)
    subject = models.CharField(_("subject"), max_length=500)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.ROUTINE
    )
    grading = models.PositiveSmallIntegerField(
        _("security grading"), choices=Grading.choices, default=Grading.UNCLASSIFIED
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    holding_post = models.ForeignKey(
        Post,
        on_delete=models.PROTECT,
        related_name="receipts_held",
        verbose_name=_("marked to"),
        db_index=False,
    )
    diarised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    diarised_at = models.DateTimeField(_("diarised"), default=timezone.now)
    # No index of its own: ``receipt_file_id`` leads with it.
    file = models.ForeignKey(
        File,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receipts",
        db_index=False,
    )
    # A citizen's matter (application, petition, complaint)
    is_citizen_matter = models.BooleanField(_("citizen's matter"), default=False)
    citizen_name = models.CharField(_("citizen's name"), max_length=200, blank=True)
    citizen_cnic_last4 = models.CharField(_("last four digits of CNIC"), max_length=4, blank=True)
    citizen_mobile_last4 = models.CharField(
        _("last four digits of mobile"), max_length=4, blank=True
    )
    tracking_ref = models.CharField(
        _("tracking reference"), max_length=16, unique=True, null=True, blank=True
    )
    papers = models.ManyToManyField(
        "documents.Paper", blank=True, related_name="receipts", verbose_name=_("scanned papers")
    )
    time_limit_days = models.PositiveSmallIntegerField(
        _("time limit (days)"), null=True, blank=True
    )
    outcome = models.CharField(_("outcome"), max_length=500, blank=True)
    disposed_at = models.DateTimeField(_("disposed of"), null=True, blank=True)

    class Meta:
        ordering = ["-diarised_at"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [
            models.UniqueConstraint(
                fields=["section", "diary_year", "diary_number"], name="receipt_diary_unique"
            ),
            models.CheckConstraint(
                condition=Q(is_citizen_matter=False) | ~Q(citizen_name=""),
                name="citizen_matter_has_citizen",
            ),
        ]
        indexes = [
            models.Index(fields=["holding_post", "status", "diarised_at"], name="receipt_inbox"),
            # The API's list takes each visibility rule newest first on its own index
            # (access.visible_receipt_ids): per section, per post.
            models.Index(fields=["section", "id"], name="receipt_section_id"),
            models.Index(fields=["holding_post", "id"], name="receipt_post_id"),
            # A file's receipts by id: the API's "on a file I can see" branches read the
            # receipts of the seen files past the page's edge from this index alone, where
            # they walked the receipt table by id and read each row for its file (session 14:
            # 40k rows, 60-200 ms, for an officer of a small department at 100k files).
            models.Index(fields=["file", "id"], name="receipt_file_id"),
            # The other way of reading those branches, when the seen files are many: the
            # receipt ids back to the page's edge with each one's file, from this index alone
            # (from the table, the branch read ~17k rows for an officer of a small department).
            # The API's on-file round for the benchmark's 50 officers at 100k files, EXPLAIN
            # ANALYZE: buffers p50 17,470 → 416, p95 34,781 → 1,234; 22.8 → 9.5-11.7 ms p50.
            models.Index(fields=["id", "file"], name="receipt_id_file"),
            # The first round's branches (receipts on no file, per section of my departments,
            # per held post) from the unfiled receipts alone: PostgreSQL AND-ed the section's
            # (or post's) index with every unfiled receipt of receipt_file_id, once per branch.
            # The round for the benchmark's 50 officers at 100k files, EXPLAIN ANALYZE:
            # buffers p50 534 → 168, p95 834 → 347; 2.2 → 0.5 ms p50 (session 15).
            models.Index(
                fields=["section", "id"],
                condition=Q(file__isnull=True),
                name="receipt_unfiled_section_id",
            ),
            models.Index(
                fields=["holding_post", "id"],
                condition=Q(file__isnull=True),
                name="receipt_unfiled_post_id",
            ),
        ]

    def __str__(self) -> str:
        return self.diary_label

    @property
    def diary_label(self) -> str:
        section = self.section
        return f"{section.department.code}/{section.code}/D-{self.diary_number}/{self.diary_year}"

    @property
    def priority_slug(self) -> str:
        return PRIORITY_SLUGS[self.priority]

    @property
    def is_public_matter(self) -> bool:
        """A citizen's matter the public tracking page answers for: it has a tracking
        reference, and neither it nor its file is graded above unclassified
        (``public_grading``)."""
        if not (self.is_citizen_matter and self.tracking_ref):
            return False
        return public_grading(self.grading, None if self.file_id is None else self.file.grading)


def public_grading(receipt_grading: int, file_grading: int | None) -> bool:
    """The public site shows a receipt only if it, and its file if it is on one, are
    unclassified (``Receipt.is_public_matter``, and ``workspace.tracking`` on its row)."""
    return receipt_grading == Grading.UNCLASSIFIED and file_grading in (None, Grading.UNCLASSIFIED)


def flag_label(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA, 27 → AB … the secretariat's flag letters."""
    label = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        label = chr(65 + rem) + label
    return label


class Enclosure(models.Model):
    """A paper in a file's correspondence, referred to in notes by its flag ("Flag A")."""

    file = models.ForeignKey(File, on_delete=models.PROTECT, related_name="enclosures")
    position = models.PositiveIntegerField()
    flag = models.CharField(_("flag"), max_length=8)
    title = models.CharField(_("title"), max_length=300)
    receipt = models.ForeignKey(
        Receipt, on_delete=models.PROTECT, null=True, blank=True, related_name="enclosures"
    )
    paper = models.ForeignKey(
        "documents.Paper",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enclosures",
        verbose_name=_("paper"),
    )
    is_puc = models.BooleanField(_("paper under consideration"), default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["file", "position"]
        verbose_name = _("enclosure")
        verbose_name_plural = _("correspondence")
        constraints = [
            models.UniqueConstraint(fields=["file", "flag"], name="enclosure_flag_unique"),
            models.UniqueConstraint(fields=["file", "position"], name="enclosure_position_unique"),
            models.UniqueConstraint(
                fields=["file"], condition=Q(is_puc=True), name="one_puc_per_file"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file.number} Flag {self.flag}"


class NoteParagraph(models.Model):
    """A numbered paragraph of the note sheet. A draft only its author's post can edit until
    the file moves on; from then on final — the service refuses, and on PostgreSQL a trigger
    refuses any UPDATE or DELETE of a final paragraph."""

    file = models.ForeignKey(File, on_delete=models.PROTECT, related_name="paragraphs")
    number = models.PositiveIntegerField(_("paragraph"))
    text = models.TextField(_("text"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_final = models.BooleanField(default=False)
    finalised_at = models.DateTimeField(null=True, blank=True)
    refers_to_flags = models.ManyToManyField(Enclosure, blank=True, related_name="cited_by")
    refers_to_files = models.ManyToManyField(File, blank=True, related_name="cited_in")

    class Meta:
        ordering = ["file", "number"]
        verbose_name = _("note paragraph")
        verbose_name_plural = _("note paragraphs")
        constraints = [
            models.UniqueConstraint(fields=["file", "number"], name="paragraph_number_unique"),
            models.CheckConstraint(
                condition=Q(is_final=False) | Q(finalised_at__isnull=False),
                name="final_paragraph_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file.number} ¶{self.number}"


class Draft(models.Model):
    """A draft for approval (DFA): a letter the competent officer approves before it issues."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("draft status", "Draft")
        APPROVED = "approved", pgettext_lazy("draft status", "Approved")
        RETURNED = "returned", pgettext_lazy("draft status", "Returned")
        ISSUED = "issued", pgettext_lazy("draft status", "Issued")

    file = models.ForeignKey(File, on_delete=models.PROTECT, related_name="drafts")
    number = models.PositiveIntegerField(_("draft"))
    subject = models.CharField(_("subject"), max_length=300)
    addressees = models.TextField(_("to"), help_text=_("One addressee per line."))
    body = models.TextField(_("text of the letter"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["file", "number"]
        verbose_name = _("draft for approval")
        verbose_name_plural = _("drafts for approval")
        constraints = [
            models.UniqueConstraint(fields=["file", "number"], name="draft_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.file.number} DFA {self.number}"


class Approval(models.Model):
    """A decision on a note paragraph or a draft: approved or returned. Final; carries the
    hash of exactly what was decided on."""

    class Decision(models.TextChoices):
        APPROVED = "approved", pgettext_lazy("decision", "Approved")
        RETURNED = "returned", pgettext_lazy("decision", "Returned")

    file = models.ForeignKey(File, on_delete=models.PROTECT, related_name="approvals")
    paragraph = models.ForeignKey(
        NoteParagraph, on_delete=models.PROTECT, null=True, blank=True, related_name="approvals"
    )
    draft = models.ForeignKey(
        Draft, on_delete=models.PROTECT, null=True, blank=True, related_name="approvals"
    )
    decision = models.CharField(max_length=16, choices=Decision.choices)
    remarks = models.TextField(_("remarks"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    content_hash = models.CharField(max_length=64)
    task = models.ForeignKey(
        "viewflow.Task", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["at"]
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        # The scheduler's letters_approvals looks for the decisions of the last two days that
        # are still unsigned (letters.services.unsigned_approvals): without this it read every
        # approval (66 ms at 100k files, ten times that at a million), every five minutes.
        indexes = [models.Index(fields=["at"], name="approval_at")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(paragraph__isnull=False) & Q(draft__isnull=True))
                | (Q(paragraph__isnull=True) & Q(draft__isnull=False)),
                name="approval_of_one_thing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.paragraph or self.draft}"


class DispatchEntry(models.Model):
    """The section's dispatch register: an approved draft issued with an outgoing number."""

    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="dispatches")
    year = models.PositiveSmallIntegerField()
    serial = models.PositiveIntegerField()
    outgoing_number = models.CharField(_("outgoing number"), max_length=80, unique=True)
    draft = models.OneToOneField(Draft, on_delete=models.PROTECT, related_name="dispatch")
    addressees = models.TextField(_("to"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)
    task = models.ForeignKey(
        "viewflow.Task", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The SHA-256 of the signed letter that went out (written by the issue step that signs it,
    # see ``approvals.register_issue_step``): the register names the exact bytes dispatched.
    signed_sha256 = models.CharField(_("SHA-256 of the signed letter"), max_length=64, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatch register")
        constraints = [
            models.UniqueConstraint(fields=["section", "year", "serial"], name="dispatch_unique")
        ]

    def __str__(self) -> str:
        return self.outgoing_number


class Movement(models.Model):
    """One step in a file's journey: who, from which post to which, when, and remarks.
    ``desk_seconds`` is how long the file sat at ``from_post`` before this step."""

    class Kind(models.TextChoices):
        OPEN = "open", pgettext_lazy("history", "Opened")
        MARK = "mark", pgettext_lazy("history", "Marked")
        PUT_UP = "put_up", pgettext_lazy("history", "Put up")
        SEND_BACK = "send_back", pgettext_lazy("history", "Sent back")
        RECALL = "recall", pgettext_lazy("history", "Recalled")
        APPROVE = "approve", pgettext_lazy("history", "Approved")
        RETURN = "return", pgettext_lazy("history", "Returned")
        ISSUE = "issue", pgettext_lazy("history", "Issued")
        PARK = "park", pgettext_lazy("history", "Parked")
        RESUME = "resume", pgettext_lazy("history", "Taken out of park")
        CLOSE = "close", pgettext_lazy("history", "Closed")
        REOPEN = "reopen", pgettext_lazy("history", "Reopened")
        RECORD_ROOM = "record_room", pgettext_lazy("history", "Sent to record room")

    file = models.ForeignKey(File, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    from_post = models.ForeignKey(
        Post, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_post = models.ForeignKey(
        Post, on_delete=models.PROTECT, null=True, blank=True, related_name="movements_in"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    remarks = models.TextField(_("remarks"), blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    desk_seconds = models.PositiveBigIntegerField(default=0)
    task = models.ForeignKey(
        "viewflow.Task", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["file", "at", "pk"]
        verbose_name = _("movement")
        verbose_name_plural = _("movements")
        indexes = [
            models.Index(fields=["file", "at"], name="movement_file_at"),
            models.Index(fields=["to_post", "file"], name="movement_to_post"),
            models.Index(fields=["from_post", "at"], name="movement_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.file_id} {self.kind} {self.from_post_id}→{self.to_post_id}"
