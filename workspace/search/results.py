"""Turning a search backend's page into what the desk's screens show: hits loaded from the
desk's tables (and so re-checked against its visibility rule) and labelled facets; and the
files the "go to file number" box finds. Given to the engine through
``search.sources.IndexSource``. A fixed number of queries, whatever the page size."""

from __future__ import annotations

from functools import lru_cache

from django.db.models import BooleanField, Exists, OuterRef
from django.db.models.expressions import RawSQL
from django.utils.translation import get_language

from kernel.compiled import Bound, compiled
from organisation.models import Department
from organisation.selectors import my_department_ids, my_post_ids
from search.sources import PAGE_IDS_SETTING, Viewer
from search.types import BackendPage, FacetValue, Filters, Hit, marked_html
from workspace import access
from workspace.models import File, Grading, Priority
from workspace.models.files import GRADING_SLUGS, PRIORITY_SLUGS


def files_for(*, user, ids: list[int]) -> list[File]:
    """The files among ``ids`` that ``user`` may see, in the order of ``ids`` (one query)."""
    if not ids:
        return []
    files = (
        access.visible_files(user)
        .filter(pk__in=ids)
        .select_related("department", "section", "holding_post")
    )
    by_id = {f.pk: f for f in files}
    return [by_id[i] for i in ids if i in by_id]


def exact_numbers(*, user, numbers: list[str], limit: int) -> list[File]:
    """The files whose number is one of ``numbers``, newest first, each with ``may_see``:
    whether ``user`` may see it, in the same query (one query)."""
    return list(
        File.objects.filter(number__in=numbers)
        .annotate(may_see=Exists(access.visible_files(user).filter(pk=OuterRef("pk"))))
        .select_related("department", "section", "holding_post")
        .order_by("-opened_at")[:limit]
    )


_HIT_COLUMNS = (
    "pk",
    "number",
    "subject",
    "department_id",
    "department__name_en",
    "department__name_ur",
    "section__name_en",
    "section__name_ur",
    "holding_post__designation_en",
    "holding_post__designation_ur",
    "status",
    "priority",
    "grading",
    "opened_at",
    "updated_at",
    "desk_since",
)


def _bilingual(english: str | None, urdu: str | None, in_urdu: bool) -> str:
    # As ``BilingualName.name`` and ``Post.designation``: Urdu when asked for and present.
    return (urdu if in_urdu and urdu else english) or ""


@compiled  # the visibility rule's OR and subquery took ~2 ms a page to compile
def _visible_hit_rows(*, file_ids: list[int], post_ids: list[int], department_ids: list[int]):
    return (
        access.files_visible_from(post_ids=post_ids, department_ids=department_ids)
        .filter(pk__any_of=file_ids)
        .order_by()
        .values_list(*_HIT_COLUMNS)
    )


@compiled  # as _visible_hit_rows, the page's ids left by the search statement in its message
def _visible_page_rows(*, post_ids: list[int], department_ids: list[int]):
    on_page = RawSQL(  # noqa: S611 — constants only
        f'"{File._meta.db_table}"."{File._meta.pk.column}"'
        f" = ANY(current_setting('{PAGE_IDS_SETTING}', true)::bigint[])",
        [],
        output_field=BooleanField(),
    )
    return (
        access.files_visible_from(post_ids=post_ids, department_ids=department_ids)
        .filter(on_page)
        .order_by()
        .values_list(*_HIT_COLUMNS)
    )


def hits_read(viewer: Viewer) -> Bound:
    """``load_hits``'s read for the page whose file ids the search statement leaves in
    ``PAGE_IDS_SETTING``: the database backend sends it in the statement's message
    (``search.sources.IndexSource.hits_read``), which saves a round trip a search."""
    return _visible_page_rows.bind(
        post_ids=list(viewer.post_ids), department_ids=list(viewer.department_ids)
    )


@lru_cache(maxsize=8)
def _labels(language: str) -> tuple[dict, dict, dict]:
    """The status, priority and grading labels in ``language`` (the active one: they are
    translated when read here), once per process rather than 24 translations a page."""
    return (
        {value: str(label) for value, label in File.Status.choices},
        {value: str(label) for value, label in Priority.choices},
        {value: str(label) for value, label in Grading.choices},
    )


