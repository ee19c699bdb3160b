"""The desk's working days honour the public holidays an administrator keeps (issue 21's
calendar): ``due_date``, the inbox's cutoffs and the complaints' clock, from a copy kept per
process that a saved or deleted holiday replaces, with no query on the inbox's path."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from organisation.models import Holiday
from tests.workspace.helpers import open_file
from workspace import time_limits
from workspace.models import File, Priority

pytestmark = pytest.mark.django_db

WEDNESDAY = dt.date(2026, 8, 12)
INDEPENDENCE_DAY = dt.date(2026, 8, 14)  # a Friday
MONDAY_AFTER = dt.date(2026, 8, 17)


def _holiday(day=INDEPENDENCE_DAY, province=""):
    return Holiday.objects.create(date=day, province=province, name_en="Independence Day")


def test_a_holiday_is_not_a_working_day_and_its_removal_is_honoured_at_once():
    assert time_limits.due_date(WEDNESDAY, 2) == INDEPENDENCE_DAY
    holiday = _holiday()
    assert time_limits.due_date(WEDNESDAY, 2) == MONDAY_AFTER
    assert time_limits.due_date(WEDNESDAY, 3) == MONDAY_AFTER + dt.timedelta(days=1)
    holiday.delete()
    assert time_limits.due_date(WEDNESDAY, 2) == INDEPENDENCE_DAY


def test_another_provinces_holiday_is_not_the_desks_but_is_that_provinces():
    _holiday(province="PB")
    assert time_limits.due_date(WEDNESDAY, 2) == INDEPENDENCE_DAY
    assert time_limits.working_due_date(WEDNESDAY, 2, "PB") == MONDAY_AFTER
    assert time_limits.working_due_date(WEDNESDAY, 2, "KP") == INDEPENDENCE_DAY


def test_the_holidays_are_read_once_not_on_every_count():
    _holiday()
    time_limits.due_date(WEDNESDAY, 2)
    with CaptureQueriesContext(connection) as reads:
        for days in (1, 3, 7, 14):
            time_limits.cutoff(MONDAY_AFTER, days)
            time_limits.working_due_date(WEDNESDAY, days, "KP")
    assert len(reads) == 0


def test_another_process_honours_a_change_within_the_recheck(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(time_limits.clock, "monotonic", lambda: now[0])
    assert time_limits.due_date(WEDNESDAY, 2) == INDEPENDENCE_DAY
    # Another process saves a holiday: the rows and a new shared version, no signal here.
    Holiday.objects.bulk_create([Holiday(date=INDEPENDENCE_DAY, province="", name_en="I")])
    cache.set(time_limits.HOLIDAYS_VERSION_KEY, "another process's", timeout=None)
    assert time_limits.due_date(WEDNESDAY, 2) == INDEPENDENCE_DAY  # this copy, not yet compared
    now[0] += time_limits.RECHECK_SECONDS
    assert time_limits.due_date(WEDNESDAY, 2) == MONDAY_AFTER


def test_the_inbox_judges_a_file_across_a_holiday_as_its_rows_do(desk):
    """A routine file whose 14th working day falls after the holiday: overdue a day later
    than without it, in the counts' query and on its row alike."""
    file = open_file(desk, subject="Across the holiday", priority=Priority.MOST_IMMEDIATE)
    since = timezone.make_aware(dt.datetime.combine(dt.date(2026, 8, 13), dt.time(10)))
    File.objects.filter(pk=file.pk).update(desk_since=since)  # Thursday: due Friday, the 14th
    row = File.objects.select_related("holding_post__section__department").get(pk=file.pk)
    post = row.holding_post

    def overdue_by_query(today):
        cutoffs = time_limits.cutoffs_of(post.section.department, today)
        where = time_limits.overdue_where(today=today, cutoffs=cutoffs)
        return File.objects.filter(where, pk=file.pk).exists()

    saturday = dt.date(2026, 8, 15)
    assert time_limits.is_overdue(row, today=saturday) and overdue_by_query(saturday)
    _holiday()
    assert time_limits.limit_due(row) == MONDAY_AFTER
    for today in (saturday, MONDAY_AFTER):
        assert not time_limits.is_overdue(row, today=today)
        assert not overdue_by_query(today)
    tuesday = MONDAY_AFTER + dt.timedelta(days=1)
    assert time_limits.is_overdue(row, today=tuesday) and overdue_by_query(tuesday)
