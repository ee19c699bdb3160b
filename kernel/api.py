"""The REST API's answer to Daftar's domain errors (``kernel.errors``), in one place.

``REST_FRAMEWORK["EXCEPTION_HANDLER"]`` points here, so an API view calls its service
directly and lets a domain error rise:

- ``NotFound`` → 404 (not there, or not this user's to see: its existence is not told);
- ``PermissionDenied`` → 403 with the service's reason;
- ``ValidationError`` → 400 with its messages (by field when it has them); an error that
  carries its own body (``api_detail()``, e.g. a return's errors by row and column) gives that;
- ``ActionRefused`` → 409 (understood, allowed in principle, not now).

Everything else goes to DRF's own handler unchanged.
"""

from __future__ import annotations

from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from kernel.errors import ActionRefused, NotFound, PermissionDenied, ValidationError


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "refused"


class Invalid(exceptions.APIException):
    """A 400 whose body the domain error shaped itself (``api_detail()``)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"


def as_api_error(exc: Exception) -> Exception:
    """The DRF exception a domain error answers as; any other exception, unchanged."""
    if isinstance(exc, NotFound):
        return exceptions.NotFound()
    if isinstance(exc, ActionRefused):
        return Conflict(str(exc))
    if isinstance(exc, PermissionDenied):
        # A bare PermissionDenied() keeps DRF's own message, as DRF's handler gives it.
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, ValidationError):
        if hasattr(exc, "api_detail"):
            error = Invalid()
            # Set after construction: DRF would turn every value (row numbers) into a string.
            error.detail = exc.api_detail()
            return error
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return exceptions.ValidationError(detail)
    return exc


def exception_handler(exc, context):
    """DRF's handler, after turning a domain error into its API error."""
    return drf_exception_handler(as_api_error(exc), context)
