"""The file page and every action taken on a file."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.reauth import confirm_required
from workspace import access, time_limits, tracking
from workspace.forms import (
    DecisionForm,
    DraftForm,
    MarkForm,
    NoteForm,
    OpenFileForm,
    PaperForm,
    ParkForm,
    ReasonForm,
    RemarksForm,
)
from workspace.models import Approval, Draft, Enclosure, File, Movement, NoteParagraph
from workspace.selectors import desk as sel
from workspace.services import approvals, correspondence, files, movement, notes
from workspace.views.common import choice_labels, form_action, form_errors, marking, run

DRAFT_BEING_WRITTEN = (Draft.Status.DRAFT, Draft.Status.RETURNED)


def _file_or_404(request, pk) -> File:
    file = sel.file_for(user=request.user, pk=pk)
    if file is None:
        raise Http404
    return file


@login_required
def file_detail(request, pk):
    file = sel.file_for(user=request.user, pk=pk, related=sel.FILE_PAGE_RELATED)
    if file is None:
        raise Http404
    my_posts = access.my_post_ids(request.user)
    at_my_desk = file.holding_post_id in my_posts
    # At the desk the page offers the officer's pending receipts: read with the file's rows.
    page = sel.file_page(file=file, receipts_at=my_posts if at_my_desk else None)
    read_url = reverse("workspace:file_paper", args=[file.pk, 1]).rsplit("1/", 1)[0]
    for e in page["enclosures"]:
        e.read_urls = [f"{read_url}{p.current_version_id}/" for p in e.papers]
    flag_urls = {e.flag: e.read_urls[0] for e in page["enclosures"] if e.read_urls}
    writing = at_my_desk and file.status == File.Status.OPEN
    for d in page["drafts"]:
        d.links = approvals.draft_links(d) if writing and d.status in DRAFT_BEING_WRITTEN else []
    # What each citizen whose matter is on this file reads on the tracking page now.
    citizens = [e.receipt for e in page["enclosures"] if e.receipt_id and e.receipt.tracking_ref]
    seen_now = tracking.public_status_of(receipt_ids=[r.pk for r in citizens])
    public_lines = [(r, seen_now[r.pk]) for r in citizens if r.pk in seen_now]
    due_by = time_limits.limit_due(file)
    context = {
        "file": file,
        **page,
        "at_my_desk": at_my_desk,
        "can_decide": at_my_desk and file.holding_post.may_approve,
        **(
            marking(
                request,
                holding_post=file.holding_post,
                action=reverse("workspace:file_mark", args=[file.pk]),
            )
            if at_my_desk and file.status == File.Status.OPEN
            else {}
        ),
        "came_from": _came_from(file, page["movements"]) if at_my_desk else None,
        "send_back_to": _sent_up_from(file, page["movements"]) if at_my_desk else None,
        "decide_para": _paragraph_to_decide(file, page["paragraphs"]) if at_my_desk else None,
        "today": timezone.localdate(),
        # Overdue by its due date or its priority's time limit (workspace.time_limits).
        "overdue": time_limits.is_overdue(file, due=due_by),
        "due_by": due_by if file.status == File.Status.OPEN else None,
        "flag_urls": flag_urls,
        "public_lines": public_lines,
        "park_form": ParkForm(),
        "puc": next((e for e in page["enclosures"] if e.is_puc and e.read_urls), None),
        # Labels of the rows' choices, translated once for the page.
        "kind_labels": choice_labels(Movement.Kind.choices),
        "decision_labels": choice_labels(Approval.Decision.choices),
    }
    return render(request, "workspace/file_detail.html", context)


def _came_from(file, movements):
    """What ``movement.came_from(file)`` answers, read from the movements the page has
    loaded anyway (ordered by time): the post that last sent the file to where it is."""
    kinds = movement.MOVE_KINDS | movement.DECISION_KINDS
    for m in reversed(movements):
        if m.to_post_id == file.holding_post_id and m.kind in kinds:
            return m.from_post
    return None


def _sent_up_from(file, movements):
    """What ``movement.sent_up_from(file)`` answers (where "send back" goes), read from the
    movements the page has loaded anyway."""
    for m in reversed(movements):
        if m.to_post_id == file.holding_post_id and m.kind in movement.UP_KINDS:
            return m.from_post
    return None


def _paragraph_to_decide(file, paragraphs):
    """The note put up for orders: the latest final paragraph written at another post and not
    yet decided — only when the holding post has the power to approve."""
    if not file.holding_post.may_approve:
        return None
    for paragraph in reversed(paragraphs):
        if paragraph.post_id == file.holding_post_id:
            continue
        if paragraph.is_final and not paragraph.approvals.all():
            return paragraph
        return None
    return None


@login_required
def file_open(request):
    form = OpenFileForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        file = run(request, files.file_open, _("File opened."), **form.cleaned_data)
        if file:
            return redirect("workspace:file", pk=file.pk)
    elif request.method == "POST":
        form_errors(request, form)
    return render(request, "workspace/file_open.html", {"form": form})


def _file_page(file) -> str:
    """Where every action on a file goes back to: the file's page."""
    return reverse("workspace:file", kwargs={"pk": file.pk})


@login_required
@require_POST
def note_add(request, pk):
    file = _file_or_404(request, pk)
    return form_action(
        request,
        notes.note_add,
        _("Paragraph added."),
        back=_file_page(file),
        form=NoteForm(request.POST),
        data=lambda data: {
            "text": data["text"],
            "refers_to_flags": Enclosure.objects.filter(
                file=file, pk__in=request.POST.getlist("flags")
            ),
        },
        file=file,
    )


