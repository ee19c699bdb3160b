"""The API's receipt list: exactly the receipts ``access.visible_receipts`` allows, in its
order, page by page in both directions, found rule by rule in a number of queries that does
not grow with the receipts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers

from organisation.models import Holding
from tests.factories import HoldingFactory, PostFactory, SectionFactory
from tests.workspace.helpers import api_client, diarise, open_file
from workspace import access, api
from workspace import serializers as desk_serializers
from workspace.models import Grading, Receipt
from workspace.services import movement, receipts

pytestmark = pytest.mark.django_db


def _office(desk):
    """Receipts reached by each rule of ``visible_receipts``, and some reached by none, for
    the users returned: a clerk, an officer with an additional charge in another department,
    an officer of another department, and the holder of a graded file's custody."""
    fd_other_section = SectionFactory(department=desk.dept, code="SO(B-II)")
    # Diarised in FD, in two sections and every grading.
    for grading in Grading.values:
        diarise(desk, subject=f"FD graded {grading}", grading=grading)
    other = diarise(desk, subject="Diarised in Budget-II")
    Receipt.objects.filter(pk=other.pk).update(section=fd_other_section, diary_number=999)
    # Diarised in HED: one kept there, one marked to FD's Section Officer, a secret one.
    hed = {
        "sender": "Vice-Chancellor",
        "subject": "University grant",
    }
    kept = receipts.receipt_diarise(actor=desk.other_user, post=desk.other_so, **hed)
    sent = receipts.receipt_diarise(actor=desk.other_user, post=desk.other_so, **hed)
    receipts.receipt_mark(actor=desk.other_user, receipt=sent, to_post=desk.so)
    secret_hed = receipts.receipt_diarise(
        actor=desk.other_user, post=desk.other_so, grading=Grading.SECRET, **hed
    )
    # HED receipts put on files: an FD file, a confidential HED file that passed through
    # FD's Section Officer, a HED file held in HED.
    fd_file = open_file(desk, subject="FD file")
    graded = open_file(
        desk, at=desk.other_so, user=desk.other_user, subject="Graded", grading=Grading.SECRET
    )
    movement.file_mark(actor=desk.other_user, file=graded, to_post=desk.so)
    movement.file_mark(actor=desk.so_user, file=graded, to_post=desk.other_so)
    hed_file = open_file(desk, at=desk.other_so, user=desk.other_user, subject="HED file")
    for file in (fd_file, graded):
        on_file = receipts.receipt_diarise(actor=desk.other_user, post=desk.other_so, **hed)
        Receipt.objects.filter(pk=on_file.pk).update(file=file)
    Receipt.objects.filter(pk=kept.pk).update(file=hed_file)
    Receipt.objects.filter(pk=secret_hed.pk).update(file=graded)
    # A confidential FD receipt on the graded HED file: in FD, only its custodian sees it.
    conf = diarise(desk, subject="Confidential on file", grading=Grading.CONFIDENTIAL)
    Receipt.objects.filter(pk=conf.pk).update(file=graded)
    # An officer with an additional charge in HED (a post of its own).
    charge = PostFactory(section=desk.other_so.section, designation_en="Deputy Secretary (U)")
    charged = desk.ds_user
    HoldingFactory(post=charge, user=charged, kind=Holding.Kind.ADDITIONAL)
    more = receipts.receipt_diarise(actor=desk.other_user, post=desk.other_so, **hed)
    receipts.receipt_mark(actor=desk.other_user, receipt=more, to_post=charge)
    return [desk.asst_user, charged, desk.other_user, desk.so_user]


def _expected(user):
    return list(
        access.visible_receipts(user).order_by("-pk").values_list("pk", flat=True).distinct()
    )


def test_visible_receipt_ids_are_those_of_visible_receipts_in_order(desk):
    users = _office(desk)
    total = Receipt.objects.count()
    for user in users:
        expected = _expected(user)
        assert 0 < len(expected) < total, user
        assert access.visible_receipt_ids(user, limit=1000) == expected
        for limit in (1, 2, 3, 5):
            assert access.visible_receipt_ids(user, limit=limit) == expected[:limit]
            oldest = expected[::-1]
            assert (
                access.visible_receipt_ids(user, limit=limit, newest_first=False) == oldest[:limit]
            )
            for i, pk in enumerate(expected):
                assert (
                    access.visible_receipt_ids(user, limit=limit, beyond=pk)
                    == expected[i + 1 : i + 1 + limit]
                )
                j = oldest.index(pk)
                assert (
                    access.visible_receipt_ids(user, limit=limit, beyond=pk, newest_first=False)
                    == oldest[j + 1 : j + 1 + limit]
                )
    # The views differ: the graded file's custodian sees receipts the clerk's colleague
    # in HED does not, and so on.
    assert len({tuple(_expected(u)) for u in users}) == len(users)


