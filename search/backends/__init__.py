"""The two file-index backends behind the facade in ``search/__init__.py``. Private: other
apps call the facade, never a backend."""

from __future__ import annotations

from django.conf import settings

from search.backends.base import SearchBackend

_cache: dict[tuple, SearchBackend] = {}


def get_backend(name: str | None = None) -> SearchBackend:
    """The configured backend (``settings.DAFTAR_SEARCH_BACKEND``), one instance per
    process and configuration."""
    name = name or settings.DAFTAR_SEARCH_BACKEND
    key = (name, getattr(settings, "ELASTICSEARCH_URL", ""), index_alias())
    backend = _cache.get(key)
    if backend is None:
        if name == "elasticsearch":
            # Each backend is imported only when chosen: the other's libraries need not load.
            from search.backends.elastic import ElasticsearchBackend

            backend = ElasticsearchBackend(url=settings.ELASTICSEARCH_URL, alias=index_alias())
        elif name == "database":
            # (as above)
            from search.backends.database import DatabaseBackend

            backend = DatabaseBackend()
        else:
            raise ValueError(f"Unknown search backend {name!r}")
        _cache[key] = backend
    return backend


def index_alias() -> str:
    """The Elasticsearch alias searches go through; each rebuild makes a new index behind it."""
    return getattr(settings, "DAFTAR_SEARCH_INDEX", "daftar-files")


def reset() -> None:
    """Forget the cached backends (tests that change settings)."""
    _cache.clear()
