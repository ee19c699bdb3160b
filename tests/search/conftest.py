"""Fixtures for the file index: a desk with a small corpus of files made through the
services (so the after-commit hooks index them), and the backend under test."""

import os
import uuid
from types import SimpleNamespace

import pytest

from search import backends
from workspace.models import Grading, Priority, SubjectHead
from workspace.services import files, movement, notes, receipts

URDU_NOTE = "تعلیم کے شعبے میں اساتذہ کی بھرتی کا معاملہ زیر غور ہے۔"


@pytest.fixture
def desk(desk):
    """The suite's desk (tests/conftest.py), with the subject head of the Higher Education
    Department that the corpus below files under."""
    desk.other_head = SubjectHead.objects.create(
        department=desk.other_dept, code="7", name_en="Grants"
    )
    return desk


BACKENDS = ["database", "elasticsearch"]


@pytest.fixture(params=BACKENDS)
def backend_name(request, settings):
    """Each search behaviour runs against every backend: the database backend always (on the
    database of this run, SQLite or PostgreSQL), Elasticsearch when ELASTICSEARCH_URL is set."""
    name = request.param
    if name == "elasticsearch":
        if not os.environ.get("ELASTICSEARCH_URL"):
            pytest.skip("needs a real Elasticsearch cluster: set ELASTICSEARCH_URL (see README)")
        settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
        settings.DAFTAR_SEARCH_INDEX = f"test-daftar-files-{uuid.uuid4().hex[:10]}"
    settings.DAFTAR_SEARCH_BACKEND = name
    backends.reset()
    if name == "elasticsearch":
        backends.get_backend().refresh_on_write = True
    yield name
    if name == "elasticsearch":
        client = backends.get_backend().client
        client.indices.delete(index=f"{settings.DAFTAR_SEARCH_INDEX}-*", ignore_unavailable=True)
    backends.reset()


@pytest.fixture
def corpus(desk, backend_name, django_capture_on_commit_callbacks):
    """Five files, made through the services with their after-commit hooks run, so the index
    is filled the way it is in production (file_changed → task → backend):

    - ``budget``: FD, urgent, a receipt from the Accountant General, an English note, put up
      from the Assistant to the Section Officer;
    - ``urdu``: FD, a note in Urdu;
    - ``secret``: FD, graded secret, opened and kept at the Assistant;
    - ``closed``: FD, routine, closed;
    - ``hed``: Higher Education, unclassified.
    """
    o = desk
    c = SimpleNamespace(o=o)
    with django_capture_on_commit_callbacks(execute=True):
        receipt = receipts.receipt_diarise(
            actor=o.asst_user,
            post=o.asst,
            sender="Accountant General Khyber Pakhtunkhwa",
            subject="Revised budget estimates 2025-26",
        )
        c.budget = files.file_open(
            actor=o.asst_user,
            post=o.asst,
            subject_head=o.head,
            subject="Revised budget estimates 2025-26",
            priority=Priority.URGENT,
            receipt=receipt,
        )
        notes.note_add(
            actor=o.asst_user,
            file=c.budget,
            text="The Accountant General seeks concurrence for the supplementary grant.",
        )
        movement.file_put_up(actor=o.asst_user, file=c.budget, remarks="For orders")

        c.urdu = files.file_open(
            actor=o.asst_user, post=o.asst, subject_head=o.head, subject="Recruitment of teachers"
        )
        notes.note_add(actor=o.asst_user, file=c.urdu, text=URDU_NOTE)

        c.secret = files.file_open(
            actor=o.asst_user,
            post=o.asst,
            subject_head=o.head,
            subject="Secret enquiry into the pension fund",
            grading=Grading.SECRET,
        )
        notes.note_add(actor=o.asst_user, file=c.secret, text="Pension fund irregularities.")

        c.closed = files.file_open(
            actor=o.asst_user, post=o.asst, subject_head=o.head, subject="Old pension cases"
        )
        movement.file_close(actor=o.asst_user, file=c.closed, remarks="Disposed of")

        c.hed = files.file_open(
            actor=o.other_user,
            post=o.other_so,
            subject_head=o.other_head,
            subject="University budget grant",
        )
        notes.note_add(actor=o.other_user, file=c.hed, text="The pension liability is growing.")
    for name in ["budget", "urdu", "secret", "closed", "hed"]:
        getattr(c, name).refresh_from_db()
    backends.get_backend().refresh()
    return c
