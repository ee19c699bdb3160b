"""``kernel.tasks.enqueue_on_commit`` with a backend other than the database queue: the job is
queued once the change commits, and a failure to queue then is logged (or handed to
``on_failure``), never raised into the committed change. (The database queue's side is in
tests/workspace/test_file_action.py, tests/complaints/test_filing.py and
tests/cgu/test_entity_submit_paper.py.)"""

import logging

import pytest

from kernel.tasks import enqueue_on_commit
from search import tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("task queue down")

    monkeypatch.setattr(type(tasks.reindex_file.get_backend()), "enqueue", refuse)


def test_a_failure_to_queue_after_the_commit_is_logged_not_raised(
    queue_down, caplog, django_capture_on_commit_callbacks
):
    """Django names a failed robust hook by its ``__qualname__``: a bare partial had none,
    and the failure came out as an AttributeError from the commit."""
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(tasks.reindex_file, 7)
    assert "search.tasks.reindex_file.enqueue" in caplog.text
    assert "task queue down" in caplog.text


def test_a_failure_to_queue_is_handed_to_on_failure(queue_down, django_capture_on_commit_callbacks):
    failures = []
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        enqueue_on_commit(tasks.reindex_file, 7, on_failure=failures.append)
        assert failures == []  # nothing before the commit
    assert len(hooks) == 1
    assert [str(exc) for exc in failures] == ["task queue down"]
