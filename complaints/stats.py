"""Public statistics of complaints per district and per division: registered, resolved within
the time limit, escalated, reopened, median days to resolve, satisfaction — one grouped query
(plus the durations of resolved complaints for the medians), cached for ten minutes, and the
same ``DataTable`` behind the page's tables and charts and the CSV/JSON downloads
(``portal_pages.tables``). Counts only: no complaint, person or officer is shown.

A complaint is *resolved within the limit* when it was resolved before its due time without
having been escalated.
"""

from __future__ import annotations

import statistics

from django.core.cache import cache
from django.db.models import Count, F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from complaints.models import Complaint, Status, pick
from portal_pages.tables import Column, DataTable, chart_data
from workspace.models import District, Division

CACHE_SECONDS = 600


def _rows() -> list[dict]:
    """One row per district with complaints: the counts and the median days to resolve."""
    key = "complaints:public-stats:v1"
    rows = cache.get(key)
    if rows is not None:
        return rows
    done = Q(status__in=[Status.RESOLVED, Status.CLOSED], resolved_at__isnull=False)
    counts = {
        r["district"]: r
        for r in Complaint.objects.filter(duplicate_of__isnull=True)
        .values("district")
        .annotate(
            registered=Count("pk"),
            resolved=Count("pk", filter=done),
            in_time=Count(
                "pk",
                filter=done & Q(escalated_at__isnull=True, resolved_at__lte=F("due_at")),
            ),
            escalated=Count("pk", filter=Q(escalated_at__isnull=False)),
            reopened=Count("pk", filter=Q(reopened=True)),
            rated=Count("pk", filter=Q(feedback__in=["satisfied", "not_satisfied"])),
            satisfied=Count("pk", filter=Q(feedback="satisfied")),
        )
    }
    durations: dict[int, list[float]] = {}
    for district, registered, resolved in Complaint.objects.filter(
        done, duplicate_of__isnull=True
    ).values_list("district", "registered_at", "resolved_at"):
        durations.setdefault(district, []).append((resolved - registered).total_seconds() / 86400)
    rows = []
    for district in District.objects.filter(pk__in=list(counts)).select_related("division"):
        c = counts[district.pk]
        days = durations.get(district.pk)
        rows.append(
            {
                "district_id": district.pk,
                "division_id": district.division_id,
                "district_en": district.name_en,
                "district_ur": district.name_ur,
                "division_en": district.division.name_en,
                "division_ur": district.division.name_ur,
                "registered": c["registered"],
                "resolved": c["resolved"],
                "in_time": c["in_time"],
                "escalated": c["escalated"],
                "reopened": c["reopened"],
                "rated": c["rated"],
                "satisfied": c["satisfied"],
                "durations": sorted(days or []),
            }
        )
    cache.set(key, rows, CACHE_SECONDS)
    return rows


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _summarise(rows: list[dict]) -> dict:
    registered = sum(r["registered"] for r in rows)
    resolved = sum(r["resolved"] for r in rows)
    durations = sorted(d for r in rows for d in r["durations"])
    rated = sum(r["rated"] for r in rows)
    return {
        "registered": registered,
        "resolved": resolved,
        "in_time_pct": _pct(sum(r["in_time"] for r in rows), registered),
        "escalated": sum(r["escalated"] for r in rows),
        "reopened": sum(r["reopened"] for r in rows),
        "median_days": round(statistics.median(durations), 1) if durations else None,
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
    return {
        "tables": {"districts": district_table, "divisions": division_table},
        "charts": charts,
        "divisions_known": Division.objects.count(),
    }
