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


def test_the_desk_formats_are_put_together_without_dateformat_and_others_fall_back(monkeypatch):
    """The desk's own formats (day, short month, year, hour, minute) are written field by
    field, not through ``dateformat`` — and what they print is still exactly ``date``'s (the
    test above); a format with another field or an escaped letter still goes through it."""
    from django.utils import dateformat

    from workspace.templatetags import desk

    value = timezone.make_aware(dt.datetime(2026, 3, 4, 5, 6, 7, 891011))
    expected = {
        fmt: dateformat.format(timezone.localtime(value), fmt)
        for fmt in ["j M Y, H:i", "j M, H:i", "j M Y", "D j M Y", r"j \o\f M Y"]
    }
    calls = []
    real = dateformat.format
    monkeypatch.setattr(dateformat, "format", lambda v, f: calls.append(f) or real(v, f))
    desk._dated.cache_clear()
    local = timezone.localtime(value)
    for fmt in ["j M Y, H:i", "j M, H:i", "j M Y"]:
        assert desk.dated(local, fmt) == expected[fmt]
    assert calls == []
    assert desk.dated(local, "D j M Y") == expected["D j M Y"]
    assert desk.dated(local, r"j \o\f M Y") == expected[r"j \o\f M Y"] == "4 of Mar 2026"
    assert calls == ["D j M Y", r"j \o\f M Y"]
    # Days (the inbox's due dates, a few over and over) are remembered as before.
    with translation.override("ur"):
        assert desk.dated(dt.date(2026, 12, 7), "j M Y") == real(dt.date(2026, 12, 7), "j M Y")
        assert desk.dated(dt.date(2026, 12, 7), "j M Y") == real(dt.date(2026, 12, 7), "j M Y")
    assert calls[2:] == ["j M Y"]
