"""Compliance on a constructed period: who filed on time, late, never; per department;
reminders by email through the task backend; the escalation list."""

import datetime as dt

import pytest
from django.core import mail

from cgu.models import Reminder
from cgu.selectors import filing
from cgu.selectors.filing import FilingState
from cgu.services import (
    reminders_send,
    return_accept,
    return_resubmit,
    return_send_back,
    return_submit,
)
from kernel.errors import ActionRefused, PermissionDenied
from kernel.models import AuditEvent
from tests.cgu.conftest import hosp_rows, uni_rows
from tests.cgu.factories import EntityFactory

ON = dt.date(2025, 11, 15)  # 15 days after the 2025-Q3 deadline (31 October)


@pytest.fixture
def period(cgu):
    """UOP on time and accepted; AWKUM late and returned; LRH-MTI on time, under review;
    three more HED universities and one HD hospital never filed (one without email); one
    inactive entity that is not expected."""
    uop = return_submit(
        actor=cgu.asst_user,
        entity=cgu.uni,
        period=cgu.q3,
        rows=uni_rows(),
        received_on=dt.date(2025, 10, 30),
    )
    return_accept(actor=cgu.so_user, kpi_return=uop)
    awkum = return_submit(
        actor=cgu.asst_user,
        entity=cgu.uni2,
        period=cgu.q3,
        rows=uni_rows(),
        received_on=dt.date(2025, 11, 3),
    )
    return_send_back(actor=cgu.so_user, kpi_return=awkum, reasons="Totals do not add up.")
    return_submit(
        actor=cgu.asst_user,
        entity=cgu.hosp,
        period=cgu.q3,
        rows=hosp_rows(),
        received_on=dt.date(2025, 10, 31),
    )
    for code in ["ICP", "UET", "KMU"]:
        EntityFactory(code=code, department=cgu.hed)
    EntityFactory(code="KTH-MTI", type="teaching_hospital", department=cgu.hd, contact_email="")
    EntityFactory(code="OLD", department=cgu.hed, is_active=False)
    return cgu.q3


def test_states_per_entity(cgu, period):
    report = filing.compliance(period, on=ON)
    states = {row.entity.code: row.state for row in report.rows}
    assert states == {
        "UOP": FilingState.ON_TIME,
        "AWKUM": FilingState.LATE,
        "LRH-MTI": FilingState.ON_TIME,
        "ICP": FilingState.OVERDUE,
        "UET": FilingState.OVERDUE,
        "KMU": FilingState.OVERDUE,
        "KTH-MTI": FilingState.OVERDUE,
    }
    awkum = next(r for r in report.rows if r.entity.code == "AWKUM")
    assert (awkum.days_late, awkum.latest.status, awkum.owes_return) == (3, "returned", True)
    assert sorted(r.entity.code for r in report.owing) == ["AWKUM", "ICP", "KMU", "KTH-MTI", "UET"]


def test_counts_and_rates_per_department(cgu, period):
    report = filing.compliance(period, on=ON)
    t = report.totals
    assert (t.expected, t.on_time, t.late, t.overdue, t.not_due) == (7, 2, 1, 4, 0)
    assert (t.filed, t.accepted, t.awaiting_review, t.returned) == (3, 1, 1, 1)
    assert str(t.rate) == "42.86"
    by_dept = {c.department.code: c for c in report.departments}
    hed, hd = by_dept["HED"], by_dept["HD"]
    assert (hed.expected, hed.filed, hed.on_time, str(hed.rate), str(hed.on_time_rate)) == (
        5,
        2,
        1,
        "40.00",
        "20.00",
    )
    assert (hd.expected, hd.filed, str(hd.rate)) == (2, 1, "50.00")


def test_before_the_deadline_nobody_is_overdue(cgu, period):
    report = filing.compliance(period, on=dt.date(2025, 10, 31))
    assert report.totals.overdue == 0
    assert report.totals.not_due == 4
    # AWKUM filed after that day in this constructed history: still counted as filed late.
    assert report.totals.late == 1


def test_compliance_query_count_does_not_grow(cgu, period, django_assert_max_num_queries):
    # PSEs, their departments (one query for all), returns, reminders.
    with django_assert_max_num_queries(4):
        filing.compliance(period, on=ON)
    for i in range(20):
        EntityFactory(code=f"X{i}", department=cgu.hed)
    with django_assert_max_num_queries(4):
        assert filing.compliance(period, on=ON).totals.expected == 27


