"""The file index: a small facade over a database backend (default) and Elasticsearch.

Other apps use only what is here:

- ``search_files(user=, query=, filters=, sort=, cursor=, limit=)`` → ``SearchResults``
- ``go_to_number(user=, number=)`` → a ``File``, or a list of them (empty when none)
- ``file_changed(file_id)`` and ``paper_text_extracted(version_id)``: the hooks the desk and
  the documents app call after their changes commit; the index is updated by a background task
- ``index_file``, ``remove_file``, ``rebuild``, ``check``: upkeep (``manage.py search_index``)
- ``health()`` for /healthz

Which backend answers is ``settings.DAFTAR_SEARCH_BACKEND``: ``elasticsearch`` when
``ELASTICSEARCH_URL`` is set, else ``database``. Every backend filters by the desk's visibility
rule inside its query, and every page of hits is re-checked against ``workspace.access`` before
it is shown, so a file the user may not see never appears, even from a stale index.

This module is imported while Django loads apps: it imports models only inside functions.
"""

from __future__ import annotations

import logging

logger = logging.getLogger("daftar.search")

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
GO_TO_LIMIT = 20


def get_backend():
    """The configured backend (private to this app; use the functions below)."""
    # Inside the function: this package loads with the apps, before models may.
    from search.backends import get_backend as _get

    return _get()


def health() -> dict:
    """State of the configured search backend, for /healthz. Raises when it is down."""
    return get_backend().health()


# --------------------------------------------------------------------------- indexing
def index_file(file_id: int) -> int:
    """Index one file now, in this process (the background task calls this)."""
    return get_backend().index_files([file_id])


def remove_file(file_id: int) -> None:
    """Take a file out of the index."""
    get_backend().remove_files([file_id])


def file_changed(file_id: int) -> None:
    """A file's indexed data changed and the change is committed: queue its reindex.

    Never raises: a failure to queue is recorded in ``search.PendingReindex`` for
    ``manage.py search_index check --repair``, and must not break the desk action."""
    # Inside the function: this package loads with the apps, before models may.
    from search.tasks import record_failure, reindex_file

    try:
        reindex_file.enqueue(file_id)
    except Exception as exc:
        logger.exception("Could not queue the reindex of file %s", file_id)
        record_failure(file_id, exc, attempt=0)


def paper_text_extracted(version_id: int) -> None:
    """Called by ``documents.tasks.extract_text`` once a paper version's text is stored
    (``documents.models.PaperText``): reindex the files the paper is on, as a flagged paper
    (``Enclosure.paper``) or as the scan of a receipt on the file (``Receipt.papers``)."""
    from django.db import transaction

    # Inside the function: this package loads with the apps, before models may.
    from documents.models import PaperVersion
    from workspace.models import Enclosure, Receipt

    paper_id = PaperVersion.objects.filter(pk=version_id).values_list("paper_id", flat=True).first()
    if paper_id is None:
        return
    file_ids = set(Enclosure.objects.filter(paper_id=paper_id).values_list("file_id", flat=True))
    file_ids |= set(
        Receipt.objects.filter(papers=paper_id, file__isnull=False).values_list(
            "file_id", flat=True
        )
    )
    for file_id in sorted(file_ids):
        transaction.on_commit(lambda file_id=file_id: file_changed(file_id))


def rebuild(*, progress=None) -> int:
    """Rebuild the whole index; search keeps answering meanwhile. Returns the files indexed."""
    return get_backend().rebuild(progress=progress)


def check(*, repair: bool = False, progress=None):
    """Compare the index with the database (missing, stale, orphaned and pending entries);
    with ``repair``, fix what differs. Returns a ``search.types.CheckReport``."""
    return get_backend().check(repair=repair, progress=progress)


# --------------------------------------------------------------------------- searching
def search_files(
    *,
    user,
    query: str,
    filters=None,
    sort: str = "relevance",
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
):
    """Files ``user`` may see that match ``query``, with facets, a page at a time.

    ``filters``: a mapping of facet → values (``department``, ``status``, ``priority``,
    ``year``) or a ``search.types.Filters``. ``sort``: ``relevance`` or ``newest``.
    ``cursor``: the ``next_cursor`` of the previous page. Query counts do not grow with the
    number of matches."""
    # Inside the function: this package loads with the apps, before models may.
    from search.query import parse
    from search.types import SORTS, Filters, SearchResults, decode_cursor
    from search.visibility import Viewer

    parsed = parse(query)
    filters = Filters.from_mapping(filters)
    sort = sort if sort in SORTS else "relevance"
    limit = max(1, min(int(limit or DEFAULT_LIMIT), MAX_LIMIT))
    decoded = decode_cursor(cursor)
    if decoded.get("s") != sort:
        decoded = {}  # a cursor from another sort order starts again
    backend = get_backend()
    page = backend.search(
        viewer=Viewer.of(user),
        query=parsed,
        filters=filters,
        sort=sort,
        cursor=decoded,
        limit=limit,
    )
    # Inside the function: this package loads with the apps, before models may.
    from search.backends.base import RESULT_CAP
    from search.results import facet_values, load_hits

    return SearchResults(
        hits=load_hits(user=user, page=page),
        total=page.total,
        total_is_capped=page.total_is_capped,
        total_cap=RESULT_CAP,
        facets=facet_values(page.facets, filters, page.department_names),
        facets_capped=page.facets_capped,
        next_cursor=page.next_cursor,
        sort=sort,
        backend=backend.name,
        timed_out=page.timed_out,
        unavailable=page.unavailable,
    )


def go_to_number(*, user, number: str):
    """The file with this number, if exactly one the user may see matches; else the list of
    candidates (at most ``GO_TO_LIMIT``, newest first; empty when none).

    Exact number first (as typed, then in upper case), then whole parts of the number at
    its end (``12-3/2025``), at its start (``FD/SO(B-I)``), then anywhere."""
    from django.db.models import Exists, OuterRef

    # Inside the function: this package loads with the apps, before models may.
    from search.query import number_key
    from search.results import files_for
    from search.visibility import Viewer
    from workspace import access
    from workspace.models import File

    raw = " ".join((number or "").split())[:120]
    key = number_key(raw)
    if not key:
        return []
    # The exact number, and in the same query whether the user may see it: a number that
    # exists but is not theirs answers "none" here, as the backends' first step would.
    exact = list(
        File.objects.filter(number__in=sorted({raw, key}))
        .annotate(may_see=Exists(access.visible_files(user).filter(pk=OuterRef("pk"))))
        .select_related("department", "section", "holding_post")
        .order_by("-opened_at")[:GO_TO_LIMIT]
    )
    seen = [f for f in exact if f.may_see]
    if len(seen) == 1:
        return seen[0]
    if exact and not seen:
        return []
    ids = get_backend().number_candidates(viewer=Viewer.of(user), key=key, limit=GO_TO_LIMIT)
    files = files_for(user=user, ids=ids)
    if len(files) == 1:
        return files[0]
    return files
