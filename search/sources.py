"""What the index is told by the desk that uses it: the door between the engine and the desk.

Search sits below the desk (issue 20: layers run one way). The engine — the backends, the
index tables, query parsing, the tasks — knows how to store, find and rank composed documents,
but not what a file is made of, who may see it, or how a hit is shown: those are the desk's.
The desk gives them at start-up (``workspace/apps.py`` calls ``register`` with the source
built in ``workspace/search/source.py``), as it gives the papers' layer its paper rule
(``documents.access``). The engine asks ``source()``; with nothing registered it refuses
with ``ImproperlyConfigured`` rather than index or show anything.

What is here:
- ``Composed``: what is indexed for one file, the same for every backend;
- ``Viewer``: the posts a user holds and their departments, all the visibility rule needs;
- ``Visibility``: the desk's rule (``workspace.access``) in the forms the backends need, over
  the index's own columns (``DEPARTMENT``, ``GRADING``);
- ``IndexSource``: what to index, who may see it, and how a page of hits becomes what the
  screens show.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ImproperlyConfigured

from organisation.selectors import my_department_ids, my_post_ids
from search.query import number_key, number_parts

# Where the index's tables keep what the rule reads (``search.FileDocument`` and
# ``search.FileCustody`` alike, and the Elasticsearch document).
DEPARTMENT, GRADING = "department_id", "grading"

# The transaction-local setting in which the database backend leaves the file ids of the page
# it read, for the source's ``hits_read`` sent in the same message (PostgreSQL).
PAGE_IDS_SETTING = "daftar.search_page_ids"

FILTER_FIELDS = [
    "department_id",
    "section_id",
    "holding_post_id",
    "status",
    "priority",
    "grading",
    "year",
    "opened_at",
    "updated_at",
]


@dataclass
class Composed:
    """What is indexed for one file (composed by the desk: ``IndexSource.compose``)."""

    file_id: int
    number: str
    subject: str
    receipts_text: str
    notes_text: str
    papers_text: str
    department_id: int
    section_id: int
    holding_post_id: int | None
    status: str
    priority: int
    grading: int
    year: int
    opened_at: datetime
    updated_at: datetime
    custody_post_ids: list[int] = field(default_factory=list)
    # ``dv:<department>`` when the whole department may see the file (the desk's department
    # term), else None. Indexed with the words, so one text-index lookup answers "matches and
    # my department may see it" (see the database backend).
    department_lexeme: str | None = None

    @property
    def number_key(self) -> str:
        return number_key(self.number)

    @property
    def number_parts(self) -> list[str]:
        return number_parts(self.number)

    @property
    def number_terms(self) -> str:
        return " ".join(self.number_parts)

    @property
    def text_hash(self) -> str:
        """Changes when what the tsvector is made of changes: the text, and the department
        and grading (see ``department_lexeme``); not when the file merely moves."""
        digest = hashlib.sha256()
        for part in (
            self.number,
            self.subject,
            self.receipts_text,
            self.notes_text,
            self.papers_text,
            self.department_lexeme or "",
        ):
            digest.update(part.encode())
            digest.update(b"\x1e")
        return digest.hexdigest()

    def filter_values(self) -> tuple:
        return (
            self.department_id,
            self.section_id,
            self.holding_post_id,
            self.status,
            self.priority,
            self.grading,
            self.year,
            self.opened_at,
            self.updated_at,
        )

    @property
    def content_hash(self) -> str:
        """Changes when anything indexed changes: the text, a filter column or the custody."""
        digest = hashlib.sha256(self.text_hash.encode())
        for value in (*self.filter_values(), tuple(self.custody_post_ids)):
            digest.update(repr(value).encode())
        return digest.hexdigest()


@dataclass(frozen=True)
class Viewer:
    """The posts a user holds now and their departments: all the rule needs."""

    post_ids: tuple[int, ...]
    department_ids: tuple[int, ...]

    @classmethod
    def of(cls, user) -> Viewer:
        return cls(
            post_ids=tuple(my_post_ids(user)),
            department_ids=tuple(my_department_ids(user)),
        )

    @property
    def sees_nothing(self) -> bool:
        return not self.post_ids


@dataclass(frozen=True)
class Visibility:
    """The desk's visibility rule in the forms the backends apply inside their queries, over
    the index's columns; each is built from ``workspace.access``'s terms
    (``workspace/search/visibility.py``)."""

    # Over ``search.FileDocument``: the department term, and the whole rule (the latter only
    # for a small, already bounded set of rows: go to file number).
    department_q: Callable  # (viewer) -> Q
    document_q: Callable  # (viewer) -> Q
    # File ids the custody term adds to the department term (a queryset, and as raw SQL with
    # its parameters for statements written out).
    custody_elsewhere: Callable  # (viewer) -> QuerySet of file_id
    custody_elsewhere_sql: Callable  # (viewer) -> (sql, params)
    # The department term as SQL over quoted columns, with parameters.
    department_sql: Callable  # (*, department, grading, departments) -> (sql, params)
    # The department term's grading test as SQL, threshold written in (the tsvector).
    grading_sql: Callable  # (grading column) -> str
    elasticsearch_filter: Callable  # (viewer) -> dict (a bool filter)


@dataclass(frozen=True)
class IndexSource:
    """What the desk tells the index (``register``; read with ``source()``)."""

    # What to index.
    compose: Callable[..., dict[int, Composed]]  # (file_ids, *, with_custody=False)
    file_id_batches: Callable[[int], Iterator[list[int]]]  # all ids, by id, a batch at a time
    department_batches: Callable[[int], Iterator[list[int]]]  # a department's files together
    file_ids: Callable  # () -> QuerySet of every existing file (``pk``): counts and orphans
    files_with_paper: Callable[[int], Iterable[int]]  # paper version id -> its files' ids
    # Who may see it.
    visibility: Visibility
    # What the screens show: a backend page as hits (re-checked against the rule), labelled
    # facets, the files among ids a user may see, and the exact-number lookup.
    load_hits: Callable  # (*, user, page) -> list[Hit]
    facet_values: Callable  # (counts, filters, department_names) -> {facet: [FacetValue]}
    files_for: Callable  # (*, user, ids) -> list of files, in the order of ids
    exact_numbers: Callable  # (*, user, numbers, limit) -> [(file, may_see)], newest first
    # Optional: ``load_hits``'s read of a page as a compiled read (``kernel.compiled.Bound``)
    # that takes the page's file ids from ``PAGE_IDS_SETTING`` (an array's text), not as a
    # value. The database backend on PostgreSQL sends it in its statement's message, which
    # leaves the ids there, and hands its rows to ``load_hits`` in ``BackendPage.hit_rows``:
    # one round trip a search less.
    hits_read: Callable | None = None  # (viewer) -> Bound


_source: IndexSource | None = None


def register(given: IndexSource) -> None:
    """Called by the desk from its ``AppConfig.ready()``."""
    global _source
    _source = given


def source() -> IndexSource:
    if _source is None:
        raise ImproperlyConfigured(
            "No index source is registered: search is told what to index and who may see it "
            "by the desk (workspace registers it in WorkspaceConfig.ready())."
        )
    return _source
