"""The queue read a page at a time (selectors.queue_page): page after page, for every office,
the same complaints in the same order (time left, no limit running last) as the whole
visible set ordered at once (selectors.queue), and nothing of another office's territory."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints import selectors, services
from complaints.models import Complaint
from tests.complaints.conftest import at, clock, sweep


def _file(ladder, district, day, i):
    with clock(at(2026, 3, day)):
        return services.file_complaint(
            actor=services.portal_actor(), client=f"q{i}", category=ladder.category,
            district=district, description="The school's roof leaks into the classrooms.",
            mobile=f"030000004{i:02d}", cnic_last4="2222",
        )  # fmt: skip


def _paged(user, mine_only=False):
    pks, after, pages = [], None, 0
    while True:
        page = selectors.queue_page(user, mine_only=mine_only, after=after)
        pks += [c.pk for c in page.complaints]
        pages += 1
        if page.next_cursor is None:
            return pks, pages
        after = page.next_cursor


def test_pages_read_the_same_order_as_the_whole_queue(ladder, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE", 2)
    made = [_file(ladder, ladder.peshawar if i % 3 else ladder.mardan, 2 + i % 4, i)
            for i in range(11)]  # fmt: skip
    sweep(at(2026, 3, 9))  # Peshawar's first ones escalate; Mardan's stall (due cleared)
    more = [_file(ladder, ladder.peshawar, 10, 20 + i) for i in range(3)]
    services.mark_to(actor=ladder.com_user, complaint=made[1], section=ladder.line)
    Complaint.objects.filter(pk=more[0].pk).update(due_at=None)  # a tie of NULL due times
    Complaint.objects.filter(pk=more[1].pk).update(registered_at=more[2].registered_at)
    users = [ladder.cell_user, ladder.dc_head_user, ladder.com_user, ladder.pmc_user,
             ladder.mardan_user, ladder.line_user]  # fmt: skip
    for user in users:
        for mine_only in (False, True):
            want = list(selectors.queue(user, mine_only=mine_only).values_list("pk", flat=True))
            got, pages = _paged(user, mine_only)
            assert got == want, (user.username, mine_only)
            assert pages == max(1, -(-len(want) // 2))
    cell, _ = _paged(ladder.cell_user)
    assert len(cell) == 10 and made[0].pk not in cell  # Mardan's are not Peshawar's
    assert _paged(ladder.line_user)[0] == [made[1].pk]


def test_a_bad_cursor_is_the_first_page(ladder):
    _file(ladder, ladder.peshawar, 2, 1)
    for bad in ("x", "d.1.2", "d.a.b.c", "n.99999999999999999999999.1"):
        page = selectors.queue_page(ladder.cell_user, after=bad)
        assert len(page.complaints) == 1


def test_the_page_is_two_reads_whatever_the_queue(ladder, client, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE", 2)
    for i in range(5):
        _file(ladder, ladder.peshawar, 2, i)

    def reads(user):
        with CaptureQueriesContext(connection) as ctx:
            selectors.queue_page(user)
        return len(ctx)

    # The posts, then the page: its keys and its rows with their names in one statement.
    assert reads(ladder.cell_user) == 2
    client.force_login(ladder.cell_user)
    first = client.get(reverse("complaints:queue")).content.decode()
    assert "?after=" in first and "First page" not in first
