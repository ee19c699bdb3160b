"""The viewer: a paper read page by page beside the note sheet (the file page loads this
screen's panel into its side with ``static/js/viewer.js``), or in its own screen on a phone
or without JavaScript. Opening a paper is checked and audited once
(``documents.services.paper_open``); its page images are served by
``documents.views.page_image`` against the pass the opening hands out."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from documents import selectors as papers
from documents import services as documents
from documents import viewer
from kernel.errors import NotFound
from workspace.models import Draft, File
from workspace.selectors import desk as sel


def _render(request, template_context: dict):
    partial = request.GET.get("partial") == "1"
    template = "workspace/_viewer.html" if partial else "workspace/reader.html"
    return render(request, template, template_context)


def _paper_context(request, version, *, back_url: str, base_url: str, label: str) -> dict:
    try:
        documents.paper_open(actor=request.user, version=version)
    except NotFound:
        raise Http404 from None
    token = viewer.make_pass(user_id=request.user.pk, version_id=version.pk)
    count = viewer.page_count(version) if viewer.can_show(version) else 0
    shown = min(count, viewer.MAX_PAGES)
    pages_url = reverse("documents:page_image", args=[version.pk, 1]).rsplit("/", 1)[0]
    # Stamped copies (diary number, flag label) of the version shown: the version is the
    # paper as received; the copy is offered beside it.
    versions, copies = papers.versions_and_copies(version=version)
    return {
        "label": label,
        "paper": version.paper,
        "version": version,
        "versions": versions,
        "copies": copies,
        "pages": [
            {"number": n, "url": f"{pages_url}/{n}.png?t={token}"} for n in range(1, shown + 1)
        ],
        "page_count": count,
        "more_pages": count > shown,
        "back_url": back_url,
        "base_url": base_url,
    }


@login_required
def file_paper(request, pk, version_id):
    """A paper on the file — on a flag, or a scan of a receipt on it — in the file's viewer."""
    file = sel.file_for(user=request.user, pk=pk, related=sel.FILE_ONLY)  # shows none of its posts
    if file is None:
        raise Http404
    found = sel.file_paper(file=file, version_id=version_id)
    if found is None:
        raise Http404
    # Whether the user may read the paper is asked once, by the opening (``_paper_context``).
    version, enclosure = found
    label = f"{enclosure.flag}"
    return _render(
        request,
        {
            "file": file,
            "enclosure": enclosure,
            **_paper_context(
                request,
                version,
                back_url=reverse("workspace:file", args=[file.pk]),
                base_url=reverse("workspace:file", args=[file.pk]) + "read/",
                label=label,
            ),
        },
    )


@login_required
def receipt_paper(request, pk, version_id):
    """A scanned paper of a receipt, in its own screen (the receipt page shows it inline)."""
    receipt = sel.receipt_for(user=request.user, pk=pk)
    if receipt is None:
        raise Http404
    try:
        version = papers.version_for(user=request.user, version_id=version_id)
    except NotFound:
        raise Http404 from None
    if not receipt.papers.filter(pk=version.paper_id).exists():
        raise Http404
    return _render(
        request,
        {
            "receipt": receipt,
            **_paper_context(
                request,
                version,
                back_url=reverse("workspace:receipt", args=[receipt.pk]),
                base_url=reverse("workspace:receipt", args=[receipt.pk]) + "read/",
                label="",
            ),
        },
    )


def receipt_viewer(request, receipt) -> dict:
    """The receipt page's inline viewer: its first scan, opened (and audited) with the page."""
    scans = [p for p in receipt.papers.select_related("current_version") if p.current_version_id]
    if not scans:
        return {"scans": []}
    version = scans[0].current_version
    version.paper = scans[0]
    base = reverse("workspace:receipt", args=[receipt.pk]) + "read/"
    return {
        "scans": scans,
        "viewer": _paper_context(
            request,
            version,
            back_url=reverse("workspace:receipt", args=[receipt.pk]),
            base_url=base,
            label="",
        ),
    }


@login_required
def draft_read(request, pk, number):
    """A draft for approval, as the letter reads, in the file's viewer."""
    file = sel.file_for(user=request.user, pk=pk)
    if file is None:
        raise Http404
    draft = get_object_or_404(Draft.objects.select_related("dispatch"), file=file, number=number)
    return _render(
        request,
        {
            "file": file,
            "draft": draft,
            "back_url": reverse("workspace:file", args=[file.pk]),
        },
    )


__all__ = ["File", "draft_read", "file_paper", "receipt_paper", "receipt_viewer"]
