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


@register.simple_tag(takes_context=True)
def portal_nav(context):
    """The main navigation, cached per site, language and content version (a page published,
    unpublished or moved shows in the menu at once: see ``portal_pages.caching``)."""

    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return []
    key = f"portal:nav:{site.pk}:{get_language()}:{content_version()}"
    items = cache.get(key)
    if items is None:
        items = _nav_items(site)
        cache.set(key, items, NAV_CACHE_SECONDS)
    path = request.path
    out = []
    for i, (title, lang, url) in enumerate(items):
        current = path == url if i == 0 else path.startswith(url)
        out.append({"title": title, "lang": lang, "url": url, "current": current})
    return out


@register.simple_tag(takes_context=True)
def site_identity(context):
    request = context.get("request")
    if request is None:
        return SiteIdentity()
    try:
        return SiteIdentity.for_request(request)
    except Exception:  # no site configured (e.g. an empty test database)
        return SiteIdentity()


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
