"""Writing the index: a file's row in ``search.FileDocument`` (its text, its tsvector on
PostgreSQL, its filter columns) and its custody rows in ``search.FileCustody``, by an upsert
that never lets an older read overwrite a newer one; a movement rewrites only the small
unindexed columns."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from search.backends.database.common import BATCH, TABLE, TS_CONFIG
from search.models import FileCustody, FileDocument
from search.sources import FILTER_FIELDS, Composed, source

_PG_COLUMNS = [
    ("file_id", "bigint"),
    ("number", "varchar"),
    ("number_key", "varchar"),
    ("number_terms", "text"),
    ("subject", "varchar"),
    ("receipts_text", "text"),
    ("notes_text", "text"),
    ("papers_text", "text"),
    ("text_hash", "varchar"),
    ("department_id", "bigint"),
    ("section_id", "bigint"),
    ("holding_post_id", "bigint"),
    ("status", "varchar"),
    ("priority", "smallint"),
    ("grading", "smallint"),
    ("year", "smallint"),
    ("opened_at", "timestamptz"),
    ("updated_at", "timestamptz"),
    ("indexed_at", "timestamptz"),
]


def _pg_vector() -> str:
    """The tsvector of a row ``v``: the number's parts, the words, and the department lexeme
    when the desk's rule lets the whole department see the file (its grading test, from the
    index source, with the threshold written in)."""
    return f"""
    setweight(array_to_tsvector(
        ARRAY(SELECT 'n:' || t FROM unnest(string_to_array(v.number_terms, ' ')) AS t)), 'A')
    || setweight(to_tsvector('{TS_CONFIG}', v.subject), 'A')
    || setweight(to_tsvector('{TS_CONFIG}', v.receipts_text), 'B')
    || setweight(to_tsvector('{TS_CONFIG}', v.notes_text), 'C')
    || setweight(to_tsvector('{TS_CONFIG}', v.papers_text), 'D')
    || CASE WHEN {source().visibility.grading_sql("v.grading")}
            THEN array_to_tsvector(ARRAY['dv:' || v.department_id]) ELSE ''::tsvector END
