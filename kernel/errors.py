"""Domain errors the services raise; views and the API turn them into messages."""

from django.core.exceptions import PermissionDenied, ValidationError

__all__ = ["ActionRefused", "NotFound", "PermissionDenied", "ValidationError"]


class ActionRefused(Exception):
    """The action is understood and allowed in principle, but not now (the file moved on, the
    department is not live, the paragraph is final). ``message`` is for the person."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class NotFound(Exception):
    """The object does not exist *for this user*; shown as 404 so its existence is not told."""