def test_the_first_page_read_compiled_agrees_with_the_rules(desk):
    """The API's first page (``FIRST_RECEIPTS`` ids, newest first) is read by compiled
    queries on PostgreSQL: the same ids as the rules give, before and after the officers'
    own receipts fill the page (then the second round stops at the page's edge)."""
    users = _office(desk)
    first = access.FIRST_RECEIPTS
    for user in users:
        assert access.visible_receipt_ids(user, limit=first) == _expected(user)[:first]
    for n in range(first + 4):
        diarise(desk, subject=f"Bulk {n}")
    for user in users:
        expected = _expected(user)
        assert access.visible_receipt_ids(user, limit=first) == expected[:first]
    assert len(_expected(desk.asst_user)) > first
    if connection.vendor == "postgresql":
        assert access._own_receipt_ids._compiled and access._receipt_ids_on_files_to._compiled


def test_the_list_pages_forward_and_back_through_the_visible_receipts(desk, monkeypatch):
    monkeypatch.setattr(api.NewestVisibleReceiptsFirst, "page_size", 2)
    users = _office(desk)
    for user in users:
        client = api_client(user)
        pages, url = [], "/api/v1/receipts/"
        while url:
            body = client.get(url).json()
            pages.append([r["id"] for r in body["results"]])
            url = body["next"]
        assert [pk for page in pages for pk in page] == _expected(user)
        back, url = [], body["previous"]
        while url:
            body = client.get(url).json()
            back.insert(0, [r["id"] for r in body["results"]])
            url = body["previous"]
        assert back == pages[:-1]
    assert client.get("/api/v1/receipts/?cursor=cD1hYmM=").status_code == 404


def test_the_list_shows_what_the_serializer_shows(desk):
    users = _office(desk)
    user = users[-1]
    body = api_client(user).get("/api/v1/receipts/").json()
    reference = desk_serializers.ReceiptSerializer(
        access.visible_receipts(user).order_by("-pk").distinct(), many=True
    ).data
    assert body["results"] == reference


def test_the_receipt_serializer_gives_what_its_declared_fields_give(desk):
    """The direct ``to_representation`` against DRF's generic path over the same fields."""
    users = _office(desk)
    receipts_seen = list(
        access.visible_receipts(users[0]).select_related(*desk_serializers.RECEIPT_LIST_RELATED)
    )
    receipts_seen.append(Receipt(pk=0, section=receipts_seen[0].section, diary_number=1,
                                 diary_year=2026, sender="S", subject="No dates", priority=1,
                                 grading=0, received_on=None, letter_date=None,
                                 holding_post=receipts_seen[0].holding_post))  # fmt: skip
    serializer = desk_serializers.ReceiptSerializer()
    generic = [serializers.ModelSerializer.to_representation(serializer, r) for r in receipts_seen]
    assert [serializer.to_representation(r) for r in receipts_seen] == generic
    assert any(r["holding_post"] for r in generic) and any(r["file"] for r in generic)


def test_the_list_makes_the_same_queries_for_many_receipts_and_walks_no_or(desk):
    users = _office(desk)
    clients = [api_client(u) for u in users]
    few = []
    for client in clients:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/receipts/").status_code == 200
        few.append(len(queries.captured_queries))
    files = [open_file(desk, subject=f"More {i}") for i in range(5)]
    for i in range(30):
        r = diarise(desk, subject=f"More {i}", grading=i % 4)
        if i % 3 == 0:
            Receipt.objects.filter(pk=r.pk).update(file=files[i % 5])
        if i % 5 == 0:
            receipts.receipt_mark(actor=desk.asst_user, receipt=r, to_post=desk.other_so)
    for client, count in zip(clients, few, strict=True):
        with CaptureQueriesContext(connection) as many:
            assert client.get("/api/v1/receipts/").status_code == 200
        assert len(many.captured_queries) == count
        # The page is found rule by rule: no OR of the rules, no EXISTS per receipt.
        assert not [q["sql"] for q in many.captured_queries if "EXISTS" in q["sql"]]
