"""The public statistics: per district (ranked) and per division, the page, the CSV and the
JSON holding the same numbers, nothing naming a complaint or a person."""

import csv
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints import services, stats
from tests.complaints.conftest import at, clock


def _file(ladder, district, i, day=2, mobile=None):
    with clock(at(2026, 3, day)):
        return services.file_complaint(
            actor=services.portal_actor(), client=f"s{i}", category=ladder.category,
            district=district, description="Garbage not collected for ten days.",
            mobile=mobile or f"0300000020{i}", cnic_last4="4321",
        )  # fmt: skip


def test_figures_per_district_and_division(ladder, client):
    portal = services.portal_actor()
    quick = _file(ladder, ladder.peshawar, 1)
    with clock(at(2026, 3, 3)):
        services.resolve(actor=ladder.cell_user, complaint=quick, action_taken="Collected.")
        services.give_feedback(actor=portal, complaint=quick, satisfied=True)
    late = _file(ladder, ladder.peshawar, 2)
    services.escalate_due(now=at(2026, 3, 9))
    with clock(at(2026, 3, 12)):
        services.resolve(actor=ladder.com_user, complaint=late, action_taken="Collected.")
        services.give_feedback(actor=portal, complaint=late, satisfied=False, comment="Late")
    dup = _file(ladder, ladder.peshawar, 3, day=3, mobile=quick.mobile)
    assert dup.duplicate_of == quick  # counted once
    _file(ladder, ladder.mardan, 4)
    response = client.get(reverse("complaints:statistics_json"))
    tables = response.json()["tables"]
    rows = {r["district"]: r for r in tables["districts"]["rows"]}
    peshawar = rows["Peshawar"]
    # The late one was escalated, resolved at the division, rated "not satisfied" and so
    # reopened at the Performance Management Cell: open again.
    assert (peshawar["registered"], peshawar["resolved"], peshawar["escalated"]) == (2, 1, 1)
    assert peshawar["reopened"] == 1 and peshawar["in_time_pct"] == 50.0
    assert peshawar["satisfied_pct"] == 50.0 and peshawar["median_days"] == 1.0
    assert rows["Mardan"]["registered"] == 1 and rows["Mardan"]["median_days"] is None
    assert [r["rank"] for r in tables["districts"]["rows"]] == [1, 2]
    assert tables["districts"]["rows"][0]["district"] == "Peshawar"
    divisions = {r["division"]: r for r in tables["divisions"]["rows"]}
    assert divisions["Peshawar"]["registered"] == 2 and divisions["Mardan"]["registered"] == 1
    text = client.get(reverse("complaints:statistics_csv")).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert ["1", "Peshawar", "2", "1", "50.0", "1", "1", "1.0", "50.0"] in lines
    page = client.get(reverse("complaints:statistics")).content.decode()
    assert "Peshawar" in page and quick.display_ref not in page and "0300000020" not in page


# The page's tables and charts are kept per language under the published rows' version
# (complaints.stats.version): what a visitor gets from the cache is what the page writes,
# and new figures show once the rows are read again.
NOT_KEPT = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "statistics-not-kept",  # emptied before use: no other test's rows
    },
    # {% cache %} uses this one when it exists: nothing is kept, each page writes its tables.
    "template_fragments": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}


def _page(client, language):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("complaints:statistics"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def _figures(page: str) -> str:
    """From the districts' section to the link to make a complaint: the kept fragment."""
    start = page.index('<section class="section" aria-labelledby="districts-head">')
    return page[start : page.index(reverse("complaints:new"), start)]


@pytest.mark.parametrize("language", ["en", "ur"])
def test_the_kept_tables_are_what_the_page_writes(ladder, client, language):
    _file(ladder, ladder.peshawar, 1)
    _file(ladder, ladder.mardan, 2)
    first, _ = _page(client, language)
    kept, kept_queries = _page(client, language)
    with override_settings(CACHES=NOT_KEPT):
        cache.clear()
        written, written_queries = _page(client, language)
    assert _figures(kept) == _figures(written) == _figures(first)
    # From the cache: no query at all; written, the kept figures and the districts are read.
    assert kept_queries == 0 and written_queries >= 2
    district = ladder.peshawar.name_ur if language == "ur" else ladder.peshawar.name_en
    assert district in _figures(kept) and 'id="chart-data-districts"' in _figures(kept)
    assert ("<td" in _figures(kept)) and (language != "ur" or 'lang="ur"' in kept)


def test_new_figures_show_once_the_rows_are_read_again(ladder, client):
    _file(ladder, ladder.peshawar, 1)
    assert ladder.peshawar.name_en in _figures(_page(client, "en")[0])
    _file(ladder, ladder.mardan, 2)
    # Published figures are kept for ten minutes: the page still shows what was published.
    assert ladder.mardan.name_en not in _figures(_page(client, "en")[0])
    cache.delete(stats.KEY)  # as the ten minutes run out
    page = _figures(_page(client, "en")[0])
    assert ladder.mardan.name_en in page and ladder.peshawar.name_en in page
    # The downloads read the same published rows.
    rows = client.get(reverse("complaints:statistics_json")).json()["tables"]["districts"]["rows"]
    assert {r["district"] for r in rows} == {ladder.peshawar.name_en, ladder.mardan.name_en}