def test_reminders_email_the_owing_entities_on_commit(
    cgu, period, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sent = reminders_send(actor=cgu.asst_user, period=period, on=ON)
    assert sorted(r.entity.code for r in sent) == ["AWKUM", "ICP", "KMU", "KTH-MTI", "UET"]
    assert len(callbacks) == 4  # KTH-MTI has no email: a phone follow-up instead
    assert sorted(m.to[0] for m in mail.outbox) == [
        "awkum@example.org",
        "icp@example.org",
        "kmu@example.org",
        "uet@example.org",
    ]
    awkum_mail = next(m for m in mail.outbox if m.to == ["awkum@example.org"])
    assert "returned to you" in awkum_mail.body and "2025-Q3" in awkum_mail.subject
    assert awkum_mail.body.count("— — —") == 1  # English, then Urdu
    delivery = dict(Reminder.objects.values_list("entity__code", "delivery"))
    assert delivery == {
        "AWKUM": "sent",
        "ICP": "sent",
        "KMU": "sent",
        "UET": "sent",
        "KTH-MTI": "no_email",
    }
    event = AuditEvent.objects.get(action="cgu.reminders_send")
    assert event.after["no_email"] == ["KTH-MTI"]


def test_reminders_once_a_day_and_not_before_the_deadline(
    cgu, period, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(actor=cgu.asst_user, period=period, on=ON)
        again = reminders_send(actor=cgu.so_user, period=period, on=ON)
    assert again == []
    assert len(mail.outbox) == 4
    with pytest.raises(ActionRefused, match="no one is late yet"):
        reminders_send(actor=cgu.asst_user, period=period, on=dt.date(2025, 10, 31))
    with pytest.raises(PermissionDenied):
        reminders_send(actor=cgu.budget_so_user, period=period, on=ON)


def test_escalation_list(cgu, period, django_capture_on_commit_callbacks):
    def q3(rows):
        return [e for e in rows if e.period == period]

    # 15 days late and not yet reminded: not for the head yet.
    assert q3(filing.escalations(on=ON)) == []
    # Reminded twice: escalated.
    Reminder.objects.bulk_create(
        Reminder(
            entity=cgu.uni2, period=period, email="a@b.c", reason="returned", sent_by=cgu.asst_user
        )
        for _ in range(2)
    )
    assert [(e.entity.code, e.returned) for e in q3(filing.escalations(on=ON))] == [("AWKUM", True)]
    # 30 days past the deadline everyone still owing is escalated; Q2 nobody filed at all.
    later = filing.escalations(on=dt.date(2025, 11, 30))
    codes = [(e.entity.code, e.period.code) for e in later]
    assert ("AWKUM", "2025-Q3") in codes and ("ICP", "2025-Q3") in codes
    assert ("UOP", "2025-Q3") not in codes and ("LRH-MTI", "2025-Q3") not in codes
    assert ("UOP", "2025-Q2") in codes  # Q2 (due 31 July) was never filed by anyone
    first = later[0]
    assert first.periods_owed == 2  # owes both quarters: listed first


def test_escalation_list_grouped_per_entity(cgu, period):
    rows = filing.escalations(on=dt.date(2025, 11, 30))
    grouped = filing.escalations_by_entity(rows)
    assert len(grouped) == len({r.entity.pk for r in rows})
    uop = next(g for g in grouped if g.entity.code == "UOP")
    assert [e.period.code for e in uop.items] == ["2025-Q2"]  # Q3 is filed and accepted
    icp = next(g for g in grouped if g.entity.code == "ICP")
    assert [e.period.code for e in icp.items] == ["2025-Q2", "2025-Q3"]  # most overdue first
    assert icp.days_overdue == (dt.date(2025, 11, 30) - dt.date(2025, 7, 31)).days


@pytest.mark.parametrize("on", [ON, dt.date(2025, 10, 31), dt.date(2025, 10, 1)])
def test_counts_only_agree_with_the_full_report(cgu, period, on, django_assert_max_num_queries):
    full = filing.compliance(period, on=on)
    with django_assert_max_num_queries(3):
        counts = filing.compliance_counts(period, on=on)
    assert counts.totals == full.totals
    assert counts.departments == full.departments
    assert counts.totals.returned == 1 and counts.totals.expected == full.totals.expected


def test_counts_only_query_count_does_not_grow(cgu, period, django_assert_max_num_queries):
    for i in range(20):
        EntityFactory(code=f"Y{i}", department=cgu.hd)
    with django_assert_max_num_queries(3):
        assert filing.compliance_counts(period, on=ON).totals.expected == 27


# ----------------------------------------------------------- the compliance screen's table


def _mixed(cgu, period):
    """The fixture's period plus what the screen's columns tell apart: a resubmitted
    version, a return the entity filed itself, reminders, a name to escape and an entity
    without an Urdu name."""
    from cgu.models import KpiReturn

    awkum = KpiReturn.objects.get(entity=cgu.uni2, period=period)
    return_resubmit(
        actor=cgu.asst_user, kpi_return=awkum, rows=uni_rows(), received_on=dt.date(2025, 11, 9)
    )
    icp = EntityFactory(code="ICP")
    icp.name_en, icp.name_ur = 'I & <C> "P"', ""
    icp.save(update_fields=["name_en", "name_ur"])
    own = return_submit(
        actor=cgu.asst_user,
        entity=EntityFactory(code="A&B/1", department=cgu.hd),
        period=period,
        rows=uni_rows(),
        received_on=dt.date(2025, 11, 20),
    )
    KpiReturn.objects.filter(pk=own.pk).update(channel=KpiReturn.Channel.ENTITY)
    reminders_send(actor=cgu.so_user, period=period, on=ON)


def _as_row(row):
    latest = row.latest
    return (
        row.entity.code,
        row.entity.name_en,
        row.entity.name_ur,
        row.entity.department.code,
        row.state,
        row.days_late,
        row.first_received_on,
        latest.pk if latest else None,
        latest.version if latest else None,
        latest.status if latest else None,
        latest.channel if latest else None,
        row.reminders,
    )


@pytest.mark.parametrize("on", [ON, dt.date(2025, 10, 31), dt.date(2025, 10, 1)])
def test_table_agrees_with_the_full_report_row_by_row(
    cgu, period, on, django_assert_max_num_queries
):
    _mixed(cgu, period)
    full = filing.compliance(period, on=on)
    with django_assert_max_num_queries(4):
        table = filing.compliance_table(period, on=on)
    assert [
        (
            r.entity_code,
            r.name_en,
            r.name_ur,
            r.department_code,
            r.state,
            r.days_late,
            r.first_received_on,
            r.latest_id,
            r.latest_version,
            r.latest_status,
            r.latest_channel,
            r.reminders,
        )
        for r in table.rows
    ] == [_as_row(r) for r in full.rows]
    assert table.totals == full.totals and table.departments == full.departments
    assert [r.entity_code for r in table.owing] == [r.entity.code for r in full.owing]
    assert (table.self_filed, table.keyed_in) == (full.self_filed, full.keyed_in) != (0, 0)
    for state in (FilingState.ON_TIME, FilingState.LATE, FilingState.OVERDUE):
        assert [r.entity_code for r in table.with_state(state)] == [
            r.entity.code for r in full.with_state(state)
        ]
    assert any(r.reminders for r in table.rows) and any(r.latest_version == 2 for r in table.rows)


def _rows_as_main_wrote_them(rows) -> list[str]:
    """``cgu.views.rows.compliance_rows`` as it was over ``EntityCompliance`` rows (main
    before issue 20): the reference the plain-values rows must equal byte for byte."""
    from urllib.parse import quote

    from cgu.models import KpiReturn
    from cgu.views.rows import _URL_SAFE, _dates, _e, _Filing, status_labels, url_prefix

    entity_url = url_prefix("cgu:entity")
    return_url = url_prefix("cgu:return", 2147483647)
    statuses = status_labels()
    filing_badge = _Filing()
    date = _dates()
    channels = {
        value: f'<span class="badge badge-channel-{value}">{_e(label)}</span>'
        for value, label in KpiReturn.Channel.choices
    }
    out = []
    for row in rows:
        entity, latest = row.entity, row.latest
        channel = channels.get(latest.channel, "") if latest is not None else "—"
        if latest is None:
            latest_html = "—"
        else:
            latest_html = (
                f'<a href="{return_url[0]}{latest.pk}{return_url[1]}">v{latest.version}</a> '
                f"{statuses.get(latest.status) or _e(latest.status)}"
            )
        code = _e(entity.code)
        href = f"{entity_url[0]}{_e(quote(entity.code, safe=_URL_SAFE))}{entity_url[1]}"
        out.append(
            f'<tr><th scope="row"><a href="{href}">{_e(entity.name)}</a> '
            f'<span class="muted mono">{code}</span></th>'
            f"<td>{_e(entity.department.code)}</td><td>{filing_badge.badge(row)}</td>"
            f"<td>{date(row.first_received_on)}</td><td>{latest_html}</td>"
            f"<td>{channel}</td>"
            f'<td class="num">{int(row.reminders)}</td></tr>'
        )
    return out


@pytest.mark.parametrize("language", ["en", "ur"])
def test_screen_rows_are_byte_for_byte_mains(cgu, period, language):
    from django.utils import translation

    from cgu.views.rows import compliance_rows

    _mixed(cgu, period)
    for on in (ON, dt.date(2025, 10, 1)):
        full = filing.compliance(period, on=on)
        table = filing.compliance_table(period, on=on)
        with translation.override(language):
            ours = compliance_rows(table.rows)
            expected = _rows_as_main_wrote_them(full.rows)
        assert ours == expected
        assert len(ours) == full.totals.expected
    page = "".join(ours)
    assert "A&amp;B/1" in page and "badge-channel-entity" in page
    if language == "ur":
        assert "ادارہ" in page and "I &amp; &lt;C&gt; &quot;P&quot;" in page  # no Urdu name
