from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from workspace.selectors import holdings_of

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
]


def _nav(request):
    current = getattr(getattr(request, "resolver_match", None), "view_name", "")
    items = []
    for name, label in STAFF_NAV:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "current": name == current})
    return items


def desk(request):
    """``my_holdings`` (posts the user holds) and ``staff_nav``, computed only when used."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_holdings": [], "staff_nav": []}
    return {
        "my_holdings": SimpleLazyObject(lambda: list(holdings_of(user=user))),
        "staff_nav": SimpleLazyObject(lambda: _nav(request)),
    }
