"""The entities' own door (issue 22): their people, their drafts, the head's certificate,
submission into the CGU's review, isolation between entities, scoped tokens, lateness on
the certified submission, and the chase of late filers with a controlled clock."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services import token_create
from cgu import intake
from cgu.models import (
    EntityDraft,
    EntityUser,
    KpiReturn,
    Reminder,
    SecretaryNotice,
)
from cgu.services import return_accept, return_send_back, return_submit, return_take_up
from cgu.services.compliance import entity_chase
from cgu.services.entity import (
    draft_certify,
    draft_save,
    draft_submit,
    entity_user_deactivate,
    entity_user_invite,
    invitation_accept,
)
from kernel.errors import ActionRefused, NotFound, PermissionDenied, ValidationError
from kernel.models import AuditEvent
from tests.cgu.conftest import uni_rows
from tests.factories import HoldingFactory, PostFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough pass phrase 42"  # noqa: S105


def _join(cgu, entity, email, role):
    member, key = entity_user_invite(
        actor=cgu.asst_user, entity=entity, email=email, full_name=email.split("@")[0], role=role
    )
    from django.contrib.auth.models import AnonymousUser

    invitation_accept(actor=AnonymousUser(), key=key, password=PASSWORD, password_again=PASSWORD)
    member.refresh_from_db()
    return member


@pytest.fixture
def people(cgu):
    """University of Peshawar: a focal person and a head. AWKUM: its head alone."""
    cgu.prep = _join(cgu, cgu.uni, "focal@uop.edu.pk", EntityUser.Role.PREPARER)
    cgu.uhead = _join(cgu, cgu.uni, "vc@uop.edu.pk", EntityUser.Role.HEAD)
    cgu.other = _join(cgu, cgu.uni2, "vc@awkum.edu.pk", EntityUser.Role.HEAD)
    return cgu


def _certified(o, rows=None):
    draft = draft_save(actor=o.prep.user, entity=o.uni, period=o.q3, rows=rows or uni_rows())
    return draft_certify(actor=o.uhead.user, draft=draft)


# ---------------------------------------------------------------- people


def test_invitation_is_emailed_works_once_and_expires(
    cgu, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        member, key = entity_user_invite(
            actor=cgu.asst_user,
            entity=cgu.uni,
            email="Focal@UOP.edu.pk",
            full_name="Amina Khan",
            role=EntityUser.Role.PREPARER,
        )
    assert len(mail.outbox) == 1
    link = reverse("entity:join", args=[key])
    assert link in mail.outbox[0].body and mail.outbox[0].to == ["focal@uop.edu.pk"]
    assert not member.user.is_active and not member.user.has_usable_password()
    assert member.invite_digest != key  # stored as a digest only
    assert AuditEvent.objects.filter(action="entity_user.invite").count() == 1

    page = client.get(link)
    assert page.status_code == 200 and "Amina" not in page.content.decode()[:0]
    response = client.post(link, {"password": PASSWORD, "password_again": PASSWORD})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.joined_at and member.user.is_active and member.user.check_password(PASSWORD)
    # Once only.
    assert client.get(link).status_code == 404
    # Expired links open nothing.
    other, key2 = entity_user_invite(
        actor=cgu.asst_user, entity=cgu.uni, email="x@uop.edu.pk", full_name="X Y", role="head"
    )
    EntityUser.objects.filter(pk=other.pk).update(
        invite_expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert client.get(reverse("entity:join", args=[key2])).status_code == 404


def test_only_the_cgu_invites_and_a_refusal_leaves_nothing(cgu, people):
    users, audits = EntityUser.objects.count(), AuditEvent.objects.count()
    for actor in (cgu.budget_so_user, cgu.outsider, people.uhead.user, people.prep.user):
        with pytest.raises(PermissionDenied):
            entity_user_invite(
                actor=actor, entity=cgu.uni, email="new@uop.edu.pk", full_name="N", role="head"
            )
    with pytest.raises(ValidationError) as refused:
        entity_user_invite(
            actor=cgu.asst_user, entity=cgu.uni, email="not-an-email", full_name="", role="boss"
        )
    assert set(refused.value.message_dict) == {"email", "full_name", "role"}
    assert (EntityUser.objects.count(), AuditEvent.objects.count()) == (users, audits)


def test_deactivated_by_the_cgu_or_the_head_not_by_a_preparer(cgu, people):
    token, _key = token_create(actor=people.prep.user, name="finance system")
    with pytest.raises(PermissionDenied):
        entity_user_deactivate(actor=people.prep.user, member=people.uhead)
    with pytest.raises(ActionRefused):
        entity_user_deactivate(actor=people.uhead.user, member=people.uhead)
    with pytest.raises(NotFound):  # another entity's head
        entity_user_deactivate(actor=people.other.user, member=people.prep)
    entity_user_deactivate(actor=people.uhead.user, member=people.prep)
    people.prep.refresh_from_db()
    people.prep.user.refresh_from_db()
    token.refresh_from_db()
    assert people.prep.deactivated_at and not people.prep.user.is_active
    assert token.revoked_at is not None
    entity_user_deactivate(actor=cgu.asst_user, member=people.other)
    assert not EntityUser.objects.get(pk=people.other.pk).is_active


# ---------------------------------------------------------------- the four eyes


def test_a_preparer_cannot_certify_or_submit_uncertified(
    people, django_capture_on_commit_callbacks
):
    o = people
    draft = draft_save(actor=o.prep.user, entity=o.uni, period=o.q3, rows=uni_rows())
    with pytest.raises(PermissionDenied):
        draft_certify(actor=o.prep.user, draft=draft)
    with pytest.raises(ActionRefused):
        draft_submit(actor=o.prep.user, draft=draft)
    assert not KpiReturn.objects.exists()
    draft_certify(actor=o.uhead.user, draft=draft)
    with django_capture_on_commit_callbacks(execute=True):
        kpi_return = draft_submit(actor=o.prep.user, draft=draft)
    assert kpi_return.channel == KpiReturn.Channel.ENTITY
    assert (kpi_return.submitted_by, kpi_return.certified_by) == (o.prep.user, o.uhead.user)
    kpi_return.refresh_from_db()
    assert kpi_return.status == KpiReturn.Status.SUBMITTED and kpi_return.paper_id
    assert kpi_return.review_processes.count() == 1  # in the CGU's review flow


def test_a_head_cannot_certify_what_they_prepared_alone_when_there_are_two(people):
    o = people
    draft = draft_save(actor=o.uhead.user, entity=o.uni, period=o.q3, rows=uni_rows())
    with pytest.raises(ActionRefused):
        draft_certify(actor=o.uhead.user, draft=draft)
    # The focal person re-saves it: now the head may certify.
    draft = draft_save(actor=o.prep.user, entity=o.uni, period=o.q3, rows=uni_rows())
    assert draft_certify(actor=o.uhead.user, draft=draft).state == "certified"
    # A head who is the entity's only user certifies their own draft.
    alone = draft_save(actor=o.other.user, entity=o.uni2, period=o.q3, rows=uni_rows())
    assert draft_certify(actor=o.other.user, draft=alone).state == "certified"


def test_saving_a_certified_draft_again_drops_the_certificate(people):
    o = people
    draft = _certified(o)
    again = draft_save(actor=o.prep.user, entity=o.uni, period=o.q3, rows=uni_rows(STAFF="2400"))
    assert again.pk == draft.pk and again.state == "draft" and again.certified_by is None
    with pytest.raises(ActionRefused):
        draft_submit(actor=o.prep.user, draft=again)


def test_errors_by_row_and_column_and_nothing_saved(people):
    o = people
    audits = AuditEvent.objects.count()
    csv = b"kpi_code,value\nBUDGET,abc\nEXPENDITURE,980\nUTIL_PCT,500\nSTAFF,2300\n"
    with pytest.raises(intake.ReturnRejected) as refused:
        draft_save(
            actor=o.prep.user,
            entity=o.uni,
            period=o.q3,
            upload=SimpleUploadedFile("r.csv", csv, "text/csv"),
        )
    found = {(e.row, e.column) for e in refused.value.row_errors}
    # Row 1 is the header: BUDGET is on row 2, UTIL_PCT on row 4; ENROLMENT is missing.
    assert {(2, "value"), (4, "value"), (None, "kpi_code")} <= found
    assert not EntityDraft.objects.exists() and AuditEvent.objects.count() == audits


# ---------------------------------------------------------------- into the CGU's review


def test_returned_resubmitted_accepted_published(people, client):
    o = people
    first = draft_submit(actor=o.prep.user, draft=_certified(o))
    assert first.enclosure_id is None  # waits for the officer holding the monitoring file
    with pytest.raises(ActionRefused):  # a return with the CGU cannot be re-drafted …
        draft_save(actor=o.prep.user, entity=o.uni, period=o.q3, rows=uni_rows())
    return_send_back(actor=o.so_user, kpi_return=first, reasons="Staff figure is too high.")
    first.refresh_from_db()
    assert first.status == "returned"
    # … but a returned one can, as the next version.
    second = draft_submit(actor=o.prep.user, draft=_certified(o, uni_rows(STAFF="2100")))
    assert second.version == 2 and second.channel == "entity"
    return_take_up(actor=o.so_user, kpi_return=second)
    return_accept(actor=o.so_user, kpi_return=second)
    page = client.get(f"/portal/entities/{o.uni.code}/")
    if page.status_code == 200:
        assert "2,100" in page.content.decode() or "2100" in page.content.decode()
    from cgu.selectors.published import published_figures

    assert published_figures(entity=o.uni).filter(kpi__code="STAFF").get().value == 2100


def test_the_cgu_still_keys_in_on_an_entitys_behalf(people):
    o = people
    keyed = return_submit(
        actor=o.asst_user,
        entity=o.uni,
        period=o.q3,
        rows=uni_rows(),
        received_on=dt.date(2025, 10, 5),
    )
    assert keyed.channel == KpiReturn.Channel.CGU and keyed.certified_by is None
    with pytest.raises(ActionRefused):  # the entity cannot file over a return under review
        draft_save(actor=o.prep.user, entity=o.uni, period=o.q3, rows=uni_rows())


REAL_NOW = timezone.now


def _at(monkeypatch, when: dt.datetime | None):
    """The controlled clock: ``timezone.now`` (and so ``localdate``) answers ``when``."""
    monkeypatch.setattr(timezone, "now", (lambda: when) if when else REAL_NOW)


def test_lateness_is_judged_on_the_certified_submission(people, monkeypatch):
    o = people
    tz = timezone.get_current_timezone()
    # Certified before the deadline (31 Oct), submitted after it: late.
    _at(monkeypatch, dt.datetime(2025, 10, 30, 10, 0, tzinfo=tz))
    draft = _certified(o)
    _at(monkeypatch, dt.datetime(2025, 11, 3, 10, 0, tzinfo=tz))
    late = draft_submit(actor=o.prep.user, draft=draft)
    assert late.received_on == dt.date(2025, 11, 3) and late.is_late
    # Submitted on the deadline day, reviewed much later: on time.
    _at(monkeypatch, dt.datetime(2025, 10, 31, 23, 0, tzinfo=tz))
    alone = draft_save(actor=o.other.user, entity=o.uni2, period=o.q3, rows=uni_rows())
    draft_certify(actor=o.other.user, draft=alone)
    on_time = draft_submit(actor=o.other.user, draft=alone)
    _at(monkeypatch, None)  # reviewed today, long after the deadline
    return_accept(actor=o.so_user, kpi_return=on_time)
    on_time.refresh_from_db()
    assert not on_time.is_late
    from cgu.selectors.filing import compliance

    rows = {r.entity.code: r for r in compliance(o.q3, on=dt.date(2025, 12, 20)).rows}
    assert rows["AWKUM"].state == "on_time" and rows["UOP"].state == "late"
    assert rows["UOP"].latest.channel == "entity"


# ---------------------------------------------------------------- isolation


def test_isolation_matrix_portal(people, client):
    """Every entity screen with another entity's ids is 404; the screens show our own only."""
    o = people
    theirs = draft_save(actor=o.other.user, entity=o.uni2, period=o.q3, rows=uni_rows())
    client.force_login(o.prep.user)
    for name, args in [
        ("entity:certify", [theirs.pk]),
        ("entity:submit", [theirs.pk]),
        ("entity:deactivate", [o.other.pk]),
    ]:
        assert client.post(reverse(name, args=args)).status_code == 404, name
    theirs.refresh_from_db()
    assert theirs.state == "draft"
    page = client.get(reverse("entity:period", args=["2025-Q3"])).content.decode()
    assert "University of Peshawar" in page and "Abdul Wali" not in page
    assert f"/entity/drafts/{theirs.pk}/" not in page
    # Officers and strangers find no entity portal at all.
    for user in (o.so_user, o.outsider):
        client.force_login(user)
        for name, args in [("entity:home", []), ("entity:period", ["2025-Q3"])]:
            assert client.get(reverse(name, args=args)).status_code == 404


