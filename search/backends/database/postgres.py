"""PostgreSQL search: the query as a tsquery, the two halves of the visibility rule as one
``UNION`` statement, the capped first read that counts, facets, ranks and highlights in the
same statement, the walk-or-lookup decision from the planner's estimates, and the statement
timeout every search runs under."""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection, transaction
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from organisation.models import Department
from search.backends.base import RANK_CAP, RESULT_CAP, count_facets
from search.backends.database.common import SNIPPET_WORDS, TABLE, TS_CONFIG, first_words
from search.query import ParsedQuery
from search.sources import DEPARTMENT, GRADING, PAGE_IDS_SETTING, Viewer, source
from search.types import MARK_END, MARK_START

HEADLINE_CHARS = 8000
# Reading a row's tsvector (from TOAST) costs about this many times fetching a row by bitmap.
WALK_ROW_COST = 3
_HEADLINE_OPTIONS = (
    f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords=35, MinWords=15, ShortWord=2, '
    'MaxFragments=2, FragmentDelimiter=" … "'
)
_SUBJECT_OPTIONS = f'StartSel="{MARK_START}", StopSel="{MARK_END}", HighlightAll=true'
# What a statement sent after the search statement in its message runs under again (the
# search's timeout stays): the desk's re-check of the page is planned as when sent alone.
_PLANNER_DEFAULTS = (
    "SET LOCAL enable_seqscan TO DEFAULT; SET LOCAL enable_bitmapscan TO DEFAULT;"
    " SET LOCAL max_parallel_workers_per_gather TO DEFAULT"
)


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


