"""The Elasticsearch backend without a cluster: the mapping and query bodies it builds, and the
real ``elasticsearch`` client talking to a local HTTP stub that records what it receives.
The behaviours themselves run against a real cluster in test_contract.py (ELASTICSEARCH_URL)."""

import pytest

import search
from search import backends
from search.backends.base import RESULT_CAP
from search.backends.elastic import ElasticsearchBackend, build_search, index_definition
from search.models import IndexBuild
from search.query import parse
from search.sources import Viewer
from search.types import MARK_END, MARK_START, Filters
from tests.search.es_stub import ElasticsearchStub, StubIndex
from workspace.models import Grading
from workspace.services import files, movement, notes

ALIAS = "daftar-files-test"


# --------------------------------------------------------------------------- bodies
def test_mapping_has_english_and_plain_analysers_and_a_partial_number_field():
    body = index_definition("daftar-files-1").to_dict()
    settings = body["settings"]
    assert settings["number_of_shards"] == 1
    assert settings["analysis"]["analyzer"]["daftar_plain"] == {
        "type": "custom",
        "tokenizer": "standard",
        "filter": ["lowercase", "decimal_digit"],
    }
    assert settings["analysis"]["normalizer"]["daftar_lowercase"]["filter"] == ["lowercase"]
    props = body["mappings"]["properties"]
    assert props["number"] == {
        "type": "keyword",
        "normalizer": "daftar_lowercase",
        "fields": {"wild": {"type": "wildcard"}},
    }
    assert props["number_parts"] == {"type": "keyword"}
    for name in ["subject", "receipts", "notes", "papers"]:
        assert props[name] == {
            "type": "text",
            "analyzer": "english",
            "fields": {"plain": {"type": "text", "analyzer": "daftar_plain"}},
        }
    for name in ["department_id", "grading", "holding_post_id", "custody_post_ids", "year"]:
        assert props[name]["type"] == "integer"
    assert props["status"] == {"type": "keyword"}
    assert props["opened_at"]["type"] == "date"
    assert props["content_hash"] == {"type": "keyword", "index": False}


def _body(query="budget", *, viewer=None, filters=None, sort="relevance", cursor=None, limit=20):
    viewer = viewer or Viewer(post_ids=(7, 9), department_ids=(3,))
    return build_search(
        alias=ALIAS,
        viewer=viewer,
        query=parse(query),
        filters=filters or Filters(),
        sort=sort,
        cursor=cursor or {},
        limit=limit,
    ).to_dict()


def test_search_body_filters_by_visibility_inside_the_query():
    body = _body('budget "revised estimates" -draft 12-3/2025', filters=Filters(status=("open",)))
    bool_query = body["query"]["bool"]
    visibility, status = bool_query["filter"]
    assert visibility == {
        "bool": {
            "should": [
                {
                    "bool": {
                        "filter": [
                            {"terms": {"department_id": [3]}},
                            {"range": {"grading": {"lte": 1}}},
                        ]
                    }
                },
                {"terms": {"holding_post_id": [7, 9]}},
                {"terms": {"custody_post_ids": [7, 9]}},
            ],
            "minimum_should_match": 1,
        }
    }
    assert status == {"terms": {"status": ["open"]}}
    word, phrase, number = bool_query["must"]
    assert word["multi_match"]["query"] == "budget"
    assert "subject^4" in word["multi_match"]["fields"]
    assert "notes.plain" in word["multi_match"]["fields"]
    assert phrase["multi_match"] == {
        "query": "revised estimates",
        "fields": word["multi_match"]["fields"],
        "type": "phrase",
    }
    assert number["bool"]["should"][0] == {
        "term": {"number_parts": {"value": "12-3/2025", "boost": 5}}
    }
    assert bool_query["must_not"][0]["multi_match"]["query"] == "draft"


def test_an_urdu_query_is_sent_folded_as_the_index_holds_it():
    body = str(_body("حَبيبي مدرسة"))
    assert "حبیبی" in body and "مدرسۃ" in body
    assert "حَبيبي" not in body and "مدرسة" not in body