def test_entity_users_never_reach_the_desk(people, client):
    client.force_login(people.prep.user)
    assert client.get("/desk/").url == reverse("entity:home")
    assert client.get(reverse("cgu:dashboard")).status_code == 404
    assert client.get(reverse("cgu:returns")).status_code == 404
    assert client.get("/api/v1/cgu/returns/").status_code == 403
    assert client.get("/api/v1/files/").status_code == 403
    assert client.get("/api/v1/entity/returns/").status_code == 200


def _api(client, token, method, url, **kw):
    return getattr(client, method)(url, HTTP_AUTHORIZATION=f"Token {token}", **kw)


def test_isolation_matrix_api_and_token_scope(people, client):
    o = people
    mine = draft_submit(actor=o.prep.user, draft=_certified(o))
    theirs_draft = draft_save(actor=o.other.user, entity=o.uni2, period=o.q3, rows=uni_rows())
    draft_certify(actor=o.other.user, draft=theirs_draft)
    theirs = draft_submit(actor=o.other.user, draft=theirs_draft)
    token, key = token_create(actor=o.prep.user, name="finance")
    assert token.scope == f"entity:{o.uni.pk}"
    assert token.expires_at > timezone.now() + dt.timedelta(days=1)  # expires like officers'
    listed = _api(client, key, "get", "/api/v1/entity/returns/").json()["results"]
    assert [r["id"] for r in listed] == [mine.pk]
    assert _api(client, key, "get", f"/api/v1/entity/returns/{mine.pk}/").status_code == 200
    for method, url in [
        ("get", f"/api/v1/entity/returns/{theirs.pk}/"),
        ("get", f"/api/v1/entity/drafts/{theirs_draft.pk}/"),
        ("post", f"/api/v1/entity/drafts/{theirs_draft.pk}/certify/"),
        ("post", f"/api/v1/entity/drafts/{theirs_draft.pk}/submit/"),
    ]:
        assert _api(client, key, method, url).status_code == 404, url
    # The entity's token is refused on the CGU's and the desk's routes.
    for url in ["/api/v1/cgu/returns/", "/api/v1/files/", "/api/v1/inbox/", "/api/v1/auth/tokens/"]:
        assert _api(client, key, "get", url).status_code == 403, url
    # An officer's token finds no entity API.
    _t, officer_key = token_create(actor=o.so_user, name="desk")
    assert _api(client, officer_key, "get", "/api/v1/entity/returns/").status_code == 403
    assert _api(client, officer_key, "get", "/api/v1/cgu/returns/").status_code == 200


