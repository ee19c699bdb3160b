"""The public statistics: per district (ranked) and per division, the page, the CSV and the
JSON holding the same numbers, nothing naming a complaint or a person."""

import csv
import io

from django.urls import reverse

from complaints import services
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
