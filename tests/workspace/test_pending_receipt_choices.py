"""The file page's "put a receipt on this file" list, read as values
(``selectors.desk.pending_receipt_choices``): the same receipts, in the same order, with the
same diary labels as the inbox's receipts, and what the page shows of them unchanged."""

import re

import pytest

from tests.workspace.helpers import diarise, open_file
from workspace.models import Priority, Receipt
from workspace.selectors import desk as sel

pytestmark = pytest.mark.django_db


def _made(desk):
    made = [
        diarise(desk, subject=f"Budget release {i} " + "for the development schemes " * 3)
        for i in range(4)
    ]
    made.append(diarise(desk, subject="Short <b>& urgent</b>", priority=Priority.IMMEDIATE))
    done = diarise(desk, subject="Already disposed of")
    Receipt.objects.filter(pk=done.pk).update(status=Receipt.Status.DISPOSED)
    return made, done


def test_the_choices_are_the_inbox_receipts_with_their_labels(desk):
    made, done = _made(desk)
    inbox = sel.inbox_receipts(user=desk.asst_user)
    choices = sel.pending_receipt_choices(user=desk.asst_user)
    assert [c.pk for c in choices] == [r.pk for r in inbox]
    assert {c.pk for c in choices} == {r.pk for r in made}
    assert [c.diary_label for c in choices] == [r.diary_label for r in inbox]
    assert [c.subject for c in choices] == [r.subject for r in inbox]
    assert choices[0].subject == "Short <b>& urgent</b>"  # the immediate one first
    assert sel.pending_receipt_choices(user=desk.other_user) == []


@pytest.mark.postgres
def test_the_compiled_read_gives_what_its_plain_queryset_gives(desk):
    _made(desk)
    for posts in ([desk.asst.pk], [desk.asst.pk, desk.so.pk], [desk.other_so.pk]):
        compiled = sel._pending_receipt_values(post_ids=posts)
        assert compiled == list(sel._pending_receipt_values.build(post_ids=posts))
    assert sel._pending_receipt_values(post_ids=[desk.asst.pk])


def test_the_file_page_lists_them_as_before(client, desk):
    made, done = _made(desk)
    file = open_file(desk)
    client.force_login(desk.asst_user)
    html = client.get(f"/desk/files/{file.pk}/").content.decode()
    select = re.search(r'<select id="enc-receipt" name="receipt">(.*?)</select>', html, re.S)
    options = re.findall(r'<option value="(\d+)">(.*?)</option>', select.group(1))
    inbox = sel.inbox_receipts(user=desk.asst_user)
    assert [int(pk) for pk, _ in options] == [r.pk for r in inbox]
    first = inbox[0]
    assert options[0][1] == f"{first.diary_label} — Short &lt;b&gt;&amp; urgent&lt;/b&gt;"
    long_one = next(text for pk, text in options if int(pk) == made[0].pk)
    assert long_one == f"{made[0].diary_label} — {made[0].subject[:59]}…"
    assert str(done.pk) not in [pk for pk, _ in options]
