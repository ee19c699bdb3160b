"""Turning a backend's page into what screens show: hits loaded from the database (and so
re-checked against the desk's visibility rule) and labelled facets. A fixed number of
queries, whatever the page size."""

from __future__ import annotations

from search.types import BackendPage, FacetValue, Filters, Hit, marked_html
from workspace import access
from workspace.models import Department, File, Grading, Priority


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


def load_hits(*, user, page: BackendPage) -> list[Hit]:
    # Each label translated once per page, not once per hit.
    statuses = {value: str(label) for value, label in File.Status.choices}
    priorities = {value: str(label) for value, label in Priority.choices}
    gradings = {value: str(label) for value, label in Grading.choices}
    hits = []
    for file in files_for(user=user, ids=page.ids):
        subject = page.subjects.get(file.pk) or file.subject
        hits.append(
            Hit(
                file_id=file.pk,
                number=file.number,
                subject=file.subject,
                subject_html=marked_html(subject),
                snippet_html=marked_html(page.snippets.get(file.pk, "")),
                department_id=file.department_id,
                department=file.department.name,
                section=file.section.name,
                holding_post=file.holding_post.designation if file.holding_post else "",
                status=file.status,
                status_label=statuses.get(file.status, file.status),
                priority=file.priority,
                priority_label=priorities.get(file.priority, str(file.priority)),
                priority_slug=file.priority_slug,
                grading=file.grading,
                grading_label=gradings.get(file.grading, str(file.grading)),
                grading_slug=file.grading_slug,
                opened_at=file.opened_at,
                updated_at=file.updated_at,
                desk_since=file.desk_since,
                score=page.scores.get(file.pk),
            )
        )
    return hits


def facet_values(counts: dict[str, dict], filters: Filters) -> dict[str, list[FacetValue]]:
    """Labelled facet values, most frequent (or most natural) first; a selected value is kept
    even when nothing matches it any more, so it can be unselected."""
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
    names = (
        {d.pk: d.name for d in Department.objects.filter(pk__in=department_ids)}
        if department_ids
        else {}
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