def test_search_body_facets_highlight_sort_and_pages():
    body = _body("budget", limit=20)
    assert body["aggs"] == {
        "department": {"terms": {"field": "department_id", "size": 50}},
        "status": {"terms": {"field": "status", "size": 50}},
        "priority": {"terms": {"field": "priority", "size": 50}},
        "year": {"terms": {"field": "year", "size": 50}},
    }
    assert body["highlight"]["pre_tags"] == [MARK_START]
    assert body["highlight"]["post_tags"] == [MARK_END]
    assert body["highlight"]["fields"]["subject"] == {"number_of_fragments": 0}
    assert body["highlight"]["fields"]["notes"] == {"fragment_size": 160, "number_of_fragments": 2}
    assert body["sort"] == ["_score", {"opened_at": "desc"}, {"file_id": "desc"}]
    assert body["track_total_hits"] == RESULT_CAP and body["_source"] is False
    assert (body["from"], body["size"]) == (0, 21)  # one more than a page: is there more?
    assert (_body("budget", cursor={"o": 40})["from"]) == 40
    newest = _body("budget", sort="newest", cursor={"sa": ["2026-01-01T00:00:00", 5]})
    assert newest["sort"] == [{"opened_at": "desc"}, {"file_id": "desc"}]
    assert newest["search_after"] == ["2026-01-01T00:00:00", 5]
    assert "from" not in newest or newest["from"] == 0
    browse = _body("")
    assert browse["query"]["bool"]["must"] == [{"match_all": {}}]
    assert "highlight" not in browse


# --------------------------------------------------------------------------- stub
@pytest.fixture
def stub():
    server = ElasticsearchStub().start()
    yield server
    server.stop()


@pytest.fixture
def es(stub, settings):
    settings.DAFTAR_SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = stub.url
    settings.DAFTAR_SEARCH_INDEX = ALIAS
    backends.reset()
    yield search.get_backend()
    backends.reset()


def _open(o, subject="Flood relief for Swat", **kwargs):
    return files.file_open(
        actor=o.asst_user, post=o.asst, subject_head=o.head, subject=subject, **kwargs
    )


@pytest.mark.django_db
def test_an_update_creates_the_index_then_bulk_indexes_with_an_external_version(
    desk, es, stub, django_capture_on_commit_callbacks
):
    assert isinstance(es, ElasticsearchBackend)
    with django_capture_on_commit_callbacks(execute=True):
        file = _open(desk, grading=Grading.CONFIDENTIAL)
        notes.note_add(actor=desk.asst_user, file=file, text="Tents and rations for Swat.")
        movement.file_put_up(actor=desk.asst_user, file=file)
    assert stub.calls("HEAD", f"/_alias/{ALIAS}")
    created = stub.calls("PUT")[0]
    assert created.path == f"/{ALIAS}-0"
    assert created.body["aliases"] == {ALIAS: {}}
    assert created.body["mappings"]["properties"]["number"]["type"] == "keyword"
    bulks = stub.calls(path_part="/_bulk")
    assert len(bulks) == 3  # one per committed change
    action, source = bulks[-1].ndjson
    assert action["index"]["_index"] == ALIAS and action["index"]["_id"] == str(file.pk)
    assert action["index"]["version_type"] == "external"
    assert action["index"]["version"] > bulks[0].ndjson[0]["index"]["version"]
    assert source["number"] == file.number
    assert f"so(b-i)/12-{file.serial}/{file.year}" in source["number_parts"]
    assert source["notes"] == "Tents and rations for Swat."
    assert source["grading"] == Grading.CONFIDENTIAL
    assert source["holding_post_id"] == desk.so.pk
    assert source["custody_post_ids"] == sorted([desk.asst.pk, desk.so.pk])
    assert len(source["content_hash"]) == 64
    (index,) = stub.indices.values()
    assert list(index.docs) == [str(file.pk)]


