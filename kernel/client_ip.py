"""The client's address: the one function every limit and the audit trail ask.

Behind reverse proxies, ``REMOTE_ADDR`` is the last proxy's address, and the client's address
travels in a header the proxies write (``X-Forwarded-For`` by default). Each proxy *appends*
the address it saw, so the list reads left to right from the client to the last proxy, and
anything at its left may have been written by the client itself. Daftar is told how many
proxies it trusts (``DAFTAR_TRUSTED_PROXY_COUNT``, set from the environment) and takes the
entry that many places from the right: the address the outermost trusted proxy saw. A client
that sends ``X-Forwarded-For: 1.2.3.4`` only adds an entry further left, which is never read.

- ``DAFTAR_TRUSTED_PROXY_COUNT = 0`` (the default): the header is ignored, ``REMOTE_ADDR``
  is the client (Daftar faces the clients itself, as ``runserver`` and the tests do).
- ``DAFTAR_CLIENT_IP_HEADER``: the ``request.META`` name of the header (``HTTP_X_REAL_IP``
  for nginx's ``X-Real-IP``, which the proxy overwrites: then the count is 1).
- A header with fewer entries than proxies trusted, or an entry that is not an address, is
  not believed: ``REMOTE_ADDR`` is used (such a request did not come through the proxies).

Other code calls ``client_ip(request)``; django-axes is pointed at it with
``AXES_CLIENT_IP_CALLABLE = "kernel.client_ip.client_ip"``. ``check --deploy`` warns when
production runs with no count set (``daftar.W001``) or a header named with a count of 0
(``daftar.W002``).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.checks import Tags, Warning, register

DEFAULT_HEADER = "HTTP_X_FORWARDED_FOR"


def meta_name(header: str) -> str:
    """``X-Forwarded-For`` or ``HTTP_X_FORWARDED_FOR`` → ``HTTP_X_FORWARDED_FOR``."""
    name = header.strip().upper().replace("-", "_")
    if name and not name.startswith("HTTP_") and name != "REMOTE_ADDR":
        name = f"HTTP_{name}"
    return name


def trusted_proxy_count() -> int:
    return int(getattr(settings, "DAFTAR_TRUSTED_PROXY_COUNT", 0) or 0)


def _address(value: str) -> str | None:
    """``value`` as a normalised IP address, or None. Accepts ``[v6]:port`` and ``v4:port``."""
    value = value.strip()
    if value.startswith("["):
        value = value[1 : value.find("]")] if "]" in value else ""
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The address of the client of ``request``, not spoofable by the client (see above)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = trusted_proxy_count()
    if count <= 0:
        return remote
    header = meta_name(getattr(settings, "DAFTAR_CLIENT_IP_HEADER", "") or DEFAULT_HEADER)
    entries = [e for e in (request.META.get(header) or "").split(",") if e.strip()]
    if len(entries) < count:
        return remote
    return _address(entries[-count]) or remote


@register(Tags.security, deploy=True)
def proxy_settings_check(app_configs, **kwargs):
    warnings = []
    count = getattr(settings, "DAFTAR_TRUSTED_PROXY_COUNT", None)
    header = getattr(settings, "DAFTAR_CLIENT_IP_HEADER", "")
    if count is None and getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        warnings.append(
            Warning(
                "Daftar trusts a proxy for HTTPS (SECURE_PROXY_SSL_HEADER) but "
                "DAFTAR_TRUSTED_PROXY_COUNT is not set, so every request seems to come from "
                "the proxy: all citizens share one tracking limit and the audit trail records "
                "the proxy's address.",
                hint="Set DAFTAR_TRUSTED_PROXY_COUNT to the number of proxies in front of "
                "Daftar (1 for one nginx), or to 0 if clients reach Daftar directly.",
                id="daftar.W001",
            )
        )
    elif header and not count:
        warnings.append(
            Warning(
                f"DAFTAR_CLIENT_IP_HEADER is {header!r} but DAFTAR_TRUSTED_PROXY_COUNT is 0, "
                "so the header is ignored.",
                hint="Set DAFTAR_TRUSTED_PROXY_COUNT to the number of proxies in front of Daftar.",
                id="daftar.W002",
            )
        )
    return warnings
