from django.contrib import messages
from django.http import Http404
from django.urls import reverse

from kernel.errors import ActionRefused, NotFound, PermissionDenied, ValidationError
from workspace.selectors import desk as sel


def run(request, service, success_message=None, **kwargs):
    """Call ``service(actor=request.user, **kwargs)``; put its outcome in a message.
    Returns the service's result, or None when it refused."""
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
    if success_message:
        messages.success(request, success_message)
    return result


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
    departments = sel.live_departments()
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
            department_id=department.pk, exclude_post_id=holding_post.pk
        ),
    }