def test_api_files_a_return_from_an_export(people, client):
    o = people
    _t, prep_key = token_create(actor=o.prep.user, name="finance")
    _t, head_key = token_create(actor=o.uhead.user, name="head")
    bad = _api(
        client,
        prep_key,
        "post",
        "/api/v1/entity/drafts/",
        data={"period": "2025-Q3", "rows": uni_rows(UTIL_PCT="900")},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert {"row": 3, "column": "value"}.items() <= bad.json()["errors"][0].items()
    saved = _api(
        client,
        prep_key,
        "post",
        "/api/v1/entity/drafts/",
        data={"period": "2025-Q3", "rows": uni_rows()},
        content_type="application/json",
    )
    assert saved.status_code == 201
    pk = saved.json()["id"]
    assert _api(client, prep_key, "post", f"/api/v1/entity/drafts/{pk}/submit/").status_code == 409
    assert _api(client, head_key, "post", f"/api/v1/entity/drafts/{pk}/certify/").status_code == 200
    filed = _api(client, prep_key, "post", f"/api/v1/entity/drafts/{pk}/submit/")
    assert filed.status_code == 201 and filed.json()["version"] == 1
    # Received at once; the PDF of the figures is the background task's (cgu.originals).
    assert filed.json()["status"] == "submitted"
    assert (filed.json()["paper"], filed.json()["paper_status"]) == (None, "queued")
    schema = client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/entity/drafts/{id}/certify/" in schema


# ---------------------------------------------------------------- the portal's pages


def test_portal_walk_and_flat_queries(people, client):
    o = people
    client.force_login(o.prep.user)
    url = reverse("entity:period", args=["2025-Q3"])
    form = {f"kpi_{r['kpi_code']}": r["value"] for r in uni_rows(UTIL_PCT="900")}
    page = client.post(url, form)
    assert page.status_code == 200 and "nothing was saved" in page.content.decode()
    form["kpi_UTIL_PCT"] = "81"
    assert client.post(url, form).status_code == 302
    draft = EntityDraft.objects.get()
    page = client.get(url).content.decode()
    assert "Certify these figures" not in page  # the preparer cannot
    client.force_login(o.uhead.user)
    assert client.post(reverse("entity:certify", args=[draft.pk])).status_code == 302
    assert client.post(reverse("entity:submit", args=[draft.pk])).status_code == 302
    home = client.get(reverse("entity:home"))
    assert "Received by the CGU" in home.content.decode()
    # The home page's queries do not grow with periods and versions.
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("entity:home"))
    from tests.cgu.factories import PeriodFactory

    for year in (2022, 2023, 2024):
        PeriodFactory(
            code=f"{year}-Q3",
            starts_on=dt.date(year, 7, 1),
            ends_on=dt.date(year, 9, 30),
            deadline=dt.date(year, 10, 31),
        )
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("entity:home"))
    assert len(more) == len(few)


