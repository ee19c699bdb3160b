"""Urdu wording (issue 17, point 10): a status, a history entry and a button are different
messages (pgettext contexts), and mixed-direction text is isolated."""

import pytest
from django.utils import translation

from portal_pages.tables import chart_data
from tests.workspace.helpers import open_file
from workspace.models import Approval, Draft, File, Movement, Receipt
from workspace.services import movement

pytestmark = pytest.mark.django_db


def test_statuses_history_and_buttons_have_their_own_urdu():
    with translation.override("ur"):
        assert str(File.Status.OPEN.label) == "کھلی"  # a file that is open, not "open it!"
        assert str(Movement.Kind.PUT_UP.label) == "پیش کی گئی"  # it was put up
        assert translation.pgettext("button", "Put up") == "پیش کریں"  # put it up!
        assert translation.pgettext("button", "Open") == "کھولیں"
        assert str(Receipt.Status.PENDING.label) == "زیرِ التوا"
        assert str(Draft.Status.ISSUED.label) == "جاری شدہ"
        assert str(Movement.Kind.ISSUE.label) == "جاری کی گئی"
        assert str(Approval.Decision.RETURNED.label) == "واپس کیا"
    # English is unchanged.
    assert str(File.Status.OPEN.label) == "Open" and str(Movement.Kind.PUT_UP.label) == "Put up"


def test_the_urdu_file_page_reads_right(client, desk):
    file = open_file(desk)
    movement.file_put_up(actor=desk.asst_user, file=file, remarks="For orders, please.")
    client.force_login(desk.so_user)
    client.cookies["django_language"] = "ur"
    page = client.get(f"/desk/files/{file.pk}/", HTTP_ACCEPT_LANGUAGE="ur").content.decode()
    assert '<span class="badge badge-open">کھلی</span>' in page
    assert "<strong>پیش کی گئی</strong>" in page  # the history entry
    assert ">پیش کریں</button>" in page  # the SO can put it up in turn
    # An English remark is isolated, so its full stop and quotes stay where they belong.
    assert '<bdi class="remarks">“For orders, please.”</bdi>' in page


def test_chart_labels_take_their_own_direction():
    data = chart_data(["2025-Q3", "8 سے 30 دن"], [{"label": "فائلیں 12", "data": [1, 2]}])
    assert data["labels"] == ["\u20682025-Q3\u2069", "\u20688 سے 30 دن\u2069"]
    assert data["datasets"][0]["label"] == "\u2068فائلیں 12\u2069"
    again = chart_data(data["labels"], data["datasets"])
    assert again["labels"] == data["labels"]  # isolated once, not twice
