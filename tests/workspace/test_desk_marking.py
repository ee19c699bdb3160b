"""The "mark to" chooser on the file page: one department's posts at a time, bounded whatever the
size of the organisation, with any live department one GET away; the form still accepts any
active post of a live department."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import PostFactory, SectionFactory
from tests.workspace.helpers import grow_the_province, open_file
from workspace.selectors.desk import LIVE_DEPARTMENTS_KEY

pytestmark = pytest.mark.django_db


def _mark_select(html: str) -> str:
    return re.search(r'<select name="to_post".*?</select>', html, re.S).group(0)


def _page(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_marking_list_is_the_desks_department_grouped_by_section(client, desk):
    file = open_file(desk)
    client.force_login(desk.asst_user)
    _, html = _page(client, f"/desk/files/{file.pk}/")
    select = _mark_select(html)
    for post in (desk.secretary, desk.ds, desk.so):
        assert f'value="{post.pk}"' in select
    assert f'value="{desk.asst.pk}"' not in select  # the file is already here
    assert f'value="{desk.other_so.pk}"' not in select  # another department: one GET away
    assert f'<optgroup label="{desk.section.name_en}">' in select
    # The department chooser offers live departments only, the desk's own selected.
    assert 'name="mark_dept"' in html
    assert f'<option value="{desk.dept.code}" selected>' in html
    assert f'value="{desk.other_dept.code}"' in html
    assert f'value="{desk.dead_dept.code}"' not in html


def test_queries_and_options_do_not_grow_with_other_departments(client, desk):
    file = open_file(desk)
    client.force_login(desk.asst_user)
    cache.delete(LIVE_DEPARTMENTS_KEY)
    _page(client, f"/desk/files/{file.pk}/")  # the department list is now cached
    few, html = _page(client, f"/desk/files/{file.pk}/")
    options = _mark_select(html).count("<option")
    grow_the_province(departments=3, sections=4, posts=5)  # 60 more posts elsewhere
    cache.delete(LIVE_DEPARTMENTS_KEY)
    _page(client, f"/desk/files/{file.pk}/")
    many, html = _page(client, f"/desk/files/{file.pk}/")
    assert many == few
    assert _mark_select(html).count("<option") == options


def test_choosing_another_department_lists_its_posts(client, desk):
    file = open_file(desk)
    client.force_login(desk.asst_user)
    _, html = _page(client, f"/desk/files/{file.pk}/?mark_dept={desk.other_dept.code}")
    select = _mark_select(html)
    assert f'value="{desk.other_so.pk}"' in select
    assert f'value="{desk.so.pk}"' not in select
    assert f'<option value="{desk.other_dept.code}" selected>' in html
    assert 'id="mark"' in html  # the chooser's form comes back to #mark
    # A department that is not live (or does not exist) falls back to the desk's own.
    for code in (desk.dead_dept.code, "NOPE"):
        _, html = _page(client, f"/desk/files/{file.pk}/?mark_dept={code}")
        select = _mark_select(html)
        assert f'value="{desk.so.pk}"' in select
        assert f'value="{desk.dead_post.pk}"' not in select


def test_marking_across_departments_is_accepted_and_a_dead_post_refused(client, desk):
    file = open_file(desk)
    client.force_login(desk.asst_user)
    response = client.post(f"/desk/files/{file.pk}/mark/", {"to_post": desk.dead_post.pk})
    msgs = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("choose an active post of a department where Daftar is live" in m for m in msgs)
    file.refresh_from_db()
    assert file.holding_post == desk.asst
    # Not listed by default, yet any live department's post is a valid choice.
    response = client.post(f"/desk/files/{file.pk}/mark/", {"to_post": desk.other_so.pk})
    file.refresh_from_db()
    assert file.holding_post == desk.other_so


def test_marking_chooser_in_urdu(client, desk):
    file = open_file(desk)
    client.force_login(desk.asst_user)
    client.cookies["django_language"] = "ur"
    _, html = _page(client, f"/desk/files/{file.pk}/?mark_dept={desk.other_dept.code}")
    assert 'lang="ur"' in html
    assert desk.other_dept.name_ur in html  # the department's Urdu name in the chooser
    for english in ("Mark to a post in", "Show its posts", "Post in"):
        assert english not in html


def test_marking_chooser_escapes_names_and_labels_the_home_department(client, desk):
    desk.other_dept.name_en = 'Health <b>& "Care"</b>'
    desk.other_dept.save()
    section = SectionFactory(department=desk.other_dept, code="S<1>", name_en="Wards & <i>Beds</i>")
    post = PostFactory(section=section, designation_en="Officer <script>x</script>")
    file = open_file(desk)
    client.force_login(desk.asst_user)
    _, html = _page(client, f"/desk/files/{file.pk}/?mark_dept={desk.other_dept.code}")
    assert "<b>" not in html and "<script>x" not in html and "<i>Beds" not in html
    assert (
        f'<option value="{desk.other_dept.code}" selected>'
        "Health &lt;b&gt;&amp; &quot;Care&quot;&lt;/b&gt;</option>"
    ) in html
    # The desk's own department is labelled, and is not the one selected.
    assert f'<option value="{desk.dept.code}">{desk.dept.name_en} (this desk)</option>' in html
    select = _mark_select(html)
    assert (
        '<optgroup label="Wards &amp; &lt;i&gt;Beds&lt;/i&gt;">'
        f'<option value="{post.pk}">Officer &lt;script&gt;x&lt;/script&gt;</option>'
    ) in select


def test_cached_marking_list_follows_posts_added_renamed_and_closed(client, desk):
    file = open_file(desk)
    client.force_login(desk.asst_user)
    url = f"/desk/files/{file.pk}/"
    _page(client, url)
    cached, _ = _page(client, url)
    new = PostFactory(section=desk.section, designation_en="Deputy Director (New)")
    fresh, html = _page(client, url)
    assert f'value="{new.pk}"' in _mark_select(html)
    assert fresh == cached + 1  # the department's posts were read again, once
    assert _page(client, url)[0] == cached
    new.designation_en = "Deputy Director (Renamed)"
    new.save()
    _, html = _page(client, url)
    assert "Deputy Director (Renamed)" in _mark_select(html)
    new.is_active = False
    new.save()
    _, html = _page(client, url)
    assert f'value="{new.pk}"' not in _mark_select(html)
    # Another desk of the department shares the cached list, less its own post.
    client.force_login(desk.so_user)
    movement_file = open_file(desk, at=desk.so, user=desk.so_user)
    _page(client, f"/desk/files/{movement_file.pk}/")
    _, html = _page(client, f"/desk/files/{movement_file.pk}/")
    assert f'value="{desk.asst.pk}"' in _mark_select(html)  # the other desk's own post is listed
    assert f'value="{desk.so.pk}"' not in _mark_select(html)
