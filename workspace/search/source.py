"""The desk's index source: everything the search engine (``search/``, below the desk) is told
about files, given to it once at start-up (``workspace/apps.py``:
``search.sources.register(SOURCE)``)."""

from __future__ import annotations

from search.sources import IndexSource
from workspace.search import indexing, results
from workspace.search.visibility import VISIBILITY

SOURCE = IndexSource(
    compose=indexing.compose,
    file_id_batches=indexing.file_id_batches,
    department_batches=indexing.department_batches,
    file_ids=indexing.file_ids,
    files_with_paper=indexing.files_with_paper,
    visibility=VISIBILITY,
    load_hits=results.load_hits,
    facet_values=results.facet_values,
    files_for=results.files_for,
    exact_numbers=results.exact_numbers,
    hits_read=results.hits_read,
)
