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

The backend is a package by concern: ``writing`` (rows and custody rows), ``searching``
(what both databases share) with ``postgres`` and ``sqlite`` (each database's statements),
``rebuild`` and ``repair``; ``DatabaseBackend`` puts them together.
"""

from __future__ import annotations

import threading

from django.db import connection

from search.backends.base import SearchBackend
from search.backends.database.common import TABLE
from search.backends.database.postgres import branch_rows, pg_tsquery
from search.backends.database.rebuild import Rebuilding
from search.backends.database.repair import Checking, repair_report
from search.backends.database.searching import Searching
from search.backends.database.sqlite import fts_match
from search.backends.database.writing import IndexWriting
from search.models import PendingReindex

__all__ = ["DatabaseBackend", "branch_rows", "fts_match", "pg_tsquery", "repair_report"]


class DatabaseBackend(IndexWriting, Searching, Rebuilding, Checking, SearchBackend):
    name = "database"

    def __init__(self):
        # Per thread: the SET LOCALs a search's raw statements carry (see ``_timeout``).
        self._local = threading.local()

    @property
    def vendor(self) -> str:
        return connection.vendor

    def health(self) -> dict:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {TABLE} LIMIT 1")  # noqa: S608
            cursor.fetchall()
        return {
            "backend": self.name,
            "engine": "postgresql-fts" if self.vendor == "postgresql" else f"{self.vendor}-fts5",
            "pending_reindex": PendingReindex.objects.count(),
        }
