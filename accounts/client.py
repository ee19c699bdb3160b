"""The client's address, for django-axes and for the audit trail.

Daftar computes a client's address in one place (``portal_pages.ratelimit.client_of``, which
the citizens' tracking limits use, honouring ``DAFTAR_CLIENT_IP_HEADER`` and, after the
proxy work, the trusted-proxy count). Axes is pointed at this function by
``AXES_CLIENT_IP_CALLABLE``, so the lockout, the tracking limits and the audit rows all agree
on who the client is, and a client cannot pick a fresh address by sending a header itself.
"""


def client_ip(request) -> str | None:
    from portal_pages.ratelimit import client_of

    if request is None:
        return None
    return client_of(request) or None
