"""Handling on the ladder with a controlled clock: escalation at each step and never twice,
the clock stopped while the citizen is asked, feedback reopening one level up only once,
closing unanswered; the sealed identity and who sees what."""

import datetime as dt
import http.server
import json
import threading

import pytest
from django.urls import reverse

from complaints import notify, selectors, services
from complaints.models import Complaint, Event, IdentityDisclosure, Level, Status
from kernel.errors import ActionRefused, NotFound, PermissionDenied, ValidationError
from kernel.models import AuditEvent
from tests.complaints.conftest import at, clock, resolve_at, sweep


def test_each_step_of_the_ladder_once(ladder, filed):
    assert filed.due_at == at(2026, 3, 6, 0)
    assert sweep(at(2026, 3, 5, 23)) == 0
    assert sweep(at(2026, 3, 6, 1)) == 1
    filed.refresh_from_db()
    assert (filed.level, filed.office, filed.status) == (
        Level.DIVISION,
        ladder.com,
        Status.REGISTERED,
    )
    # Three working days from Friday: Monday, Tuesday, Wednesday.
    assert filed.due_at == at(2026, 3, 12, 0)
    assert sweep(at(2026, 3, 6, 1)) == 0  # run twice: nothing moves twice
    assert sweep(at(2026, 3, 11, 23)) == 0
    assert sweep(at(2026, 3, 12, 1)) == 1
    filed.refresh_from_db()
    assert (filed.level, filed.office) == (Level.PROVINCE, ladder.pmc)
    assert sweep(at(2026, 4, 30)) == 0  # the top of the ladder
    escalations = Event.objects.filter(complaint=filed, kind=Event.Kind.ESCALATED)
    assert [(e.level, e.office_id) for e in escalations] == [(2, ladder.com.pk), (3, ladder.pmc.pk)]
    assert AuditEvent.objects.filter(action="complaint.escalate").count() == 2
    with clock(at(2026, 3, 12, 2)):
        view = selectors.public_view(filed)
    assert [e["office"] for e in view.escalations] == [ladder.com.name, ladder.pmc.name]
    # The lower offices keep it visible; the senior now acts; another district sees nothing.
    for user in (ladder.cell_user, ladder.com_user, ladder.pmc_user):
        assert selectors.queue(user).filter(pk=filed.pk).exists()
    assert not selectors.queue(ladder.mardan_user).filter(pk=filed.pk).exists()
    with pytest.raises(PermissionDenied, match="Only the office now handling"):
        services.resolve(actor=ladder.cell_user, complaint=filed, action_taken="done")


@pytest.mark.postgres
def test_the_sweep_reads_only_due_rows_through_the_due_index(ladder, filed):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = services.due_complaints(at(2026, 3, 6, 1)).explain()
        cursor.execute("SET enable_seqscan = on")
    assert "complaint_due_open" in plan


def test_the_clock_stops_while_the_citizen_is_asked(ladder, filed):
    with clock(at(2026, 3, 3)):
        services.request_info(actor=ladder.cell_user, complaint=filed, question="Which ward?")
    assert sweep(at(2026, 3, 9, 8)) == 0  # past the old due time, but suspended
    with clock(at(2026, 3, 9, 9)):
        services.answer_info(actor=services.portal_actor(), complaint=filed, answer="Ward 4")
    filed.refresh_from_db()
    # Asked Tuesday, answered Monday: Wed, Thu, Fri, Mon (4 working days) added to Thursday.
    assert filed.due_at == at(2026, 3, 12, 0)
    assert filed.status == Status.ASSIGNED and filed.suspended_at is None
    assert sweep(at(2026, 3, 11, 23)) == 0
    assert sweep(at(2026, 3, 12, 1)) == 1


def test_refusals_of_the_office_actions(ladder, filed):
    with pytest.raises(ValidationError, match="Write what the citizen"):
        services.request_info(actor=ladder.cell_user, complaint=filed, question=" ")
    with pytest.raises(ValidationError, match="line department's office"):
        services.mark_to(actor=ladder.cell_user, complaint=filed, section=ladder.dc_mardan)
    with pytest.raises(ValidationError, match="post of the office"):
        services.assign(actor=ladder.cell_user, complaint=filed, post=ladder.mardan_post)
    with pytest.raises(ValidationError, match="Describe the action"):
        services.resolve(actor=ladder.cell_user, complaint=filed, action_taken="")
    with pytest.raises(NotFound):
        services.resolve(actor=ladder.mardan_user, complaint=filed, action_taken="x")
    with pytest.raises(ActionRefused, match="has not asked you"):
        services.answer_info(actor=services.portal_actor(), complaint=filed, answer="x")
    with pytest.raises(ActionRefused, match="only once a complaint is resolved"):
        services.give_feedback(actor=services.portal_actor(), complaint=filed, satisfied=True)
    assert not AuditEvent.objects.exclude(action__in=["complaint.file", "receipt.diarise"]).exists()


