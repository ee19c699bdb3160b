"""Organisation rules: holdings, additional charge, live departments, audited admin writes."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from kernel.errors import PermissionDenied, ValidationError
from kernel.models import AuditEvent
from organisation import services as services
from organisation.models import Holding, Post
from organisation.selectors import holds_post, my_holdings, posts_held_by
from tests.factories import DepartmentFactory, HoldingFactory, PostFactory, UserFactory
from workspace.auth_backends import DESK_PERMISSION

pytestmark = pytest.mark.django_db


def test_regular_and_additional_charge_both_act_for_the_post(org, admin_user):
    # The SO (Regulation) holds SO (Budget-I) on additional charge while its holder is away.
    colleague = UserFactory(username="so-reg")
    holding = services.holding_assign(
        actor=admin_user, post=org.so, user=colleague, kind=Holding.Kind.ADDITIONAL
    )
    assert holding.kind == "additional"
    assert holds_post(user=org.so_user, post=org.so)
    assert holds_post(user=colleague, post=org.so)
    assert colleague.has_perm(DESK_PERMISSION, org.so)
    assert org.so_user.has_perm(DESK_PERMISSION, org.so)
    assert not colleague.has_perm(DESK_PERMISSION, org.ds)


def test_one_person_can_hold_several_posts(org, admin_user):
    services.holding_assign(
        actor=admin_user, post=org.ds, user=org.so_user, kind=Holding.Kind.ADDITIONAL
    )
    held = set(posts_held_by(user=org.so_user).values_list("pk", flat=True))
    assert held == {org.so.pk, org.ds.pk}


def test_posts_i_hold_are_listed_charges_then_the_regular_post_senior_first(org, admin_user):
    """``holdings_of`` sorts in Python, and ``access.my_holdings`` serves its order."""
    from organisation.selectors import holdings_of

    junior = PostFactory(section=org.so.section, level=Post.Level.ASSISTANT)
    for post in (junior, org.ds):  # the junior charge assigned first
        services.holding_assign(
            actor=admin_user, post=post, user=org.so_user, kind=Holding.Kind.ADDITIONAL
        )
    user = type(org.so_user).objects.get(pk=org.so_user.pk)  # nothing cached on it yet
    held = [(h.post, h.kind) for h in my_holdings(user)]
    assert held == [(org.ds, "additional"), (junior, "additional"), (org.so, "regular")]
    assert held == [(h.post, h.kind) for h in holdings_of(user=user)]


def test_an_ended_holding_grants_nothing(org, admin_user):
    holding = Holding.objects.get(post=org.so, user=org.so_user)
    services.holding_end(actor=admin_user, holding=holding)
    assert not holds_post(user=org.so_user, post=org.so)
    assert not org.so_user.has_perm(DESK_PERMISSION, org.so)
    assert list(posts_held_by(user=org.so_user)) == []
    # ...but it still answers for the past, for the record.
    assert holds_post(user=org.so_user, post=org.so, at=timezone.now() - dt.timedelta(days=1))


def test_a_future_holding_grants_nothing_yet(db):
    post = PostFactory()
    user = UserFactory()
    HoldingFactory(post=post, user=user, starts_at=timezone.now() + dt.timedelta(days=2))
    assert not holds_post(user=user, post=post)


def test_inactive_user_or_post_grants_nothing(org):
    org.so_user.is_active = False
    org.so_user.save()
    assert not holds_post(user=org.so_user, post=org.so)
    org.ds.is_active = False
    org.ds.save()
    assert list(posts_held_by(user=org.ds_user)) == []


def test_transfer_ends_the_previous_regular_holding(org, admin_user):
    successor = UserFactory(username="successor")
    services.holding_assign(actor=admin_user, post=org.so, user=successor)
    assert holds_post(user=successor, post=org.so)
    assert not holds_post(user=org.so_user, post=org.so)
    assert Holding.objects.filter(post=org.so, kind="regular", ends_at__isnull=True).count() == 1
    actions = list(AuditEvent.objects.order_by("chain", "seq").values_list("action", flat=True))
    assert actions.count("holding.end") == 1 and actions.count("holding.assign") == 1


def test_database_refuses_two_open_regular_holdings(org):
    with pytest.raises(IntegrityError), transaction.atomic():
        Holding.objects.create(post=org.so, user=UserFactory(), kind="regular")


def test_holding_must_end_after_it_starts(org, admin_user):
    holding = Holding.objects.get(post=org.so)
    with pytest.raises(ValidationError):
        services.holding_end(
            actor=admin_user, holding=holding, ends_at=holding.starts_at - dt.timedelta(days=1)
        )
    holding.refresh_from_db()
    assert holding.ends_at is None


def test_only_an_administrator_changes_the_organisation(org):
    with pytest.raises(PermissionDenied):
        services.holding_assign(actor=org.secretary_user, post=org.so, user=org.asst_user)
    with pytest.raises(PermissionDenied):
        services.department_go_live(
            actor=org.secretary_user,
            department=DepartmentFactory(code="HD", is_live=False, live_since=None),
        )
    assert not AuditEvent.objects.exists()


def test_department_goes_live_with_a_date_and_an_audit_row(admin_user):
    dept = DepartmentFactory(code="HD", is_live=False, live_since=None)
    services.department_go_live(actor=admin_user, department=dept, since=dt.date(2026, 1, 1))
    dept.refresh_from_db()
    assert dept.is_live and dept.live_since == dt.date(2026, 1, 1)
    event = AuditEvent.objects.get(action="department.go_live")
    assert event.before == {"is_live": False, "live_since": None}
    assert event.after == {"is_live": True, "live_since": "2026-01-01"}
    with pytest.raises(ValidationError):
        services.department_go_live(actor=admin_user, department=dept)


def test_live_department_needs_its_date(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        DepartmentFactory(code="X1", is_live=True, live_since=None)


def test_admin_writes_go_through_the_audited_service(client, admin_user, org):
    client.force_login(admin_user)
    response = client.post(
        f"/django-admin/organisation/post/{org.so.pk}/change/",
        {
            "section": org.section.pk,
            "designation_en": "Section Officer (Budget-I & II)",
            "designation_ur": "سیکشن آفیسر",
            "level": Post.Level.SECTION_OFFICER,
            "reports_to": org.ds.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    event = AuditEvent.objects.get(action="post.change")
    assert event.actor == admin_user
    assert event.before["designation_en"] == "Section Officer (Budget-I)"
    assert event.after["designation_en"] == "Section Officer (Budget-I & II)"


def test_admin_adding_a_holding_is_a_transfer(client, admin_user, org):
    client.force_login(admin_user)
    successor = UserFactory(username="new-so")
    start = timezone.localtime() - dt.timedelta(hours=1)
    response = client.post(
        "/django-admin/organisation/holding/add/",
        {
            "post": org.so.pk,
            "user": successor.pk,
            "kind": "regular",
            "starts_at_0": start.strftime("%Y-%m-%d"),
            "starts_at_1": start.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302, response.content[:3000]
    assert holds_post(user=successor, post=org.so)
    assert not holds_post(user=org.so_user, post=org.so)
