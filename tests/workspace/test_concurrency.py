"""Two officers acting on the same file at the same instant: exactly one wins, the other is
told clearly, and no movement is duplicated or lost. Real threads, real PostgreSQL."""

import threading

import pytest
from django.db import connection

from tests.factories import UserFactory
from tests.workspace.helpers import diarise, open_file
from workspace import custody
from workspace.errors import ActionRefused
from workspace.models import Holding, Movement, Receipt
from workspace.services import movement
from workspace.services import organisation as org_services

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = ("ok", fn())
        except ActionRefused as exc:
            results[i] = ("refused", str(exc))
        except Exception as exc:  # anything else is a bug the test must show
            results[i] = ("error", f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


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