@pytest.mark.django_db
def test_two_processes_creating_the_first_index_at_once(es, stub, settings):
    other = ElasticsearchBackend(url=stub.url, alias=ALIAS)
    stub.indices[f"{ALIAS}-0"] = StubIndex(body={})  # the other process was first
    other.ensure_index()  # its create is refused as "already exists": fine
    assert list(stub.indices) == [f"{ALIAS}-0"]
    assert stub.calls("PUT", f"/{ALIAS}-0")


@pytest.mark.django_db
def test_an_older_write_is_refused_by_version_and_ignored(desk, es, stub):
    file = _open(desk)
    search.index_file(file.pk)
    (index,) = stub.indices.values()
    newest_version = index.docs[str(file.pk)][0]
    from workspace.search.indexing import compose

    stale = es.actions(compose([file.pk]).values(), [], index=ALIAS, version=newest_version - 1)
    assert es._bulk(stale) == 0  # the 409 is expected, not an error
    assert index.docs[str(file.pk)][0] == newest_version
    (conflict,) = stub.requests[-1].ndjson[:1]
    assert conflict["index"]["version"] == newest_version - 1


@pytest.mark.django_db
def test_rebuild_fills_a_new_index_and_swaps_the_alias_atomically(desk, es, stub):
    first, second = _open(desk), _open(desk, subject="Second")
    search.index_file(first.pk)
    old_name = next(iter(stub.indices))
    stub.requests.clear()
    seen = []
    assert search.rebuild(progress=lambda done, total: seen.append((done, total))) == 2
    assert seen[-1] == (2, 2)
    put = [r for r in stub.calls("PUT") if r.path.count("/") == 1][0]
    new_name = put.path.strip("/")
    assert new_name != old_name and new_name.startswith(f"{ALIAS}-")
    assert put.body["settings"]["refresh_interval"] == "-1"
    assert "aliases" not in put.body  # not searchable until it is complete
    bulk = stub.calls(path_part="/_bulk")[0]
    assert {line["index"]["_index"] for line in bulk.ndjson if "index" in line} == {new_name}
    assert stub.calls("PUT", f"/{new_name}/_settings")[0].body == {
        "index": {"refresh_interval": None}
    }
    assert stub.calls("POST", f"/{new_name}/_refresh")
    (swap,) = stub.calls("POST", "/_aliases")
    assert swap.body["actions"] == [
        {"remove": {"index": old_name, "alias": ALIAS}},
        {"add": {"index": new_name, "alias": ALIAS}},
    ]
    assert stub.calls("DELETE", f"/{old_name}")
    assert list(stub.indices) == [new_name]
    assert sorted(stub.indices[new_name].docs) == sorted([str(first.pk), str(second.pk)])
    build = IndexBuild.objects.get()
    assert build.index_name == new_name and build.finished_at and build.files == 2


@pytest.mark.django_db
def test_updates_during_a_rebuild_go_to_both_indices(desk, es, stub):
    file = _open(desk)
    search.index_file(file.pk)
    building = f"{ALIAS}-building"
    stub.indices[building] = StubIndex(body={})
    IndexBuild.objects.create(backend="elasticsearch", index_name=building)
    stub.requests.clear()
    search.index_file(file.pk)
    (bulk,) = stub.calls(path_part="/_bulk")
    targets = [line["index"]["_index"] for line in bulk.ndjson if "index" in line]
    assert targets == [ALIAS, building]
    assert str(file.pk) in stub.indices[building].docs


