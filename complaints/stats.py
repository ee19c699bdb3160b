"""Public statistics of complaints per district and per division: registered, resolved within
the time limit, escalated, reopened, median days to resolve (to a tenth of a day),
satisfaction — read from the kept figures (``complaints.figures``), cached for ten minutes, and the
same ``DataTable`` behind the page's tables and charts and the CSV/JSON downloads
(``portal_pages.tables``). Counts only: no complaint, person or officer is shown.

The rows are published with a ``version`` made when they are read: the page keeps its written
tables and charts per language under it (``templates/complaints/statistics.html``), so they are
written again exactly when the rows are, not on every visit (most of the page's time, ~12 of
16 ms of CPU at 100k complaints, session 15, docs/benchmarks.md).

A complaint is *resolved within the limit* when it was resolved before its due time without
having been escalated.
"""

from __future__ import annotations

import statistics
from uuid import uuid4

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from complaints.models import DistrictFigure, pick
from organisation.models import District
from portal_pages.tables import Column, DataTable, chart_data

CACHE_SECONDS = 600
FIGURES = ("registered", "resolved", "in_time", "escalated", "reopened", "rated", "satisfied")


KEY = "complaints:public-stats:v3"


def _published() -> dict:
    """``{"rows": …, "version": …}``: the rows as published for the next ``CACHE_SECONDS``, and
    a token made when they were read (so a new one whenever they are read again)."""
    kept = cache.get(KEY)
    if kept is None:
        kept = {"rows": _read_rows(), "version": uuid4().hex}
        cache.set(KEY, kept, CACHE_SECONDS)
    return kept


def version() -> str:
    """The published rows' version: what the page's kept tables and charts are keyed by."""
    return _published()["version"]


def _rows() -> list[dict]:
    return _published()["rows"]


def _read_rows() -> list[dict]:
    """One row per district with complaints: the counts and the resolved ones by the tenths of
    a day they took, read from the kept figures (``complaints.figures``: a few rows per
    district, whatever the number of complaints)."""
    counts: dict[int, dict] = {}
    for kind, district, value, n in DistrictFigure.objects.filter(n__gt=0).values_list(
        "kind", "district_id", "value", "n"
    ):
        figures = counts.setdefault(district, {"durations": []})
        if kind == "resolved_in":
            figures["durations"].append((value, n))
        else:
            figures[kind] = figures.get(kind, 0) + n
    rows = []
    for district in District.objects.filter(pk__in=list(counts)).select_related("division"):
        c = counts[district.pk]
        rows.append(
            {
                "district_id": district.pk,
                "division_id": district.division_id,
                "district_en": district.name_en,
                "district_ur": district.name_ur,
                "division_en": district.division.name_en,
                "division_ur": district.division.name_ur,
                **{name: c.get(name, 0) for name in FIGURES},
                "durations": sorted(c["durations"]),
            }
        )
    return rows


def _median_days(durations: list[tuple[int, int]]) -> float | None:
    """The median of the days taken, from (tenths of a day, how many) pairs (each complaint's
    time rounded to the nearest tenth of a day)."""
    total = sum(n for _, n in durations)
    if not total:
        return None
    values = []
    for middle in sorted({(total - 1) // 2, total // 2}):
        seen = 0
        for tenths, n in sorted(durations):
            seen += n
            if seen > middle:
                values.append(tenths / 10)
                break
    return round(statistics.mean(values), 1)


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _summarise(rows: list[dict]) -> dict:
    registered = sum(r["registered"] for r in rows)
    resolved = sum(r["resolved"] for r in rows)
    durations = [d for r in rows for d in r["durations"]]
    rated = sum(r["rated"] for r in rows)
    return {
        "registered": registered,
        "resolved": resolved,
        "in_time_pct": _pct(sum(r["in_time"] for r in rows), registered),
        "escalated": sum(r["escalated"] for r in rows),
        "reopened": sum(r["reopened"] for r in rows),
        "median_days": _median_days(durations),
        "satisfied_pct": _pct(sum(r["satisfied"] for r in rows), rated),
    }


def _columns(first_key: str, first_label: str) -> list[Column]:
    return [
        Column(first_key, first_label, numeric=False),
        Column("registered", _("Registered")),
        Column("resolved", _("Resolved")),
        Column("in_time_pct", _("Resolved within the time limit"), unit="%"),
        Column("escalated", _("Escalated")),
        Column("reopened", _("Reopened on appeal")),
        Column("median_days", _("Median days to resolve"), none_label=_("none resolved")),
        Column("satisfied_pct", _("Satisfied"), unit="%", none_label=_("no ratings")),
    ]


def tables() -> dict:
    """The districts (ranked by the share resolved within the limit) and the divisions."""
    ur = (get_language() or "en").startswith("ur")
    rows = _rows()
    districts = []
    for r in rows:
        districts.append({"district": pick(r["district_en"], r["district_ur"]), **_summarise([r])})
    districts.sort(key=lambda r: (-(r["in_time_pct"] or 0), r["district"]))
    for rank, r in enumerate(districts, 1):
        r["rank"] = rank
    by_division: dict[int, list[dict]] = {}
    names = {}
    for r in rows:
        by_division.setdefault(r["division_id"], []).append(r)
        names[r["division_id"]] = r["division_ur"] if ur and r["division_ur"] else r["division_en"]
    divisions = [
        {"division": names[d], **_summarise(rs)}
        for d, rs in sorted(by_division.items(), key=lambda kv: names[kv[0]])
    ]
    district_table = DataTable(
        slug="districts",
        title=_("Complaints by district, ranked by the share resolved within the time limit"),
        columns=[Column("rank", _("Rank")), *_columns("district", _("District"))],
        rows=districts,
        source=_("Daftar: citizens' complaints"),
    )
    division_table = DataTable(
        slug="divisions",
        title=_("Complaints by division"),
        columns=_columns("division", _("Division")),
        rows=divisions,
        source=_("Daftar: citizens' complaints"),
    )
    charts = {
        "districts": chart_data(
            [r["district"] for r in districts],
            [
                {
                    "label": _("Resolved within the time limit (%)"),
                    "data": [r["in_time_pct"] or 0 for r in districts],
                }
            ],
            type="bar",
            horizontal=True,
        ),
        "divisions": chart_data(
            [r["division"] for r in divisions],
            [
                {"label": _("Registered"), "data": [r["registered"] for r in divisions]},
                {"label": _("Escalated"), "data": [r["escalated"] for r in divisions]},
            ],
            type="bar",
        ),
    }
    return {"tables": {"districts": district_table, "divisions": division_table}, "charts": charts}
