"""The kept figures (complaints.figures) the dashboards and the public statistics read: after
every kind of change the services make — filings, escalations, info asked and answered,
resolutions, feedback closing and reopening, closing unanswered — they equal a count from
scratch over the same complaints; ``manage.py complaints_figures`` checks and rebuilds them."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from complaints import figures, selectors, services
from complaints.models import OfficeFigure
from tests.complaints.conftest import at, clock, resolve_at, sweep


def _file(ladder, district, day, i, mobile=None):
    with clock(at(2026, 3, day)):
        return services.file_complaint(
            actor=services.portal_actor(), client=f"f{i}", category=ladder.category,
            district=district, description="The water supply has been cut for a week.",
            mobile=mobile or f"030000003{i:02d}", cnic_last4="1357",
        )  # fmt: skip


def agree():
    kept, scratch = figures.check()
    assert kept == scratch
    return kept


def test_the_kept_figures_equal_a_count_from_scratch_after_every_change(ladder):
    portal = services.portal_actor()
    assert agree() == {}
    a = _file(ladder, ladder.peshawar, 2, 1)
    b = _file(ladder, ladder.peshawar, 2, 2)
    c = _file(ladder, ladder.mardan, 3, 3)
    dup = _file(ladder, ladder.peshawar, 3, 4, mobile=a.mobile)
    assert dup.duplicate_of == a
    kept = agree()
    assert kept[(figures.DISTRICT, "registered", ladder.peshawar.pk, 0)] == 2  # dup left out
    with clock(at(2026, 3, 3)):
        services.assign(actor=ladder.cell_user, complaint=b, post=ladder.cell_post)
        services.mark_to(actor=ladder.cell_user, complaint=b, section=ladder.line)
        services.request_info(actor=ladder.cell_user, complaint=b, question="Which street?")
    agree()
    # Escalation moves a and the duplicate up; b waits for the citizen (clock stopped); c has
    # no Commissioner's office above it here, so it stays, no longer due.
    assert sweep(at(2026, 3, 9)) == 2
    kept = agree()
    assert kept[figures.escalation_key(
        office_id=ladder.com.pk, district_id=ladder.peshawar.pk, level=2, at=at(2026, 3, 9)
    )] == 2  # fmt: skip
    with clock(at(2026, 3, 10)):
        services.answer_info(actor=portal, complaint=b, answer="Gul Mohar street.")
    agree()
    resolve_at(ladder.com_user, a, at(2026, 3, 11))
    resolve_at(ladder.cell_user, b, at(2026, 3, 11))
    agree()
    with clock(at(2026, 3, 12)):
        services.give_feedback(actor=portal, complaint=a, satisfied=False, comment="Still dry")
        services.give_feedback(actor=portal, complaint=b, satisfied=True)
    kept = agree()  # a reopened at the Cell; b closed
    assert kept[(figures.DISTRICT, "reopened", ladder.peshawar.pk, 0)] == 1
    assert kept[(figures.DISTRICT, "satisfied", ladder.peshawar.pk, 0)] == 1
    resolve_at(ladder.pmc_user, a, at(2026, 3, 13))
    with clock(at(2026, 3, 30)):
        assert services.close_unanswered(now=at(2026, 3, 30)) == 1
    agree()
    # The dashboard reads them: the Cell sees the duplicate at the division (overdue again)
    # and c at Mardan's office.
    label, scope = selectors.dashboard_scope(ladder.pmc_user)
    board = selectors.dashboard(scope, now=at(2026, 3, 30))
    assert board["pending"] == 2 and board["overdue"] == 1
    assert sum(r["n"] for r in board["escalations"]) == 2
    assert c.pk


def test_the_command_checks_and_rebuilds(ladder):
    _file(ladder, ladder.peshawar, 2, 1)
    sweep(at(2026, 3, 9))
    out = io.StringIO()
    call_command("complaints_figures", stdout=out)
    assert "agree" in out.getvalue()
    OfficeFigure.objects.filter(kind="open").update(n=7)  # a figure gone wrong
    with pytest.raises(CommandError):
        call_command("complaints_figures", stdout=io.StringIO())
    call_command("complaints_figures", "--rebuild", stdout=io.StringIO())
    agree()
