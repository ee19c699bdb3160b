"""Rough edges a daily user notices (issue 17, point 11), on the public side: the overview's
downloads and the favicon. (The desk's are in tests/workspace/test_rough_edges.py.)"""

import csv
import io
import json

import pytest

from tests.portal_pages.test_performance import figures, tables_of  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_the_overview_offers_its_tables_as_csv_and_json(client, tree, figures):  # noqa: F811
    page = client.get(tree.performance.url)
    html = page.content.decode()
    assert f'href="{tree.performance.url}csv/"' in html
    assert f'href="{tree.performance.url}json/"' in html
    shown = tables_of(page)
    headline, by_department = shown[0], shown[1]

    raw = client.get(tree.performance.url + "csv/")
    assert raw.status_code == 200 and raw["Content-Type"].startswith("text/csv")
    assert "attachment" in raw["Content-Disposition"]
    text = raw.content.decode("utf-8-sig")
    blocks = [list(csv.reader(io.StringIO(b))) for b in text.split("\n\n")]
    assert len(blocks) == 2
    province, departments = blocks
    # The headline: one row per KPI, the same KPIs the page shows, in the same order.
    assert [r[0] for r in province[2:]] == [r[0] for r in headline[1:]]
    # By department: the same departments with the same counts.
    assert [r[1:] for r in departments[2:]] == [
        [c.replace(",", "") for c in r] for r in by_department[1:]
    ]

    data = json.loads(client.get(tree.performance.url + "json/").content)
    assert set(data["tables"]) == {"province", "departments"}
    assert [r["department"] for r in data["tables"]["departments"]["rows"]] == [
        r[0] for r in by_department[1:]
    ]
    assert data["period"] == figures["q2"].code


def test_the_favicon_is_served_and_linked(client, tree):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO header
    for url in (tree.performance.url, "/accounts/login/"):
        assert '<link rel="icon" href="/favicon.ico"' in client.get(url).content.decode()
