"""The desk's visibility rule, in the forms the search backends need (given to the engine as
``search.sources.Visibility``, ``VISIBILITY`` below).

``workspace.access`` states the rule once: a file is seen through its department (up to
``access.DEPARTMENT_SEES_UP_TO``), its holder, or its custody (a post it has been at). A
search backend has to apply that rule *inside* its query (so counts, facets and pages never
include what the user may not see), so here each term is built over the index's own columns
from ``access``'s terms — the threshold and the term functions are never restated, and the
engine (``search/``, below the desk) gets them only from here. The
holder term needs no column of its own in the database backend: the post that holds a file
received it by a movement, so its custody covers it. ``tests/search/test_contract.py`` and
``tests/workspace/test_visibility_forms.py`` prove each form returns exactly
``access.visible_files(user)``; and the facade re-checks every page of hits against
``access.visible_files`` before showing it, so a stale index cannot leak a file.
"""

from __future__ import annotations

from django.db.models import OuterRef, Q

from search.models import FileCustody
from search.sources import DEPARTMENT, GRADING, Viewer, Visibility
from workspace import access


def department_q(viewer: Viewer) -> Q:
    """Over ``search.FileDocument``: the department term (``access.department_term``)."""
    return access.department_term(viewer.department_ids, department=DEPARTMENT, grading=GRADING)


def custody_q(viewer: Viewer) -> Q:
    """Over ``search.FileDocument``: files that have been at one of the viewer's posts, read
    from the movements themselves, so never stale. A post that holds a file received it by a
    movement, so this covers the holding post too.

    A correlated ``EXISTS``: each row asks the movement index about its own file (ten
    movements or so), where ``file_id IN (movements of my posts)`` read every movement of the
    viewer's posts — tens of thousands at a busy post at 1M files — to answer for a few
    hundred rows. Only for bounded sets of rows (go to file number); searches read the
    custody table (``custody_elsewhere``)."""
    return Q(access.custody_term(viewer.post_ids, file=OuterRef("file_id")))


def custody_elsewhere(viewer: Viewer):
    """Ids (``file_id``) of the files ``custody_q`` adds to ``department_q``: those that have
    been at one of the viewer's posts and are another department's or graded above
    restricted. Read from the index's custody table (``search.FileCustody``), whose primary
    key gives a post's custody with each file's department and grading; what is left is a
    few hundred files at most (the database backend's ``_theirs``). May repeat an id (a file
    that has been at two of the viewer's posts): use it with ``IN``."""
    return (
        FileCustody.objects.filter(post_id__in=viewer.post_ids)
        .exclude(department_q(viewer))
        .values("file_id")
    )


def custody_elsewhere_sql(viewer: Viewer) -> tuple[str, list]:
    """``custody_elsewhere`` as raw SQL (a subquery of file ids) and its parameters: the same
    condition, written out once here so the database backend's PostgreSQL statement need not
    compile the querysets on every search (the ORM took ~2 ms a search to build it).
    ``tests/search/test_database.py`` proves both forms give the same files."""
    posts = list(viewer.post_ids)
    if not posts:
        return "SELECT NULL::bigint WHERE false", []
    sql = (
        f'SELECT C."file_id" FROM "{FileCustody._meta.db_table}" C'  # noqa: S608 (names only)
        f' WHERE C."post_id" IN ({", ".join(["%s"] * len(posts))})'
    )
    params: list = [*posts]
    if viewer.department_ids:
        mine, mine_params = access.department_term_sql(
            department=f'C."{DEPARTMENT}"',
            grading=f'C."{GRADING}"',
            departments=viewer.department_ids,
        )
        sql += f" AND NOT ({mine})"
        params += mine_params
    return sql, params


def document_q(viewer: Viewer) -> Q:
    """The whole rule as one condition over ``search.FileDocument``. Only for a small, already
    bounded set of rows (go to file number): an OR like this can use no index."""
    return department_q(viewer) | custody_q(viewer)


def elasticsearch_filter(viewer: Viewer) -> dict:
    """The rule as an Elasticsearch ``bool`` filter over the indexed permission fields: the
    department term, the holder term, the custody term."""
    department_term = [
        {"terms": {DEPARTMENT: list(viewer.department_ids)}},
        {"range": {GRADING: {"lte": int(access.DEPARTMENT_SEES_UP_TO)}}},
    ]
    return {
        "bool": {
            "should": [
                {"bool": {"filter": department_term}},
                {"terms": {"holding_post_id": list(viewer.post_ids)}},
                {"terms": {"custody_post_ids": list(viewer.post_ids)}},
            ],
            "minimum_should_match": 1,
        }
    }


VISIBILITY = Visibility(
    department_q=department_q,
    document_q=document_q,
    custody_elsewhere=custody_elsewhere,
    custody_elsewhere_sql=custody_elsewhere_sql,
    department_sql=access.department_term_sql,
    grading_sql=access.department_grading_sql,
    elasticsearch_filter=elasticsearch_filter,
)
