"""Figures of the e-office itself: files moved, median days to disposal, pending by age —
aggregated in the database with a fixed number of queries."""

import datetime as dt

import pytest
from django.utils import timezone

from portal_pages.eoffice import eoffice_figures
from tests.portal_pages.factories import FileFactory, move
from workspace.models import File, Movement

pytestmark = pytest.mark.django_db


def days_ago(n):
    return timezone.now() - dt.timedelta(days=n)


def closed_file(org, *, opened_days_ago, took_days):
    file = FileFactory(
        holding_post=org.so, opened_at=days_ago(opened_days_ago), status=File.Status.CLOSED
    )
    move(
        file,
        by=org.so_user,
        from_post=org.so,
        to_post=org.so,
        kind=Movement.Kind.CLOSE,
        at=days_ago(opened_days_ago - took_days),
    )
    return file


def test_figures_per_department(org):
    # pending: ages 2, 10, 40, 200 days (and one parked at 5); one closed file is not pending
    for age in [2, 10, 40, 200]:
        FileFactory(holding_post=org.so, opened_at=days_ago(age))
    FileFactory(holding_post=org.so, opened_at=days_ago(5), status=File.Status.PARKED)
    # disposals taking 4, 10 and 30 days (median 10), and 2 and 6 in another department
    for took in [4, 10, 30]:
        closed_file(org, opened_days_ago=60, took_days=took)
    from tests.factories import DepartmentFactory, PostFactory, SectionFactory

    hed_post = PostFactory(section=SectionFactory(department=DepartmentFactory(code="HED")))
    for took in [2, 6]:
        f = FileFactory(holding_post=hed_post, opened_at=days_ago(50), status=File.Status.CLOSED)
        move(f, by=org.so_user, from_post=hed_post, to_post=hed_post, kind=Movement.Kind.CLOSE,
             at=days_ago(50 - took))  # fmt: skip
    # moves: two between posts, one a year and a half ago (outside the period), a park (not a move)
    f = FileFactory(holding_post=org.ds)
    move(f, by=org.so_user, from_post=org.asst, to_post=org.so)
    move(f, by=org.so_user, from_post=org.so, to_post=org.ds, kind=Movement.Kind.PUT_UP)
    move(f, by=org.so_user, from_post=org.asst, to_post=org.so, at=days_ago(550))
    move(f, by=org.so_user, from_post=org.ds, to_post=org.ds, kind=Movement.Kind.PARK)

    figures = eoffice_figures(use_cache=False)
    fd = figures.for_department("FD")
    assert fd.pending == (3, 1, 1, 1)  # 2 days, 5 (parked), today (f) | 10 | 40 | 200
    assert fd.disposed == 3
    assert fd.median_days_to_disposal == 10.0
    assert fd.files_moved == 2
    hed = figures.for_department("HED")
    assert hed.median_days_to_disposal == 4.0  # (2 + 6) / 2
    assert hed.disposed == 2
    assert sum(n for _, n in figures.monthly_moves) == 2
    assert len(figures.monthly_moves) == 12
    assert figures.monthly_moves[-1][0] == timezone.localdate().replace(day=1)


def test_constant_queries_whatever_the_number_of_files(org, django_assert_num_queries):
    for age in range(30):
        closed_file(org, opened_days_ago=age + 40, took_days=age % 9 + 1)
        FileFactory(holding_post=org.so, opened_at=days_ago(age * 5))
    with django_assert_num_queries(4):
        eoffice_figures(use_cache=False)


def test_figures_are_cached_and_refreshed_when_stale(org, django_assert_num_queries):
    from django.core.cache import cache

    from portal_pages import eoffice, selectors

    eoffice_figures()
    with django_assert_num_queries(0):
        eoffice_figures()
    FileFactory(holding_post=org.so)
    computed_at, figures = cache.get(eoffice.CACHE_KEY)
    old = computed_at - dt.timedelta(seconds=selectors.EOFFICE_CACHE_SECONDS + 1)
    cache.set(eoffice.CACHE_KEY, (old, figures))
    # stale: served as it was, and the refresh task (inline in tests) recomputes it
    served = eoffice_figures()
    assert served.total_pending == figures.total_pending
    assert eoffice_figures().total_pending == figures.total_pending + 1


def test_eoffice_page_download_matches_the_tables(client, tree, org):
    import csv
    import io

    from tests.portal_pages.test_performance import tables_of

    # A name no page word can contain (a random one once was "May", a month on the chart).
    org.so_user.last_name = "Zarghunwal"
    org.so_user.save(update_fields=["last_name"])
    FileFactory(holding_post=org.so, opened_at=days_ago(12))
    closed_file(org, opened_days_ago=30, took_days=7)
    page = client.get(tree.performance.url + "e-office/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Finance Department" in html
    assert "Zarghunwal" not in html
    tables = tables_of(page)
    pending = next(t for t in tables if "Total pending" in t[0])
    disposal = next(t for t in tables if "Files disposed of" in t[0])
    fd_pending = next(r for r in pending if r[0] == "Finance Department")
    fd_disposal = next(r for r in disposal if r[0] == "Finance Department")
    rows = list(csv.DictReader(io.StringIO(
        client.get(tree.performance.url + "e-office/csv/").content.decode("utf-8-sig")
    )))  # fmt: skip
    fd_csv = next(r for r in rows if r["Department"] == "Finance Department")
    assert [fd_csv[h] for h in pending[0][1:]] == [c.replace(",", "") for c in fd_pending[1:]]
    assert fd_csv["Files disposed of"] == fd_disposal[2] == "1"
    assert float(fd_csv["Median days from opening to disposal"]) == 7.0
    data = client.get(tree.performance.url + "e-office/json/").json()
    assert set(data["tables"]) == {"pending", "disposal", "monthly"}
