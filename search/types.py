"""What the search facade hands back: plain dataclasses, the same from every backend."""

from __future__ import annotations

import base64
import html
import json
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.safestring import SafeString

# The engines mark highlights with these private-use characters; ``marked_html`` escapes
# everything else and turns them into <mark> tags, so a snippet can never carry markup.
MARK_START = "\ue000"
MARK_END = "\ue001"

SORTS = ("relevance", "newest")
FACETS = ("department", "status", "priority", "year")


def marked_html(text: str) -> SafeString:
    """HTML-escape ``text`` except the highlight marks, which become ``<mark>…</mark>``."""
    text = str(text or "").replace("\x00", "")
    # html.escape and SafeString are what Django's escape() and mark_safe() come to for a
    # str, without their lazy-string wrappers (~40 times a page of hits)
    out = html.escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    # An engine may cut a fragment between its marks; close any mark left open.
    opened = out.count("<mark>") - out.count("</mark>")
    out += "</mark>" * max(0, opened)
    # Escaped above; the only tags in ``out`` are our own <mark> pairs.
    return SafeString(out)


def strip_marks(text: str) -> str:
    return (text or "").replace(MARK_START, "").replace(MARK_END, "")


@dataclass(frozen=True)
class Filters:
    """Facet filters; empty means no restriction on that facet."""

    department: tuple[int, ...] = ()
    status: tuple[str, ...] = ()
    priority: tuple[int, ...] = ()
    year: tuple[int, ...] = ()

    @classmethod
    def from_mapping(cls, data: dict | None) -> Filters:
        """Accepts a dict of lists (``request.GET.lists()`` or the API's query), ignoring
        anything that does not parse, so a hand-edited URL cannot cause an error."""
        if isinstance(data, Filters):
            return data
        data = data or {}

        def ints(key):
            out = []
            for value in _as_list(data.get(key)):
                try:
                    out.append(int(value))
                except (TypeError, ValueError):
                    continue
            return tuple(sorted(set(out)))[:50]

        statuses = tuple(sorted({str(v) for v in _as_list(data.get("status")) if v}))[:10]
        return cls(
            department=ints("department"),
            status=statuses,
            priority=ints("priority"),
            year=ints("year"),
        )

    def is_empty(self) -> bool:
        return not (self.department or self.status or self.priority or self.year)

    def as_query(self) -> list[tuple[str, str]]:
        return [(name, str(v)) for name in FACETS for v in getattr(self, name)]


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, list | tuple | set):
        return list(value)
    return [value]


@dataclass
class Hit:
    """One file in the results. ``subject_html`` and ``snippet_html`` are safe HTML with
    the matched words in <mark>; everything else is plain data."""

    file_id: int
    number: str
    subject: str
    subject_html: SafeString
    snippet_html: SafeString
    department_id: int
    department: str
    section: str
    holding_post: str
    status: str
    status_label: str
    priority: int
    priority_label: str
    priority_slug: str
    grading: int
    grading_label: str
    grading_slug: str
    opened_at: datetime
    updated_at: datetime
    desk_since: datetime | None
    score: float | None = None


@dataclass
class FacetValue:
    value: int | str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchResults:
    """A page of hits with facets.

        ``total`` counts at most ``total_cap`` matches; ``total_is_capped`` says there are more.
        On the database backend the facet counts are taken over the same capped set of matches
        (the newest ``total_cap``); on Elasticsearch over all matches (``facets_capped`` says
        which). ``timed_out`` is set when the query hit its time limit, ``unavailable`` when the
    search engine could not be reached (the page then shows no hits and says so)."""

    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    total_is_capped: bool = False
    total_cap: int = 0
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    facets_capped: bool = False
    next_cursor: str | None = None
    sort: str = "relevance"
    backend: str = ""
    timed_out: bool = False
    unavailable: bool = False


@dataclass
class BackendPage:
    """What a backend returns to the facade, before the hits are loaded from the database:
    ordered file ids, their highlighted subject and snippet, and the counts."""

    ids: list[int]
    subjects: dict[int, str]
    snippets: dict[int, str]
    scores: dict[int, float]
    total: int
    total_is_capped: bool
    facets: dict[str, dict]  # facet → {value: count}
    facets_capped: bool
    next_cursor: str | None
    timed_out: bool = False
    unavailable: bool = False
    # department id → (English name, Urdu name) of the department facet's values, when the
    # backend read them with the counts (the database backend on PostgreSQL); the facade
    # reads the names of any others.
    department_names: dict[int, tuple[str, str]] = field(default_factory=dict)
    # The rows of the index source's ``hits_read`` for ``ids``, when the backend ran it with
    # its own statement (the database backend on PostgreSQL); else None and ``load_hits``
    # reads them.
    hit_rows: list | None = None


@dataclass
class CheckReport:
    """What ``check`` found (and, with repair, fixed)."""

    files: int = 0
    indexed: int = 0
    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    orphans: list[int] = field(default_factory=list)
    pending: list[int] = field(default_factory=list)
    repaired: int = 0

    @property
    def drift(self) -> int:
        return len(self.missing) + len(self.stale) + len(self.orphans) + len(self.pending)

    @property
    def ok(self) -> bool:
        return self.drift == 0


def encode_cursor(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict:
    """A cursor from a URL; anything unreadable means "first page"."""
    if not cursor:
        return {}
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}