def load_hits(*, user, page: BackendPage) -> list[Hit]:
    """The page's hits, re-checked against ``workspace.access`` (one query, or none when the
    backend read them with its statement: ``page.hit_rows``, by ``hits_read``). Plain values,
    not model instances: a page of 20 files with their department, section and post would
    build 80 of them to read a dozen columns."""
    if not page.ids:
        return []
    language = get_language() or "en"
    statuses, priorities, gradings = _labels(language)
    in_urdu = language.startswith("ur")
    if page.hit_rows is not None:
        rows = {row[0]: row for row in page.hit_rows}
    elif posts := my_post_ids(user):
        rows = {
            row[0]: row
            for row in _visible_hit_rows(
                file_ids=list(page.ids),
                post_ids=posts,
                department_ids=my_department_ids(user),
            )
        }
    else:
        rows = {}
    hits = []
    for file_id in page.ids:
        row = rows.get(file_id)
        if row is None:
            continue
        (
            _,
            number,
            subject,
            department_id,
            department_en,
            department_ur,
            section_en,
            section_ur,
            post_en,
            post_ur,
            status,
            priority,
            grading,
            opened_at,
            updated_at,
            desk_since,
        ) = row
        hits.append(
            Hit(
                file_id=file_id,
                number=number,
                subject=subject,
                subject_html=marked_html(page.subjects.get(file_id) or subject),
                snippet_html=marked_html(page.snippets.get(file_id, "")),
                department_id=department_id,
                department=_bilingual(department_en, department_ur, in_urdu),
                section=_bilingual(section_en, section_ur, in_urdu),
                holding_post=_bilingual(post_en, post_ur, in_urdu),
                status=status,
                status_label=statuses.get(status, status),
                priority=priority,
                priority_label=priorities.get(priority, str(priority)),
                priority_slug=PRIORITY_SLUGS[priority],
                grading=grading,
                grading_label=gradings.get(grading, str(grading)),
                grading_slug=GRADING_SLUGS[grading],
                opened_at=opened_at,
                updated_at=updated_at,
                desk_since=desk_since,
                score=page.scores.get(file_id),
            )
        )
    return hits


def facet_values(
    counts: dict[str, dict], filters: Filters, department_names=None
) -> dict[str, list[FacetValue]]:
    """Labelled facet values, most frequent (or most natural) first; a selected value is kept
    even when nothing matches it any more, so it can be unselected. ``department_names``
    (id → (English, Urdu)): the names the backend already read; the others are queried."""
    selected = {
        "department": set(filters.department),
        "status": set(filters.status),
        "priority": set(filters.priority),
        "year": set(filters.year),
    }
    merged = {}
    for name, chosen in selected.items():
        values = dict(counts.get(name, {}))
        for value in chosen:
            values.setdefault(value, 0)
        merged[name] = values

    department_ids = [d for d in merged["department"] if d is not None]
    in_urdu = (get_language() or "en").startswith("ur")
    known = department_names or {}
    names = {pk: _bilingual(*known[pk], in_urdu) for pk in department_ids if pk in known}
    missing = [pk for pk in department_ids if pk not in known]
    if missing:
        names.update(
            (pk, _bilingual(english, urdu, in_urdu))
            for pk, english, urdu in Department.objects.filter(pk__in=missing)
            .order_by()
            .values_list("pk", "name_en", "name_ur")
        )
    status_labels = dict(File.Status.choices)
    status_order = [s for s, _ in File.Status.choices]
    priority_labels = dict(Priority.choices)

    out = {
        "department": sorted(
            (
                FacetValue(d, names.get(d, str(d)), n, d in selected["department"])
                for d, n in merged["department"].items()
                if d in names
            ),
            key=lambda f: (-f.count, f.label),
        ),
        "status": sorted(
            (
                FacetValue(s, str(status_labels.get(s, s)), n, s in selected["status"])
                for s, n in merged["status"].items()
                if s in status_labels
            ),
            key=lambda f: status_order.index(f.value),
        ),
        "priority": sorted(
            (
                FacetValue(p, str(priority_labels.get(p, p)), n, p in selected["priority"])
                for p, n in merged["priority"].items()
                if p in priority_labels
            ),
            key=lambda f: -f.value,
        ),
        "year": sorted(
            (FacetValue(y, str(y), n, y in selected["year"]) for y, n in merged["year"].items()),
            key=lambda f: -f.value,
        ),
    }
    return out
