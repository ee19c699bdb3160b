"""Template helpers of the public site: navigation, site identity, figures."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.core.cache import cache
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Site

from portal_pages.caching import content_version
from portal_pages.models import SiteIdentity

register = template.Library()

NAV_CACHE_SECONDS = 3600


def _nav_items(site) -> list[tuple[str, str, str]]:
    """(title, title language fallback, url) of the home page's children shown in menus."""
    root = site.root_page.specific
    items = []
    for page in root.get_children().live().public().in_menu().specific():
        title = getattr(page, "display_title", page.title)
        lang = getattr(page, "title_lang", "")
        items.append((title, lang, page.get_url_parts()[2]))
    return [(_("Home"), "", root.get_url_parts()[2])] + items


def _chrome(request) -> dict:
    """What the layout shows of the site, the same on every public page: its identity and
    menu, cached per host, language and content version (a page published, unpublished or
    moved, the site identity or a site changed: see ``portal_pages.caching``), and kept on
    the request for the second tag. A hit is one cache round trip beside the version's and no
    query: pages outside Wagtail's tree (the tracking and verification pages) paid the Site
    and SiteIdentity queries on every request."""
    chrome = getattr(request, "_portal_chrome", None)
    if chrome is not None:
        return chrome
    key = f"portal:chrome:{request.get_host()}:{get_language()}:{content_version()}"
    chrome = cache.get(key)
    if chrome is None:
        site = Site.find_for_request(request)
        chrome = {
            "identity": _identity(site),
            "nav": _nav_items(site) if site is not None else [],
        }
        cache.set(key, chrome, NAV_CACHE_SECONDS)
    request._portal_chrome = chrome
    return chrome


def _identity(site) -> SiteIdentity:
    if site is None:
        return SiteIdentity()
    try:
        return SiteIdentity.for_site(site)
    except Exception:  # no site configured (e.g. an empty test database)
        return SiteIdentity()


@register.simple_tag(takes_context=True)
def portal_nav(context):
    """The main navigation, with the current page marked."""
    request = context.get("request")
    if request is None:
        return []
    path = request.path
    out = []
    for i, (title, lang, url) in enumerate(_chrome(request)["nav"]):
        current = path == url if i == 0 else path.startswith(url)
        out.append({"title": title, "lang": lang, "url": url, "current": current})
    return out


@register.simple_tag(takes_context=True)
def site_identity(context):
    request = context.get("request")
    if request is None:
        return SiteIdentity()
    return _chrome(request)["identity"]


@register.filter
def figure(value, places=None):
    """A published figure for display: thousands separated; ``None`` is "not reported"."""
    if value is None or value == "":
        return format_html('<span class="not-reported">{}</span>', _("Not reported"))
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float | Decimal):
        if places is None:
            places = 0 if float(value).is_integer() else 2
        return f"{float(value):,.{int(places)}f}"
    return value


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def ltr(value):
    """Keep a code or period (``2025-Q3``) left to right inside Urdu text: wrapped in the
    Unicode left-to-right isolate, so it works in plain text, titles and attributes too."""
    if value in (None, ""):
        return value
    return f"\u2066{value}\u2069"