@login_required
@require_POST
def note_edit(request, pk, number):
    file = _file_or_404(request, pk)
    paragraph = get_object_or_404(NoteParagraph, file=file, number=number)
    return form_action(
        request,
        notes.note_edit,
        _("Paragraph changed."),
        back=_file_page(file),
        form=NoteForm(request.POST),
        paragraph=paragraph,
    )


@login_required
@require_POST
def note_delete(request, pk, number):
    file = _file_or_404(request, pk)
    paragraph = get_object_or_404(NoteParagraph, file=file, number=number)
    return form_action(
        request,
        notes.note_delete,
        _("Paragraph withdrawn."),
        back=_file_page(file),
        paragraph=paragraph,
    )


@login_required
@require_POST
def file_mark(request, pk):
    file = _file_or_404(request, pk)
    return form_action(
        request,
        movement.file_mark,
        lambda data, _moved: _("File marked to %(post)s.") % {"post": data["to_post"]},
        back=_file_page(file),
        form=MarkForm(request.POST),
        file=file,
    )


# What each remarks-only move takes from its form (the rest take the remarks alone).
_MOVE_FIELDS = {"put_up": ("remarks", "due_on"), "park": ("remarks", "hold_reason")}


@login_required
@require_POST
def file_move(request, pk, action):
    """Put up, send back, park, take out of park, close, reopen, record room: remarks only."""
    services = {
        "put_up": (movement.file_put_up, _("File put up.")),
        "send_back": (movement.file_send_back, _("File sent back.")),
        "park": (movement.file_park, _("File parked.")),
        "resume": (movement.file_resume, _("File taken out of park.")),
        "close": (movement.file_close, _("File closed.")),
        "reopen": (movement.file_reopen, _("File reopened.")),
        "record_room": (movement.file_to_record_room, _("File sent to the record room.")),
    }
    if action not in services:
        raise Http404
    service, done = services[action]
    fields = _MOVE_FIELDS.get(action, ("remarks",))
    file = _file_or_404(request, pk)
    return form_action(
        request,
        service,
        done,
        back=_file_page(file),
        form=(ParkForm if action == "park" else RemarksForm)(request.POST),
        data=lambda data: {name: data[name] for name in fields},
        file=file,
    )


@login_required
@require_POST
def file_recall(request, pk):
    # The sender no longer holds the file but may see it (it passed through their post).
    file = _file_or_404(request, pk)
    return form_action(
        request,
        movement.file_recall,
        _("File recalled."),
        back=_file_page(file),
        form=ReasonForm(request.POST),
        file=file,
    )


@login_required
@require_POST
def enclose_receipt(request, pk):
    file = _file_or_404(request, pk)
    receipt = sel.receipt_for(user=request.user, pk=request.POST.get("receipt") or 0)
    if receipt is None:
        raise Http404
    return form_action(
        request,
        correspondence.enclosure_add,
        _("Receipt put on the file."),
        back=_file_page(file),
        file=file,
        receipt=receipt,
        is_puc=bool(request.POST.get("is_puc")),
    )


@login_required
@require_POST
def enclose_paper(request, pk):
    file = _file_or_404(request, pk)
    return form_action(
        request,
        correspondence.paper_enclose,
        _("Paper put on the file."),
        back=_file_page(file),
        form=PaperForm(request.POST, request.FILES),
        file=file,
    )


@login_required
@require_POST
def mark_puc(request, pk, flag):
    file = _file_or_404(request, pk)
    enclosure = get_object_or_404(Enclosure, file=file, flag=flag)
    return form_action(
        request,
        correspondence.puc_mark,
        _("Flag %(flag)s is now the paper under consideration.") % {"flag": flag},
        back=_file_page(file),
        enclosure=enclosure,
    )


@login_required
@require_POST
@confirm_required
def note_decide(request, pk, number):
    file = _file_or_404(request, pk)
    paragraph = get_object_or_404(NoteParagraph, file=file, number=number)
    return form_action(
        request,
        approvals.note_decide,
        lambda data, _approval: (
            _("Approved and sent down.") if data["decision"] == "approved" else _("Returned.")
        ),
        back=_file_page(file),
        form=DecisionForm(request.POST),
        file=file,
        paragraph=paragraph,
    )


@login_required
@require_POST
def draft_add(request, pk):
    file = _file_or_404(request, pk)
    return form_action(
        request,
        approvals.draft_create,
        _("Draft added."),
        back=_file_page(file),
        form=DraftForm(request.POST),
        file=file,
    )


@login_required
@require_POST
@confirm_required
def draft_decide(request, pk, number):
    file = _file_or_404(request, pk)
    draft = get_object_or_404(Draft, file=file, number=number)
    return form_action(
        request,
        approvals.draft_decide,
        lambda data, _approval: (
            _("Draft approved.") if data["decision"] == "approved" else _("Draft returned.")
        ),
        back=_file_page(file),
        form=DecisionForm(request.POST),
        file=file,
        draft=draft,
    )


@login_required
@require_POST
@confirm_required
def draft_issue(request, pk, number):
    file = _file_or_404(request, pk)
    draft = get_object_or_404(Draft, file=file, number=number)
    return form_action(
        request,
        approvals.draft_issue,
        lambda _data, entry: _("Issued as %(number)s.") % {"number": entry.outgoing_number},
        back=_file_page(file),
        file=file,
        draft=draft,
    )