class PostgresSearch:
    """``DatabaseBackend``'s searching on PostgreSQL."""

    _local: threading.local

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

    def _fetch(self, sql: str, params: list, *, then: tuple[str, list] | None = None):
        """Run one raw search statement, with the ``_timeout`` settings in front of it when
        they are per statement; the rows of its (first) result.

        With ``then`` (SQL and parameters), that statement follows in the same message, run
        under the planner's own settings again (``_PLANNER_DEFAULTS``) but the same timeout:
        returns (the statement's rows, ``then``'s rows)."""
        prefix = getattr(self._local, "prefix", "")
        if then is not None:
            sql = f"{sql}; {_PLANNER_DEFAULTS}; {then[0]}"
            params = [*params, *then[1]]
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql, params)
            while cursor.description is None and cursor.nextset():
                pass
            rows = cursor.fetchall()
            if then is None:
                return rows
            more = cursor.nextset()
            while more and cursor.description is None:
                more = cursor.nextset()
            if not more:
                raise RuntimeError("the search statement's message returned no second result")
            return rows, cursor.fetchall()

    def _pg_match(self, query: ParsedQuery, departments: tuple[int, ...]):
        """``_match`` on PostgreSQL: the tsquery over the vector, with ``departments`` also
        "seen by those departments" through their ``dv:`` lexemes, in the same index
        lookup."""
        sql, params = pg_tsquery(query)
        if departments:
            lexemes = " | ".join(f"'dv:{int(d)}'" for d in departments)
            sql = f"({sql}) && %s::tsquery"
            params = [*params, f"({lexemes})"]
        vector = f'"{TABLE}"."vector" @@ ({sql})'
        return RawSQL(vector, params, output_field=BooleanField())  # noqa: S611

    def _pg_number_parts_match(self, fragment: str):
        return RawSQL(  # noqa: S611 — the fragment is a parameter
            f'"{TABLE}"."vector" @@ %s::tsquery',
            [number_lexeme(fragment)],
            output_field=BooleanField(),
        )

    def _pg_highlight(self, ids: list[int], query: ParsedQuery) -> tuple[dict, dict]:
        """``_highlight`` on PostgreSQL: ``ts_headline`` of the page's rows."""
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
                mine = [
                    *common,
                    source().visibility.department_sql(
                        department=f'{TABLE}."{DEPARTMENT}"',
                        grading=f'{TABLE}."{GRADING}"',
                        departments=departments,
                    ),
                ]
                if text:
                    mine.append((f'{TABLE}."vector" @@ ({text[0]})', text[1]))
                order = newest
            halves.append(half(mine, order))
        custody, custody_params = source().visibility.custody_elsewhere_sql(viewer)
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

    def _pg_first_read(
        self, viewer, query, filtered, *, walk, ranked, offset, limit, highlight, hits=None
    ):
        """PostgreSQL: the capped read of the newest RESULT_CAP + 1 matches, and from it, in
        the same statement, their count, the facet counts and the page to show — the newest
        ``limit + 1``, or with ``ranked`` the RANK_CAP newest by relevance from ``offset`` —
        with the shown rows highlighted. Only the page and the counts come back to Python,
        whatever matches, in one round trip.

        With ``hits`` (the index source's ``hits_read``, a ``kernel.compiled.Bound``, for a
        first read whose page is the one shown), the statement also leaves the shown page's
        file ids in ``PAGE_IDS_SETTING`` and the read follows it in the same message.

        Returns (matches read, facets, [(file id, opened_at, score)] of the page, subjects,
        snippets, department names, the rows of ``hits`` or None)."""
        then = hits.statement() if hits is not None else None
        # The row's ctid comes along so that ranking and highlighting fetch the row they
        # need straight from its heap page (a TID scan), not through the primary key again.
        columns = ["file_id", "department_id", "status", "priority", "year", "opened_at", "ctid"]
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
                    row_number() OVER (ORDER BY p.score DESC NULLS LAST, p.rn) AS pos, p.ctid
                FROM (
                    SELECT c.file_id, c.opened_at, c.rn, c.ctid, (
                        SELECT ts_rank(d.vector, tq.q, 1) FROM {TABLE} AS d
                        WHERE d.ctid = c.ctid
                    ) AS score
                    FROM c, tq WHERE c.rn <= %s
                ) AS p ORDER BY pos OFFSET %s LIMIT %s"""  # noqa: S608
            page_params = [RANK_CAP, offset, limit]
        else:
            page = "SELECT c.file_id, c.opened_at, NULL::real, c.rn, c.ctid FROM c WHERE c.rn <= %s"
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
        # The count and the four facets in one pass over the read (grouping sets), the count
        # over all of it, the facets over its first RESULT_CAP rows; GROUPING() says which
        # set a row is of (a bit for each column left out: 15 the count, 7 the departments,
        # 11 the statuses, 13 the priorities, 14 the years). The departments' names are
        # joined to their few rows after counting (no query for them after).
        department = Department._meta
        names_of = f'"{department.db_table}" AS dn ON dn."{department.pk.column}"'
        # With ``then``, the page is read twice (shown, and its ids): materialised, ranked once.
        materialized = "MATERIALIZED " if then is not None else ""
        sql = f"""
            WITH tq AS (SELECT {tsquery} AS q), c AS MATERIALIZED (
                SELECT u.*, row_number() OVER ({newest}) AS rn FROM {union} {newest} LIMIT %s
            ), f AS (
                SELECT GROUPING(c.department_id, c.status, c.priority, c.year) AS g,
                    c.department_id, c.status, c.priority, c.year, count(*) AS n,
                    count(*) FILTER (WHERE c.rn <= %s) AS shown
                FROM c
                GROUP BY GROUPING SETS ((), (c.department_id), (c.status), (c.priority), (c.year))
            ), p(file_id, opened_at, score, pos, ctid) AS {materialized}({page})
            SELECT CASE f.g WHEN 15 THEN 'total' WHEN 7 THEN 'department' WHEN 11 THEN 'status'
                    WHEN 13 THEN 'priority' ELSE 'year' END,
                CASE f.g WHEN 7 THEN f.department_id::text WHEN 11 THEN f.status::text
                    WHEN 13 THEN f.priority::text WHEN 14 THEN f.year::text END,
                CASE WHEN f.g = 15 THEN f.n ELSE f.shown END, NULL::bigint, NULL::timestamptz,
                NULL::real,
                CASE WHEN f.g = 7 THEN json_build_array(dn.name_en, dn.name_ur)::text END
            FROM f LEFT JOIN {names_of} = f.department_id AND f.g = 7
            WHERE f.g = 15 OR (f.shown > 0 AND (f.g <> 7 OR dn.name_en IS NOT NULL))
            UNION ALL SELECT 'page',
                CASE WHEN p.pos <= %s THEN {subject} END,
                p.pos, p.file_id, p.opened_at, p.score,
                CASE WHEN p.pos <= %s THEN {snippet} END
            FROM tq, p JOIN {TABLE} AS d ON d.ctid = p.ctid"""  # noqa: S608
        if then is not None:
            # The shown page's ids, for the read that follows in the message.
            sql += f"""
            UNION ALL SELECT 'ids', set_config('{PAGE_IDS_SETTING}', coalesce(
                (SELECT array_agg(p.file_id) FROM p WHERE p.pos <= %s), '{{}}')::text, true),
                NULL, NULL, NULL, NULL, NULL"""  # noqa: S608 — constants only
        params = [*tsquery_params, *params, RESULT_CAP + 1, RESULT_CAP, *page_params]
        # The rows shown: a relevance page after the first is ranked past ``offset``.
        shown = offset + limit
        params.append(shown)
        if highlight and with_words:
            params.append(_SUBJECT_OPTIONS)
        params.append(shown)
        if highlight and with_words:
            params += [HEADLINE_CHARS, _HEADLINE_OPTIONS]
        hit_rows = None
        if then is None:
            rows = self._fetch(sql, params)
        else:
            params.append(shown)
            rows, fetched = self._fetch(sql, params, then=then)
            hit_rows = hits.rows(fetched)
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
                if highlight and n <= shown:
                    subjects[file_id] = value
                    snippets[file_id] = text if with_words else first_words(text)
            elif kind != "ids":
                facets[kind][value if kind == "status" else int(value)] = n
        page_rows.sort()
        return total, facets, [r[1:] for r in page_rows], subjects, snippets, names, hit_rows

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
        mine, mine_params = source().visibility.department_sql(
            department=f'"{DEPARTMENT}"', grading=f'"{GRADING}"', departments=[department]
        )
        matches, department = self._estimate(
            (
                f'SELECT "file_id" FROM {TABLE} WHERE {where or "TRUE"}'  # noqa: S608
                f' AND "vector" @@ (({text}) && %s::tsquery)',
                [*where_params, *text_params, f"'dv:{department}'"],
            ),
            (
                f'SELECT "file_id" FROM {TABLE} WHERE {mine}',  # noqa: S608
                mine_params,
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