def test_overdue_periods_are_red(people, client):
    client.force_login(people.prep.user)
    page = client.get(reverse("entity:home")).content.decode()
    rows = re.findall(r"<tr( class=\"overdue\")?>(.*?)</tr>", page, re.S)
    q3 = [cls for cls, body in rows if "2025-Q3" in body]
    assert q3 == [' class="overdue"']  # not filed, deadline passed: in red
    assert "days overdue" in page


# ---------------------------------------------------------------- chasing late filers


def test_reminders_and_the_secretarys_notice_on_a_controlled_clock(
    people, django_capture_on_commit_callbacks
):
    o = people
    secretariat = SectionFactory(department=o.hed, code="SEC-HED", name_en="Secretariat")
    secretary = PostFactory(section=secretariat, level=PostFactory._meta.model.Level.SECRETARY)
    HoldingFactory(post=secretary, user=UserFactory(username="sec-hed", email="sec@hed.gov.pk"))
    # AWKUM files in time; UOP does not.
    alone = draft_save(actor=o.other.user, entity=o.uni2, period=o.q3, rows=uni_rows())
    draft_certify(actor=o.other.user, draft=alone)
    draft_submit(actor=o.other.user, draft=alone)

    deadline = o.q3.deadline  # 31 Oct 2025
    o.q2.delete()  # only 2025-Q3 is being chased here
    with django_capture_on_commit_callbacks(execute=True):
        done = entity_chase(actor=o.asst_user, on=deadline - dt.timedelta(days=7))
    assert done == {"reminders": 2, "notices": 0}
    assert {r.email for r in Reminder.objects.filter(reason="due_soon")} == {
        "focal@uop.edu.pk",
        "vc@uop.edu.pk",
    }
    assert {tuple(m.to) for m in mail.outbox} == {("focal@uop.edu.pk",), ("vc@uop.edu.pk",)}
    assert entity_chase(actor=o.asst_user, on=deadline - dt.timedelta(days=3))["reminders"] == 0
    # Twice the same day: once.
    assert entity_chase(actor=o.asst_user, on=deadline - dt.timedelta(days=7))["reminders"] == 0
    after = entity_chase(actor=o.asst_user, on=deadline + dt.timedelta(days=1))
    assert after == {"reminders": 2, "notices": 0}
    assert Reminder.objects.filter(reason="overdue", entity=o.uni).count() == 2
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        late = entity_chase(actor=o.asst_user, on=deadline + dt.timedelta(days=15))
    assert late == {"reminders": 2, "notices": 2}  # HED (UOP) and HD (its hospital)
    notice = SecretaryNotice.objects.get(department=o.hed, period=o.q3)
    assert notice.entities == ["UOP"] and notice.email == "sec@hed.gov.pk"
    assert any("UOP" in m.body and m.to == ["sec@hed.gov.pk"] for m in mail.outbox)
    # Once per department and period.
    entity_chase(actor=o.asst_user, on=deadline + dt.timedelta(days=16))
    assert SecretaryNotice.objects.filter(department=o.hed, period=o.q3).count() == 1
    with pytest.raises(PermissionDenied):
        entity_chase(actor=o.prep.user, on=deadline)


