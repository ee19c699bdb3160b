"""The desk's visibility rule, in the forms the backends need.

``workspace.access`` is where the rule lives: a user sees the files of the departments where
they hold a post up to *restricted*, and any file that is at, or has passed through, a post
they hold. A search backend has to apply that rule *inside* its query (so counts, facets and
pages never include what the user may not see), which means restating it over the index's own
columns: here, once per backend. ``tests/search/test_visibility.py`` proves each restatement
returns exactly ``access.visible_files(user)``; and the facade re-checks every page of hits
against ``access.visible_files`` before showing it, so a stale index cannot leak a file.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from workspace import access
from workspace.models import Grading, Movement

# Files graded above this are seen only along their chain of custody.
DEPARTMENT_GRADING_LIMIT = Grading.RESTRICTED


@dataclass(frozen=True)
class Viewer:
    """The posts a user holds now and their departments: all the rule needs."""

    post_ids: tuple[int, ...]
    department_ids: tuple[int, ...]

    @classmethod
    def of(cls, user) -> Viewer:
        return cls(
            post_ids=tuple(access.my_post_ids(user)),
            department_ids=tuple(access.my_department_ids(user)),
        )

    @property
    def sees_nothing(self) -> bool:
        return not self.post_ids


def document_q(viewer: Viewer) -> Q:
    """The rule over ``search.FileDocument`` (database backend). Custody is read from the
    movements themselves (index ``movement_to_post``), so it is never stale."""
    custody = Movement.objects.filter(file_id=OuterRef("file_id"), to_post_id__in=viewer.post_ids)
    return (
        Q(department_id__in=viewer.department_ids, grading__lte=DEPARTMENT_GRADING_LIMIT)
        | Q(holding_post_id__in=viewer.post_ids)
        | Exists(custody)
    )


def elasticsearch_filter(viewer: Viewer) -> dict:
    """The rule as an Elasticsearch ``bool`` filter over the indexed permission fields."""
    return {
        "bool": {
            "should": [
                {
                    "bool": {
                        "filter": [
                            {"terms": {"department_id": list(viewer.department_ids)}},
                            {"range": {"grading": {"lte": int(DEPARTMENT_GRADING_LIMIT)}}},
                        ]
                    }
                },
                {"terms": {"holding_post_id": list(viewer.post_ids)}},
                {"terms": {"custody_post_ids": list(viewer.post_ids)}},
            ],
            "minimum_should_match": 1,
        }
    }
