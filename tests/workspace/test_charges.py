"""Additional charge (issue 17, point 12): the department's administrator or its Secretary
gives and ends it with dates, through one audited service; refusals leave nothing behind."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kernel.errors import PermissionDenied, ValidationError
from kernel.models import AuditEvent
from organisation import services as org
from organisation.models import Holding, Post
from organisation.selectors import my_post_ids
from tests.factories import HoldingFactory, PostFactory, UserFactory
from tests.workspace.helpers import open_file
from workspace.services import movement

pytestmark = pytest.mark.django_db


def _snapshot():
    return (Holding.objects.count(), AuditEvent.objects.count())


def _fresh(user):
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def hed_secretary(desk):
    post = PostFactory(
        section=desk.other_so.section, level=Post.Level.SECRETARY, designation_en="Secretary HED"
    )
    user = UserFactory(username="hed-secretary")
    HoldingFactory(post=post, user=user)
    return user


def test_the_secretary_gives_a_charge_for_a_leave_and_the_officer_acts_for_the_post(desk):
    start = timezone.now()
    charge = org.additional_charge_give(
        actor=desk.secretary_user,
        post=desk.ds,
        user=desk.so_user,
        reason=Holding.Reason.LEAVE,
        starts_at=start,
        ends_at=start + dt.timedelta(days=10),
    )
    assert (charge.kind, charge.reason) == (Holding.Kind.ADDITIONAL, "leave")
    event = AuditEvent.objects.filter(action="holding.charge").get()
    assert event.actor == desk.secretary_user
    assert event.after["user"] == desk.so_user.pk and event.after["reason"] == "leave"
    # The officer now acts for the Deputy Secretary's post: a file put up to it is theirs.
    file = open_file(desk, at=desk.so, user=desk.so_user)
    movement.file_put_up(actor=desk.so_user, file=file)
    so = _fresh(desk.so_user)
    assert desk.ds.pk in my_post_ids(so)
    movement.file_put_up(actor=so, file=file)  # acting as the Deputy Secretary
    file.refresh_from_db()
    assert file.holding_post == desk.secretary


def test_a_charge_from_a_later_day_grants_nothing_before_it(desk):
    start = timezone.now() + dt.timedelta(days=3)
    org.additional_charge_give(
        actor=desk.secretary_user,
        post=desk.ds,
        user=desk.so_user,
        reason=Holding.Reason.TOUR,
        starts_at=start,
        ends_at=start + dt.timedelta(days=2),
    )
    assert desk.ds.pk not in my_post_ids(_fresh(desk.so_user))


def test_another_departments_secretary_is_refused_and_nothing_is_kept(desk, hed_secretary):
    before = _snapshot()
    with pytest.raises(PermissionDenied, match="Secretary of Finance Department"):
        org.additional_charge_give(
            actor=hed_secretary, post=desk.ds, user=desk.so_user, reason=Holding.Reason.LEAVE
        )
    # an officer below the Secretary, in the department, too
    with pytest.raises(PermissionDenied):
        org.additional_charge_give(
            actor=desk.ds_user, post=desk.so, user=desk.asst_user, reason=Holding.Reason.LEAVE
        )
    assert _snapshot() == before
    # HED's Secretary may in HED.
    org.additional_charge_give(
        actor=hed_secretary,
        post=desk.other_so,
        user=UserFactory(username="hed-asst"),
        reason=Holding.Reason.VACANCY,
    )


def test_an_overlapping_charge_is_refused_and_nothing_is_kept(desk):
    start = timezone.now()
    org.additional_charge_give(
        actor=desk.secretary_user,
        post=desk.ds,
        user=desk.so_user,
        reason=Holding.Reason.LEAVE,
        starts_at=start,
        ends_at=start + dt.timedelta(days=10),
    )
    before = _snapshot()
    for begins, ends in [
        (start + dt.timedelta(days=5), start + dt.timedelta(days=15)),  # overlaps the end
        (start - dt.timedelta(days=5), start + dt.timedelta(days=1)),  # overlaps the start
        (start + dt.timedelta(days=2), None),  # open-ended within it
    ]:
        with pytest.raises(ValidationError, match="holds the additional charge of this post"):
            org.additional_charge_give(
                actor=desk.secretary_user,
                post=desk.ds,
                user=desk.asst_user,
                reason=Holding.Reason.TOUR,
                starts_at=begins,
                ends_at=ends,
            )
    assert _snapshot() == before
    # After it ends, another may follow.
    org.additional_charge_give(
        actor=desk.secretary_user,
        post=desk.ds,
        user=desk.asst_user,
        reason=Holding.Reason.TOUR,
        starts_at=start + dt.timedelta(days=10),
        ends_at=start + dt.timedelta(days=12),
    )


def test_other_refusals_say_what_to_do(desk):
    before = _snapshot()
    now = timezone.now()
    with pytest.raises(ValidationError, match="already holds this post"):
        org.additional_charge_give(
            actor=desk.secretary_user, post=desk.ds, user=desk.ds_user, reason="leave"
        )
    with pytest.raises(ValidationError, match="must end after it starts"):
        org.additional_charge_give(
            actor=desk.secretary_user,
            post=desk.ds,
            user=desk.so_user,
            reason="leave",
            starts_at=now,
            ends_at=now - dt.timedelta(days=1),
        )
    with pytest.raises(ValidationError, match="Choose why"):
        org.additional_charge_give(
            actor=desk.secretary_user, post=desk.ds, user=desk.so_user, reason="holiday"
        )
    assert _snapshot() == before


def test_ending_a_charge_and_ending_it_twice(desk, hed_secretary):
    charge = org.additional_charge_give(
        actor=desk.secretary_user, post=desk.ds, user=desk.so_user, reason="leave"
    )
    with pytest.raises(PermissionDenied):
        org.additional_charge_end(actor=hed_secretary, holding=charge)
    ended = org.additional_charge_end(actor=desk.secretary_user, holding=charge)
    assert ended.ends_at is not None
    assert desk.ds.pk not in my_post_ids(_fresh(desk.so_user))
    assert AuditEvent.objects.filter(action="holding.end").count() == 1
    before = _snapshot()
    with pytest.raises(ValidationError, match="already ended"):
        org.additional_charge_end(actor=desk.secretary_user, holding=charge)
    # a regular holding is not ended from this screen's service
    regular = Holding.objects.get(post=desk.so, kind=Holding.Kind.REGULAR)
    with pytest.raises(ValidationError, match="Only an additional charge"):
        org.additional_charge_end(actor=desk.secretary_user, holding=regular)
    assert _snapshot() == before


# --- the screen -------------------------------------------------------------------------------


def test_the_screen_gives_and_ends_a_charge(client, desk):
    client.force_login(desk.secretary_user)
    page = client.get("/desk/charges/")
    assert page.status_code == 200
    today = timezone.localdate()
    response = client.post(
        "/desk/charges/",
        {
            "post": desk.ds.pk,
            "user": desk.so_user.pk,
            "reason": "tour",
            "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=4)).isoformat(),
        },
        follow=True,
    )
    charge = Holding.objects.get(kind=Holding.Kind.ADDITIONAL)
    assert charge.ends_at == timezone.make_aware(
        dt.datetime.combine(today + dt.timedelta(days=5), dt.time.min)
    )  # the last day is inclusive
    page = response.content.decode()
    assert "holds the additional charge of" in page and "Tour" in page
    response = client.post(f"/desk/charges/{charge.pk}/end/", {"ends_on": ""}, follow=True)
    assert "The additional charge was ended." in response.content.decode()
    response = client.post(f"/desk/charges/{charge.pk}/end/", {"ends_on": ""}, follow=True)
    assert "already ended" in response.content.decode()


def test_the_screen_refuses_an_overlap_with_the_reason(client, desk):
    org.additional_charge_give(
        actor=desk.secretary_user, post=desk.ds, user=desk.so_user, reason="leave"
    )
    client.force_login(desk.secretary_user)
    response = client.post(
        "/desk/charges/",
        {
            "post": desk.ds.pk,
            "user": desk.asst_user.pk,
            "reason": "tour",
            "starts_on": timezone.localdate().isoformat(),
        },
        follow=True,
    )
    assert "end that charge first" in response.content.decode()
    assert Holding.objects.filter(kind=Holding.Kind.ADDITIONAL).count() == 1


def test_the_screen_is_closed_to_officers_and_other_departments(client, desk, hed_secretary):
    charge = org.additional_charge_give(
        actor=desk.secretary_user, post=desk.ds, user=desk.so_user, reason="leave"
    )
    client.force_login(desk.so_user)
    assert client.get("/desk/charges/").status_code == 403
    client.force_login(hed_secretary)
    page = client.get("/desk/charges/").content.decode()
    assert desk.so_user.username not in page  # FD's charges are not HED's to see
    assert client.post(f"/desk/charges/{charge.pk}/end/").status_code == 404
    response = client.post(
        "/desk/charges/",
        {
            "post": desk.ds.pk,
            "user": desk.asst_user.pk,
            "reason": "tour",
            "starts_on": "2030-01-01",
        },
    )
    assert response.status_code == 200  # the form refuses FD's post: not a choice here
    assert Holding.objects.filter(kind=Holding.Kind.ADDITIONAL).count() == 1
    charge.refresh_from_db()
    assert charge.ends_at is None


def test_the_charges_list_costs_the_same_however_many(client, desk):
    client.force_login(desk.secretary_user)
    org.additional_charge_give(
        actor=desk.secretary_user, post=desk.ds, user=desk.so_user, reason="leave"
    )
    client.get("/desk/charges/")
    with CaptureQueriesContext(connection) as few:
        client.get("/desk/charges/")
    for i in range(5):
        post = PostFactory(section=desk.section, designation_en=f"Post {i}")
        org.additional_charge_give(
            actor=desk.secretary_user, post=post, user=desk.asst_user, reason="tour"
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get("/desk/charges/")
    assert len(response.context["charges"]) == 6
    assert len(many) == len(few)


def test_the_menu_offers_the_screen_to_those_who_may_use_it(client, desk):
    client.force_login(desk.secretary_user)
    assert 'href="/desk/charges/"' in client.get("/desk/").content.decode()
    client.force_login(desk.so_user)
    assert 'href="/desk/charges/"' not in client.get("/desk/").content.decode()
