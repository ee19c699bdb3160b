"""Searching, whichever the database: the facet filters, the two halves of the visibility
rule (``_mine``, ``_theirs``), the bounded first read and the pages after it, highlights and
"go to file number". Where PostgreSQL and SQLite differ, the work is done by
``PostgresSearch`` (``postgres.py``) or ``SqliteSearch`` (``sqlite.py``)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import OperationalError, connection, transaction
from django.db.models import BooleanField, DateTimeField, ExpressionWrapper, F, Q, Value

from search.backends.base import RANK_CAP, RESULT_CAP, count_facets
from search.backends.database.common import first_words
from search.backends.database.postgres import PostgresSearch
from search.backends.database.sqlite import SqliteSearch
from search.models import FileDocument
from search.query import ParsedQuery, clean_number_fragment
from search.sources import Viewer, source
from search.types import BackendPage, Filters, encode_cursor

logger = logging.getLogger("daftar.search")

# Go to file number: how many of the newest number matches are checked against the rule, and
# how long a substring lookup (the last resort) may take.
GO_TO_CANDIDATES = 200
SUBSTRING_TIMEOUT_MS = 150


class Searching(PostgresSearch, SqliteSearch):
    """``DatabaseBackend``'s searches and number lookups."""

    vendor: str

    def _match(self, query: ParsedQuery, *, departments: tuple[int, ...] = ()):
        """The text condition; on PostgreSQL with ``departments``, also "seen by those
        departments" through their ``dv:`` lexemes, in the same index lookup."""
        # Only constants and placeholders are interpolated; what the user typed is a parameter.
        if self.vendor == "postgresql":
            return self._pg_match(query, departments)
        return self._fts_match(query)

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
        mine = filtered.filter(source().visibility.department_q(viewer))
        if query.has_positive:
            mine = mine.filter(self._match(query))
        return mine.order_by("-opened_at", "-file_id")

    def _theirs(self, query: ParsedQuery, viewer: Viewer, filtered):
        """Files from other departments, or graded above restricted, that have been at one
        of the viewer's posts (``visibility.custody_elsewhere``): the custody table's
        primary key gives the posts' files with their departments and gradings, what
        ``_mine`` covers is dropped there, and only the few left are looked up here and have
        their tsvector read."""
        theirs = filtered.filter(file_id__in=source().visibility.custody_elsewhere(viewer))
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
        subjects = snippets = hit_rows = None
        names: dict[int, tuple[str, str]] = {}
        if self.vendor == "postgresql":
            # When the first read's page is the page shown (not a newest-first page after the
            # first), the desk's re-check of its files goes in the same message.
            shown = ranked or not (cursor.get("t") and cursor.get("id"))
            hits_read = source().hits_read if shown else None
            read, facets, page, subjects, snippets, names, hit_rows = self._pg_first_read(
                viewer,
                query,
                filtered,
                walk=walk,
                ranked=ranked,
                offset=offset,
                limit=limit,
                highlight=highlight,
                hits=hits_read(viewer) if hits_read is not None else None,
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
                subjects = snippets = hit_rows = None  # another page than the first read's
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
            hit_rows=hit_rows,
        )

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
                {r[0]: first_words(r[2] or r[3]) for r in rows},
            )
        if self.vendor == "postgresql":
            return self._pg_highlight(ids, query)
        return self._fts_highlight(ids, query)

    def _number_parts_match(self, fragment: str):
        if self.vendor == "postgresql":
            return self._pg_number_parts_match(fragment)
        return self._fts_number_parts_match(fragment)

    def _go_to_candidates(self, viewer: Viewer, condition, *, substring: bool) -> list[tuple]:
        """(file id, may the viewer see it) for the newest GO_TO_CANDIDATES files matching
        ``condition``: the number index finds them, the rule is evaluated on those rows only."""
        visible = ExpressionWrapper(
            source().visibility.document_q(viewer), output_field=BooleanField()
        )
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