@pytest.mark.django_db
def test_search_reads_hits_highlights_facets_and_rechecks_visibility(desk, es, stub):
    mine = _open(desk, subject="Flood relief")
    other = files.file_open(
        actor=desk.other_user,
        post=desk.other_so,
        subject_head=desk.other_head,
        subject="Flood relief",
    )
    stub.next_search = {
        "took": 2,
        "timed_out": False,
        "hits": {
            "total": {"value": 1234, "relation": "gte"},
            "hits": [
                {
                    "_id": str(mine.pk),
                    "_score": 3.5,
                    "sort": [3.5, "2026-01-01T00:00:00Z", mine.pk],
                    "highlight": {
                        "subject": [f"{MARK_START}Flood{MARK_END} relief"],
                        "notes.plain": [f"<b>x</b> the {MARK_START}flood{MARK_END} came"],
                    },
                },
                # a stale index may return a file the user can no longer see
                {"_id": str(other.pk), "_score": 1.0, "sort": [1.0, "2026-01-01", other.pk]},
            ],
        },
        "aggregations": {
            "department": {"buckets": [{"key": desk.dept.pk, "doc_count": 7}]},
            "status": {"buckets": [{"key": "open", "doc_count": 7}]},
            "priority": {"buckets": [{"key": 0, "doc_count": 7}]},
            "year": {"buckets": [{"key": 2026, "doc_count": 7}]},
        },
    }
    results = search.search_files(user=desk.asst_user, query="flood", limit=1)
    request = stub.calls("POST", f"/{ALIAS}/_search")[-1]
    assert request.body["query"]["bool"]["filter"][0]["bool"]["should"][1] == {
        "terms": {"holding_post_id": [desk.asst.pk]}
    }
    assert [h.file_id for h in results.hits] == [mine.pk]
    hit = results.hits[0]
    assert hit.subject_html == "<mark>Flood</mark> relief"
    assert hit.snippet_html == "&lt;b&gt;x&lt;/b&gt; the <mark>flood</mark> came"
    assert hit.score == 3.5
    assert results.total == RESULT_CAP and results.total_is_capped and not results.facets_capped
    assert [(v.label, v.count) for v in results.facets["department"]] == [("Finance Department", 7)]
    assert results.next_cursor  # there was one more hit than the page


@pytest.mark.django_db
def test_go_to_number_asks_exact_then_parts_then_wildcard(desk, es, stub):
    search.get_backend().ensure_index()
    stub.requests.clear()
    assert search.go_to_number(user=desk.asst_user, number="so(b-i)/12") == []
    bodies = [r.body for r in stub.calls("POST", "/_search")]
    conditions = [b["query"]["bool"]["filter"][0] for b in bodies]
    assert conditions == [
        {"term": {"number": "SO(B-I)/12".lower()}},
        {"term": {"number_parts": "so(b-i)/12"}},
        {"wildcard": {"number.wild": {"value": "*so(b-i)/12*", "case_insensitive": True}}},
    ]
    assert all("custody_post_ids" in str(b["query"]["bool"]["filter"][1]) for b in bodies)


@pytest.mark.django_db
def test_check_reports_missing_stale_and_orphans_and_repairs(desk, es, stub):
    a, b, c = _open(desk), _open(desk, subject="B"), _open(desk, subject="C")
    search.index_file(a.pk)
    search.index_file(b.pk)
    (index,) = stub.indices.values()
    version, source = index.docs[str(b.pk)]
    index.docs[str(b.pk)] = (version, {**source, "content_hash": "stale"})
    index.docs["999999"] = (1, {"content_hash": "x"})
    report = search.check()
    assert report.missing == [c.pk] and report.stale == [b.pk] and report.orphans == [999999]
    assert stub.calls("POST", "/_search/scroll") or stub.calls("POST", "_search")
    report = search.check(repair=True)
    assert report.repaired == 3
    assert sorted(index.docs) == sorted(str(f.pk) for f in (a, b, c))
    assert search.check().ok


@pytest.mark.django_db
def test_health_and_an_unreachable_cluster(desk, es, stub):
    search.get_backend().ensure_index()
    info = search.health()
    assert info["backend"] == "elasticsearch" and info["cluster"] == "green"
    assert info["index"].startswith(f"{ALIAS}-")
    stub.fail_next = 500  # (503 would be retried by the client)
    results = search.search_files(user=desk.asst_user, query="anything")
    assert results.unavailable and results.hits == []
