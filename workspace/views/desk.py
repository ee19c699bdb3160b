"""The inbox, sent items, parked files and the dispatch register."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from workspace import access, time_limits
from workspace.models import Grading, Priority
from workspace.selectors import desk as sel
from workspace.services import approvals
from workspace.views.common import choice_labels, pk_url


@login_required
def inbox(request):
    page = sel.inbox_files(user=request.user, cursor=request.GET.get("after"))
    today = timezone.localdate()
    for file in page.rows:  # the holding post's department is on the row: no query
        file.due_by = time_limits.limit_due(file)
        file.overdue = time_limits.is_overdue(file, today=today, due=file.due_by)
    return render(
        request,
        "workspace/inbox.html",
        {
            "files": page.rows,
            "next_cursor": page.next_cursor,
            "receipts": sel.inbox_receipts(user=request.user),
            "counts": sel.inbox_counts(user=request.user),
            "now": timezone.now(),
            "today": today,
            "limits_text": _limits_text(request.user),
            # Per-row constants, worked out once for up to 50 rows.
            "file_url": pk_url("workspace:file"),
            "receipt_url": pk_url("workspace:receipt"),
            "priority_labels": choice_labels(Priority.choices),
            "grading_labels": choice_labels(Grading.choices),
        },
    )


@login_required
def sent(request):
    page = sel.sent_items(user=request.user, cursor=request.GET.get("after"))
    return render(
        request, "workspace/sent.html", {"movements": page.rows, "next_cursor": page.next_cursor}
    )


@login_required
def parked(request):
    return render(
        request,
        "workspace/parked.html",
        {"files": sel.parked_files(user=request.user), "now": timezone.now()},
    )


@login_required
def dispatch(request):
    entries = sel.dispatch_register(user=request.user)
    for entry in entries:  # the signed letter's page, when an issue step made one (no query)
        entry.letter_url = approvals.letter_url(entry)
    return render(request, "workspace/dispatch.html", {"entries": entries})


def _limits_text(user) -> str:
    """The time limits of the department of the user's first post (the holdings the layout
    reads anyway)."""
    holdings = access.my_holdings(user)
    return time_limits.describe(holdings[0].post.section.department) if holdings else ""
