"""The API's file and receipt lists read their page as values (``selectors.desk.api_file_rows``,
``api_receipt_rows``, compiled) and write them with ``serializers.file_rows_data`` and
``receipt_rows_data``: the JSON is exactly what the serializers give for the models — their
direct ``to_representation`` and DRF's generic path over the declared fields — page by page,
in English and Urdu, for officers of different departments; and no page holds a file or
receipt the officer may not see."""

from datetime import date

import pytest
from django.utils import translation
from rest_framework import serializers

from tests.workspace.helpers import api_client, diarise, open_file, visibility_office
from tests.workspace.test_api_lists import _DeclaredFile, _DeclaredPost
from tests.workspace.test_api_receipts_list import _office
from workspace import access, api
from workspace import serializers as desk_serializers
from workspace.models import File, Grading, Priority, Receipt
from workspace.selectors import desk as sel
from workspace.services import movement, receipts

pytestmark = pytest.mark.django_db


class _DeclaredReceipt(serializers.ModelSerializer):
    """ReceiptSerializer's declared fields through DRF's generic path."""

    diary = serializers.CharField(source="diary_label", read_only=True)
    holding_post = _DeclaredPost(read_only=True)

    class Meta:
        model = Receipt
        fields = desk_serializers.ReceiptSerializer.Meta.fields


def _realistic(desk):
    """Several departments; files and receipts each rule lets an officer see and some it does
    not (graded, another department's); receipts on files and on none; a citizen's matter
    with its reference and outcome; dates, priorities, Urdu designations; a file at no post
    (as while it is opened). Returns the officers and, for the Section Officer, the files
    he must not see."""
    _, hidden_files = visibility_office(desk)
    users = _office(desk)
    urgent = open_file(desk, subject="Urgent", priority=Priority.MOST_IMMEDIATE)
    movement.file_mark(actor=desk.asst_user, file=urgent, to_post=desk.so, due_on=date(2030, 1, 2))
    nowhere = open_file(desk, subject="Being opened")
    File.objects.filter(pk=nowhere.pk).update(holding_post=None)
    matter = diarise(
        desk,
        subject="Pension arrears",
        citizen_name="Gul Bibi",
        citizen_cnic_last4="4321",
        letter_number="PA/7",
        letter_date=date(2026, 3, 1),
        priority=Priority.IMMEDIATE,
    )
    receipts.receipt_dispose(actor=desk.asst_user, receipt=matter, outcome="Paid in April.")
    diarise(desk, subject="Sent by e-mail", mode=Receipt.Mode.ELECTRONIC, mark_to=desk.so)
    assert Receipt.objects.filter(tracking_ref__isnull=False).exclude(outcome="").exists()
    return users, hidden_files


def _pages(client, url, language):
    """Every page of ``url``, forward then back from the last, as ``client`` reads it."""
    pages, link = [], url
    while link:
        body = client.get(link, HTTP_ACCEPT_LANGUAGE=language).json()
        pages.append(body)
        link = body["next"]
    link = pages[-1]["previous"]
    while link:
        body = client.get(link, HTTP_ACCEPT_LANGUAGE=language).json()
        pages.append(body)
        link = body["previous"]
    return pages


def _models(model, ids, related):
    by_pk = model.objects.select_related(*related).in_bulk(ids)
    return [by_pk[pk] for pk in ids]


@pytest.mark.postgres
@pytest.mark.parametrize("language", ["en", "ur"])
def test_the_lists_give_what_the_serializers_give_for_the_models(desk, monkeypatch, language):
    monkeypatch.setattr(api.NewestVisibleFirst, "page_size", 4)
    users, hidden_files = _realistic(desk)
    lists = [
        (
            "/api/v1/files/",
            access.visible_files,
            File,
            desk_serializers.FILE_LIST_RELATED,
            desk_serializers.FileSerializer,
            _DeclaredFile,
        ),
        (
            "/api/v1/receipts/",
            access.visible_receipts,
            Receipt,
            desk_serializers.RECEIPT_LIST_RELATED,
            desk_serializers.ReceiptSerializer,
            _DeclaredReceipt,
        ),
    ]
    compared = 0
    for user in users:
        client = api_client(user)
        for url, visible, model, related, serializer, declared in lists:
            allowed = set(visible(user).values_list("pk", flat=True))
            for page in _pages(client, url, language):
                ids = [row["id"] for row in page["results"]]
                assert set(ids) <= allowed, (user, url)
                objects = _models(model, ids, related)
                with translation.override(language):
                    assert page["results"] == serializer(objects, many=True).data
                    assert page["results"] == declared(objects, many=True).data
                compared += len(ids)
    assert compared > 60
    # The Section Officer's file list leaves out what he must not see; the labels are
    # translated in Urdu.
    seen = [
        row
        for page in _pages(api_client(desk.so_user), "/api/v1/files/", language)
        for row in page["results"]
    ]
    assert not hidden_files & {row["id"] for row in seen}
    assert any(row["holding_post"] is None for row in seen)
    with translation.override(language):
        routine = str(Priority.ROUTINE.label)
    assert routine in {row["priority"] for row in seen}
    assert (routine == "Routine") == (language == "en")


