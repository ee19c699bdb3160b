"""Figures, as JSON lines and as a table a person reads.

Every line has the issue's keys — ``op``, ``n_files``, ``p50_ms``, ``p95_ms``, ``queries``,
``floor_p95_ms`` (null where they do not apply) — and what else the figure has: ``max_ms``,
``sql_p50_ms`` (time inside the database as Django's query log has it, to the millisecond),
``ratio_to_floor``, ``limit_ms`` and ``over_rule`` for latencies; ``rps`` for load; ``value``
and ``unit`` for throughputs and durations.

The rule (issue 8): an operation is a bug if its p95 is over twice the floor's p95 plus 20 ms
(``limit_ms``), or if its query count grows with the data (``queries_vary``: the count differed
between iterations over different files and users).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field


def percentile(values: list[float], pct: float) -> float | None:
    """Linear interpolation between closest ranks (as numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def _r(value, digits=2):
    return None if value is None else round(value, digits)


@dataclass
class Latency:
    """An operation timed in process, with the floor timed between its iterations."""

    op: str
    n_files: int
    ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)  # time inside the database, per call
    floor_ms: list[float] = field(default_factory=list)
    errors: int = 0
    note: str = ""
    source: str = "benchmark"
    # A background job no visitor waits for (a worker runs it): timed, but the rule of
    # issue 8 is about what people wait for, so it is not judged by it.
    background: bool = False
    # An operation whose issue sets its own floor (rendering and signing a letter: 1 s) is
    # judged by that, not by the page rule.
    own_limit_ms: float | None = None

    @property
    def p95(self):
        return percentile(self.ms, 95)

    @property
    def floor_p95(self):
        return percentile(self.floor_ms, 95)

    @property
    def limit_ms(self):
        if self.own_limit_ms is not None:
            return self.own_limit_ms
        return None if self.floor_p95 is None else 2 * self.floor_p95 + 20

    @property
    def over_rule(self) -> bool | None:
        if self.background or self.limit_ms is None or self.p95 is None:
            return None
        return self.p95 > self.limit_ms

    @property
    def queries_vary(self) -> bool:
        return len(set(self.queries)) > 1

    def as_json(self) -> dict:
        return {
            "op": self.op,
            "n_files": self.n_files,
            "p50_ms": _r(percentile(self.ms, 50)),
            "p95_ms": _r(self.p95),
            "max_ms": _r(max(self.ms) if self.ms else None),
            "sql_p50_ms": _r(percentile(self.sql_ms, 50)),
            "queries": int(percentile(self.queries, 50)) if self.queries else None,
            "queries_min": min(self.queries) if self.queries else None,
            "queries_max": max(self.queries) if self.queries else None,
            "queries_vary": self.queries_vary if self.queries else None,
            "floor_p50_ms": _r(percentile(self.floor_ms, 50)),
            "floor_p95_ms": _r(self.floor_p95),
            "ratio_to_floor": _r(self.p95 / self.floor_p95 if self.floor_ms and self.ms else None),
            "limit_ms": _r(self.limit_ms),
            "over_rule": self.over_rule,
            "iterations": len(self.ms),
            "errors": self.errors,
            "source": self.source,
            **({"background": True} if self.background else {}),
            **({"note": self.note} if self.note else {}),
        }


@dataclass
class Load:
    """Requests against the gunicorn server by concurrent clients."""

    op: str
    n_files: int
    clients: int
    seconds: float
    ms: list[float]
    errors: int
    floor_rps: float | None = None
    note: str = ""

    @property
    def rps(self) -> float:
        return len(self.ms) / self.seconds if self.seconds else 0.0

    def as_json(self) -> dict:
        return {
            "op": self.op,
            "n_files": self.n_files,
            "p50_ms": _r(percentile(self.ms, 50)),
            "p95_ms": _r(percentile(self.ms, 95)),
            "max_ms": _r(max(self.ms) if self.ms else None),
            "queries": None,
            "floor_p95_ms": None,
            "rps": _r(self.rps, 1),
            "floor_rps": _r(self.floor_rps, 1),
            "ratio_to_floor": _r(self.rps / self.floor_rps if self.floor_rps else None, 3),
            "requests": len(self.ms),
            "errors": self.errors,
            "clients": self.clients,
            "seconds": _r(self.seconds),
            "source": "benchmark",
            **({"note": self.note} if self.note else {}),
        }


