"""Fixtures for issued letters: a demo CA of the test session's own, and a letter issued
through the workspace services (so the issue step renders and signs it)."""

import pytest

from tests.workspace.helpers import open_file
from workspace.models import Grading
from workspace.services import approvals, movement, notes

URDU_LINE = "ان حالات میں تجویز منظوری کے لیے پیش خدمت ہے۔"
ENGLISH_LINE = "I am directed to convey the approval of the competent authority."


@pytest.fixture(scope="session")
def letters_ca_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("letters-ca")


@pytest.fixture(autouse=True)
def letters_signing(settings, letters_ca_dir):
    """Each test session signs with a demo CA of its own (made on first use)."""
    settings.DAFTAR_LETTERS = {**settings.DAFTAR_LETTERS, "local_ca_dir": str(letters_ca_dir)}


def issue_letter(
    o,
    *,
    subject="Revised estimates",
    body=None,
    grading=Grading.UNCLASSIFIED,
    addressees="Accountant General KP <ag@kp.gov.pk>\nمحاسب اعلیٰ خیبر پختونخوا",
    before_issue=None,
):
    """A file noted, a draft approved by the Secretary and issued by the DS: the dispatch
    entry (its letter rendered and signed by the issue step)."""
    file = open_file(o, subject=subject, grading=grading)
    notes.note_add(actor=o.asst_user, file=file, text="For orders.")
    movement.file_put_up(actor=o.asst_user, file=file)
    movement.file_put_up(actor=o.so_user, file=file)
    body = body or f"{ENGLISH_LINE}\n\n{URDU_LINE}\n\nThe amount is Rs. 2,500,000 (PKR)."
    draft = approvals.draft_create(
        actor=o.ds_user, file=file, subject=subject, addressees=addressees, body=body
    )
    movement.file_put_up(actor=o.ds_user, file=file)
    approvals.draft_decide(actor=o.secretary_user, file=file, draft=draft, decision="approved")
    if before_issue is not None:
        before_issue()
    return approvals.draft_issue(actor=o.ds_user, file=file, draft=draft)
