"""The CGU's compiled reads (``kernel.compiled``) give what their plain querysets give:
with nothing published, with returns submitted and published, for str and date arguments."""

import datetime as dt

import pytest

from cgu.models import KpiDefinition, KpiReturn
from cgu.selectors import _common, filing, published, registry, returns
from cgu.services import return_accept
from organisation.models import Department

# On SQLite a compiled read runs its plain queryset, so the comparison could not fail there.
pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _same(query, **values):
    got, plain = query(**values), list(query.build(**values))
    flat = [r if isinstance(r, tuple) else {**vars(r), "_state": None} for r in got]
    assert flat == [r if isinstance(r, tuple) else {**vars(r), "_state": None} for r in plain]
    return got


def _reads(cgu):
    dept_ids = sorted(Department.objects.values_list("pk", flat=True))
    kpi_ids = sorted(KpiDefinition.objects.values_list("pk", flat=True))
    return [
        (published._published_aggregate, {}),
        (filing._filings_of, {"period_id": cgu.q3.pk}),
        (filing._active_entities, {}),
        (returns.awaiting_review, {}),
        (_common._departments_by_id.query, {"ids": dept_ids}),
        (_common._departments_by_id.query, {"ids": dept_ids[:1]}),
        (_common._kpis_by_id.query, {"ids": kpi_ids}),
        (_common._periods_by_id.query, {"ids": [cgu.q3.pk]}),
        (registry._latest_ended, {"kind": cgu.q3.kind, "on": dt.date(2026, 1, 1)}),
        (registry._latest_ended, {"kind": cgu.q3.kind, "on": dt.date(1990, 1, 1)}),
        (registry._latest_ended, {"kind": "no such kind", "on": dt.date(2026, 1, 1)}),
        (returns._newest_return_values, {}),
        (registry.recent_periods, {}),
        (registry.active_kpis, {}),
        (filing._active_entities_in_order, {}),
        (filing._period_returns, {"period_id": cgu.q3.pk}),
        (filing._reminder_counts, {"period_id": cgu.q3.pk}),
        (filing._filing_rows_of, {"period_id": cgu.q3.pk}),
        (filing._active_entity_names, {}),
        (registry.departments_with_entities, {}),
    ]


def test_compiled_reads_agree_before_and_after_a_publication(cgu, submitted):
    for query, values in _reads(cgu):
        _same(query, **values)
    assert _same(published._published_aggregate) == []  # nothing published: no row
    assert published.published_stamp() == "0.None.-"
    assert [r.pk for r in _same(returns.awaiting_review)] == [submitted.pk]
    return_accept(actor=cgu.so_user, kpi_return=submitted)
    for query, values in _reads(cgu):
        _same(query, **values)
    (n, top, last), *_ = _same(published._published_aggregate)
    assert (n, top) == (1, submitted.pk) and last is not None
    assert published.published_stamp() == f"1.{submitted.pk}.{last.isoformat()}"
    assert _same(returns.awaiting_review) == []
    assert registry.current_period(on=dt.date(1990, 1, 1)) is None
    page = returns.returns_page()  # the compiled first page, as the plain one would read
    assert [(r.pk, r.value_count) for r in page.rows] == [
        (r.pk, r.value_count) for r in returns.returns_list()
    ]
    assert page.rows and page.rows[0].value_count > 0


