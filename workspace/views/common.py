from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from kernel.errors import ActionRefused, NotFound, PermissionDenied, ValidationError
from workspace.selectors import desk as sel


def run(request, service, success_message=None, **kwargs):
    """Call ``service(actor=request.user, **kwargs)``; put its outcome in a message.
    ``success_message`` may be a function of the service's result (a message naming what it
    made). Returns the service's result, or None when it refused."""
    try:
        result = service(actor=request.user, **kwargs)
    except NotFound:
        raise Http404 from None
    except (ActionRefused, PermissionDenied) as exc:
        messages.error(request, str(exc))
        return None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return None
    if callable(success_message):
        success_message = success_message(result)
    if success_message:
        messages.success(request, success_message)
    return result


def form_action(request, service, done=None, *, back, form=None, data=None, **kwargs):
    """The whole of an action's POST (a thin view): check ``form``, call one service, say how
    it went, go ``back`` (anything ``redirect`` takes).

    An invalid form puts its errors in messages and calls nothing. Otherwise the service runs
    as ``run`` runs it (a domain error becomes a message, not found a 404) with ``kwargs`` and
    the form's cleaned data — or what ``data(cleaned_data)`` makes of it. ``done``, the success
    message, may be a function ``done(cleaned_data, result)``."""
    if form is not None and not form.is_valid():
        form_errors(request, form)
        return redirect(back)
    cleaned = form.cleaned_data if form is not None else {}
    arguments = data(cleaned) if data is not None else cleaned
    message = (lambda result: done(cleaned, result)) if callable(done) else done
    run(request, service, message, **kwargs, **arguments)
    return redirect(back)


def form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def choice_labels(choices) -> dict:
    """``{value: label}`` of a model's choices, translated once for the page
    (render with the ``label`` filter of ``desk`` template tags)."""
    return {value: str(text) for value, text in choices}


_PK = 2147483647


def pk_url(name: str) -> str:
    """The URL of ``name`` (one integer argument) with the argument left off, for a loop that
    links many rows: ``href="{{ file_url }}{{ file.pk }}/"`` reverses once, not once a row.
    Only for patterns whose URL ends with ``<pk>/``."""
    url = reverse(name, args=[_PK])
    marker = f"{_PK}/"
    if not url.endswith(marker):
        raise ValueError(f"{name}: the argument is not at the end of {url}")
    return url[: -len(marker)]


def marking(request, *, holding_post, action: str, due: bool = True) -> dict:
    """The "mark to" chooser of a paper at ``holding_post`` (a file or a receipt): the posts
    of one department — the desk's own unless the officer chose another with
    ``?mark_dept=<code>`` (a GET form, so it works without JavaScript) — never the whole
    organisation's. ``holding_post`` comes with its section and department. Rendered by
    ``workspace/_mark_to.html``, which posts ``to_post`` (and ``remarks``, and ``due_on`` when
    ``due``) to ``action``; the form there validates the post against the database."""
    version = sel.marking_version()  # read once for both lists
    departments = sel.live_departments(version=version)
    home = holding_post.section.department
    wanted = request.GET.get("mark_dept")
    chosen = next((d for d in departments if d.code == wanted), None) if wanted else None
    department = chosen or home
    return {
        "mark_departments": departments,
        "mark_department": department,
        "mark_home_id": home.pk,
        "mark_action": action,
        "mark_due": due,
        "marking_groups": sel.marking_choices(
            department_id=department.pk, exclude_post_id=holding_post.pk, version=version
        ),
        # For the chooser's options, written once per version and language (desk.mark_to).
        "mark_version": version,
        "marking_all_groups": sel.marking_choices(department_id=department.pk, version=version),
        "mark_exclude_id": holding_post.pk,
    }
