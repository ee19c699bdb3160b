from django.contrib import messages
from django.http import Http404

from workspace.errors import ActionRefused, NotFound, PermissionDenied, ValidationError


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
