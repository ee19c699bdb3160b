"""Authentication backends of the accounts layer.

``UserBackend`` is Django's ModelBackend (passwords, global permissions) with one change: the
signed-in user, read on every staff request, is read by a compiled query (``kernel.compiled``)
rather than compiled anew each time, with what other apps register to read along with it
(``register_user_annotation``).

``LockoutBackend`` is django-axes' backend, tolerant of a caller without a request.

Every door (the staff sign-in, the API token, Django's and Wagtail's admin) passes the request
to ``authenticate()``, and there axes refuses a locked-out account or client. A caller with no
request at all (Django's test ``Client.login``, a script) has no client to count or lock: axes
would raise ``AxesBackendRequestParameterRequired``; here it steps aside instead."""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from kernel.compiled import compiled

# What another app reads with the signed-in user, in the same query (name -> expression):
# accounts' confirmed second-factor devices (accounts/otp.py). Registered at start-up, in an
# app's ``ready()``, before the first request compiles the read.
USER_ANNOTATIONS: dict = {}


def register_user_annotation(name: str, expression) -> None:
    USER_ANNOTATIONS[name] = expression


@compiled
def _user_by_pk(*, pk: int):
    return get_user_model()._default_manager.filter(pk=pk).annotate(**USER_ANNOTATIONS).order_by()


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        user = _user_by_pk.first(pk=user_id)
        # What ModelBackend answers: the user, unless it may not sign in (inactive).
        return user if user is not None and self.user_can_authenticate(user) else None


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
