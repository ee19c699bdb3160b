"""What the CGU's selector modules share: the rounding of combined figures and the registry's
names read by id (compiled once, ``kernel.compiled``)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from cgu.models import KpiDefinition, ReportingPeriod
from kernel.compiled import by_id
from organisation.models import Department

CENT = Decimal("0.01")


def _q2(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


_kpis_by_id = by_id(KpiDefinition)
_periods_by_id = by_id(ReportingPeriod)
_departments_by_id = by_id(Department)
