"""The file index: a small facade over a database backend (default) and Elasticsearch.

Other apps use only what is here:

- ``search_files(user=, query=, filters=, sort=, cursor=, limit=)`` → ``SearchResults``
- ``go_to_number(user=, number=)`` → a ``File``, or a list of them (empty when none)
- ``file_changed(file_id)`` and ``paper_text_extracted(version_id)``: the hooks the desk (in
  its change's transaction) and the documents app (after its text is stored) call; the index
  is updated by a background task once the change commits
- ``index_file``, ``remove_file``, ``rebuild``, ``check``: upkeep (``manage.py search_index``)
- ``health()`` for /healthz

Which backend answers is ``settings.DAFTAR_SEARCH_BACKEND``: ``elasticsearch`` when
``ELASTICSEARCH_URL`` is set, else ``database``. Search sits below the desk: what a file is
made of, who may see it and how a hit is shown are told to it by the desk through
``search.sources`` (registered in ``WorkspaceConfig.ready()``). Every backend filters by the
desk's visibility rule inside its query, and every page of hits is re-checked by the desk's
reads before it is shown, so a file the user may not see never appears, even from a stale index.

This module is imported while Django loads apps: it imports models only inside functions.
"""

from __future__ import annotations

import logging
from functools import partial

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
    """A file's indexed data changed: have it reindexed once the change commits.

    Called inside the change's transaction (the desk's ``file_changed_in_transaction``),
    or after it. The job is queued by ``kernel.tasks.enqueue_on_commit``: with the database
    queue its row is written in the change's own transaction (it exists if and only if the
    change commits, and costs no commit of its own); with another backend (the inline one of
    the embedded default) it is queued once the change commits, never inside it. Outside a
    transaction it is queued at once. One job an action: a transaction of several actions on one
    file queues one for each, and the reindexes after the first find nothing new.

    Never breaks the desk action after its commit: a failure to queue then is logged and
    recorded in ``search.PendingReindex`` for ``manage.py search_index check --repair``.
    (With the database queue inside the transaction, the job's row is written like the
    change's own rows, and a database that cannot write it fails the change.)"""
    # Inside the function: this package loads with the apps, before models may.
    from kernel.tasks import enqueue_on_commit
    from search.tasks import reindex_file

    enqueue_on_commit(reindex_file, file_id, on_failure=partial(_not_queued, file_id))


def _not_queued(file_id: int, exc: Exception) -> None:
    # Inside the function: this package loads with the apps, before models may.
    from search.tasks import record_failure

    logger.error("Could not queue the reindex of file %s", file_id, exc_info=exc)
    record_failure(file_id, exc, attempt=0)


def paper_text_extracted(version_id: int) -> None:
    """Called once a paper version's text is stored (``documents.signals.paper_text_stored``):
    reindex the files the paper is on (the desk says which: ``IndexSource.files_with_paper``).

    The extraction task sends the signal after its own transaction has committed, so each
    job is queued at once (``file_changed``); called inside a transaction, the jobs would
    ride it as the desk's do."""
    # Inside the function: this package loads with the apps, before models may.
    from search.sources import source

    for file_id in source().files_with_paper(version_id):
        file_changed(file_id)


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
    from search.sources import Viewer, source
    from search.types import SORTS, Filters, SearchResults, decode_cursor

    desk = source()  # first: with no source there is nothing to search or show
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

    return SearchResults(
        hits=desk.load_hits(user=user, page=page),
        total=page.total,
        total_is_capped=page.total_is_capped,
        total_cap=RESULT_CAP,
        facets=desk.facet_values(page.facets, filters, page.department_names),
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
    # Inside the function: this package loads with the apps, before models may.
    from search.query import number_key
    from search.sources import Viewer, source

    desk = source()
    raw = " ".join((number or "").split())[:120]
    key = number_key(raw)
    if not key:
        return []
    # The exact number, and in the same query whether the user may see it: a number that
    # exists but is not theirs answers "none" here, as the backends' first step would.
    exact = desk.exact_numbers(user=user, numbers=sorted({raw, key}), limit=GO_TO_LIMIT)
    seen = [f for f in exact if f.may_see]
    if len(seen) == 1:
        return seen[0]
    if exact and not seen:
        return []
    ids = get_backend().number_candidates(viewer=Viewer.of(user), key=key, limit=GO_TO_LIMIT)
    files = desk.files_for(user=user, ids=ids)
    if len(files) == 1:
        return files[0]
    return files
