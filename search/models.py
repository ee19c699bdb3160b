"""The file index's own tables.

``FileDocument`` is the database backend's index: one row per file with the composed text and
the columns search filters on. It is kept off ``workspace.File`` on purpose: the file row
changes on every movement, and searchable text under a GIN index on that row would make every
movement rewrite the index (see PERFORMANCE.md). Here a movement only changes small, unindexed
columns (holding post, status), which PostgreSQL can update in place (a HOT update).

The vendor-specific parts live in migration 0002: on PostgreSQL a ``vector`` tsvector column
with a GIN index (``SET STATISTICS 1000``) and a trigram index on the number; on SQLite an FTS5
table kept in step by triggers.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FileDocument(models.Model):
    """The searchable text and filter columns of one file (database backend)."""

    file = models.OneToOneField(
        "workspace.File",  # by name: the desk sits above search (issue 20)
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
        verbose_name=_("file"),
    )
    number = models.CharField(_("file number"), max_length=80)
    # Upper case without spaces: exact lookups, and substrings through a trigram index.
    number_key = models.CharField(max_length=80)
    # Every run of whole parts of the number, space-separated (query.number_parts): on
    # PostgreSQL they are lexemes n:<run> in the tsvector, so "12-3/2025" finds
    # "FD/SO(B-I)/12-3/2025" through the text index.
    number_terms = models.TextField()
    subject = models.CharField(_("subject"), max_length=500)
    receipts_text = models.TextField(blank=True)
    notes_text = models.TextField(blank=True)
    papers_text = models.TextField(blank=True)
    text_hash = models.CharField(max_length=64)
    # Filter columns. No foreign-key constraints: this is derived data, rebuilt at will, and
    # only the columns that never change after opening are indexed (HOT updates for the rest).
    department = models.ForeignKey(
        "organisation.Department",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    section = models.ForeignKey(
        "organisation.Section",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    holding_post = models.ForeignKey(
        "organisation.Post",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        related_name="+",
    )
    status = models.CharField(max_length=16)
    priority = models.PositiveSmallIntegerField()
    grading = models.PositiveSmallIntegerField()
    year = models.PositiveSmallIntegerField()
    opened_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    indexed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        indexes = [
            models.Index(fields=["-opened_at", "-file"], name="search_doc_newest"),
            models.Index(fields=["department", "-opened_at"], name="search_doc_dept"),
            models.Index(
                fields=["number_key"], name="search_doc_number", opclasses=["text_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.number


class FileCustody(models.Model):
    """A post a file has been at, or is at now (database backend): the custody half of the
    desk's visibility rule as one small index read.

    "Files that have been at my posts and are another department's or graded above
    restricted" read from the movements meant reading every movement of a busy post (tens of
    thousands at a million files) and looking up each file's department and grading: 90 ms
    to a second a search. One row per (post, file) with the file's department and grading
    answers it from this table's primary key alone. Derived data like ``FileDocument``:
    kept by the same index updates (a movement reindexes its file), rebuilt by
    ``search_index rebuild``, compared by ``search_index check``. The Elasticsearch backend
    indexes the same custody as ``custody_post_ids`` (``compose(with_custody=True)``)."""

    # Keyed by file: an index update reads and rewrites one file's rows.
    pk = models.CompositePrimaryKey("file_id", "post_id")
    file_id = models.BigIntegerField()
    post_id = models.BigIntegerField()
    department_id = models.BigIntegerField()
    grading = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("file custody")
        verbose_name_plural = _("file custody")
        # A search reads a post's files with their departments and gradings from this index
        # alone (an index-only scan): a post's rows lie all over the table, written a file
        # at a time.
        indexes = [
            models.Index(
                fields=["post_id", "department_id", "grading", "file_id"],
                name="search_custody_post",
            )
        ]

    def __str__(self) -> str:
        return f"file {self.file_id} at post {self.post_id}"


class PendingReindex(models.Model):
    """A file whose index update failed or could not be queued. The task retries a few times;
    what is left here ``manage.py search_index check --repair`` indexes."""

    file_id = models.BigIntegerField(primary_key=True)
    requested_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("pending reindex")
        verbose_name_plural = _("pending reindexes")

    def __str__(self) -> str:
        return f"file {self.file_id} ({self.attempts})"


class IndexBuild(models.Model):
    """One rebuild of the index. On Elasticsearch, while a build is unfinished, file updates
    are written both to the live alias and to the index being built."""

    backend = models.CharField(max_length=16)
    index_name = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    files = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("index build")
        verbose_name_plural = _("index builds")

    def __str__(self) -> str:
        return f"{self.backend} {self.index_name} {self.started_at:%Y-%m-%d %H:%M}"
