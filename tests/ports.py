"""A port nothing listens on, and the cache pointed at it: Redis down, for the tests."""

import socket


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def redis_at_a_closed_port(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "kernel.cache.DegradingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
