"""The complaint screens: the public site's (file, track, answer, feedback; phone first) and
the offices' (the queue by time left, one complaint and its actions, evidence)."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from complaints import access, figures, selectors, services, stats
from complaints.forms import (
    FILING_CHOICES_SECONDS,
    AnswerForm,
    ComplaintForm,
    FeedbackForm,
    QuestionForm,
    ResolveForm,
    RevealForm,
    TrackForm,
)
from complaints.models import Complaint, Evidence, Status
from documents import storage
from kernel.client_ip import client_ip
from kernel.errors import ActionRefused, NotFound, PermissionDenied, ValidationError
from organisation.models import Post, Section, TerritorialRole
from portal_pages import ratelimit as track_limits
from portal_pages.tables import csv_response, csv_text, json_response
from workspace import tracking

SESSION_KEY = "complaints_unlocked"


def _errors_into(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _unlock(request, complaint: Complaint) -> None:
    refs = [r for r in request.session.get(SESSION_KEY, []) if r != complaint.tracking_ref]
    request.session[SESSION_KEY] = [complaint.tracking_ref, *refs][:10]


# ---- public -------------------------------------------------------------------------------


@never_cache
def new(request):
    """File a complaint; the answer is the acknowledgement with the tracking number."""
    form = ComplaintForm(request.POST or None, request.FILES or None)
    refused = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = services.file_complaint(
                actor=services.portal_actor(),
                client=client_ip(request),
                category=data["category"],
                district=data["district"],
                tehsil=data["tehsil"],
                description=data["description"],
                mobile=data["mobile"],
                cnic_last4=data["cnic_last4"],
                email=data["email"],
                name=data["name"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                uploads=data["evidence"],
                language=get_language() or "en",
            )
        except ValidationError as exc:
            _errors_into(form, exc)
            status = 400
        except ActionRefused as exc:
            refused = str(exc.message)
            status = 429
        else:
            _unlock(request, complaint)
            return render(
                request,
                "complaints/filed.html",
                {"complaint": complaint, "view": selectors.public_view(complaint)},
                status=201,
            )
    elif request.method == "POST":
        status = 400
    context = {"form": form, "refused": refused, "choices_seconds": FILING_CHOICES_SECONDS}
    return render(request, "complaints/new.html", context, status=status)


@never_cache
def track(request):
    form = TrackForm(request.POST or None)
    message = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        ref = tracking.normalise(form.cleaned_data["reference"])
        verdict = track_limits.check(client=track_limits.client_of(request), reference=ref)
        if not verdict.allowed:
            message = _(
                "Too many attempts. To protect citizens' information, tracking is paused for a "
                "while. Please try again in %(minutes)s minutes."
            ) % {"minutes": max(1, (verdict.retry_after + 59) // 60)}
            status = 429
        else:
            complaint = services.find_for_citizen(ref, form.cleaned_data["second_factor"])
            if complaint is None:
                track_limits.record_failure(reference=ref)
                message = _(
                    "We could not find a complaint with this tracking number and these four "
                    "digits. Check both against your acknowledgement."
                )
                status = 404
            else:
                _unlock(request, complaint)
                return redirect("complaints:mine", reference=complaint.tracking_ref)
    return render(
        request, "complaints/track.html", {"form": form, "message": message}, status=status
    )


def open_from_tracking_page(request, reference: str, second_factor: str) -> str | None:
    """The public site's tracking page (``portal_pages``) asks this when no diarised matter
    has the number: a complaint's number and four digits open the complaint's own page in
    this browser, as its own tracking form does (within the page's rate limits)."""
    complaint = services.find_for_citizen(reference, second_factor)
    if complaint is None:
        return None
    _unlock(request, complaint)
    return reverse("complaints:mine", kwargs={"reference": complaint.tracking_ref})


def _unlocked(request, reference: str) -> Complaint:
    if reference not in request.session.get(SESSION_KEY, []):
        raise Http404
    complaint = (
        Complaint.objects.select_related("category", "district", "office")
        .filter(tracking_ref=reference)
        .first()
    )
    if complaint is None:
        raise Http404
    return complaint


@never_cache
def mine(request, reference: str):
    """The citizen's own complaint (unlocked in this browser by its tracking number and four
    digits)."""
    complaint = _unlocked(request, reference)
    return render(
        request,
        "complaints/mine.html",
        {
            "complaint": complaint,
            "view": selectors.public_view(complaint),
            "feedback_form": FeedbackForm(),
            "answer_form": AnswerForm(),
        },
    )


@never_cache
@require_POST
def feedback(request, reference: str):
    complaint = _unlocked(request, reference)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.give_feedback(
                actor=services.portal_actor(),
                complaint=complaint,
                satisfied=form.cleaned_data["satisfied"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            _errors_into(form, exc)
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Thank you: your feedback has been recorded."))
            return redirect("complaints:mine", reference=reference)
    complaint.refresh_from_db()
    return render(
        request,
        "complaints/mine.html",
        {
            "complaint": complaint,
            "view": selectors.public_view(complaint),
            "feedback_form": form,
            "answer_form": AnswerForm(),
        },
        status=400,
    )


@never_cache
@require_POST
def answer(request, reference: str):
    complaint = _unlocked(request, reference)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_info(
                actor=services.portal_actor(),
                complaint=complaint,
                answer=form.cleaned_data["answer"],
            )
        except ValidationError as exc:
            _errors_into(form, exc)
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Thank you: the office has your answer."))
            return redirect("complaints:mine", reference=reference)
    return render(
        request,
        "complaints/mine.html",
        {
            "complaint": complaint,
            "view": selectors.public_view(complaint),
            "feedback_form": FeedbackForm(),
            "answer_form": form,
        },
        status=400,
    )


# ---- the offices --------------------------------------------------------------------------


@never_cache
@login_required
def queue(request):
    mine_only = request.GET.get("office") == "mine"
    after = request.GET.get("after") or None
    page = selectors.queue_page(request.user, mine_only=mine_only, after=after)
    mine_ids = page.office_ids
    # The labels each row repeats, translated once per page rather than once per row.
    statuses = {value: str(label) for value, label in Status.choices}
    times: dict[int, str] = {}

    def time_left(left: int) -> str:
        if left not in times:
            days = abs(left)
            times[left] = (
                ngettext("%(days)s day overdue", "%(days)s days overdue", days)
                if left < 0
                else ngettext("%(days)s day", "%(days)s days", days)
            ) % {"days": days}
        return times[left]

    # Each row's text worked out here, once per distinct value, so the template writes plain
    # values: 50 rows cost few template nodes each. The names come with the rows.
    link = reverse("complaints:detail", args=[0]).removesuffix("0/")
    rows = []
    for c in page.complaints:
        left = selectors.days_left(c)
        rows.append(
            {
                "pk": c.pk,
                "url": f"{link}{c.pk}/",
                "ref": c.display_ref,
                "category": c.category,
                "district": c.district,
                "office": c.office,
                "status": statuses.get(c.status, c.status),
                "time_left": time_left(left) if left is not None else "—",
                "overdue": left is not None and left < 0,
                "duplicate": c.duplicate,
                "moved_on": c.office_id not in mine_ids,
                "escalated_to_me": c.level > 1 and c.office_id in mine_ids,
            }
        )
    return render(
        request,
        "complaints/queue.html",
        {
            "rows": rows,
            "next_cursor": page.next_cursor,
            "later_page": after is not None,
            "mine_only": mine_only,
            "disclosures": selectors.disclosures_for_senior(request.user, posts=page.posts),
        },
    )


def _visible(request, pk: int) -> Complaint:
    complaint = (
        access.visible_complaints(request.user)
        .select_related("category", "district__division", "tehsil", "office", "marked_to")
        .filter(pk=pk)
        .first()
    )
    if complaint is None:
        raise Http404
    return complaint


def _detail(request, complaint, *, forms=None, identity=None, status=200):
    post = access.acting_post(request.user, complaint)
    forms = forms or {}
    return render(
        request,
        "complaints/detail.html",
        {
            "complaint": complaint,
            "days_left": selectors.days_left(complaint),
            "may_act": post is not None and complaint.is_open,
            "may_reveal": post is not None,
            "evidence": list(complaint.evidence.all()),
            "events": list(complaint.events.select_related("office")),
            "disclosures": list(
                complaint.disclosures.select_related("officer", "post").order_by("-at")
            ),
            "posts": Post.objects.filter(section=complaint.office, is_active=True),
            "line_offices": Section.objects.filter(
                territorial_role=TerritorialRole.LINE, district=complaint.district
            ).select_related("department"),
            "resolve_form": forms.get("resolve") or ResolveForm(),
            "question_form": forms.get("question") or QuestionForm(),
            "reveal_form": forms.get("reveal") or RevealForm(),
            "identity": identity,
            "statuses": Status,
        },
        status=status,
    )


@never_cache
@login_required
def detail(request, pk: int):
    return _detail(request, _visible(request, pk))


@never_cache
@login_required
@require_POST
def act(request, pk: int, action: str):
    complaint = _visible(request, pk)
    forms = {}
    identity = None
    try:
        if action == "assign":
            post = Post.objects.filter(pk=request.POST.get("post") or 0).first()
            if post is None:
                raise ValidationError({"post": _("Choose a post.")})
            services.assign(actor=request.user, complaint=complaint, post=post)
            done = _("The complaint has been assigned.")
        elif action == "mark":
            section = Section.objects.filter(pk=request.POST.get("section") or 0).first()
            if section is None:
                raise ValidationError({"section": _("Choose an office.")})
            services.mark_to(actor=request.user, complaint=complaint, section=section)
            done = _("The complaint has been marked to the office.")
        elif action == "question":
            forms["question"] = form = QuestionForm(request.POST)
            if not form.is_valid():
                return _detail(request, complaint, forms=forms, status=400)
            services.request_info(
                actor=request.user, complaint=complaint, question=form.cleaned_data["question"]
            )
            done = _("The citizen has been asked; the clock is stopped until they answer.")
        elif action == "resolve":
            forms["resolve"] = form = ResolveForm(request.POST, request.FILES)
            if not form.is_valid():
                return _detail(request, complaint, forms=forms, status=400)
            services.resolve(
                actor=request.user,
                complaint=complaint,
                action_taken=form.cleaned_data["action_taken"],
                uploads=form.cleaned_data["evidence"],
            )
            done = _("The complaint has been resolved; the citizen is asked for feedback.")
        elif action == "reveal":
            forms["reveal"] = form = RevealForm(request.POST)
            if not form.is_valid():
                return _detail(request, complaint, forms=forms, status=400)
            identity = services.reveal_identity(
                actor=request.user, complaint=complaint, reason=form.cleaned_data["reason"]
            )
            complaint.refresh_from_db()
            return _detail(request, complaint, identity=identity)
        else:
            raise Http404
    except NotFound:
        raise Http404 from None
    except PermissionDenied:
        raise
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _detail(request, complaint, forms=forms, status=400)
    except ActionRefused as exc:
        messages.error(request, exc.message)
        return _detail(request, complaint, forms=forms, status=409)
    messages.success(request, done)
    return redirect(reverse("complaints:detail", args=[complaint.pk]))


@never_cache
@login_required
def evidence(request, pk: int):
    item = Evidence.objects.filter(pk=pk).first()
    if (
        item is None
        or not access.visible_complaints(request.user).filter(pk=item.complaint_id).exists()
    ):
        raise Http404
    response = FileResponse(storage.open_object(item.storage_name), content_type=item.mime_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# How long a dashboard's fragment is kept at most (it is replaced as soon as a figure moves:
# its key carries the figures' version); bounds what a version change missed while the cache
# was unreachable would leave.
DASHBOARD_SECONDS = 300


@never_cache
@login_required
def dashboard(request):
    """The territory's figures: the DC's district, the Commissioner's division, the
    Performance Management Cell's province. The figures and their tables are a cached fragment
    keyed by the territory, the day, the language and the figures' version
    (``complaints.figures.version``): read again only after a change to a kept figure."""
    scope = selectors.dashboard_scope(request.user)
    context = {"scope": scope[0] if scope else None, "buckets": selectors.AGE_BUCKETS}
    if scope:
        now = timezone.now()
        version = figures.version()
        context["board"] = SimpleLazyObject(partial(selectors.dashboard, scope[1], now=now))
        context["fragment_key"] = (
            f"{scope[1]!r}|{timezone.localdate(now)}|{get_language()}|{version}"
        )
        context["fragment_seconds"] = DASHBOARD_SECONDS if version else 0
    return render(request, "complaints/dashboard.html", context)


def statistics(request, fmt: str = ""):
    """The public figures per district and division, with CSV and JSON of the same numbers.
    The page's tables and charts are a fragment kept per language under the published rows'
    version (``complaints.stats.version``): written again only when the rows are read again."""
    if fmt:
        data = stats.tables()
        tables = [data["tables"]["districts"], data["tables"]["divisions"]]
        if fmt == "csv":
            return csv_response(None, "complaints-statistics", text=csv_text(tables))
        return json_response(tables, "complaints-statistics")
    downloads = [
        ("CSV", reverse("complaints:statistics_csv")),
        ("JSON", reverse("complaints:statistics_json")),
    ]
    context = {
        "downloads": downloads,
        "figures": SimpleLazyObject(stats.tables),  # read only when the fragment is written
        "figures_version": stats.version(),
        "fragment_seconds": stats.CACHE_SECONDS,
    }
    return render(request, "complaints/statistics.html", context)
