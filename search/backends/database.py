"""The database backend: ``search.FileDocument`` rows with PostgreSQL full-text search (a
tsvector under a GIN index) or SQLite FTS5, with the desk's visibility rule and the facet
filters applied inside the queries.

Why not Wagtail's search layer (modelsearch) for this? It is what the public pages use, and
it serves them well, but for a million files it cannot meet the floors: its PostgreSQL query
matches ``title || body`` of the shared ``wagtailsearch_indexentry`` table, and no index covers
that expression (there are GIN indexes on each column only), so every search reads the whole
table; it joins back to the model on ``object_id = pk::text``, so the visibility rule and the
facets cannot use the model's indexes; it orders by ``ts_rank`` over every match; and each
``add_items`` recomputes an average over the whole index table, so every movement's reindex
would read a million rows. Here instead:

- one search reads at most ``RESULT_CAP`` (500) matches, newest first, for the count and
  facets, and ranks only the newest ``RANK_CAP`` (200) of them by relevance, as
  PERFORMANCE.md asks; the count, the facets, the ranking and the choice of the page are
  done in that read's own statement, so only the page's ids and the counts reach Python
  (``_pg_first_read``), and a search costs the same queries whatever it matches;
- the visibility rule is applied as two index-driven lookups, not an OR of bitmaps: with
  words, "my department may see it" is a lexeme in the tsvector, so the text index alone
  answers it; the custody half is read from the index's own custody table
  (``search.FileCustody``: a post's files with their departments and gradings, one index
  range), so a busy post's tens of thousands of movements are never read (``_theirs``);
  the two are merged by a UNION in the same statement;
- only the page's rows are highlighted (``ts_headline`` parses the text: ~0.1 ms a file);
- the date index is walked testing tsvectors one by one only where the planner's estimates
  say the walk ends soon (a word most of the department's files contain); the queries run
  under a ``statement_timeout`` with sequential scans off;
- a movement rewrites only small unindexed columns (a HOT update), never the tsvector.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import re
import threading
import time
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import OperationalError, connection, transaction
from django.db.models import (
    BooleanField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Value,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from search.backends.base import RANK_CAP, RESULT_CAP, Progress, SearchBackend, count_facets
from search.compose import (
    FILTER_FIELDS,
    Composed,
    compose,
    department_batches,
    file_id_batches,
)
from search.models import FileCustody, FileDocument, IndexBuild, PendingReindex
from search.query import ParsedQuery, clean_number_fragment
from search.types import MARK_END, MARK_START, BackendPage, CheckReport, Filters, encode_cursor
from search.visibility import (
    DEPARTMENT_GRADING_LIMIT,
    Viewer,
    custody_elsewhere,
    custody_elsewhere_sql,
    department_q,
    document_q,
)
from workspace.models import Department, File

logger = logging.getLogger("daftar.search")

TABLE = FileDocument._meta.db_table
FTS_TABLE = f"{TABLE}_fts"
# English stemming; Urdu words pass through it unchanged (no Urdu stemmer, no stop words).
TS_CONFIG = "english"
HEADLINE_CHARS = 8000
# Go to file number: how many of the newest number matches are checked against the rule, and
# how long a substring lookup (the last resort) may take.
GO_TO_CANDIDATES = 200
SUBSTRING_TIMEOUT_MS = 150
# Reading a row's tsvector (from TOAST) costs about this many times fetching a row by bitmap.
WALK_ROW_COST = 3
BATCH = 1000
SNIPPET_WORDS = 30

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
_PG_VECTOR = f"""
    setweight(array_to_tsvector(
        ARRAY(SELECT 'n:' || t FROM unnest(string_to_array(v.number_terms, ' ')) AS t)), 'A')
    || setweight(to_tsvector('{TS_CONFIG}', v.subject), 'A')
    || setweight(to_tsvector('{TS_CONFIG}', v.receipts_text), 'B')
    || setweight(to_tsvector('{TS_CONFIG}', v.notes_text), 'C')
    || setweight(to_tsvector('{TS_CONFIG}', v.papers_text), 'D')
    || CASE WHEN v.grading <= {int(DEPARTMENT_GRADING_LIMIT)}
            THEN array_to_tsvector(ARRAY['dv:' || v.department_id]) ELSE ''::tsvector END
"""  # noqa: S608 (constants only)
_HEADLINE_OPTIONS = (
    f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords=35, MinWords=15, ShortWord=2, '
    'MaxFragments=2, FragmentDelimiter=" … "'
)
_SUBJECT_OPTIONS = f'StartSel="{MARK_START}", StopSel="{MARK_END}", HighlightAll=true'


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


def _first_words(text: str, n: int = SNIPPET_WORDS) -> str:
    words = (text or "").split()
    return " ".join(words[:n]) + (" …" if len(words) > n else "")


def _fts_quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fts_match(query: ParsedQuery) -> str:
    """The query as an SQLite FTS5 MATCH expression: every term quoted (so nothing the user
    types is FTS5 syntax), number fragments as phrases on the number column."""
    positive = [_fts_quote(t) for t in query.text_terms()]
    for fragment in query.numbers:
        tokens = re.sub(r"[^0-9a-z]+", " ", fragment).strip()
        if tokens:
            phrase = _fts_quote(tokens)
            positive.append(f"(number_terms : {phrase} OR {phrase})")
    if not positive:
        return ""
    expression = " AND ".join(positive)
    if query.excluded:
        expression = f"({expression}) NOT ({' OR '.join(_fts_quote(x) for x in query.excluded)})"
    return expression


def number_lexeme(fragment: str) -> str:
    """A tsquery literal for whole parts of a file number (see query.number_parts)."""
    return f"'n:{fragment}'"


def pg_tsquery(query: ParsedQuery) -> tuple[str, list]:
    """The query as a PostgreSQL tsquery expression: the words through ``websearch_to_tsquery``
    (which never fails to parse), number fragments as lexemes of the number's parts."""
    parts, params = [], []
    if query.has_text:
        parts.append(f"websearch_to_tsquery('{TS_CONFIG}', %s)")
        params.append(query.websearch())
    for fragment in query.numbers:
        # Whole parts of a file number (lexemes n:<run>), or the same characters in the text.
        # clean_number_fragment left only [0-9a-z/().-], so the literal needs no escaping.
        parts.append(f"%s::tsquery || websearch_to_tsquery('{TS_CONFIG}', %s)")
        params += [number_lexeme(fragment), f'"{fragment}"']
    return " && ".join(f"({p})" for p in parts), params