"""  # noqa: S608 (constants only)


def _row_values(doc: Composed, indexed_at) -> list:
    return [
        doc.file_id,
        doc.number,
        doc.number_key,
        doc.number_terms,
        doc.subject,
        doc.receipts_text,
        doc.notes_text,
        doc.papers_text,
        doc.text_hash,
        doc.department_id,
        doc.section_id,
        doc.holding_post_id,
        doc.status,
        doc.priority,
        doc.grading,
        doc.year,
        doc.opened_at,
        doc.updated_at,
        indexed_at,
    ]


class IndexWriting:
    """``DatabaseBackend``'s writes: index and remove files."""

    def index_files(self, file_ids: Iterable[int]) -> int:
        ids = sorted(set(file_ids))
        if not ids:
            return 0
        indexed_at = timezone.now()  # before reading: a later read always wins (see _write)
        docs = source().compose(ids, with_custody=True)
        gone = [i for i in ids if i not in docs]
        if gone:
            self.remove_files(gone)
        existing = {
            row[0]: row[1:]
            for row in FileDocument.objects.filter(file_id__in=list(docs)).values_list(
                "file_id", "text_hash", *FILTER_FIELDS
            )
        }
        full, moved = [], []
        for file_id, doc in docs.items():
            row = existing.get(file_id)
            if row is None or row[0] != doc.text_hash:
                full.append(doc)
            elif tuple(row[1:]) != doc.filter_values():
                moved.append(doc)
        with transaction.atomic():
            self._write(full, indexed_at)
            self._write_custody(docs)
            for doc in moved:
                # Only the small unindexed columns change: PostgreSQL updates the row in place
                # and the tsvector and its GIN index are not touched.
                FileDocument.objects.filter(file_id=doc.file_id, indexed_at__lte=indexed_at).update(
                    indexed_at=indexed_at,
                    **dict(zip(FILTER_FIELDS, doc.filter_values(), strict=True)),
                )
        return len(full) + len(moved)

    def _write(self, docs: list[Composed], indexed_at) -> None:
        """Insert or replace whole rows (text, vector and filters)."""
        if not docs:
            return
        if self.vendor == "postgresql":
            self._pg_upsert(docs, indexed_at)
        else:
            objs = [
                FileDocument(
                    **dict(
                        zip([c for c, _ in _PG_COLUMNS], _row_values(d, indexed_at), strict=True)
                    )
                )
                for d in docs
            ]
            FileDocument.objects.bulk_create(
                objs,
                update_conflicts=True,
                unique_fields=["file"],
                update_fields=[c for c, _ in _PG_COLUMNS if c != "file_id"],
            )

    def _pg_upsert(self, docs: list[Composed], indexed_at) -> None:
        """One statement for the whole batch: each column as one array parameter, turned
        back into rows by ``unnest``. (A ``VALUES`` list with a placeholder per value made
        psycopg scan a 9,500-placeholder query in Python for every batch: 130 ms of the
        ~800 a batch of 1,000 cost in a rebuild.)"""
        columns = [c for c, _ in _PG_COLUMNS]
        arrays = ", ".join(f"%s::{t}[]" for _, t in _PG_COLUMNS)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns[1:])
        rows = [_row_values(d, indexed_at) for d in docs]
        params = [list(column) for column in zip(*rows, strict=True)]
        # The vector is computed from the row's own text in the same statement. A row read
        # later (newer indexed_at) is never overwritten by one read earlier.
        sql = f"""
            INSERT INTO {TABLE} ({", ".join(columns)}, vector)
            SELECT v.*, {_pg_vector()}
            FROM unnest({arrays}) AS v({", ".join(columns)})
            ON CONFLICT (file_id) DO UPDATE SET {updates}, vector = EXCLUDED.vector
            WHERE {TABLE}.indexed_at <= EXCLUDED.indexed_at
        """  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    def _write_custody(self, docs: dict[int, Composed]) -> None:
        """Make the custody rows of ``docs``'s files what ``compose`` read (see
        ``FileCustody``): one read of the rows there, then only the differences written — a
        movement adds a row or none, a regrading updates the file's rows."""
        if not docs:
            return
        wanted, there = custody_composed(docs), custody_stored(list(docs))
        stale: dict[int, list[int]] = {}
        for post_id, file_id in there.keys() - wanted.keys():
            stale.setdefault(file_id, []).append(post_id)
        if stale:
            condition = Q()
            for file_id, post_ids in stale.items():
                condition |= Q(file_id=file_id, post_id__in=post_ids)
            FileCustody.objects.filter(condition).delete()
        changed = [
            FileCustody(post_id=p, file_id=f, department_id=d, grading=g)
            for (p, f), (d, g) in wanted.items()
            if there.get((p, f)) != (d, g)
        ]
        if not changed:
            return
        if self.vendor == "postgresql":
            # As _pg_upsert: four array parameters rather than a placeholder per value.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"""INSERT INTO {FileCustody._meta.db_table}
                        (post_id, file_id, department_id, grading)
                    SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[],
                        %s::smallint[])
                    ON CONFLICT (file_id, post_id) DO UPDATE
                    SET department_id = EXCLUDED.department_id, grading = EXCLUDED.grading""",  # noqa: S608
                    [
                        [c.post_id for c in changed],
                        [c.file_id for c in changed],
                        [c.department_id for c in changed],
                        [c.grading for c in changed],
                    ],
                )
            return
        FileCustody.objects.bulk_create(
            changed,
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["post_id", "file_id"],
            update_fields=["department_id", "grading"],
        )

    def remove_files(self, file_ids: Iterable[int]) -> None:
        ids = list(file_ids)
        FileDocument.objects.filter(file_id__in=ids).delete()
        FileCustody.objects.filter(file_id__in=ids).delete()


def custody_composed(docs: dict[int, Composed]) -> dict[tuple[int, int], tuple[int, int]]:
    """The custody rows ``docs`` call for: {(post, file): (department, grading)}."""
    return {
        (post_id, doc.file_id): (doc.department_id, doc.grading)
        for doc in docs.values()
        for post_id in doc.custody_post_ids
    }


def custody_stored(file_ids: list[int]) -> dict[tuple[int, int], tuple[int, int]]:
    """The custody rows stored for ``file_ids``, in ``_custody_composed``'s form."""
    return {
        (post_id, file_id): (department_id, grading)
        for post_id, file_id, department_id, grading in FileCustody.objects.filter(
            file_id__in=file_ids
        ).values_list("post_id", "file_id", "department_id", "grading")
    }


def orphans(model):
    """Rows of an index table (``FileDocument``, ``FileCustody``) whose file is gone."""
    files = source().file_ids()
    return model.objects.filter(~Exists(files.filter(pk=OuterRef("file_id"))))
