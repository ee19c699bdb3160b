"""``dated``: Django's ``date`` filter remembered per wall-clock time, format and language
(workspace/templatetags/desk.py). It must print exactly what ``date`` prints, in every
language and time zone the site shows, or a remembered answer would be a wrong one."""

import datetime as dt

from django.template import Context, Template
from django.utils import timezone, translation

PAIR = Template("{% load desk %}{{ v|date:f }}|{{ v|dated:f }}")
FORMATS = ["j M Y", "j M Y, H:i", "j M, H:i", "D j F Y H:i", "N j, Y, P", "j M Y H:i T"]


def _both(value, fmt):
    ours, django = PAIR.render(Context({"v": value, "f": fmt})).split("|")[::-1]
    return ours, django


def test_dated_prints_what_date_prints_in_both_languages_and_in_other_zones():
    instants = [
        timezone.make_aware(dt.datetime(2026, 1, 1)) + dt.timedelta(hours=37 * i, minutes=7 * i)
        for i in range(300)
    ]
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=11 * i) for i in range(40)]
    checked = 0
    # The same instants in a zone with summer time, then back: a remembered line from one
    # zone must not be given in another.
    for zone in ("Asia/Karachi", "Europe/London", "Asia/Karachi"):
        with timezone.override(zone):
            for language in ("en", "ur", "en"):
                with translation.override(language):
                    for fmt in FORMATS:
                        for value in [*instants, *days, None]:
                            if (
                                isinstance(value, dt.date)
                                and not isinstance(value, dt.datetime)
                                and set(fmt) & set("HiPT")
                            ):
                                continue  # a day has no time of day to show
                            ours, django = _both(value, fmt)
                            assert ours == django, (zone, language, fmt, value)
                            checked += 1
    assert checked > 15_000
    with translation.override("ur"):
        assert "دسمبر" in _both(dt.date(2026, 12, 7), "j M Y")[0]
