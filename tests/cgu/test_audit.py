"""Every CGU action writes its audit row, in the same transaction, with who, through which
post, and what changed; and the hash chains still verify afterwards."""

import datetime as dt

import pytest

from cgu.models import KpiDefinition, PublicSectorEntity
from cgu.services import (
    entity_save,
    kpi_save,
    reminders_send,
    report_generate,
    return_accept,
    return_resubmit,
    return_send_back,
    return_submit,
    return_take_up,
)
from kernel import audit
from kernel.errors import PermissionDenied
from kernel.models import AuditEvent
from tests.cgu.conftest import uni_rows

pytestmark = pytest.mark.django_db


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("chain", "seq"))


def test_each_review_step_is_audited(cgu):
    r = return_submit(
        actor=cgu.asst_user,
        entity=cgu.uni,
        period=cgu.q3,
        rows=uni_rows(),
        received_on=dt.date(2025, 10, 20),
    )
    (submit,) = events("kpi_return.submit")
    assert (submit.actor_id, submit.post_id, submit.object_id) == (
        cgu.asst_user.pk,
        cgu.asst.pk,
        str(r.pk),
    )
    assert submit.after["values"] == 5 and submit.after["version"] == 1

    return_take_up(actor=cgu.so_user, kpi_return=r)
    (take,) = events("kpi_return.take_up")
    assert (take.post_id, take.before, take.after) == (
        cgu.so.pk,
        {"status": "submitted"},
        {"status": "under_review"},
    )
    return_send_back(actor=cgu.so_user, kpi_return=r, reasons="Recheck.")
    (back,) = events("kpi_return.send_back")
    assert back.after == {"status": "returned", "reasons": "Recheck."}

    v2 = return_resubmit(actor=cgu.asst_user, kpi_return=r, rows=uni_rows())
    (resub,) = events("kpi_return.resubmit")
    assert resub.before == {"version": 1, "status": "returned"}
    assert resub.object_id == str(v2.pk)

    return_accept(actor=cgu.head_user, kpi_return=v2)
    (accept,) = events("kpi_return.accept")
    assert (accept.actor_id, accept.post_id) == (cgu.head_user.pk, cgu.head.pk)
    assert accept.after == {"status": "accepted", "published": True, "replaces": None}
    # The papers went through the documents pipeline, audited there.
    assert len(events("paper.upload")) == 2
    assert list(audit.verify()) == []


def test_refused_actions_leave_no_audit_row(cgu, submitted):
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        return_accept(actor=cgu.budget_so_user, kpi_return=submitted)
    assert AuditEvent.objects.count() == before


def test_registry_reminders_and_reports_are_audited(cgu, django_capture_on_commit_callbacks):
    kpi = kpi_save(
        actor=cgu.so_user,
        instance=KpiDefinition(
            code="NEW", name_en="New", unit="count", category="service", position=99
        ),
    )
    (created,) = events("kpidefinition.create")
    assert created.after["code"] == "NEW" and created.object_id == str(kpi.pk)
    original = PublicSectorEntity.objects.get(pk=cgu.uni.pk)
    cgu.uni.contact_phone = "+92 91 9216701"
    entity_save(actor=cgu.so_user, instance=cgu.uni, original=original)
    (changed,) = events("publicsectorentity.change")
    assert (changed.before["contact_phone"], changed.after["contact_phone"]) == (
        "",
        "+92 91 9216701",
    )
    with pytest.raises(PermissionDenied):
        entity_save(actor=cgu.asst_user, instance=cgu.uni)  # assistants do not keep it
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(actor=cgu.asst_user, period=cgu.q3, on=dt.date(2025, 11, 15))
    assert len(events("cgu.reminders_send")) == 1
    report_generate(actor=cgu.head_user, period=cgu.q3)
    assert len(events("cgu.report_generate")) == 1
    assert list(audit.verify()) == []
