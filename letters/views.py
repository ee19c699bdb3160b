"""Staff: an issued letter's page, its signed PDF, emailing it from the register.
Public: the verification page (``/verify/``), phone-first, English and Urdu."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.reauth import confirm_required
from letters import codes, selectors, services, verify
from letters import render as letter_render
from portal_pages.caching import make_private
from workspace.models import Draft
from workspace.views.common import run


def _letter_or_404(request, dispatch_id):
    letter = selectors.letter_for(user=request.user, dispatch_id=dispatch_id)
    if letter is None:
        raise Http404(_("There is no such letter among those you may see."))
    return letter


@login_required
def letter(request, dispatch_id: int):
    letter = _letter_or_404(request, dispatch_id)
    draft = letter.dispatch.draft
    return render(
        request,
        "letters/letter_detail.html",
        {
            "letter": letter,
            "entry": letter.dispatch,
            "draft": draft,
            "code": codes.display(letter.code),
            "verify_url": letter_render.verify_url(letter.code),
            "emails": list(letter.emails.all()[:20]),
            "may_send": selectors.may_dispatch(user=request.user, letter=letter),
            "suggested": "\n".join(_addresses_in(letter.dispatch.addressees)),
        },
    )


def _addresses_in(text: str) -> list[str]:
    """Email addresses written in the addressee lines, e.g. ``The Secretary <s@x.gov.pk>``."""
    found = []
    for word in text.replace("<", " ").replace(">", " ").replace(",", " ").split():
        if "@" in word and "." in word.split("@")[-1] and word not in found:
            found.append(word.strip(".;"))
    return found


@login_required
def letter_pdf(request, dispatch_id: int):
    letter = _letter_or_404(request, dispatch_id)
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    name = letter.dispatch.outgoing_number.replace("/", "-")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


@login_required
@require_POST
@confirm_required
def letter_email(request, dispatch_id: int):
    letter = _letter_or_404(request, dispatch_id)
    run(
        request,
        services.letter_email,
        _("The signed letter was sent by email."),
        letter=letter,
        to=request.POST.get("to", ""),
    )
    return redirect("letters:letter", dispatch_id=dispatch_id)


class InsertTextForm(forms.Form):
    """One standard text in one language: the option's value is ``<id>:<en|ur>``."""

    text = forms.ChoiceField(label=_("Standard text"))

    def __init__(self, *args, texts=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        for text in texts:
            choices.append((f"{text.pk}:en", f"{text.display_title} ({_('English')})"))
            if text.text_ur:
                choices.append((f"{text.pk}:ur", f"{text.display_title} ({_('Urdu')})"))
        self.fields["text"].choices = choices

    def parsed(self) -> dict:
        pk, language = self.cleaned_data["text"].split(":")
        return {"text_id": int(pk), "language": language}


@login_required
@require_http_methods(["GET", "POST"])
def draft_texts(request, draft_id: int):
    """A draft with the department's standard texts to insert: pick one and Insert appends it
    to the draft's text (a plain form post; the script only previews the chosen text)."""
    draft = selectors.draft_for_texts(user=request.user, draft_id=draft_id)
    if draft is None:
        raise Http404(_("There is no such draft among those you may see."))
    texts = selectors.standard_texts_for(user=request.user, draft=draft)
    form = InsertTextForm(request.POST or None, texts=texts)
    if request.method == "POST":
        if form.is_valid():
            done = run(
                request,
                services.standard_text_insert,
                _("The standard text was added to the draft."),
                draft=draft,
                **form.parsed(),
            )
            if done is not None:
                return redirect("letters:draft_texts", draft_id=draft.pk)
        else:
            messages.error(request, _("Choose a standard text."))
        draft = selectors.draft_for_texts(user=request.user, draft_id=draft_id)
    return render(
        request,
        "letters/draft_texts.html",
        {
            "draft": draft,
            "file": draft.file,
            "texts": texts,
            "form": form,
            "editable": draft.status in (Draft.Status.DRAFT, Draft.Status.RETURNED),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def verify_page(request):
    result = None
    status = 200
    if request.method == "POST":
        form = verify.VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            result = verify.verify(
                request, code=form.cleaned_data["code"], pdf=form.cleaned_data["pdf"]
            )
        else:
            status = 400
    elif request.GET.get("code"):
        form = verify.VerifyForm({"code": request.GET["code"][:24]})
        if form.is_valid():
            result = verify.verify(request, code=form.cleaned_data["code"])
    else:
        form = verify.VerifyForm()
    if result is not None and result.limited:
        status = result.http_status
    response = render(
        request, "letters/verify.html", {"form": form, "result": result}, status=status
    )
    if result is not None and result.limited:
        response["Retry-After"] = str(result.retry_after)
    return make_private(response)