def test_the_entity_portals_compiled_reads_agree(cgu, submitted, django_assert_num_queries):
    """The portal's membership, due periods (with the latest version and the open draft of
    each, as JSON) and people, read compiled and plain: before anyone joined, then with a
    head, a preparer still invited, a returned return and the entity's draft after it."""
    from django.contrib.auth.models import AnonymousUser

    from cgu import access
    from cgu.selectors import entity_portal
    from cgu.services import return_send_back
    from cgu.services.entity import draft_save, entity_user_invite, invitation_accept
    from tests.cgu.conftest import uni_rows

    def reads():
        users = list(entity_portal.EntityUser.objects.values_list("user_id", flat=True))
        return [
            *[(entity_portal.membership_of, {"user_id": u}) for u in [cgu.outsider.pk, *users]],
            *[
                (entity_portal.due_periods, {"entity_id": e.pk, "on": on})
                for e in (cgu.uni, cgu.uni2, submitted.entity)
                for on in (dt.date(1990, 1, 1), dt.date(2026, 1, 1), dt.date(2030, 1, 1))
            ],
            *[(entity_portal.members_of, {"entity_id": e.pk}) for e in (cgu.uni, cgu.uni2)],
            *[(entity_portal.period_by_code, {"code": c}) for c in ("2025-Q3", "1999-Q1")],
            *[
                (read, {"entity_id": e.pk, "period_id": p.pk})
                for read in (entity_portal.open_draft_of, entity_portal.versions_of)
                for e in (cgu.uni, cgu.uni2)
                for p in (cgu.q2, cgu.q3)
            ],
            (
                entity_portal.values_of,
                {"return_ids": list(KpiReturn.objects.values_list("pk", flat=True))},
            ),
            (entity_portal.values_of, {"return_ids": [submitted.pk]}),
        ]

    for query, values in reads():
        _same(query, **values)
    member, key = entity_user_invite(
        actor=cgu.asst_user, entity=cgu.uni, email="vc@uop.edu.pk", full_name="VC", role="head"
    )
    entity_user_invite(
        actor=cgu.asst_user, entity=cgu.uni, email="f@uop.edu.pk", full_name="F", role="preparer"
    )
    invitation_accept(actor=AnonymousUser(), key=key, password="x" * 20, password_again="x" * 20)
    member.refresh_from_db()
    return_send_back(actor=cgu.so_user, kpi_return=submitted, reasons="Check it.")
    draft_save(actor=member.user, entity=cgu.uni, period=cgu.q3, rows=uni_rows())
    got = {}
    for query, values in reads():
        key = (tuple(v) if isinstance(v, list) else v for v in values.values())
        got[(query.__name__, *key)] = _same(query, **values)
    assert got[("membership_of", member.user_id)][0].entity.department.pk == cgu.uni.department_id
    assert access.entity_membership(member.user).pk == member.pk
    assert access.entity_membership(cgu.outsider) is None
    assert len(got[("members_of", cgu.uni.pk)]) == 2
    rows = got[("due_periods", submitted.entity_id, dt.date(2030, 1, 1))]
    q3 = next(p for p in rows if p.pk == cgu.q3.pk)
    assert q3.latest_row == {
        "id": submitted.pk,
        "version": 1,
        "status": "returned",
        "is_published": False,
    }
    assert q3.draft_row["state"] == "draft"
    assert all(p.latest_row is None for p in got[("due_periods", cgu.uni2.pk, dt.date(2030, 1, 1))])
    assert got[("open_draft_of", cgu.uni.pk, cgu.q3.pk)][0].state == "draft"
    assert got[("period_by_code", "1999-Q1")] == []

    # The period page's versions with their figures, as the prefetch gave them: a second
    # version after the head certifies and submits the draft.
    from django.db.models import Prefetch

    from cgu import portal
    from cgu.models import KpiValue
    from cgu.services.entity import draft_certify, draft_submit

    draft = draft_certify(actor=member.user, draft=portal.open_draft(cgu.uni, cgu.q3))
    draft_submit(actor=member.user, draft=draft)

    def figures(versions):
        return [
            (
                v.pk,
                v.period.code,
                v.submitted_by_id,
                [(x.pk, x.kpi.code, x.value, x.kpi_return is v) for x in v.values.all()],
            )
            for v in versions
        ]

    for entity in (cgu.uni, cgu.uni2):
        plain = list(
            KpiReturn.objects.filter(entity=entity, period=cgu.q3)
            .select_related("period", "certified_by", "submitted_by")
            .prefetch_related(
                Prefetch(
                    "values",
                    queryset=KpiValue.objects.select_related("kpi").order_by(
                        "kpi__position", "kpi__code"
                    ),
                )
            )
            .order_by("-version")
        )
        ours = portal.versions(entity, cgu.q3)
        with django_assert_num_queries(0):  # every figure and KPI loaded
            assert figures(ours) == figures(plain)
    assert [v.version for v in ours] == [] and len(figures(plain)) == 0
    assert [v.version for v in portal.versions(cgu.uni, cgu.q3)] == [2, 1]


def test_the_entity_homes_reads_together_are_what_each_read_alone_gives(
    cgu, submitted, django_assert_num_queries
):
    """``cgu.portal.home`` sends the due periods, the published stamp and the people in one
    round trip: the same rows, stamp and people as ``due``, ``published_stamp`` and
    ``members``, with and without the people, before and after a publication."""
    from django.contrib.auth.models import AnonymousUser

    from cgu import portal
    from cgu.services.entity import entity_user_invite, invitation_accept

    member, key = entity_user_invite(
        actor=cgu.asst_user, entity=cgu.uni, email="vc@uop.edu.pk", full_name="VC", role="head"
    )
    invitation_accept(actor=AnonymousUser(), key=key, password="x" * 20, password_again="x" * 20)

    def rows(found):
        return [(r.period.pk, r.status_key, r.days_left, r.overdue, r.needs_filing) for r in found]

    for publish in (False, True):
        if publish:
            return_accept(actor=cgu.so_user, kpi_return=submitted)
        for entity in (cgu.uni, cgu.uni2):
            with django_assert_num_queries(1):
                found = portal.home(entity, with_people=True)
            assert rows(found.rows) == rows(portal.due(entity))
            assert found.stamp == published.published_stamp()
            assert [m.pk for m in found.people] == [m.pk for m in portal.members(entity)]
            assert portal.home(entity, with_people=False).people == []
    assert found.stamp.startswith("1.") and rows(found.rows)
