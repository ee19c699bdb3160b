"""Diarising receipts and passing them on."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workspace import access, tracking
from workspace.forms import (
    DiariseForm,
    OpenFileForm,
    ReceiptDisposeForm,
    ReceiptMarkForm,
    ReceiptOutcomeForm,
)
from workspace.models import Receipt
from workspace.selectors import desk as sel
from workspace.services import files, receipts
from workspace.views import reader
from workspace.views.common import choice_labels, form_errors, marking, pk_url, run


@login_required
def receipt_list(request):
    return render(
        request,
        "workspace/receipts.html",
        {
            "receipts": sel.receipt_rows(user=request.user),
            # Per-row constants, worked out once for up to 100 rows.
            "receipt_url": pk_url("workspace:receipt"),
            "file_url": pk_url("workspace:file"),
            "status_labels": choice_labels(Receipt.Status.choices),
        },
    )


@login_required
def receipt_diarise(request):
    form = DiariseForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "", [])}
        receipt = run(request, receipts.receipt_diarise, None, **data)
        if receipt:
            from django.contrib import messages

            messages.success(request, _("Diarised as %(label)s.") % {"label": receipt.diary_label})
            url = reverse("workspace:receipt", args=[receipt.pk])
            # A citizen's matter: the receipt page offers the slip to print at once.
            return redirect(f"{url}?diarised=1" if receipt.tracking_ref else url)
        # Refused (the message says why): the form again, kept, with a 409 for machines.
        return render(request, "workspace/receipt_form.html", {"form": form}, status=409)
    elif request.method == "POST":
        form_errors(request, form)
    return render(request, "workspace/receipt_form.html", {"form": form})


@login_required
def receipt_detail(request, pk):
    receipt = sel.receipt_for(user=request.user, pk=pk)
    if receipt is None:
        raise Http404
    my_posts = access.my_post_ids(request.user)
    at_my_desk = receipt.holding_post_id in my_posts
    can_act = at_my_desk and receipt.status == Receipt.Status.PENDING
    open_form = OpenFileForm(
        user=request.user,
        initial={
            "subject": receipt.subject,
            "priority": receipt.priority,
            "grading": receipt.grading,
            "post": receipt.holding_post,
        },
    )
    # Where the matter is: the file's post once it is on a file, else the receipt's own.
    on_file = receipt.file_id is not None and receipt.status == Receipt.Status.ON_FILE
    return render(
        request,
        "workspace/receipt_detail.html",
        {
            "receipt": receipt,
            "desk_post": receipt.file.holding_post if on_file else receipt.holding_post,
            "seen": tracking.public_status_of(receipt_ids=[receipt.pk]).get(receipt.pk),
            "just_diarised": request.GET.get("diarised") == "1" and receipt.tracking_ref,
            "dispose_form": ReceiptDisposeForm() if can_act else None,
            **reader.receipt_viewer(request, receipt),
            "at_my_desk": at_my_desk,
            "can_act": can_act,
            "open_form": open_form,
            "outcome_form": (
                ReceiptOutcomeForm(initial={"outcome": receipt.outcome})
                if _may_write_outcome(receipt, my_posts)
                else None
            ),
            # The "mark to" chooser of the file page: one department's posts, not a <select>
            # of every post in the province (ReceiptMarkForm still validates the post).
            **(
                marking(
                    request,
                    holding_post=receipt.holding_post,
                    action=reverse("workspace:receipt_mark", args=[receipt.pk]),
                    due=False,
                )
                if can_act
                else {}
            ),
        },
    )


@login_required
@require_POST
def receipt_mark(request, pk):
    receipt = sel.receipt_for(user=request.user, pk=pk)
    if receipt is None:
        raise Http404
    form = ReceiptMarkForm(request.POST)
    if form.is_valid():
        run(
            request,
            receipts.receipt_mark,
            _("Receipt marked."),
            receipt=receipt,
            to_post=form.cleaned_data["to_post"],
            remarks=form.cleaned_data["remarks"],
        )
    else:
        form_errors(request, form)
    return redirect("workspace:receipt", pk=receipt.pk)


@login_required
@require_POST
def receipt_open_file(request, pk):
    receipt = sel.receipt_for(user=request.user, pk=pk)
    if receipt is None:
        raise Http404
    form = OpenFileForm(request.POST, user=request.user)
    if form.is_valid():
        file = run(
            request,
            files.file_open,
            _("File opened on the receipt."),
            receipt=receipt,
            **form.cleaned_data,
        )
        if file:
            return redirect("workspace:file", pk=file.pk)
    else:
        form_errors(request, form)
    return redirect("workspace:receipt", pk=receipt.pk)


def _may_write_outcome(receipt: Receipt, my_posts) -> bool:
    """Whether to offer the outcome form: a public citizen's matter at one of my posts (its
    file's post, or its own while pending). ``receipt_record_outcome`` decides for real."""
    if not receipt.is_public_matter:
        return False
    desk_post = receipt.file.holding_post_id if receipt.file_id else receipt.holding_post_id
    return desk_post in my_posts


@login_required
@require_POST
def receipt_outcome(request, pk):
    return _receipt_action(
        request,
        pk,
        ReceiptOutcomeForm,
        receipts.receipt_record_outcome,
        _("Outcome saved. The citizen sees it once the matter is decided."),
    )


@login_required
@require_POST
def receipt_dispose(request, pk):
    return _receipt_action(
        request,
        pk,
        ReceiptDisposeForm,
        receipts.receipt_dispose,
        _("Receipt disposed of. The citizen now sees the matter as decided."),
    )


def _receipt_action(request, pk, form_class, service, done_message):
    """A receipt card's form that writes the public outcome: the receipt as the user may
    see it, the form parsed, one service called (``run`` shows its refusal), back to the
    receipt's page."""
    receipt = sel.receipt_for(user=request.user, pk=pk)
    if receipt is None:
        raise Http404
    form = form_class(request.POST)
    if form.is_valid():
        run(request, service, done_message, receipt=receipt, outcome=form.cleaned_data["outcome"])
    else:
        form_errors(request, form)
    return redirect("workspace:receipt", pk=receipt.pk)
