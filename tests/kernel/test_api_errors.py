"""The REST API's one handler for domain errors (``kernel.api``): each error's status and
body, as every API view answers it."""

from rest_framework.views import exception_handler as drf_exception_handler

from kernel.api import exception_handler
from kernel.errors import ActionRefused, NotFound, PermissionDenied, ValidationError


class _Detailed(ValidationError):
    def api_detail(self):
        return {"errors": [{"row": 3, "column": "value", "message": "Not a number."}]}


def _answer(exc):
    response = exception_handler(exc, {})
    return response.status_code, response.data


def test_each_domain_error_answers_with_its_status_and_the_services_words():
    assert _answer(NotFound()) == (404, {"detail": "Not found."})
    assert _answer(ActionRefused("The file moved on.")) == (409, {"detail": "The file moved on."})
    assert _answer(PermissionDenied("Not your desk.")) == (403, {"detail": "Not your desk."})
    assert _answer(ValidationError("Too long.")) == (400, ["Too long."])
    assert _answer(ValidationError({"subject": ["Required."]})) == (
        400,
        {"subject": ["Required."]},
    )


def test_a_bare_permission_denied_keeps_drfs_message():
    drf = drf_exception_handler(PermissionDenied(), {})
    assert _answer(PermissionDenied()) == (403, drf.data)


def test_an_error_with_its_own_body_keeps_its_values():
    assert _answer(_Detailed("bad")) == (
        400,
        {"errors": [{"row": 3, "column": "value", "message": "Not a number."}]},
    )


def test_other_exceptions_are_drfs_own_business():
    assert exception_handler(KeyError("x"), {}) is None
