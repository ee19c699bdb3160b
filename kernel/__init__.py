"""Daftar's kernel: what every other app stands on and which stands on none of them.

Domain errors (``errors``), the hash-chained audit trail (``audit`` and its models), the
compiled reads (``compiled``, the one fenced fast path over Django's private compiler), the
lock-wait cap (``locks``), the client address behind proxies (``client_ip``) and the cache
that keeps serving when Redis does not (``cache``). It imports no first-party app: the layer
contract in ``pyproject.toml`` ([tool.importlinter]) keeps it so."""
