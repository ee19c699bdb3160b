"""The performance pages: published figures only, "not reported" shown as such, downloads
holding exactly the numbers shown, a fixed number of queries however many rows."""

import csv
import io
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from cgu.models import EntityType
from tests.factories import DepartmentFactory
from tests.portal_pages.factories import (
    EntityFactory,
    KpiFactory,
    department_page,
    kpi_return,
    quarter,
    report_page,
)

pytestmark = pytest.mark.django_db


class Tables(HTMLParser):
    """Every <table class="data"> of a page as rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables, self._row, self._cell, self._in = [], None, None, 0

    def handle_starttag(self, tag, attrs):
        if tag == "table" and "data" in (dict(attrs).get("class") or ""):
            self.tables.append([])
            self._in += 1
        elif self._in and tag == "tr":
            self._row = []
        elif self._in and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self._in:
            self._in -= 1
        elif self._in and tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif self._in and tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables_of(response):
    parser = Tables()
    parser.feed(response.content.decode())
    return parser.tables


def as_number(text: str):
    text = text.replace(",", "")
    if text in ("Not reported", ""):
        return None
    return Decimal(text)


@pytest.fixture
def figures(org):
    """Finance with two entities (one never reports), Higher Education with one; two
    quarters accepted and published, one accepted-but-superseded version and one return
    still under review that must never show."""
    budget = KpiFactory(code="BUDGET", name_en="Budget allocation", position=1)
    util = KpiFactory(
        code="UTIL",
        name_en="Budget utilisation",
        unit="percent",
        aggregation="mean",
        position=2,
    )
    hed = DepartmentFactory(code="HED", name_en="Higher Education Department")
    bok = EntityFactory(code="BOK", name_en="The Bank of Khyber", department=org.dept)
    silent = EntityFactory(code="KPPF", name_en="KP Pension Fund", department=org.dept)
    uop = EntityFactory(
        code="UOP", name_en="University of Peshawar", department=hed, type=EntityType.UNIVERSITY
    )
    q1, q2 = quarter(2025, 1), quarter(2025, 2)
    kpi_return(bok, q1, {budget: "1000.50", util: "80"})
    kpi_return(bok, q2, {budget: "1200", util: "90"}, version=2)
    kpi_return(bok, q2, {budget: "999999", util: "1"}, published=False)  # superseded v1
    kpi_return(uop, q1, {budget: "300", util: "70"})
    kpi_return(uop, q2, {budget: "777777", util: "5"}, status="under_review", published=False)
    return {"bok": bok, "silent": silent, "uop": uop, "q1": q1, "q2": q2, "hed": hed}


def test_entity_page_shows_published_figures_and_not_reported(client, tree, figures):
    response = client.get(tree.performance.url + "entities/bok/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "The Bank of Khyber" in html
    assert "999,999" not in html and "999999" not in html  # superseded version
    tables = tables_of(response)
    budget = next(t for t in tables if any("Budget allocation" in c or "Value" in c for c in t[0]))
    assert budget[1] == ["2025-Q1", "1,000.50"]
    assert budget[2] == ["2025-Q2", "1,200"]
    assert "Focal Person" not in html  # staff contact details are not public
    assert 'src="/static/vendor/chartjs/chart.umd.min.js"' in html


def test_entity_that_never_reported_says_so(client, tree, figures):
    response = client.get(tree.performance.url + "entities/kppf/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Not reported" in html
    cells = [c for t in tables_of(response) for row in t[1:] for c in row[1:]]
    assert cells and all(c == "Not reported" for c in cells)


def test_under_review_figures_never_show(client, tree, figures):
    for url in ["entities/uop/", "departments/hed/", "", "entities/uop/csv/", "entities/uop/json/"]:
        body = client.get(tree.performance.url + url).content.decode()
        assert "777777" not in body and "777,777" not in body, url


def test_department_page_combines_its_entities_and_lists_who_did_not_report(client, tree, figures):
    response = client.get(tree.performance.url + "departments/fd/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "KP Pension Fund" in html and "Not reported" in html
    kpi_tables = [t for t in tables_of(response) if t[0][0] == "Period"]
    assert kpi_tables[0][1] == ["2025-Q1", "1,000.50", "1"]
    assert kpi_tables[0][2] == ["2025-Q2", "1,200", "1"]


def test_unknown_department_or_entity_is_404(client, tree, figures):
    assert client.get(tree.performance.url + "departments/nope/").status_code == 404
    assert client.get(tree.performance.url + "entities/nope/").status_code == 404
    assert client.get(tree.performance.url + "entities/bok/xml/").status_code == 404


@pytest.mark.parametrize("path", ["entities/bok/", "departments/fd/"])
def test_csv_and_json_hold_exactly_the_numbers_shown(client, tree, figures, path):
    page = client.get(tree.performance.url + path)
    shown = set()
    for table in tables_of(page):
        if table[0][0] != "Period":
            continue
        title_cells = table[0]
        for row in table[1:]:
            shown.add((row[0], as_number(row[1])))
        assert "Value" in title_cells[1]

    raw = client.get(tree.performance.url + path + "csv/")
    assert raw["Content-Type"].startswith("text/csv")
    assert "attachment" in raw["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(raw.content.decode("utf-8-sig"))))
    in_csv = {(r["Period"], Decimal(r["Value"]) if r["Value"] else None) for r in rows}
    assert in_csv == shown

    data = client.get(tree.performance.url + path + "json/").json()
    in_json = {
        (row["period"], None if row["value"] is None else Decimal(str(row["value"])))
        for table in data["tables"].values()
        if "period" in table["rows"][0]
        if table["rows"]
        for row in table["rows"]
    }
    assert in_json == shown


def test_overview_lists_departments_and_the_provincial_headline(client, tree, figures):
    response = client.get(tree.performance.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "The province in \u20662025-Q2\u2069" in html  # the code kept left to right
    assert "1 of 3 public sector entities reported" in html
    assert "/performance/departments/fd/" in html


def test_monitoring_report_page(client, tree, figures):
    page = report_page(tree, figures["q1"])
    response = client.get(page.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "KP Pension Fund" in html and "Not reported" in html
    assert "1,000.50" in html and "300" in html
    data = client.get(page.url + "json/").json()
    assert data["period"]["code"] == "2025-Q1"
    dept = data["tables"]["dept-fd"]
    assert {r["entity_code"]: r["BUDGET"] for r in dept["rows"]} == {"BOK": 1000.5, "KPPF": None}
    rows = list(
        csv.DictReader(io.StringIO(client.get(page.url + "csv/").content.decode("utf-8-sig")))
    )
    shown = {(r["Code"], r["KPI code"], r["Value"]) for r in rows}
    assert ("BOK", "BUDGET", "1000.5") in shown
    assert ("KPPF", "BUDGET", "") in shown
    assert client.get(page.url + "pdf/").status_code == 404  # no generated PDF yet


def test_query_count_does_not_grow_with_entities(
    client, tree, figures, django_assert_max_num_queries, org
):
    url = tree.performance.url

    def count(path):
        from django.core.cache import cache
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from portal_pages import caching

        cache.delete(caching.CONTENT_VERSION_KEY)  # render, not the server-side cached copy
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url + path).status_code == 200
        return len(ctx.captured_queries)

    paths = ["", "departments/fd/", "entities/bok/", "e-office/"]
    for p in paths:  # warm the caches (site root paths, navigation, e-office figures)
        client.get(url + p)
    before = {p: count(p) for p in paths}
    budget = KpiFactory(code="BUDGET")
    for i in range(15):
        entity = EntityFactory(code=f"X{i}", department=org.dept)
        kpi_return(entity, figures["q1"], {budget: i})
        kpi_return(entity, figures["q2"], {budget: i + 1})
    after = {p: count(p) for p in paths}
    assert after == before
    for p in paths:
        with django_assert_max_num_queries(25):
            client.get(url + p)


def test_department_page_links_its_performance(client, tree, figures, org):
    page = department_page(tree, org.dept, intro="Prepares the budget.")
    html = client.get(page.url).content.decode()
    assert "/performance/departments/fd/" in html
    assert "Prepares the budget." in html
