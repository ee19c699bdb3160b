"""Two officers acting on the same file at the same instant: exactly one wins, the other is
told clearly, and no movement is duplicated or lost. Real threads, real PostgreSQL."""

import threading

import pytest
from django.db import connection

from kernel.errors import ActionRefused
from organisation import services as org_services
from organisation.models import Holding
from tests.factories import UserFactory
from tests.races import race
from tests.workspace.helpers import diarise, open_file
from workspace import custody
from workspace.models import Movement, Receipt
from workspace.services import movement

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(*calls):
    """``race``'s results as the tests read them: ("ok", value), ("refused", message), or
    ("error", what) for anything else, which is a bug the test must show."""

    def seen(result):
        if isinstance(result, ActionRefused):
            return ("refused", str(result))
        if isinstance(result, Exception):
            return ("error", f"{type(result).__name__}: {result}")
        return ("ok", result)

    return [seen(result) for result in race(*calls)]


def test_two_holders_move_the_same_file_at_once(desk, admin_user):
    stand_in = UserFactory(username="stand-in")
    org_services.holding_assign(
        actor=admin_user, post=desk.asst, user=stand_in, kind=Holding.Kind.ADDITIONAL
    )
    file = open_file(desk)
    results = _race(
        lambda: movement.file_put_up(actor=desk.asst_user, file=file),
        lambda: movement.file_mark(actor=stand_in, file=file, to_post=desk.other_so),
    )
    outcomes = sorted(r[0] for r in results)
    assert outcomes == ["ok", "refused"], results
    refusal = next(r[1] for r in results if r[0] == "refused")
    assert "moved" in refusal or "not at a post you hold" in refusal or "Someone else" in refusal
    moves = Movement.objects.filter(file=file).exclude(kind="open")
    assert moves.count() == 1
    file.refresh_from_db()
    assert file.holding_post_id == moves.get().to_post_id
    assert custody.disagreements() == []


def test_diary_numbers_are_gap_free_under_concurrency(desk):
    n = 6
    results = _race(*[lambda: diarise(desk) for _ in range(n)])
    assert all(r[0] == "ok" for r in results), results
    numbers = sorted(Receipt.objects.values_list("diary_number", flat=True))
    assert numbers == list(range(1, n + 1))


def _waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def test_a_file_that_arrives_while_its_new_holder_waits_is_theirs(desk):
    """Issue 19, point 6: the assistant marks the file to the Section Officer and, before the
    move commits, the Section Officer puts it up. The SO's action waits for the file's lock;
    when it gets it, it must see the file at the SO's post (the new holding post), not the
    post row of its old snapshot (which PostgreSQL's re-check of a locked joined row gave:
    no holding post, "not at a post you hold")."""
    import time

    from django.db import transaction

    file = open_file(desk)
    moved, release = threading.Event(), threading.Event()
    results = {}

    def assistant_marks():
        try:
            with transaction.atomic():
                movement.file_mark(actor=desk.asst_user, file=file, to_post=desk.so)
                moved.set()
                assert release.wait(20)
            results["mark"] = "ok"
        except Exception as exc:
            results["mark"] = f"{type(exc).__name__}: {exc}"
            moved.set()
        finally:
            connection.close()

    def so_puts_up():
        try:
            assert moved.wait(20)
            results["put_up"] = ("ok", movement.file_put_up(actor=desk.so_user, file=file))
        except ActionRefused as exc:
            results["put_up"] = ("refused", str(exc))
        except Exception as exc:
            results["put_up"] = ("error", f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=assistant_marks), threading.Thread(target=so_puts_up)]
    for t in threads:
        t.start()
    assert moved.wait(20)
    # The SO's action is waiting for the file's lock (not merely not started yet).
    deadline = time.monotonic() + 10
    while _waiting_for_a_lock() == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    waited = _waiting_for_a_lock()
    release.set()
    for t in threads:
        t.join(30)
    assert waited == 1
    assert results["mark"] == "ok", results
    assert results["put_up"][0] == "ok", results
    kinds = list(
        Movement.objects.filter(file=file).order_by("pk").values_list("kind", "to_post_id")
    )
    assert kinds[-2:] == [("mark", desk.so.pk), ("put_up", desk.ds.pk)]
    file.refresh_from_db()
    assert file.holding_post_id == desk.ds.pk
    assert custody.disagreements() == []
