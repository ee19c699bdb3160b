"""django-axes' backend, tolerant of a caller without a request.

Every door (the staff sign-in, the API token, Django's and Wagtail's admin) passes the request
to ``authenticate()``, and there axes refuses a locked-out account or client. A caller with no
request at all (Django's test ``Client.login``, a script) has no client to count or lock: axes
would raise ``AxesBackendRequestParameterRequired``; here it steps aside instead."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