def test_compliance_screen_shows_who_filed_themselves(people, client):
    o = people
    draft_submit(actor=o.prep.user, draft=_certified(o))
    return_submit(
        actor=o.asst_user,
        entity=o.uni2,
        period=o.q3,
        rows=uni_rows(),
        received_on=dt.date(2025, 10, 5),
    )
    client.force_login(o.so_user)
    page = client.get(reverse("cgu:compliance_period", args=["2025-Q3"])).content.decode()
    assert "Filed by the entity" in page and "Keyed in by the CGU" in page


def test_api_token_rows_are_unchanged_for_officers(cgu):
    token, _key = token_create(actor=cgu.so_user, name="desk")
    assert token.scope == "" and ApiToken.objects.filter(scope="").count() == 1


def test_the_cgus_people_screen(people, client, django_capture_on_commit_callbacks):
    o = people
    url = reverse("cgu:entity_people", args=[o.uni.code])
    client.force_login(o.budget_so_user)
    assert client.get(url).status_code == 403
    assert (
        client.post(url, {"full_name": "X", "email": "x@uop.edu.pk", "role": "head"}).status_code
        == 403
    )
    assert not EntityUser.objects.filter(user__email="x@uop.edu.pk").exists()
    client.force_login(o.asst_user)
    page = client.get(url).content.decode()
    assert "focal@uop.edu.pk" in page and "vc@awkum.edu.pk" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"full_name": "Sara Khan", "email": "sara@uop.edu.pk", "role": "preparer"}
        )
    assert response.status_code == 302 and mail.outbox[-1].to == ["sara@uop.edu.pk"]
    refused = client.post(url, {"full_name": "Again", "email": "sara@uop.edu.pk", "role": "head"})
    assert "already signs in" in refused.content.decode()
    # Deactivating through another entity's URL finds no one.
    other_url = reverse("cgu:entity_person_deactivate", args=[o.hosp.code, o.prep.pk])
    assert client.post(other_url).status_code == 404
    ok = reverse("cgu:entity_person_deactivate", args=[o.uni.code, o.prep.pk])
    assert client.post(ok).status_code == 302
    assert not EntityUser.objects.get(pk=o.prep.pk).is_active