@dataclass
class Value:
    """A throughput or a duration (intake, index build, generation)."""

    op: str
    n_files: int
    value: float | None
    unit: str
    source: str = "benchmark"
    note: str = ""
    extra: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "op": self.op,
            "n_files": self.n_files,
            "p50_ms": None,
            "p95_ms": None,
            "queries": None,
            "floor_p95_ms": None,
            "value": _r(self.value, 3),
            "unit": self.unit,
            "source": self.source,
            **self.extra,
            **({"note": self.note} if self.note else {}),
        }


def json_line(figure) -> str:
    return json.dumps(figure.as_json(), ensure_ascii=False)


def _label(op: str, width: int) -> str:
    """The operation's name in ``width`` columns; a hook's long label keeps its end."""
    op = op.replace("search.bench: search ", "search.bench: ")
    if len(op) > width:
        op = op[: width - 12] + "…" + op[-11:]
    return f"{op:<{width}}"


def _fmt(value, spec="8.1f") -> str:
    if isinstance(value, int | float):
        return format(value, spec)
    width = int("".join(ch for ch in spec.split(".")[0] if ch.isdigit()) or 8)
    return f"{'—':>{width}}"


def table(figures: list) -> str:
    """The figures as a plain-text table (monospace, fits 100 columns)."""
    lines = []
    latencies = [f for f in figures if isinstance(f, Latency)]
    if latencies:
        lines.append(
            f"{'operation':<40}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'sql50':>7}{'queries':>8}"
            f"{'floor95':>8}{'limit':>7}  verdict"
        )
        for f in latencies:
            j = f.as_json()
            queries = "—" if j["queries"] is None else str(j["queries"])
            if j["queries_vary"]:
                queries = f"{j['queries_min']}–{j['queries_max']}"
            verdict = "ok"
            if j["over_rule"]:
                verdict = "OVER (p95 > 2·floor+20)"
            elif j.get("background"):
                verdict = "background job (no rule)"
            elif j["over_rule"] is None:
                verdict = "(no floor)"
            if j["queries_vary"]:
                verdict += "; queries vary"
            if f.errors:
                verdict += f"; {f.errors} errors"
            lines.append(
                f"{_label(f.op, 40)}{_fmt(j['p50_ms'])}{_fmt(j['p95_ms'])}{_fmt(j['max_ms'])}"
                f"{_fmt(j['sql_p50_ms'], '7.1f')}{queries:>8}{_fmt(j['floor_p95_ms'])}"
                f"{_fmt(j['limit_ms'], '7.0f')}  {verdict}"
            )
    loads = [f for f in figures if isinstance(f, Load)]
    if loads:
        lines.append("")
        lines.append(
            f"{'under load (gunicorn, 2 workers)':<40}{'req/s':>8}{'× floor':>8}{'p50 ms':>8}"
            f"{'p95 ms':>8}{'errors':>8}  clients"
        )
        for f in loads:
            j = f.as_json()
            lines.append(
                f"{_label(f.op, 40)}{_fmt(j['rps'])}{_fmt(j['ratio_to_floor'], '8.2f')}"
                f"{_fmt(j['p50_ms'])}{_fmt(j['p95_ms'])}{j['errors']:>8}  {f.clients}"
            )
    values = [f for f in figures if isinstance(f, Value)]
    if values:
        lines.append("")
        lines.append(f"{'intake and build':<52}{'value':>14}  unit")
        for f in values:
            lines.append(f"{f.op[:52]:<52}{_fmt(f.value, '14,.2f')}  {f.unit}")
    return "\n".join(lines)