def test_not_satisfied_reopens_one_level_up_only_once(ladder, filed):
    services.mark_to(actor=ladder.cell_user, complaint=filed, section=ladder.line)
    assert selectors.queue(ladder.line_user).filter(pk=filed.pk).exists()
    resolve_at(ladder.cell_user, filed, at(2026, 3, 3))
    portal = services.portal_actor()
    with pytest.raises(ValidationError, match="why you are not satisfied"):
        services.give_feedback(actor=portal, complaint=filed, satisfied=False)
    with clock(at(2026, 3, 4)):
        services.give_feedback(actor=portal, complaint=filed, satisfied=False, comment="No doctor")
    filed.refresh_from_db()
    assert (filed.level, filed.office, filed.status) == (2, ladder.com, Status.REGISTERED)
    assert filed.reopened and filed.due_at == at(2026, 3, 10, 0)
    resolve_at(ladder.com_user, filed, at(2026, 3, 5))
    with clock(at(2026, 3, 6)):
        services.give_feedback(actor=portal, complaint=filed, satisfied=False, comment="Still")
    filed.refresh_from_db()
    assert (filed.level, filed.status) == (2, Status.CLOSED)
    assert filed.feedback == Complaint.Feedback.NOT_SATISFIED
    assert Event.objects.filter(complaint=filed, kind=Event.Kind.REOPENED).count() == 1


def test_satisfied_closes_and_silence_closes_after_the_days(ladder, filed):
    resolve_at(ladder.cell_user, filed, at(2026, 3, 3))
    services.give_feedback(actor=services.portal_actor(), complaint=filed, satisfied=True)
    filed.refresh_from_db()
    assert filed.status == Status.CLOSED and filed.feedback == Complaint.Feedback.SATISFIED
    with clock(at(2026, 3, 2)):
        other = services.file_complaint(
            actor=services.portal_actor(),
            client="x",
            category=ladder.category,
            district=ladder.peshawar,
            description="Another matter entirely, at the BHU.",
            mobile="03005555555",
            cnic_last4="1111",
        )
    resolve_at(ladder.cell_user, other, at(2026, 3, 3))
    assert services.close_unanswered(now=at(2026, 3, 12)) == 0
    assert services.close_unanswered(now=at(2026, 3, 14)) == 1
    other.refresh_from_db()
    assert other.status == Status.CLOSED and other.feedback == Complaint.Feedback.NONE


def test_identity_is_sealed_until_asked_with_a_reason(ladder, filed, client):
    client.force_login(ladder.cell_user)
    page = client.get(reverse("complaints:detail", args=[filed.pk])).content.decode()
    assert "The emergency ward" in page
    for secret in ("Gul Bibi", "03009876543", "2468", "gul@example.org"):
        assert secret not in page
    with pytest.raises(ValidationError, match="Say why"):
        services.reveal_identity(actor=ladder.cell_user, complaint=filed, reason="need")
    services.mark_to(actor=ladder.cell_user, complaint=filed, section=ladder.line)
    with pytest.raises(PermissionDenied):  # the line office sees the complaint, not the person
        services.reveal_identity(actor=ladder.line_user, complaint=filed, reason="x" * 20)
    with pytest.raises(NotFound):
        services.reveal_identity(actor=ladder.mardan_user, complaint=filed, reason="x" * 20)
    assert not IdentityDisclosure.objects.exists()
    response = client.post(
        reverse("complaints:act", args=[filed.pk, "reveal"]),
        {"reason": "To arrange a visit with the complainant"},
    )
    shown = response.content.decode()
    assert "03009876543" in shown and "Gul Bibi" in shown
    disclosure = IdentityDisclosure.objects.get()
    assert disclosure.post == ladder.cell_post
    row = AuditEvent.objects.get(action="complaint.reveal_identity")
    assert row.actor == ladder.cell_user and "visit" in row.after["reason"]
    # The senior (the post the cell officer reports to) sees it on the queue.
    client.force_login(ladder.dc_head_user)
    queue = client.get(reverse("complaints:queue")).content.decode()
    assert "To arrange a visit with the complainant" in queue
    client.force_login(ladder.com_user)
    assert "To arrange a visit" not in client.get(reverse("complaints:queue")).content.decode()


def test_other_districts_get_404_everywhere(ladder, filed, client):
    client.force_login(ladder.mardan_user)
    assert client.get(reverse("complaints:detail", args=[filed.pk])).status_code == 404
    response = client.post(
        reverse("complaints:act", args=[filed.pk, "resolve"]), {"action_taken": "x"}
    )
    assert response.status_code == 404
    assert filed.display_ref not in client.get(reverse("complaints:queue")).content.decode()
    filed.refresh_from_db()
    assert filed.status == Status.REGISTERED