def test_published_figures_beside_the_medians(people, client):
    o = people
    from tests.cgu.conftest import hosp_rows

    for entity, rows in ((o.uni, uni_rows(STAFF="2000")), (o.uni2, uni_rows(STAFF="3000"))):
        r = return_submit(
            actor=o.asst_user,
            entity=entity,
            period=o.q3,
            rows=rows,
            received_on=dt.date(2025, 10, 5),
        )
        return_accept(actor=o.so_user, kpi_return=r)
    h = return_submit(
        actor=o.asst_user, entity=o.hosp, period=o.q3, rows=hosp_rows(STAFF="7000"),
        received_on=dt.date(2025, 10, 5),
    )  # fmt: skip
    from cgu import portal

    before = {c.kpi_code: c for c in portal.benchmarks(o.uni).rows}
    assert before["STAFF"].value == 2000
    assert before["STAFF"].department_median == 2500 and before["STAFF"].province_median == 2500
    return_accept(actor=o.so_user, kpi_return=h)  # the cached medians follow publication
    after = {c.kpi_code: c for c in portal.benchmarks(o.uni).rows}
    assert after["STAFF"].department_median == 2500 and after["STAFF"].province_median == 3000
    assert "ENROLMENT" in after and "OPD" not in after  # our own KPIs only
    client.force_login(o.prep.user)
    page = client.get(reverse("entity:home")).content.decode()
    assert "Province&#x27;s median" in page or "Province's median" in page


def test_the_period_page_queries_do_not_grow_with_versions(people, client):
    o = people
    client.force_login(o.prep.user)
    url = reverse("entity:period", args=["2025-Q3"])
    first = draft_submit(actor=o.prep.user, draft=_certified(o))
    return_send_back(actor=o.so_user, kpi_return=first, reasons="Check the staff figure.")
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(2):
        r = draft_submit(actor=o.prep.user, draft=_certified(o, uni_rows(STAFF=str(2000 + n))))
        return_send_back(actor=o.so_user, kpi_return=r, reasons=f"Again {n}.")
    with CaptureQueriesContext(connection) as three:
        page = client.get(url)
    assert page.content.decode().count("Version ") >= 3
    assert len(three) == len(one)
