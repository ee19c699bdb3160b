"""HTTP caching of the public site.

Public pages carry no per-user state, so browsers and shared proxies may keep them for
``PUBLIC_MAX_AGE`` seconds. The language comes from the ``django_language`` cookie (or the
browser's Accept-Language), so responses say ``Vary: Cookie, Accept-Language``: a citizen
without cookies shares the cached copy with every other such citizen. No public page sets a
cookie — the language switch posts to a view that needs no CSRF token for that reason.

What must never be cached: the tracking lookup (``never_cache``), Wagtail previews, and any
page served to a signed-in editor (it carries the Wagtail user bar)."""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers

PUBLIC_MAX_AGE = 300


def is_anonymous(request) -> bool:
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def make_public(request, response, max_age: int = PUBLIC_MAX_AGE):
    """Mark a GET response cacheable by anyone, unless it belongs to one person."""
    cacheable = (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not getattr(request, "is_preview", False)
        and is_anonymous(request)
    )
    if cacheable:
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