def test_queue_queries_do_not_grow_with_rows(ladder, client):
    client.force_login(ladder.cell_user)

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("complaints:queue")).status_code == 200
        return len(ctx)

    for i in range(2):
        services.file_complaint(
            actor=services.portal_actor(),
            client=f"c{i}",
            category=ladder.category,
            district=ladder.peshawar,
            description="Something that needs doing soon.",
            mobile=f"0300000000{i}",
            cnic_last4="1234",
        )
    few = count()
    for i in range(2, 9):
        services.file_complaint(
            actor=services.portal_actor(),
            client=f"c{i}",
            category=ladder.category,
            district=ladder.peshawar,
            description="Something that needs doing soon.",
            mobile=f"0300000000{i}",
            cnic_last4="1234",
        )
    assert count() == few


class _Gateway(http.server.BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Gateway.received.append((self.headers["Authorization"], json.loads(body)))
        self.send_response(202)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_http_sms_backend_posts_to_a_real_gateway(settings):
    server = http.server.HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings.DAFTAR_SMS_BACKEND = "complaints.notify.HttpBackend"
        settings.DAFTAR_SMS_URL = f"http://127.0.0.1:{server.server_port}/send"
        settings.DAFTAR_SMS_TOKEN = "t0ken"
        notify.send(mobile="03001112222", email="", subject="s", text="Complaint K7M2Q-X9PT4")
        assert _Gateway.received == [
            ("Bearer t0ken", {"to": "03001112222", "text": "Complaint K7M2Q-X9PT4"})
        ]
        settings.DAFTAR_SMS_URL = f"http://127.0.0.1:{server.server_port + 1}/closed"
        notify.send(mobile="03001112222", email="", subject="s", text="x")  # logged, not raised
    finally:
        server.shutdown()


def test_memory_sms_backend_keeps_the_messages_and_prints_nothing(settings, capsys):
    settings.DAFTAR_SMS_BACKEND = "complaints.notify.MemoryBackend"
    notify.outbox.clear()
    notify.send(mobile="03001112222", email="", subject="s", text="Complaint K7M2Q-X9PT4")
    assert list(notify.outbox) == [{"to": "03001112222", "text": "Complaint K7M2Q-X9PT4"}]
    assert "K7M2Q" not in capsys.readouterr().out


def test_public_holidays_and_the_provinces_weekend_are_not_working_days(ladder, settings):
    from organisation.models import Holiday

    def filed_on(moment, mobile):
        with clock(moment):
            return services.file_complaint(
                actor=services.portal_actor(), client=mobile, category=ladder.category,
                district=ladder.peshawar, description="Water supply cut for a week now.",
                mobile=mobile, cnic_last4="1357",
            )  # fmt: skip

    # Thursday + 3 working days: Friday, Monday, Tuesday; overdue from Wednesday ...
    assert filed_on(at(2026, 3, 5), "03000000011").due_at == at(2026, 3, 11, 0)
    # ... but with Monday a public holiday, Friday, Tuesday, Wednesday.
    Holiday.objects.create(date=dt.date(2026, 3, 9), name_en="Holiday", province="")
    assert filed_on(at(2026, 3, 5), "03000000012").due_at == at(2026, 3, 12, 0)
    # Another province's holiday does not count in KP.
    Holiday.objects.create(date=dt.date(2026, 3, 10), name_en="Elsewhere", province="SD")
    assert filed_on(at(2026, 3, 5), "03000000013").due_at == at(2026, 3, 12, 0)
    # A province that works on Saturdays: Friday, Saturday, (holiday), Tuesday.
    settings.DAFTAR_WEEKENDS = {"KP": [6]}
    assert filed_on(at(2026, 3, 5), "03000000014").due_at == at(2026, 3, 11, 0)


def test_one_digest_a_day_per_officer_not_one_mail_per_complaint(ladder, mailoutbox):
    for user in (ladder.cell_user, ladder.dc_head_user, ladder.mardan_user):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    for i, day in enumerate([2, 2, 9]):
        with clock(at(2026, 3, day)):
            services.file_complaint(
                actor=services.portal_actor(), client=f"d{i}", category=ladder.category,
                district=ladder.peshawar, description="The road to the BHU is broken.",
                mobile=f"0300000002{i}", cnic_last4="1357",
            )  # fmt: skip
    mailoutbox.clear()
    assert services.send_digests(now=at(2026, 3, 12, 8)) == 2
    to = sorted(m.to[0] for m in mailoutbox)
    assert to == ["cell@example.org", "dc@example.org"]
    body = mailoutbox[0].body
    assert "2 overdue, 1 due within two days, 3 open" in body
    assert "03000000020" not in body


def test_an_office_cannot_act_on_what_moved_up_meanwhile(ladder, filed):
    stale = Complaint.objects.get(pk=filed.pk)
    sweep(at(2026, 3, 6, 1))
    with pytest.raises(PermissionDenied, match="Only the office now handling"):
        services.resolve(actor=ladder.cell_user, complaint=stale, action_taken="Done.")
    filed.refresh_from_db()
    assert filed.status == Status.REGISTERED and filed.level == 2
