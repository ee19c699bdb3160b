"""What every backend does. The facade adds what they share: parsing the query, loading and
re-checking the hits, the exact file-number lookup, retries."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from search.query import ParsedQuery
from search.sources import Viewer
from search.types import BackendPage, CheckReport, Filters

Progress = Callable[[int, int], None] | None

# How many matches a search counts and facets at most ("more than 500"), and how many of the
# newest it ranks by relevance (PERFORMANCE.md: never rank every match; ranking reads each
# tsvector from TOAST, ~10-30 µs a file). On the database backend a word most files contain
# costs about RESULT_CAP rows read and RANK_CAP tsvectors ranked, so these two numbers are
# its price: 200 ranked is ten pages of relevance, more than anyone reads.
RESULT_CAP = 500
RANK_CAP = 200


class SearchBackend:
    name = ""

    def index_files(self, file_ids: Iterable[int]) -> int:
        """(Re)index these files now; files that no longer exist are removed. Returns how
        many index entries were written."""
        raise NotImplementedError

    def remove_files(self, file_ids: Iterable[int]) -> None:
        raise NotImplementedError

    def search(
        self,
        *,
        viewer: Viewer,
        query: ParsedQuery,
        filters: Filters,
        sort: str,
        cursor: dict,
        limit: int,
        highlight: bool = True,
    ) -> BackendPage:
        raise NotImplementedError

    def number_candidates(self, *, viewer: Viewer, key: str, limit: int) -> list[int]:
        """Files the viewer may see whose number matches ``key`` (upper case, no spaces)
        other than exactly: whole parts at its end, then at its start, then anywhere."""
        raise NotImplementedError

    def rebuild(self, *, progress: Progress = None) -> int:
        raise NotImplementedError

    def check(self, *, repair: bool = False, progress: Progress = None) -> CheckReport:
        raise NotImplementedError

    def health(self) -> dict:
        raise NotImplementedError

    def refresh(self) -> None:
        """Make recent writes visible to search (Elasticsearch refreshes about once a second
        on its own; tests call this)."""


def count_facets(rows) -> dict[str, dict]:
    """Facet counts from (department_id, status, priority, year) rows."""
    facets: dict[str, dict] = {"department": {}, "status": {}, "priority": {}, "year": {}}
    for department_id, status, priority, year in rows:
        for name, value in (
            ("department", department_id),
            ("status", status),
            ("priority", priority),
            ("year", year),
        ):
            bucket = facets[name]
            bucket[value] = bucket.get(value, 0) + 1
    return facets
