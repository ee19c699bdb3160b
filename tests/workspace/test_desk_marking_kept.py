"""The "mark to" chooser's lists kept in the process under a version (selectors.desk._kept):
what an officer sees changes with the next page after any change to departments, sections or
posts, a list kept too long is read again, and a warm page reads only the version."""

import re

import pytest
from django.core.cache import cache

from tests.factories import PostFactory
from tests.workspace.helpers import open_file
from workspace.selectors import desk as sel

pytestmark = pytest.mark.django_db


def _select(client, url) -> str:
    html = client.get(url).content.decode()
    return re.search(r'<select name="to_post".*?</select>', html, re.S).group(0) + html


def test_changes_show_on_the_next_page(client, desk):
    file = open_file(desk)
    client.force_login(desk.asst_user)
    url = f"/desk/files/{file.pk}/"
    first = _select(client, url)
    assert "Deputy Secretary (Budget-I)" in first
    _select(client, url)  # now kept in this process
    desk.ds.designation_en = "Deputy Secretary (Budget-I and II)"
    desk.ds.save()
    assert "Deputy Secretary (Budget-I and II)" in _select(client, url)
    added = PostFactory(section=desk.section, designation_en="Budget Analyst")
    assert f'value="{added.pk}"' in _select(client, url)
    added.is_active = False
    added.save()
    assert f'value="{added.pk}"' not in _select(client, url)
    desk.other_dept.name_en = "Higher Education, Archives and Libraries"
    desk.other_dept.save()
    assert "Higher Education, Archives and Libraries" in _select(client, url)


def test_a_kept_list_is_read_again_after_its_time(client, desk, monkeypatch):
    file = open_file(desk)
    client.force_login(desk.asst_user)
    url = f"/desk/files/{file.pk}/"
    _select(client, url)
    # A change that sends no signal (an UPDATE by hand) is seen once the lists expire.
    type(desk.ds).objects.filter(pk=desk.ds.pk).update(designation_en="Renamed by hand")
    cache.delete(sel.MARKING_KEY.format(desk.dept.pk))
    assert "Renamed by hand" not in _select(client, url)
    clock = sel.time.monotonic() + sel.LIVE_DEPARTMENTS_SECONDS + 1
    monkeypatch.setattr(sel.time, "monotonic", lambda: clock)
    assert "Renamed by hand" in _select(client, url)


def test_a_warm_page_reads_only_the_version(client, desk, monkeypatch):
    file = open_file(desk)
    client.force_login(desk.asst_user)
    url = f"/desk/files/{file.pk}/"
    _select(client, url)
    read = []
    real = sel.cache.get
    monkeypatch.setattr(sel.cache, "get", lambda key, *a, **kw: read.append(key) or real(key))
    assert "Deputy Secretary (Budget-I)" in _select(client, url)
    desk_keys = [key for key in read if key.startswith("workspace:desk:")]
    assert desk_keys == [sel.MARKING_VERSION_KEY]
