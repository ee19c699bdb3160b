"""The engine below the desk is told what to index and who may see it through one door,
``search.sources`` (issue 20): the desk registers its source in ``WorkspaceConfig.ready()``,
the engine refuses when none is there, and the visibility terms it gets are
``workspace.access``'s rule, not a copy of it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

import search
from search import sources
from search.sources import Viewer
from workspace import access
from workspace.models import Grading
from workspace.search.source import SOURCE


def test_the_desk_registers_its_source_at_start_up():
    assert sources.source() is SOURCE


@pytest.mark.django_db
def test_with_no_source_registered_the_engine_refuses_clearly(monkeypatch, org):
    monkeypatch.setattr(sources, "_source", None)
    calls = {
        "search": lambda: search.search_files(user=org.asst_user, query="budget"),
        "go to number": lambda: search.go_to_number(user=org.asst_user, number="12/2025"),
        "index": lambda: search.index_file(1),
        "paper text": lambda: search.paper_text_extracted(1),
        "rebuild": search.rebuild,
        "check": search.check,
    }
    for name, call in calls.items():
        with pytest.raises(ImproperlyConfigured, match="No index source is registered") as err:
            call()
        assert "WorkspaceConfig.ready()" in str(err.value), name


def test_the_engines_visibility_terms_are_workspace_access_rule(monkeypatch):
    """Move the rule's threshold in ``workspace.access`` and every form the engine gets moves
    with it: the SQL of the statements, the tsvector's grading test, the ORM term over the
    index and the Elasticsearch filter."""
    terms = sources.source().visibility
    assert terms.department_sql is access.department_term_sql
    assert terms.grading_sql is access.department_grading_sql
    viewer = Viewer(post_ids=(3,), department_ids=(7,))

    for threshold in (Grading.RESTRICTED, Grading.CONFIDENTIAL):
        monkeypatch.setattr(access, "DEPARTMENT_SEES_UP_TO", threshold)
        _, params = terms.department_sql(department='"d"', grading='"g"', departments=[7])
        assert params == [7, int(threshold)]
        assert terms.grading_sql('"g"') == f'"g" <= {int(threshold)}'
        assert ("grading__lte", threshold) in terms.department_q(viewer).children
        department_term = terms.elasticsearch_filter(viewer)["bool"]["should"][0]["bool"]
        assert {"range": {"grading": {"lte": int(threshold)}}} in department_term["filter"]
        _, custody_params = terms.custody_elsewhere_sql(viewer)
        assert custody_params == [3, 7, int(threshold)]
