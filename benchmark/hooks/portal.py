"""A benchmark hook: time ``public_status`` lookups over existing citizens' receipts.

    ./manage.py shell -c "from benchmark.hooks import portal; portal.run()"

Prints p50/p95/p99 in milliseconds for lookups that find the matter, for wrong second
factors and for unknown references (the three should cost the same), and returns the
figures as a dict for the benchmark to record. Only references are read; nothing is written.
"""

from __future__ import annotations

import random
import statistics
import time

from workspace import tracking
from workspace.models import Receipt


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def _time(calls) -> list[float]:
    out = []
    for reference, factor in calls:
        started = time.perf_counter()
        tracking.public_status(reference=reference, second_factor=factor)
        out.append((time.perf_counter() - started) * 1000)
    return out


def run(*, lookups: int = 2000, seed: int = 7, progress=print) -> dict:
    """Time ``lookups`` lookups of each kind over a random sample of citizens' receipts."""
    rng = random.Random(seed)
    sample = list(
        Receipt.objects.filter(is_citizen_matter=True, tracking_ref__isnull=False)
        .order_by("?")
        .values_list("tracking_ref", "citizen_cnic_last4", "citizen_mobile_last4")[:lookups]
    )
    if not sample:
        progress("no citizens' receipts with tracking references to look up")
        return {}
    found = [(ref, cnic or mobile) for ref, cnic, mobile in sample]
    found = [rng.choice(found) for _ in range(lookups)]
    wrong = [(ref, "0000" if factor != "0000" else "9999") for ref, factor in found]
    unknown = [(tracking.new_reference(), "1234") for _ in range(min(lookups, 500))]
    _time(found[:50])  # warm the connection and caches
    results = {}
    for name, calls in [("found", found), ("wrong_factor", wrong), ("unknown_ref", unknown)]:
        ms = _time(calls)
        results[name] = {
            "n": len(ms),
            "p50_ms": round(statistics.median(ms), 3),
            "p95_ms": round(_percentile(ms, 95), 3),
            "p99_ms": round(_percentile(ms, 99), 3),
        }
        r = results[name]
        progress(f"{name:<13} n={r['n']:>5}  p50 {r['p50_ms']:.3f} ms  p95 {r['p95_ms']:.3f} ms  "
                 f"p99 {r['p99_ms']:.3f} ms")  # fmt: skip
    results["receipts"] = Receipt.objects.filter(is_citizen_matter=True).count()
    return results
