"""Races on PostgreSQL: two reviewers accepting the same return at the same moment, and two
clerks entering the same entity's return at once. Exactly one wins; the other gets a clean
refusal, not a database error."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.utils import translation

from cgu.models import KpiReturn
from cgu.services import return_accept, return_submit
from kernel import locks
from kernel.errors import ActionRefused
from kernel.models import AuditEvent
from tests.cgu.conftest import uni_rows
from tests.races import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_double_accept_race(cgu, submitted):
    results = race(
        lambda: return_accept(actor=cgu.so_user, kpi_return=submitted),
        lambda: return_accept(actor=cgu.head_user, kpi_return=submitted),
    )
    winners = [r for r in results if isinstance(r, KpiReturn)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], ActionRefused), repr(losers[0])
    # The loser waited for the winner's lock, then found the return decided.
    assert "already been accepted" in str(losers[0])
    assert KpiReturn.objects.filter(is_published=True).count() == 1
    assert AuditEvent.objects.filter(action="kpi_return.accept").count() == 1


def test_double_submit_race(cgu):
    def enter(user):
        return lambda: return_submit(
            actor=user,
            entity=cgu.uni,
            period=cgu.q3,
            rows=uni_rows(),
            received_on=dt.date(2025, 10, 2),
        )

    results = race(enter(cgu.asst_user), enter(cgu.so_user))
    assert sum(isinstance(r, KpiReturn) for r in results) == 1, results
    loser = next(r for r in results if isinstance(r, Exception))
    assert isinstance(loser, ActionRefused), repr(loser)
    assert "already has a return" in str(loser)
    assert KpiReturn.objects.count() == 1


def test_a_reviewer_kept_waiting_is_told_so_in_her_own_language(cgu, submitted, monkeypatch):
    """The "someone else is deciding" refusal is translated when it is raised, so an Urdu
    reader reads it in Urdu (it was once translated at import, in English)."""
    monkeypatch.setattr(locks, "LOCK_TIMEOUT_MS", 200)
    locked, release = threading.Event(), threading.Event()

    def hold_the_row():
        try:
            with transaction.atomic():
                KpiReturn.objects.select_for_update().get(pk=submitted.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    try:
        assert locked.wait(10)
        with translation.override("ur"), pytest.raises(ActionRefused) as refused:
            return_accept(actor=cgu.so_user, kpi_return=submitted)
    finally:
        release.set()
        holder.join(10)
    with translation.override("ur"):
        expected = translation.gettext(
            "Someone else is deciding on this return at this moment. Reload in a second."
        )
    assert str(refused.value) == expected and expected.startswith("اس وقت")
    assert not AuditEvent.objects.filter(action="kpi_return.accept").exists()
