"""SQLite search: the query as an FTS5 ``MATCH`` over the ``search_doc_fts`` table (every
term quoted), relevance by FTS5's bm25, highlights by its ``highlight`` and ``snippet``."""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from search.backends.database.common import FTS_TABLE, TABLE
from search.query import ParsedQuery
from search.types import MARK_END, MARK_START


def fts_quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fts_match(query: ParsedQuery) -> str:
    """The query as an SQLite FTS5 MATCH expression: every term quoted (so nothing the user
    types is FTS5 syntax), number fragments as phrases on the number column."""
    positive = [fts_quote(t) for t in query.text_terms()]
    for fragment in query.numbers:
        tokens = re.sub(r"[^0-9a-z]+", " ", fragment).strip()
        if tokens:
            phrase = fts_quote(tokens)
            positive.append(f"(number_terms : {phrase} OR {phrase})")
    if not positive:
        return ""
    expression = " AND ".join(positive)
    if query.excluded:
        expression = f"({expression}) NOT ({' OR '.join(fts_quote(x) for x in query.excluded)})"
    return expression


class SqliteSearch:
    """``DatabaseBackend``'s searching on SQLite (FTS5)."""

    def _fts_match(self, query: ParsedQuery):
        """``_match`` on SQLite: the files whose FTS5 row matches."""
        expression = fts_match(query)
        fts = f'"{TABLE}"."file_id" IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)'  # noqa: S608
        return RawSQL(  # noqa: S611
            fts,
            [expression],
            output_field=BooleanField(),
        )

    def _fts_number_parts_match(self, fragment: str):
        tokens = re.sub(r"[^0-9a-z]+", " ", fragment).strip()
        return RawSQL(  # noqa: S611
            f'"{TABLE}"."file_id" IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)',  # noqa: S608
            [f"number_terms : {fts_quote(tokens)}"],
            output_field=BooleanField(),
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

    def _fts_highlight(self, ids: list[int], query: ParsedQuery) -> tuple[dict, dict]:
        """``_highlight`` on SQLite: FTS5's ``highlight`` of the subject and the best
        ``snippet`` of the other columns."""
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
