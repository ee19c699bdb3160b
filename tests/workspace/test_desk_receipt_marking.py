"""The "mark to" chooser on the receipt page: the file page's chooser (one department's posts at
a time, another department one GET away, no JavaScript), not a <select> of every post in the
province."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.workspace.helpers import diarise, grow_the_province
from workspace.selectors.desk import LIVE_DEPARTMENTS_KEY

pytestmark = pytest.mark.django_db


def _page(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def _options(html: str) -> int:
    """Every <option> of the page (the department chooser's, the posts' and any form's)."""
    return html.count("<option")


def _mark_select(html: str) -> str:
    return re.search(r'<select name="to_post".*?</select>', html, re.S).group(0)


def test_receipt_page_lists_the_desks_department_and_posts_to_the_receipts_mark(client, desk):
    receipt = diarise(desk)
    client.force_login(desk.asst_user)
    _, html = _page(client, f"/desk/receipts/{receipt.pk}/")
    select = _mark_select(html)
    assert f'value="{desk.so.pk}"' in select
    assert f'value="{desk.asst.pk}"' not in select  # the receipt is already here
    assert f'value="{desk.other_so.pk}"' not in select  # another department: one GET away
    assert f'<option value="{desk.dept.code}" selected>' in html
    assert f'action="/desk/receipts/{receipt.pk}/mark/"' in html
    assert 'name="due_on"' not in html.split('id="mark"')[1]  # a receipt has no due date
    _, html = _page(client, f"/desk/receipts/{receipt.pk}/?mark_dept={desk.other_dept.code}")
    assert f'value="{desk.other_so.pk}"' in _mark_select(html)
    assert f'value="{desk.so.pk}"' not in _mark_select(html)


def test_receipt_page_options_and_queries_do_not_grow_with_other_departments(client, desk):
    receipt = diarise(desk)
    client.force_login(desk.asst_user)
    url = f"/desk/receipts/{receipt.pk}/"
    _page(client, url)  # the department list is now cached
    few, html = _page(client, url)
    posts, options = _mark_select(html).count("<option"), _options(html)
    grow_the_province(departments=3, sections=4, posts=5)  # 60 more posts elsewhere
    cache.delete(LIVE_DEPARTMENTS_KEY)
    _page(client, url)
    many, html = _page(client, url)
    assert many == few
    assert _mark_select(html).count("<option") == posts
    assert _options(html) == options + 3  # only the three new departments' names


def test_receipt_marked_to_another_departments_post_from_its_list(client, desk):
    receipt = diarise(desk)
    client.force_login(desk.asst_user)
    _, html = _page(client, f"/desk/receipts/{receipt.pk}/?mark_dept={desk.other_dept.code}")
    assert f'value="{desk.other_so.pk}"' in _mark_select(html)
    response = client.post(
        f"/desk/receipts/{receipt.pk}/mark/", {"to_post": desk.other_so.pk, "remarks": "For HED"}
    )
    assert response.status_code == 302
    receipt.refresh_from_db()
    assert receipt.holding_post == desk.other_so
    # Not at the desk any more: no chooser.
    _, html = _page(client, f"/desk/receipts/{receipt.pk}/")
    assert 'name="to_post"' not in html


def test_receipt_chooser_in_urdu(client, desk):
    receipt = diarise(desk)
    client.force_login(desk.asst_user)
    client.cookies["django_language"] = "ur"
    _, html = _page(client, f"/desk/receipts/{receipt.pk}/?mark_dept={desk.other_dept.code}")
    assert 'lang="ur"' in html
    assert desk.other_dept.name_ur in html
    for english in ("Mark to a post in", "Show its posts", "Post in", "Mark the receipt"):
        assert english not in html
