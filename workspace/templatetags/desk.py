"""Small presentation helpers for the desk screens."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def days_since(value, now=None) -> int:
    """Whole days from ``value`` until now; pass the view's ``now`` in a loop
    (``{{ file.desk_since|days_since:now }}``) to read the clock once a page."""
    if not value:
        return 0
    return max(0, ((now or timezone.now()) - value).days)


@register.filter
def label(labels, key):
    """``{{ priority_labels|label:file.priority }}``: a choice's label from a dict the view
    translated once (``get_FOO_display`` translates every choice of the field on each call)."""
    return labels.get(key, key)


@register.filter
def duration(seconds) -> str:
    """3 days 4 hours / 5 hours 10 minutes / 12 minutes."""
    seconds = int(seconds or 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("%(d)s d %(h)s h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}
    return ngettext("%(m)s minute", "%(m)s minutes", minutes) % {"m": minutes}


@register.filter
def is_overdue(due_on) -> bool:
    return bool(due_on) and due_on < timezone.localdate()
