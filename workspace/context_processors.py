from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from organisation.models import Post
from organisation.selectors import my_holdings

# The staff navigation: (url name, label). Entries whose URL does not exist yet are skipped,
# so an app adds its screen here and it appears once its URLconf is wired.
STAFF_NAV = [
    ("workspace:home", _("Inbox")),
    ("workspace:sent", _("Sent")),
    ("workspace:parked", _("Parked")),
    ("workspace:receipts", _("Receipts")),
    ("workspace:dispatch", _("Dispatch register")),
    ("search:files", _("Search")),
    ("cgu:dashboard", _("CGU")),
    ("complaints:queue", _("Complaints")),
]


@lru_cache(maxsize=8)
def _nav_urls(script_prefix: str, urlconf: str) -> tuple:
    """(url name, URL, label) of each wired screen; a URLconf does not change while the
    process runs, so this reverses once per prefix and URLconf, not seven times a page."""
    items = []
    for name, label in STAFF_NAV:
        try:
            items.append((name, reverse(name, urlconf=urlconf), label))
        except NoReverseMatch:
            continue
    return tuple(items)


# Shown to those who keep additional charges (``organisation.services.may_manage_charges``):
# superusers and Secretaries, told from the holdings the layout reads anyway. Staff given the
# permission in the admin reach the screen by its URL (the nav asks no permission query).
CHARGES_NAV = ("workspace:charges", _("Additional charge"))


def _nav(request):
    current = getattr(getattr(request, "resolver_match", None), "view_name", "")
    items = [
        {"url": url, "label": label, "current": name == current}
        for name, url, label in _nav_urls(
            get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF)
        )
    ]
    user = request.user
    if user.is_superuser or any(h.post.level >= Post.Level.SECRETARY for h in my_holdings(user)):
        name, label = CHARGES_NAV
        items.append({"url": reverse(name), "label": label, "current": name == current})
    return items


def desk(request):
    """``my_holdings`` (posts the user holds) and ``staff_nav``, computed only when used."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_holdings": [], "staff_nav": []}
    return {
        "my_holdings": SimpleLazyObject(lambda: my_holdings(user)),
        "staff_nav": SimpleLazyObject(lambda: _nav(request)),
    }
