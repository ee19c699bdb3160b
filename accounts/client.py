"""The client's address, for django-axes and for the audit trail.

Daftar computes a client's address in one place, ``kernel.client_ip.client_ip`` (the
trusted-proxy rule: ``DAFTAR_CLIENT_IP_HEADER`` read from the right by
``DAFTAR_TRUSTED_PROXY_COUNT``), which the citizens' tracking limits use too. Axes is pointed
at this function by ``AXES_CLIENT_IP_CALLABLE``, so the lockout, the tracking limits and the
audit rows agree on who the client is, and a client cannot pick a fresh address by sending a
header itself.
"""

from kernel.client_ip import client_ip as _client_ip


def client_ip(request) -> str | None:
    if request is None:
        return None
    return _client_ip(request) or None