@pytest.mark.postgres
def test_the_list_rows_compiled_give_what_the_plain_querysets_give(desk):
    users, _ = _realistic(desk)
    file_ids = sorted(File.objects.values_list("pk", flat=True))
    receipt_ids = sorted(Receipt.objects.values_list("pk", flat=True))
    for read, ids in ((sel.api_file_rows, file_ids), (sel.api_receipt_rows, receipt_ids)):
        for chosen in (ids, ids[:1], ids[1::2], []):
            by_id = sorted(read(ids=chosen), key=lambda row: row["id"])
            assert by_id == sorted(read.build(ids=chosen), key=lambda row: row["id"])
            assert [row["id"] for row in by_id] == chosen
        assert read._compiled


def test_the_rows_are_written_as_the_serializers_write_the_models(desk):
    """Also where PostgreSQL is not at hand (the reads run as plain querysets there)."""
    _realistic(desk)
    file_ids = list(File.objects.order_by("-pk").values_list("pk", flat=True))
    receipt_ids = list(Receipt.objects.order_by("-pk").values_list("pk", flat=True))
    for language in ("en", "ur"):
        with translation.override(language):
            files = _models(File, file_ids, desk_serializers.FILE_LIST_RELATED)
            rows = sorted(sel.api_file_rows(ids=file_ids), key=lambda r: -r["id"])
            data = desk_serializers.FileSerializer(files, many=True).data
            assert desk_serializers.file_rows_data(rows) == data
            receipts_ = _models(Receipt, receipt_ids, desk_serializers.RECEIPT_LIST_RELATED)
            rows = sorted(sel.api_receipt_rows(ids=receipt_ids), key=lambda r: -r["id"])
            data = desk_serializers.ReceiptSerializer(receipts_, many=True).data
            assert desk_serializers.receipt_rows_data(rows) == data


def test_a_graded_or_foreign_item_is_never_on_a_page(desk, monkeypatch):
    """The page's rows are read by id, without the rules: the ids must come only from the
    rules (``access.visible_*_ids``), whatever the cursor asks for."""
    monkeypatch.setattr(api.NewestVisibleFirst, "page_size", 2)
    users, _ = _realistic(desk)
    secret = diarise(desk, subject="Secret", grading=Grading.SECRET, mark_to=desk.so)
    everything = {
        "/api/v1/files/": set(File.objects.values_list("pk", flat=True)),
        "/api/v1/receipts/": set(Receipt.objects.values_list("pk", flat=True)),
    }
    for user in users:
        client = api_client(user)
        for url, visible in (
            ("/api/v1/files/", access.visible_files),
            ("/api/v1/receipts/", access.visible_receipts),
        ):
            allowed = set(visible(user).values_list("pk", flat=True))
            assert allowed < everything[url]
            shown = {row["id"] for page in _pages(client, url, "en") for row in page["results"]}
            assert shown == allowed
    assert secret.pk not in {
        row["id"]
        for page in _pages(api_client(desk.asst_user), "/api/v1/receipts/", "en")
        for row in page["results"]
    }


def test_the_schema_of_the_lists_is_the_serializers_and_the_rows_match_it(client, desk):
    """The lists' ``list`` is written by hand (rows, not models); the schema still describes
    them by their serializers, and every row has exactly the properties it says."""
    diarise(desk, subject="In the schema")
    open_file(desk, subject="In the schema")
    client.force_login(desk.asst_user)
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    for url, name in (("/api/v1/files/", "File"), ("/api/v1/receipts/", "Receipt")):
        operation = schema["paths"][url]["get"]
        body = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert body == {"$ref": f"#/components/schemas/Paginated{name}List"}
        page = components[f"Paginated{name}List"]["properties"]
        assert page["results"]["items"] == {"$ref": f"#/components/schemas/{name}"}
        assert [p["name"] for p in operation["parameters"]] == ["cursor"]
        rows = api_client(desk.asst_user).get(url).json()["results"]
        assert rows
        for row in rows:
            assert list(row) == list(components[name]["properties"])
            post = row["holding_post"]
            assert list(post) == list(components["Post"]["properties"])
