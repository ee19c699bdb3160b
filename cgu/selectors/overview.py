"""The CGU dashboard's reads that depend on nothing but the request: the KPIs, the latest
ended quarter, the stamp of what is published, the review queue and the period chooser's
periods. Five compiled reads, sent to PostgreSQL in one round trip
(``kernel.compiled.together``): they were five queries of the dashboard's twelve."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from cgu.models import KpiDefinition, KpiReturn, ReportingPeriod
from cgu.selectors import published, registry, returns
from kernel.compiled import together


@dataclass
class Overview:
    kpis: list[KpiDefinition]  # registry.active_kpis
    latest_period: ReportingPeriod | None  # registry.current_period, if asked for
    stamp: str  # published.published_stamp
    awaiting: list[KpiReturn]  # returns.awaiting_review
    periods: list[ReportingPeriod]  # registry.recent_periods


def overview(*, latest_period: bool = True) -> Overview:
    """What the dashboard reads whatever is chosen; ``latest_period``: read the latest ended
    quarter too (the period shown when none is chosen), as ``registry.current_period``."""
    reads = [
        registry.active_kpis.bind(),
        published._published_aggregate.bind(),
        returns.awaiting_review.bind(),
        registry.recent_periods.bind(),
    ]
    if latest_period:
        reads.append(
            registry._latest_ended.bind(
                kind=ReportingPeriod.Kind.QUARTERLY, on=timezone.localdate()
            )
        )
    kpis, aggregate, awaiting, periods, *latest = together(*reads)
    return Overview(
        kpis=kpis,
        latest_period=latest[0][0] if latest and latest[0] else None,
        stamp=published.stamp_of(aggregate),
        awaiting=awaiting,
        periods=periods,
    )
