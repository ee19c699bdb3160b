"""Staff screens: the search page and the "go to file number" box."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

import search
from search.types import FACETS, SORTS, Filters
from workspace.models import File


def file_url(file_id: int) -> str:
    """The desk's page for a file; the search page for its number until that page exists."""
    try:
        return reverse("workspace:file", args=[file_id])
    except NoReverseMatch:
        return reverse("search:files") + "?" + urlencode({"q": str(file_id)})


def _url(params: list[tuple[str, str]]) -> str:
    return reverse("search:files") + ("?" + urlencode(params) if params else "")


@require_GET
@login_required
def files(request):
    """Search the files the user may see, with facets; with no words, the newest files."""
    query = request.GET.get("q", "").strip()
    sort = request.GET.get("sort", "relevance")
    sort = sort if sort in SORTS else "relevance"
    filters = Filters.from_mapping(dict(request.GET.lists()))
    results = search.search_files(
        user=request.user,
        query=query,
        filters=filters,
        sort=sort,
        cursor=request.GET.get("cursor"),
    )
    base = ([("q", query)] if query else []) + filters.as_query()
    for hit in results.hits:
        hit.url = file_url(hit.file_id)
    for name, values in results.facets.items():
        for value in values:
            others = [(k, v) for k, v in base if not (k == name and v == str(value.value))]
            toggled = others if value.selected else [*others, (name, str(value.value))]
            value.url = _url(toggled + ([("sort", sort)] if sort != "relevance" else []))
    context = {
        "query": query,
        "sort": sort,
        "results": results,
        "facet_names": FACETS,
        "filters": filters,
        "sort_urls": {s: _url(base + ([("sort", s)] if s != "relevance" else [])) for s in SORTS},
        "next_url": _url([*base, ("sort", sort), ("cursor", results.next_cursor)])
        if results.next_cursor
        else None,
        "first_url": _url([*base, ("sort", sort)]) if request.GET.get("cursor") else None,
        "clear_url": _url([("q", query)] if query else []) if not filters.is_empty() else None,
        "has_words": bool(query),
    }
    return render(request, "search/files.html", context)


@require_GET
@login_required
def go(request):
    """Go to a file by its number: straight to the file when one matches, else the choices
    (only ever files the user may see), else a message."""
    number = " ".join(request.GET.get("number", "").split())
    if not number:
        return redirect("search:files")
    found = search.go_to_number(user=request.user, number=number)
    if isinstance(found, File):
        return redirect(file_url(found.pk))
    for file in found:
        file.url = file_url(file.pk)
    search_url = _url([("q", number)])
    return render(
        request, "search/go.html", {"number": number, "files": found, "search_url": search_url}
    )
