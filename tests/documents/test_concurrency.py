"""Concurrent writers on one paper, on PostgreSQL: the paper's row lock numbers versions one
after another, and a freeze that wins the race stops the version that lost it."""

import pytest

from documents.models import Paper, PaperVersion
from documents.services import paper_add_version, paper_freeze, paper_upload
from kernel.errors import ActionRefused
from tests.documents import corpus
from tests.documents.conftest import snapshot
from tests.factories import UserFactory
from tests.races import race, raised

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _in_threads(*jobs):
    return raised(race(*jobs))


def _objects_match_rows() -> bool:
    rows = PaperVersion.objects.values_list("storage_name", "thumbnail_name")
    return set(snapshot()["objects"]) == {name for pair in rows for name in pair if name}


def test_concurrent_versions_get_consecutive_numbers():
    clerk = UserFactory(username="clerk-c")
    first = paper_upload(
        actor=clerk, upload=corpus.upload("v1.pdf", corpus.text_pdf()), kind="scan"
    )
    uploads = [corpus.text_pdf(n) for n in range(2, 6)]
    errors = _in_threads(
        *[
            (
                lambda data=data: paper_add_version(
                    actor=clerk, paper=first.paper, upload=corpus.upload("v.pdf", data)
                )
            )
            for data in uploads
        ]
    )
    assert errors == []
    rows = PaperVersion.objects.filter(paper=first.paper)
    numbers = sorted(rows.values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5]
    paper = Paper.objects.get(pk=first.paper_id)
    assert paper.current_version.number == 5
    assert _objects_match_rows()


def test_freeze_racing_a_new_version_leaves_no_orphan():
    clerk = UserFactory(username="clerk-f")
    first = paper_upload(
        actor=clerk, upload=corpus.upload("v1.pdf", corpus.text_pdf()), kind="scan"
    )
    errors = _in_threads(
        lambda: paper_add_version(
            actor=clerk, paper=first.paper, upload=corpus.upload("v2.pdf", corpus.text_pdf(30))
        ),
        lambda: paper_freeze(actor=clerk, paper=first.paper, reason="Approved"),
    )
    assert all(isinstance(e, ActionRefused) for e in errors)
    versions = PaperVersion.objects.filter(paper=first.paper).count()
    assert versions == (1 if errors else 2)
    assert _objects_match_rows()
