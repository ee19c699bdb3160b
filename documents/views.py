"""Staff screens of the documents app: downloads (permission-checked and audited), and a small
"papers I uploaded" screen. Thin: parse, call one service or selector, answer."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from documents import access, selectors, services, storage, viewer
from documents.access import version_refusal
from documents.conf import limit
from documents.intake import types
from documents.models import Paper
from kernel.errors import ActionRefused, NotFound, PermissionDenied

INLINE_TYPES = {types.PDF, types.PNG, types.JPEG}


def _serve(request, version_id: int, *, inline: bool):
    try:
        version = selectors.version_for(user=request.user, version_id=version_id)
        services.paper_download_record(actor=request.user, version=version)
    except NotFound:
        raise Http404()
    return _stored_response(version, inline=inline)


def _stored_response(stored, *, inline: bool):
    """The object behind a version or a rendition (both name it, its type and a file name)."""
    if storage.is_s3():
        seconds = min(limit("DAFTAR_DOWNLOAD_URL_SECONDS"), 60)
        url = storage.presigned_url(
            stored.storage_name,
            filename=stored.download_name,
            content_type=stored.mime_type,
            seconds=seconds,
            inline=inline,
        )
        response = HttpResponseRedirect(url)
    else:
        response = FileResponse(
            storage.open_object(stored.storage_name),
            as_attachment=not inline,
            filename=stored.download_name,
            content_type=stored.mime_type,
        )
        if inline and stored.mime_type != types.PDF:
            # An image shown beside the note sheet: nothing in it may run or load. (PDFs were
            # refused at intake if they carried scripts; browsers will not show a PDF in a
            # sandboxed document.)
            response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@xframe_options_sameorigin
def rendition(request, rendition_id: int):
    """A stamped copy, shown in the browser (it is always a PDF): to those who may see the
    paper, audited as a download; 404 to anyone else."""
    try:
        found = selectors.rendition_for(user=request.user, rendition_id=rendition_id)
        services.rendition_download_record(actor=request.user, rendition=found)
    except NotFound:
        raise Http404()
    return _stored_response(found, inline=request.GET.get("download") != "1")


@login_required
def download(request, version_id: int):
    return _serve(request, version_id, inline=False)


@login_required
def page_image(request, version_id: int, number: int):
    """One page of a paper as PNG, for the viewer: only with the pass its audited opening
    handed out (``documents.viewer``), and only while the user may still see the paper."""
    if not viewer.pass_is_valid(
        request.GET.get("t", ""), user_id=request.user.pk, version_id=version_id
    ):
        raise Http404()
    try:
        version = selectors.version_for(user=request.user, version_id=version_id)
    except NotFound:
        raise Http404()
    if not viewer.can_show(version) or not 1 <= number <= viewer.page_count(version):
        raise Http404()
    response = HttpResponse(viewer.page_png(version, number), content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    # The page of a version never changes; the pass in the URL expires.
    response["Cache-Control"] = "private, max-age=1800"
    return response


@login_required
@xframe_options_sameorigin
def view(request, version_id: int):
    """A PDF or image shown in the browser (beside the note sheet); others download."""
    try:
        version = selectors.version_for(user=request.user, version_id=version_id)
    except NotFound:
        raise Http404()
    return _serve(request, version_id, inline=version.mime_type in INLINE_TYPES)


class UploadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255, required=False)
    kind = forms.ChoiceField(label=_("Kind of paper"), choices=Paper.Kind.choices)
    upload = forms.FileField(label=_("File"))


class VersionForm(forms.Form):
    upload = forms.FileField(label=_("New version"))


def _refusal(form, exc) -> None:
    if isinstance(exc, DjangoValidationError):
        for message in exc.messages:
            form.add_error("upload", message)
    else:
        form.add_error(None, str(getattr(exc, "message", exc)))


@login_required
def paper_list(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.paper_upload(
                actor=request.user,
                upload=form.cleaned_data["upload"],
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
            )
        except (DjangoValidationError, ActionRefused, PermissionDenied) as exc:
            _refusal(form, exc)
        else:
            messages.success(request, _("The paper was uploaded."))
            return redirect("documents:paper_detail", paper_id=version.paper_id)
    page = Paginator(selectors.papers_uploaded_by(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "documents/paper_list.html", {"page": page, "form": form})


@login_required
def paper_detail(request, paper_id: int):
    try:
        paper = selectors.paper_for(user=request.user, paper_id=paper_id)
    except NotFound:
        raise Http404()
    return _paper_page(request, paper, VersionForm())


def _paper_page(request, paper, form, status=200):
    refusal = version_refusal(user=request.user, paper=paper)
    versions = list(selectors.versions_of(paper=paper))
    renditions = selectors.renditions_of(versions=versions)
    for version in versions:
        version.copies = renditions.get(version.pk, [])
    return render(
        request,
        "documents/paper_detail.html",
        {
            "paper": paper,
            "versions": versions,
            "form": form,
            **access.places_of(user=request.user, paper=paper),
            # Why this user may not add a version now (the service decides for real).
            "version_refusal": refusal[1] if refusal else "",
        },
        status=status,
    )


@login_required
@require_POST
def paper_new_version(request, paper_id: int):
    try:
        paper = selectors.paper_for(user=request.user, paper_id=paper_id)
    except NotFound:
        raise Http404()
    form = VersionForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            services.paper_add_version(
                actor=request.user, paper=paper, upload=form.cleaned_data["upload"]
            )
        except (DjangoValidationError, ActionRefused, PermissionDenied) as exc:
            _refusal(form, exc)
            status = {ActionRefused: 409, PermissionDenied: 403}.get(type(exc), 400)
        else:
            messages.success(request, _("The new version was added."))
            return redirect("documents:paper_detail", paper_id=paper.pk)
    return _paper_page(request, paper, form, status=status)
