"""Caching of the public site: HTTP headers for browsers and proxies, and rendered pages kept
on the server.

**HTTP.** Public pages carry no per-user state, so browsers and shared proxies may keep them
for ``PUBLIC_MAX_AGE`` seconds. The language comes from the ``django_language`` cookie (or the
browser's Accept-Language), so responses say ``Vary: Cookie, Accept-Language``: a citizen
without cookies shares the cached copy with every other such citizen. No public page sets a
cookie — the language switch posts to a view that needs no CSRF token for that reason.

What must never be cached: the tracking page and its lookups (``make_private``), Wagtail
previews, pages served to a signed-in editor (they carry the Wagtail user bar), pages behind a
view restriction, and anything but a 200 answer to a GET or HEAD.

**On the server.** Rendering a performance page costs tens of queries and a lot of template
work; a citizen should not pay it on every request. Each page's rendered answer is kept in
Django's cache, keyed by page, path (with the query parameters the page declares in
``cache_query_params``), language, and when the page was last published; the entry records
the two *versions* below and is used only while both still hold:

- the **content version**, changed when any page is published, unpublished, moved or deleted,
  when a view restriction or the site identity changes: menus, breadcrumbs and lists show
  other pages' titles, so a publish anywhere may change any page (Wagtail's frontend cache
  purges the whole site on publish for the same reason);
- the **figures version**, changed when the Corporate Governance Unit publishes returns (or
  changes entities, KPIs, periods, reports, departments) and when the e-office figures are
  refreshed in the background.

Both live in the cache itself, so a hit costs one cache round trip (``get_many``) and no query
beyond Wagtail's routing. They are changed in ``transaction.on_commit``: a request racing a
publish cannot store the old page under the new version. With Redis (production) every worker
sees the change at once; the embedded local-memory cache is per process, which is why its
entries also expire after ``PAGE_CACHE_SECONDS``.

Why signals here, when Daftar otherwise calls the next step by name: the data a public page
shows is written by Wagtail's admin, scheduled publishing and the CGU's services — code this
app does not own — and forgetting one call would show stale pages. Wagtail's own frontend-cache
invalidation listens to ``page_published`` the same way. The receivers only change a version;
they never do work the writer depends on.
"""

from __future__ import annotations

import hashlib
import uuid

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

PUBLIC_MAX_AGE = 300
#: how long a rendered page is kept at most, whatever the versions (see the module docstring)
PAGE_CACHE_SECONDS = 600

CONTENT_VERSION_KEY = "portal:version:content"
FIGURES_VERSION_KEY = "portal:version:figures"
PAGE_KEY_PREFIX = "portal:page:"
#: headers of a response kept with its body (the rest are set again on every request)
KEPT_HEADERS = ("Content-Type", "Content-Disposition")


def is_anonymous(request) -> bool:
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def _may_be_public(request, response=None) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and (response is None or response.status_code == 200)
        and not getattr(request, "is_preview", False)
        and is_anonymous(request)
    )


def make_public(request, response, max_age: int = PUBLIC_MAX_AGE, *, restricted: bool = False):
    """Mark a GET response cacheable by anyone, unless it belongs to one person."""
    if _may_be_public(request, response) and not restricted:
        patch_cache_control(response, public=True, max_age=max_age)
    else:
        patch_cache_control(response, private=True, no_cache=True, max_age=0)
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    return response


def make_private(response):
    """Never store: the tracking lookup answers one person."""
    add_never_cache_headers(response)
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    return response


# ---------------------------------------------------------------------------- versions
def _new_version() -> str:
    return uuid.uuid4().hex[:12]


def _versions(extra_keys: tuple[str, ...] = ()) -> tuple[str, str, dict]:
    """The content and figures versions (set when missing, e.g. after the cache was cleared),
    with ``extra_keys`` fetched in the same round trip."""
    found = cache.get_many([CONTENT_VERSION_KEY, FIGURES_VERSION_KEY, *extra_keys])
    versions = []
    for key in (CONTENT_VERSION_KEY, FIGURES_VERSION_KEY):
        value = found.get(key)
        if value is None:
            cache.add(key, _new_version(), None)
            value = cache.get(key)
        versions.append(value)
    return versions[0], versions[1], found


def content_version() -> str:
    """The current content version (for other caches that show pages' titles)."""
    return _versions()[0]


def _bump(key: str) -> None:
    transaction.on_commit(lambda: cache.set(key, _new_version(), None))


def content_changed() -> None:
    """A page, the site identity or a view restriction changed: every page renders anew."""
    _bump(CONTENT_VERSION_KEY)


def figures_changed() -> None:
    """Published figures (CGU returns, the e-office figures) changed."""
    _bump(FIGURES_VERSION_KEY)


# ---------------------------------------------------------------------------- pages
def page_cache_key(page, request) -> str | None:
    """The cache key of ``page``'s answer to ``request``, or None when it must be rendered
    (a query parameter the page does not declare: the key space stays bounded)."""
    allowed = getattr(page, "cache_query_params", ())
    if any(name not in allowed for name in request.GET):
        return None
    params = "&".join(f"{k}={request.GET[k]}" for k in sorted(request.GET))
    published = page.last_published_at.timestamp() if page.last_published_at else 0
    where = hashlib.blake2s(f"{request.path}?{params}".encode(), digest_size=12).hexdigest()
    return f"{PAGE_KEY_PREFIX}{page.pk}:{published}:{get_language() or ''}:{where}"


def _frozen(response, versions: tuple[str, str], restricted: bool) -> dict:
    return {
        "versions": versions,
        "restricted": restricted,
        "content": response.content,
        "headers": [(h, response[h]) for h in KEPT_HEADERS if response.has_header(h)],
    }


def _thawed(entry: dict) -> HttpResponse:
    response = HttpResponse(entry["content"])
    for header, value in entry["headers"]:
        response[header] = value
    return response


def serve_cached(page, request, render, max_age: int = PUBLIC_MAX_AGE):
    """``page``'s answer to ``request``: from the server cache when the request may share
    one (an anonymous GET, not a preview), else ``render()``-ed — and kept when it is a
    200 that is not streamed. Headers are set by ``make_public`` either way."""
    key = page_cache_key(page, request) if _may_be_public(request) else None
    if key is None:
        return make_public(request, render(), max_age)
    content, figures, found = _versions((key,))
    entry = found.get(key)
    if entry is not None and entry["versions"] == (content, figures):
        return make_public(request, _thawed(entry), max_age, restricted=entry["restricted"])
    response = render()
    restricted = page.get_view_restrictions().exists()
    if response.status_code == 200 and not response.streaming:
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        cache.set(key, _frozen(response, (content, figures), restricted), PAGE_CACHE_SECONDS)
    return make_public(request, response, max_age, restricted=restricted)