class DatabaseBackend(SearchBackend):
    name = "database"

    def __init__(self):
        # Per thread: the SET LOCALs a search's raw statements carry (see ``_timeout``).
        self._local = threading.local()

    @property
    def vendor(self) -> str:
        return connection.vendor

    # ----------------------------------------------------------------- writing
    def index_files(self, file_ids: Iterable[int]) -> int:
        ids = sorted(set(file_ids))
        if not ids:
            return 0
        indexed_at = timezone.now()  # before reading: a later read always wins (see _write)
        docs = compose(ids, with_custody=True)
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
            SELECT v.*, {_PG_VECTOR}
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
        wanted, there = _custody_composed(docs), _custody_stored(list(docs))
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

    # ----------------------------------------------------------------- reading
    @contextmanager
    def _timeout(self, *, walk: bool = False, per_statement: bool = False):
        """A statement timeout for the search queries (PostgreSQL), in one transaction; with
        ``walk``, bitmap scans off as well, so the department's date index is walked (see
        ``_walk_is_cheaper``).

        With ``per_statement``, outside a transaction, no transaction is opened: the raw
        statements run through ``_fetch`` carry the settings as ``SET LOCAL``s in their own
        message, which PostgreSQL runs as one implicit transaction — the same limits without
        the round trips of SET and COMMIT."""
        if self.vendor != "postgresql":
            yield
            return
        ms = int(getattr(settings, "DAFTAR_SEARCH_TIMEOUT_MS", 3000))
        # No search wants a sequential scan: with words it would read every tsvector.
        # Nor parallel workers: starting them costs more than the few thousand rows a search
        # reads (~1 ms a search at 100k files), and under load they take the other officers'
        # CPU.
        local = (
            f"SET LOCAL statement_timeout = {ms}; SET LOCAL enable_seqscan = off;"
            " SET LOCAL max_parallel_workers_per_gather = 0"
        )
        if walk:
            local += "; SET LOCAL enable_bitmapscan = off"
        if per_statement and not connection.in_atomic_block:
            self._local.prefix = local + "; "
            try:
                yield
            finally:
                self._local.prefix = ""
            return
        nested = connection.in_atomic_block
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(local)
            yield
            if nested:
                # Inside a caller's transaction a released savepoint keeps SET LOCAL: undo it.
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SET LOCAL statement_timeout TO DEFAULT;"
                        " SET LOCAL enable_seqscan TO DEFAULT;"
                        " SET LOCAL enable_bitmapscan TO DEFAULT;"
                        " SET LOCAL max_parallel_workers_per_gather TO DEFAULT"
                    )

    def _fetch(self, sql: str, params: list) -> list[tuple]:
        """Run one raw search statement, with the ``_timeout`` settings in front of it when
        they are per statement; the rows of its (last) result."""
        prefix = getattr(self._local, "prefix", "")
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql, params)
            while cursor.description is None and cursor.nextset():
                pass
            return cursor.fetchall()

    def _match(self, query: ParsedQuery, *, departments: tuple[int, ...] = ()):
        """The text condition; on PostgreSQL with ``departments``, also "seen by those
        departments" through their ``dv:`` lexemes, in the same index lookup."""
        # Only constants and placeholders are interpolated; what the user typed is a parameter.
        if self.vendor == "postgresql":
            sql, params = pg_tsquery(query)
            if departments:
                lexemes = " | ".join(f"'dv:{int(d)}'" for d in departments)
                sql = f"({sql}) && %s::tsquery"
                params = [*params, f"({lexemes})"]
            vector = f'"{TABLE}"."vector" @@ ({sql})'
            return RawSQL(vector, params, output_field=BooleanField())  # noqa: S611
        expression = fts_match(query)
        fts = f'"{TABLE}"."file_id" IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)'  # noqa: S608
        return RawSQL(  # noqa: S611
            fts,
            [expression],
            output_field=BooleanField(),
        )

    def _filtered(self, filters: Filters):
        """Files passing the facet filters (cheap columns of the row)."""
        qs = FileDocument.objects.all()
        if filters.department:
            qs = qs.filter(department_id__in=filters.department)
        if filters.status:
            qs = qs.filter(status__in=filters.status)
        if filters.priority:
            qs = qs.filter(priority__in=filters.priority)
        if filters.year:
            qs = qs.filter(year__in=filters.year)
        return qs

    def _by_date_from_bitmap(self, qs):
        """Newest first, sorted after the lookup rather than by walking the date index.

        Ordered by date with a LIMIT, PostgreSQL likes to walk the date index and test each
        row, reading its tsvector from TOAST: seconds for a word common overall but rare
        among the files a user may see (PERFORMANCE.md). Ordering by an expression no index
        has leaves it the index lookups (a bitmap of the text or number index), whose cost is
        what they return."""
        if self.vendor != "postgresql":
            return qs.order_by("-opened_at", "-file_id")
        unindexed = ExpressionWrapper(
            F("opened_at") + Value(timedelta(0)), output_field=DateTimeField()
        )
        return qs.order_by(unindexed.desc(), "-file_id")

    def _mine(self, viewer: Viewer, query: ParsedQuery, filtered, *, walk: bool):
        """Files of the viewer's departments graded up to restricted, newest first. With
        words, on PostgreSQL, the department is a lexeme in the tsvector (``dv:<id>``), so the
        text index alone finds "matches and my department may see it" and the cost is what
        it returns; with ``walk`` (a word most of the department's files contain), and when
        browsing without words, the (department, date) index is walked newest first."""
        if query.has_positive and self.vendor == "postgresql" and not walk:
            return self._by_date_from_bitmap(
                filtered.filter(self._match(query, departments=viewer.department_ids))
            )
        mine = filtered.filter(department_q(viewer))
        if query.has_positive:
            mine = mine.filter(self._match(query))
        return mine.order_by("-opened_at", "-file_id")

    def _theirs(self, query: ParsedQuery, viewer: Viewer, filtered):
        """Files from other departments, or graded above restricted, that have been at one
        of the viewer's posts (``visibility.custody_elsewhere``): the custody table's
        primary key gives the posts' files with their departments and gradings, what
        ``_mine`` covers is dropped there, and only the few left are looked up here and have
        their tsvector read."""
        theirs = filtered.filter(file_id__in=custody_elsewhere(viewer))
        if query.has_positive:
            theirs = theirs.filter(self._match(query))
        return theirs.order_by("-opened_at", "-file_id")

    def _halves(self, viewer, query, filtered, columns, limit, *, after=None, walk=False):
        """The two halves of the visibility rule (``_mine``, ``_theirs``) as querysets of
        ``columns``, newest first, ``limit`` rows each. Each is driven by an index; one query
        with the rule as an OR could use neither (PERFORMANCE.md)."""
        if after is not None:
            moment, file_id = after
            filtered = filtered.filter(
                Q(opened_at__lt=moment) | Q(opened_at=moment, file_id__lt=file_id)
            )
        halves = [self._theirs(query, viewer, filtered)]
        if viewer.department_ids:
            halves.insert(0, self._mine(viewer, query, filtered, walk=walk))
        return [half.values_list(*columns)[:limit] for half in halves]

    @staticmethod
    def _where(filtered) -> tuple[str, list]:
        """The conditions of ``filtered`` (the facet filters, over ``TABLE``) as SQL."""
        query = filtered.query
        compiler = query.get_compiler(connection=connection)
        try:
            sql, params = compiler.compile(query.where)
        except FullResultSet:
            return "", []
        except EmptyResultSet:
            return "FALSE", []
        return sql, list(params)

    def _pg_union(self, viewer, query, filtered, columns, limit, *, after=None, walk=False):
        """PostgreSQL: the two halves of ``_halves`` as one SQL ``UNION`` (a subquery named
        ``u``) and its parameters — the same statements, written out here rather than built
        through the ORM, whose compiling of the two querysets and the custody subquery cost
        ~2 ms of Python a search. ``tests/search/test_database.py`` compares the two forms."""
        where, where_params = self._where(filtered)
        common = [(f"({where})", where_params)] if where else []
        if after is not None:
            moment, file_id = after
            common.append(
                (
                    f'({TABLE}."opened_at" < %s'
                    f' OR ({TABLE}."opened_at" = %s AND {TABLE}."file_id" < %s))',
                    [moment, moment, file_id],
                )
            )
        select = ", ".join(f'{TABLE}."{c}" AS "{c}"' for c in columns)
        newest = f'ORDER BY {TABLE}."opened_at" DESC, {TABLE}."file_id" DESC'

        def half(conditions, order):
            sql = " AND ".join(c for c, _ in conditions) or "TRUE"
            params = [p for _, ps in conditions for p in ps]
            return f"(SELECT {select} FROM {TABLE} WHERE {sql} {order} LIMIT %s)", [  # noqa: S608
                *params,
                limit,
            ]

        text = pg_tsquery(query) if query.has_positive else None
        halves = []
        if viewer.department_ids:
            departments = list(viewer.department_ids)
            if text and not walk:
                lexemes = " | ".join(f"'dv:{int(d)}'" for d in departments)
                mine = [
                    *common,
                    (
                        f'{TABLE}."vector" @@ (({text[0]}) && %s::tsquery)',
                        [*text[1], f"({lexemes})"],
                    ),
                ]
                # see _by_date_from_bitmap: ordered by an expression no index has
                order = (
                    f'ORDER BY ({TABLE}."opened_at" + interval \'0\') DESC, {TABLE}."file_id" DESC'
                )
            else:
                marks = ", ".join(["%s"] * len(departments))
                mine = [
                    *common,
                    (
                        f'{TABLE}."department_id" IN ({marks}) AND {TABLE}."grading" <= %s',
                        [*departments, int(DEPARTMENT_GRADING_LIMIT)],
                    ),
                ]
                if text:
                    mine.append((f'{TABLE}."vector" @@ ({text[0]})', text[1]))
                order = newest
            halves.append(half(mine, order))
        custody, custody_params = custody_elsewhere_sql(viewer)
        theirs = [*common, (f'{TABLE}."file_id" IN ({custody})', custody_params)]
        if text:
            theirs.append((f'{TABLE}."vector" @@ ({text[0]})', text[1]))
        # The custody half is driven by the custody table (a few hundred files at most):
        # ordered by an expression no index has, so that the planner cannot walk the date
        # index of every file testing each tsvector instead. With a word in most files and
        # ``walk`` (bitmap scans off) that walk read the whole table when the viewer's posts
        # had held fewer than RESULT_CAP matching files: seconds at 1M files.
        unindexed = f'ORDER BY ({TABLE}."opened_at" + interval \'0\') DESC, {TABLE}."file_id" DESC'
        halves.append(half(theirs, unindexed))
        sql = " UNION ".join(s for s, _ in halves)
        return f"({sql}) AS u", [p for _, ps in halves for p in ps]

    def _newest_visible(
        self,
        viewer: Viewer,
        query: ParsedQuery,
        filtered,
        columns: list[str],
        limit: int,
        *,
        after=None,
        walk: bool = False,
    ) -> list[tuple]:
        """The newest ``limit`` rows (``columns``, starting with file_id and including
        opened_at) matching ``query`` among ``filtered`` that ``viewer`` may see: on
        PostgreSQL one statement, elsewhere both halves merged here."""
        if self.vendor == "postgresql":
            union, params = self._pg_union(
                viewer, query, filtered, columns, limit, after=after, walk=walk
            )
            names = ", ".join(f'u."{c}"' for c in columns)
            return self._fetch(
                f'SELECT {names} FROM {union} ORDER BY u."opened_at" DESC, u."file_id" DESC'  # noqa: S608
                " LIMIT %s",
                [*params, limit],
            )
        halves = self._halves(viewer, query, filtered, columns, limit, after=after, walk=walk)
        at = columns.index("opened_at")
        return sorted(
            {row for half in halves for row in half},
            key=lambda r: (r[at], r[0]),
            reverse=True,
        )[:limit]

    def _pg_first_read(self, viewer, query, filtered, *, walk, ranked, offset, limit, highlight):
        """PostgreSQL: the capped read of the newest RESULT_CAP + 1 matches, and from it, in
        the same statement, their count, the facet counts and the page to show — the newest
        ``limit + 1``, or with ``ranked`` the RANK_CAP newest by relevance from ``offset`` —
        with the shown rows highlighted. Only the page and the counts come back to Python,
        whatever matches, in one round trip.

        Returns (matches read, facets, [(file id, opened_at, score)] of the page, subjects,
        snippets)."""
        columns = ["file_id", "department_id", "status", "priority", "year", "opened_at"]
        union, params = self._pg_union(viewer, query, filtered, columns, RESULT_CAP + 1, walk=walk)
        newest = 'ORDER BY u."opened_at" DESC, u."file_id" DESC'
        with_words = query.has_positive
        tsquery, tsquery_params = pg_tsquery(query) if with_words else ("NULL", [])
        if ranked:
            # The score of the newest RANK_CAP rows only: ts_rank reads each row's tsvector
            # from TOAST (PERFORMANCE.md: never rank every match). Equal scores keep the
            # newest first (rn).
            page = f"""
                SELECT p.file_id, p.opened_at, p.score,
                    row_number() OVER (ORDER BY p.score DESC NULLS LAST, p.rn) AS pos
                FROM (
                    SELECT c.file_id, c.opened_at, c.rn, (
                        SELECT ts_rank(d.vector, tq.q, 1) FROM {TABLE} AS d
                        WHERE d.file_id = c.file_id
                    ) AS score
                    FROM c, tq WHERE c.rn <= %s
                ) AS p ORDER BY pos OFFSET %s LIMIT %s"""  # noqa: S608
            page_params = [RANK_CAP, offset, limit]
        else:
            page = "SELECT c.file_id, c.opened_at, NULL::real, c.rn FROM c WHERE c.rn <= %s"
            page_params = [limit + 1]
        # Only the rows shown are highlighted (ts_headline parses the text: ~0.1 ms a file);
        # the one after them only says that there is a next page.
        if not highlight:
            subject, snippet = "NULL::text", "NULL::text"
        elif with_words:
            subject = f"ts_headline('{TS_CONFIG}', d.subject, tq.q, %s)"
            snippet = (
                f"ts_headline('{TS_CONFIG}', left(concat_ws(E'\\n', d.receipts_text,"
                " d.notes_text, d.papers_text), %s), tq.q, %s)"
            )
        else:
            subject = "d.subject"
            snippet = (
                "left(CASE WHEN d.notes_text <> '' THEN d.notes_text ELSE d.receipts_text END,"
                f" {SNIPPET_WORDS * 40})"
            )
        facet = (
            "SELECT %s, {0}::text, count(*), NULL::bigint, NULL::timestamptz, NULL::real,"
            " NULL::text FROM c WHERE c.rn <= %s GROUP BY {0}"
        )
        # The department facet carries the departments' names (no query for them after).
        department = Department._meta
        names_of = f'"{department.db_table}" AS dn ON dn."{department.pk.column}"'
        department_facet = (
            "SELECT %s, c.department_id::text, count(*), NULL::bigint, NULL::timestamptz,"  # noqa: S608
            " NULL::real, json_build_array(max(dn.name_en), max(dn.name_ur))::text"
            " FROM c JOIN " + names_of + " = c.department_id"
            " WHERE c.rn <= %s GROUP BY c.department_id"
        )
        sql = f"""
            WITH tq AS (SELECT {tsquery} AS q), c AS MATERIALIZED (
                SELECT u.*, row_number() OVER ({newest}) AS rn FROM {union} {newest} LIMIT %s
            )
            SELECT 'total', NULL::text, count(*), NULL::bigint, NULL::timestamptz,
                NULL::real, NULL::text
            FROM c
            UNION ALL {department_facet}
            UNION ALL {facet.format("c.status")}
            UNION ALL {facet.format("c.priority")}
            UNION ALL {facet.format("c.year")}
            UNION ALL SELECT 'page',
                CASE WHEN p.pos <= %s THEN {subject} END,
                p.pos, p.file_id, p.opened_at, p.score,
                CASE WHEN p.pos <= %s THEN {snippet} END
            FROM tq, ({page}) AS p(file_id, opened_at, score, pos)
            JOIN {TABLE} AS d ON d.file_id = p.file_id"""  # noqa: S608
        params = [*tsquery_params, *params, RESULT_CAP + 1]
        for name in ("department", "status", "priority", "year"):
            params += [name, RESULT_CAP]
        params.append(limit)
        if highlight and with_words:
            params.append(_SUBJECT_OPTIONS)
        params.append(limit)
        if highlight and with_words:
            params += [HEADLINE_CHARS, _HEADLINE_OPTIONS]
        params += page_params
        rows = self._fetch(sql, params)
        total = 0
        facets = count_facets([])
        page_rows, subjects, snippets, names = [], {}, {}, {}
        for kind, value, n, file_id, opened_at, score, text in rows:
            if kind == "total":
                total = n
            elif kind == "department":
                facets[kind][int(value)] = n
                names[int(value)] = tuple(json.loads(text))
            elif kind == "page":
                page_rows.append((n, file_id, opened_at, score))
                if highlight and n <= limit:
                    subjects[file_id] = value
                    snippets[file_id] = text if with_words else _first_words(text)
            else:
                facets[kind][value if kind == "status" else int(value)] = n
        page_rows.sort()
        return total, facets, [r[1:] for r in page_rows], subjects, snippets, names

    def _walk_is_cheaper(self, viewer: Viewer, query: ParsedQuery, filtered) -> bool:
        """For a word most of the department's files contain, walking the department's files
        newest first and testing each (reading its tsvector) stops after a few thousand rows,
        while the index lookup returns every match. Decided on the planner's estimates: the
        walk reads about RESULT_CAP × D / M rows at WALK_ROW_COST each, the lookup M rows,
        for M matches among D files of the department."""
        if (
            self.vendor != "postgresql"
            or not query.has_positive
            or len(viewer.department_ids) != 1  # no single index gives several newest first
        ):
            return False
        # Written out rather than compiled from querysets (see _pg_union).
        where, where_params = self._where(filtered)
        text, text_params = pg_tsquery(query)
        department = int(viewer.department_ids[0])
        matches, department = self._estimate(
            (
                f'SELECT "file_id" FROM {TABLE} WHERE {where or "TRUE"}'  # noqa: S608
                f' AND "vector" @@ (({text}) && %s::tsquery)',
                [*where_params, *text_params, f"'dv:{department}'"],
            ),
            (
                f'SELECT "file_id" FROM {TABLE} WHERE "department_id" = %s'  # noqa: S608
                ' AND "grading" <= %s',
                [department, int(DEPARTMENT_GRADING_LIMIT)],
            ),
        )
        if matches < 2 * RESULT_CAP:
            return False
        return matches * matches > WALK_ROW_COST * (RESULT_CAP + 1) * department

    @staticmethod
    def _estimate(*querysets) -> list[float]:
        """The planner's row estimates for the querysets (or ``(sql, params)`` pairs), from one
        EXPLAIN (the query count stays the same whatever the estimates)."""
        compiled = [
            qs if isinstance(qs, tuple) else qs.order_by().values_list("pk").query.sql_with_params()
            for qs in querysets
        ]
        sql = " UNION ALL ".join(f"({s})" for s, _ in compiled)
        with connection.cursor() as cursor:
            # Planned as the search runs, without parallel workers: a parallel plan puts a
            # Gather over the branches and estimates each per worker (a table analysed in a
            # new order made the planner choose one, and the parse below failed).
            cursor.execute(
                f"SET LOCAL max_parallel_workers_per_gather = 0; EXPLAIN (FORMAT JSON) {sql}",
                [p for _, ps in compiled for p in ps],
            )
            while cursor.description is None and cursor.nextset():
                pass
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return branch_rows(plan, len(querysets))

    def search(self, *, viewer, query, filters, sort, cursor, limit, highlight=True) -> BackendPage:
        empty = BackendPage([], {}, {}, {}, 0, False, count_facets([]), False, None)
        if viewer.sees_nothing:
            return empty
        ranked = sort == "relevance" and query.has_positive
        filtered = self._filtered(filters)
        try:
            walk = self._walk_is_cheaper(viewer, query, filtered)
            with self._timeout(walk=walk, per_statement=True):
                return self._search(
                    viewer, query, filtered, ranked, cursor, limit, highlight, walk=walk
                )
        except OperationalError as exc:
            if "statement timeout" not in str(exc) and "canceling statement" not in str(exc):
                raise
            logger.warning("search timed out: %r", query)
            empty.timed_out = True
            return empty

    def _search(
        self, viewer, query, filtered, ranked, cursor, limit, highlight, *, walk
    ) -> BackendPage:
        offset = max(0, int(cursor.get("o") or 0)) if ranked else 0
        subjects = snippets = None
        names: dict[int, tuple[str, str]] = {}
        if self.vendor == "postgresql":
            read, facets, page, subjects, snippets, names = self._pg_first_read(
                viewer,
                query,
                filtered,
                walk=walk,
                ranked=ranked,
                offset=offset,
                limit=limit,
                highlight=highlight,
            )
        else:
            # One bounded read gives the count, the facets, the relevance candidates and
            # the first page of newest-first results.
            columns = ["file_id", "department_id", "status", "priority", "year", "opened_at"]
            rows = self._newest_visible(viewer, query, filtered, columns, RESULT_CAP + 1)
            read = len(rows)
            facets = count_facets(r[1:5] for r in rows[:RESULT_CAP])
            if ranked:
                newest = rows[:RANK_CAP]
                scores = self._rank([r[0] for r in newest], query)
                # a stable sort keeps the newest first among equal scores
                ordered = sorted(newest, key=lambda r: -scores.get(r[0], 0.0))
                page = [(r[0], r[5], scores.get(r[0], 0.0)) for r in ordered]
                page = page[offset : offset + limit]
            else:
                page = [(r[0], r[5], None) for r in rows[: limit + 1]]
        capped = read > RESULT_CAP
        total = min(read, RESULT_CAP)
        scores: dict[int, float] = {}
        next_cursor = None
        if ranked:
            page_ids = [p[0] for p in page]
            scores = {p[0]: float(p[2] or 0.0) for p in page}
            if offset + limit < min(total, RANK_CAP):
                next_cursor = encode_cursor({"s": "relevance", "o": offset + limit})
        else:
            after = cursor.get("t"), cursor.get("id")
            if after[0] and after[1]:
                subjects = snippets = None  # another page than the first read's
                page = self._newest_visible(
                    viewer,
                    query,
                    filtered,
                    ["file_id", "opened_at"],
                    limit + 1,
                    after=(datetime.fromisoformat(after[0]), int(after[1])),
                    walk=walk,
                )
            if len(page) > limit:
                last = page[limit - 1]
                next_cursor = encode_cursor(
                    {"s": "newest", "t": last[1].isoformat(), "id": last[0]}
                )
            page_ids = [p[0] for p in page[:limit]]
        if subjects is None:
            subjects, snippets = self._highlight(page_ids, query) if highlight else ({}, {})
        return BackendPage(
            ids=page_ids,
            subjects=subjects,
            snippets=snippets,
            scores=scores,
            total=total,
            total_is_capped=capped,
            facets=facets,
            facets_capped=capped,
            next_cursor=next_cursor,
            department_names=names,
        )

    def _rank(self, candidate_ids: list[int], query: ParsedQuery) -> dict[int, float]:
        """Relevance scores of the candidates (SQLite: FTS5's bm25, higher is better; on
        PostgreSQL ``_pg_first_read`` ranks in its own statement)."""
        if not candidate_ids:
            return {}
        placeholders = ", ".join(["%s"] * len(candidate_ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT rowid, bm25({FTS_TABLE}, 8.0, 8.0, 4.0, 2.0, 1.0) FROM {FTS_TABLE}
                    WHERE {FTS_TABLE} MATCH %s AND rowid IN ({placeholders})""",  # noqa: S608
                [fts_match(query), *candidate_ids],
            )
            # bm25 is lower for better matches.
            return {r[0]: -float(r[1]) for r in cursor.fetchall()}

    def _highlight(self, ids: list[int], query: ParsedQuery) -> tuple[dict, dict]:
        """Subjects with the matched words marked, and a marked snippet of the other text."""
        if not ids:
            return {}, {}
        if not query.has_positive:
            rows = FileDocument.objects.filter(file_id__in=ids).values_list(
                "file_id", "subject", "notes_text", "receipts_text"
            )
            return (
                {r[0]: r[1] for r in rows},
                {r[0]: _first_words(r[2] or r[3]) for r in rows},
            )
        if self.vendor == "postgresql":
            sql, params = pg_tsquery(query)
            rows = self._fetch(
                f"""SELECT file_id,
                          ts_headline('{TS_CONFIG}', subject, tq.q, %s),
                          ts_headline('{TS_CONFIG}',
                              left(concat_ws(E'\\n', receipts_text, notes_text, papers_text), %s),
                              tq.q, %s)
                        FROM {TABLE}, (SELECT {sql} AS q) AS tq
                        WHERE file_id = ANY(%s::bigint[])""",  # noqa: S608
                [_SUBJECT_OPTIONS, HEADLINE_CHARS, _HEADLINE_OPTIONS, *params, ids],
            )
            return {r[0]: r[1] for r in rows}, {r[0]: r[2] for r in rows}
        placeholders = ", ".join(["%s"] * len(ids))
        marks = [MARK_START, MARK_END]
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT rowid, highlight({FTS_TABLE}, 1, %s, %s),
                      snippet({FTS_TABLE}, 2, %s, %s, '…', 24),
                      snippet({FTS_TABLE}, 3, %s, %s, '…', 24),
                      snippet({FTS_TABLE}, 4, %s, %s, '…', 24)
                    FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid IN ({placeholders})""",  # noqa: S608
                [*marks, *marks, *marks, *marks, fts_match(query), *ids],
            )
            rows = cursor.fetchall()
        snippets = {}
        for row in rows:
            parts = [p for p in row[2:] if p]
            marked = [p for p in parts if MARK_START in p]
            snippets[row[0]] = (
                " … ".join(marked[:2]) if marked else (parts[1:2] or parts[:1] or [""])[0]
            )
        return {r[0]: r[1] for r in rows}, snippets

    def _number_parts_match(self, fragment: str):
        if self.vendor == "postgresql":
            return RawSQL(  # noqa: S611 — the fragment is a parameter
                f'"{TABLE}"."vector" @@ %s::tsquery',
                [number_lexeme(fragment)],
                output_field=BooleanField(),
            )
        tokens = re.sub(r"[^0-9a-z]+", " ", fragment).strip()
        return RawSQL(  # noqa: S611
            f'"{TABLE}"."file_id" IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)',  # noqa: S608
            [f"number_terms : {_fts_quote(tokens)}"],
            output_field=BooleanField(),
        )

    def _go_to_candidates(self, viewer: Viewer, condition, *, substring: bool) -> list[tuple]:
        """(file id, may the viewer see it) for the newest GO_TO_CANDIDATES files matching
        ``condition``: the number index finds them, the rule is evaluated on those rows only."""
        visible = ExpressionWrapper(document_q(viewer), output_field=BooleanField())
        query = (
            self._by_date_from_bitmap(FileDocument.objects.filter(condition))
            .annotate(visible=visible)
            .values_list("file_id", "visible")[:GO_TO_CANDIDATES]
        )
        if not substring or self.vendor != "postgresql":
            return list(query)
        # A substring whose trigrams are all common makes the trigram index read long
        # posting lists: give it a short time and let it find nothing rather than keep
        # the user waiting.
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL statement_timeout = {SUBSTRING_TIMEOUT_MS}")
                return list(query)
        except OperationalError as exc:
            if "statement timeout" not in str(exc):
                raise
            return []

    def number_candidates(self, *, viewer: Viewer, key: str, limit: int) -> list[int]:
        if viewer.sees_nothing or not key:
            return []
        fragment = clean_number_fragment(key)
        steps = [(Q(number_key=key), False)]
        if fragment:
            # whole parts anywhere: "12-3/2025", "3/2025", "FD/SO(B-I)", "SO(B-I)/12"
            steps.append((self._number_parts_match(fragment), False))
        if len(key) >= 3:
            steps.append((Q(number_key__contains=key), True))  # pg_trgm index on PostgreSQL
        with self._timeout():
            for condition, substring in steps:
                # The number indexes give a bounded set of candidates, newest first; the rule
                # is then checked on those few rows only. The first step that finds any file
                # answers, even if the user may see none of them: a later, looser step would
                # only add files with the same number inside a longer one.
                candidates = self._go_to_candidates(viewer, condition, substring=substring)
                if candidates:
                    return [file_id for file_id, visible in candidates if visible][:limit]
        return []

    # ----------------------------------------------------------------- upkeep
    def rebuild(self, *, progress: Progress = None) -> int:
        """Rewrite every file's row, a batch at a time; search keeps answering from the rows
        already there. On PostgreSQL, outside a transaction, batches run on
        ``DAFTAR_SEARCH_REBUILD_WORKERS`` connections at once (default: one per CPU, at most
        4), since the cost is the database computing tsvectors."""
        build = IndexBuild.objects.create(backend=self.name, index_name=TABLE)
        started = time.monotonic()
        total = File.objects.count()
        workers = self._rebuild_workers()
        # The batches come a department at a time (``department_batches``): into an empty
        # index that lays each department's rows on pages of their own, which the searches
        # for common words read (docs/benchmarks.md). Into a full one it changes nothing.
        # Tried and measured: dropping the GIN indexes for a first build into an empty index
        # and making them once at the end was slower at 100k files (38.4 s against 36.6 s):
        # the one build runs on one core, the inserts on the workers' connections at once.
        if workers > 1:
            done = self._rebuild_parallel(workers, total, progress)
        else:
            done = 0
            for batch in department_batches(BATCH):
                done += self._rebuild_batch(batch)
                if progress:
                    progress(done, total)
        for model in (FileDocument, FileCustody):
            _orphans(model).delete()
        PendingReindex.objects.filter(requested_at__lt=build.started_at).delete()
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                # A rebuild leaves up to 4 MB of entries in the GIN index's pending list,
                # which every search then reads through (a manual ANALYZE does not flush it,
                # only VACUUM or autovacuum): merge it into the index now.
                cursor.execute("SELECT gin_clean_pending_list('search_doc_vector'::regclass)")
                cursor.execute(f"ANALYZE {TABLE}, {FileCustody._meta.db_table}")
        build.finished_at = timezone.now()
        build.files = done
        build.seconds = time.monotonic() - started
        build.save(update_fields=["finished_at", "files", "seconds"])
        return done

    def _rebuild_workers(self) -> int:
        # Other connections cannot see a caller's uncommitted rows (tests run in one).
        if self.vendor != "postgresql" or connection.in_atomic_block:
            return 1
        # One per CPU. One more was tried (session 7): no faster at 100k or at 1M (46.6-51.4 s
        # against 45-48.8 s at 100k; 1,958 against 1,937 files/s at 1M), PostgreSQL's work on
        # the growing index being the bound.
        default = min(4, os.cpu_count() or 1)
        return max(1, int(getattr(settings, "DAFTAR_SEARCH_REBUILD_WORKERS", default)))

    def _rebuild_batch(self, batch: list[int]) -> int:
        indexed_at = timezone.now()
        docs = compose(batch, with_custody=True)
        with transaction.atomic():
            if self.vendor == "postgresql":
                # A crash loses at most the last batches, which the next rebuild rewrites.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
            # In the batch's order (a department's files together), not compose's (by id).
            self._write([docs[i] for i in batch if i in docs], indexed_at)
            self._write_custody(docs)
        return len(batch)

    def _rebuild_parallel(self, workers: int, total: int, progress: Progress) -> int:
        """Batches from this thread, written by ``workers`` threads on their own connections."""
        batches: queue.Queue = queue.Queue(maxsize=workers * 2)
        errors: list[BaseException] = []
        lock = threading.Lock()
        done = 0

        def work():
            nonlocal done
            try:
                while (batch := batches.get()) is not None:
                    if errors:
                        continue
                    try:
                        count = self._rebuild_batch(batch)
                    except BaseException as exc:
                        errors.append(exc)
                        continue
                    with lock:
                        done += count
                        if progress:
                            progress(done, total)
            finally:
                connection.close()

        threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
        for thread in threads:
            thread.start()
        try:
            for batch in department_batches(BATCH):
                if errors:
                    break
                batches.put(batch)
        finally:
            for _ in threads:
                batches.put(None)
            for thread in threads:
                thread.join()
        if errors:
            raise errors[0]
        return done

    def check(self, *, repair: bool = False, progress: Progress = None) -> CheckReport:
        report = CheckReport(
            files=File.objects.count(),
            indexed=FileDocument.objects.count(),
            pending=sorted(PendingReindex.objects.values_list("file_id", flat=True)),
        )
        report.orphans = sorted(
            {
                file_id
                for model in (FileDocument, FileCustody)
                for file_id in _orphans(model).values_list("file_id", flat=True)
            }
        )
        done = 0
        for batch in file_id_batches(BATCH):
            docs = compose(batch, with_custody=True)
            wanted, there = _custody_composed(docs), _custody_stored(batch)
            # (post, file) keys: the files whose custody rows differ
            custody_differs = {
                key[1] for key in wanted.keys() | there.keys() if wanted.get(key) != there.get(key)
            }
            existing = {
                row[0]: row[1:]
                for row in FileDocument.objects.filter(file_id__in=batch).values_list(
                    "file_id", "text_hash", *FILTER_FIELDS
                )
            }
            for file_id, doc in docs.items():
                row = existing.get(file_id)
                if row is None:
                    report.missing.append(file_id)
                elif (
                    row[0] != doc.text_hash
                    or tuple(row[1:]) != doc.filter_values()
                    or file_id in custody_differs
                ):
                    report.stale.append(file_id)
            done += len(batch)
            if progress:
                progress(done, report.files)
        if repair:
            report.repaired = repair_report(self, report)
        return report

    def health(self) -> dict:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {TABLE} LIMIT 1")  # noqa: S608
            cursor.fetchall()
        return {
            "backend": self.name,
            "engine": "postgresql-fts" if self.vendor == "postgresql" else f"{self.vendor}-fts5",
            "pending_reindex": PendingReindex.objects.count(),
        }


def _custody_composed(docs: dict[int, Composed]) -> dict[tuple[int, int], tuple[int, int]]:
    """The custody rows ``docs`` call for: {(post, file): (department, grading)}."""
    return {
        (post_id, doc.file_id): (doc.department_id, doc.grading)
        for doc in docs.values()
        for post_id in doc.custody_post_ids
    }


def _custody_stored(file_ids: list[int]) -> dict[tuple[int, int], tuple[int, int]]:
    """The custody rows stored for ``file_ids``, in ``_custody_composed``'s form."""
    return {
        (post_id, file_id): (department_id, grading)
        for post_id, file_id, department_id, grading in FileCustody.objects.filter(
            file_id__in=file_ids
        ).values_list("post_id", "file_id", "department_id", "grading")
    }


def _orphans(model):
    """Rows of an index table (``FileDocument``, ``FileCustody``) whose file is gone."""
    return model.objects.filter(~Exists(File.objects.filter(pk=OuterRef("file_id"))))


def branch_rows(plan: list, branches: int) -> list[float]:
    """The row estimates of the ``branches`` branches of an ``EXPLAIN (FORMAT JSON)`` of a
    ``UNION ALL``: the children of its Append, under whatever single-child nodes the planner
    put on top (a Gather, a Result); one branch is the plan itself."""
    top = plan[0]["Plan"]
    if branches == 1:
        return [float(top["Plan Rows"])]
    while len(top.get("Plans", [])) == 1:
        top = top["Plans"][0]
    children = top.get("Plans", [])
    if len(children) != branches:
        raise ValueError(f"unexpected plan for {branches} estimates: {plan!r}")
    return [float(child["Plan Rows"]) for child in children]


def repair_report(backend: SearchBackend, report: CheckReport) -> int:
    """Index what is missing, stale or pending; remove the orphans. Shared by both backends."""
    repaired = 0
    if report.orphans:
        backend.remove_files(report.orphans)
        repaired += len(report.orphans)
    todo = sorted(set(report.missing) | set(report.stale) | set(report.pending))
    for start in range(0, len(todo), BATCH):
        chunk = todo[start : start + BATCH]
        backend.index_files(chunk)
        PendingReindex.objects.filter(file_id__in=chunk).delete()
        repaired += len(chunk)
    return repaired
