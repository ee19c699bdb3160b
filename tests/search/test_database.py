"""The database backend's own promises: movements do not rewrite the text, rebuild and check
keep the index in step, the number lookups use their indexes, searches have a timeout."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

import search
from search import backends
from search.backends.database import DatabaseBackend, fts_match, pg_tsquery
from search.models import FileCustody, FileDocument, IndexBuild
from search.query import parse
from workspace.models import File, Grading, NoteParagraph
from workspace.search.indexing import department_batches
from workspace.services import files, movement

pytestmark = pytest.mark.django_db


@pytest.fixture
def backend_name(settings):  # the corpus on the database backend only
    settings.DAFTAR_SEARCH_BACKEND = "database"
    backends.reset()
    yield "database"
    backends.reset()


def test_a_movement_updates_only_the_filter_columns(corpus, monkeypatch):
    c = corpus
    before = FileDocument.objects.get(file=c.urdu)
    writes = []
    backend = search.get_backend()
    real = backend._write
    monkeypatch.setattr(backend, "_write", lambda docs, at: (writes.append(docs), real(docs, at)))
    movement.file_put_up(actor=c.o.asst_user, file=c.urdu)
    search.index_file(c.urdu.pk)
    after = FileDocument.objects.get(file=c.urdu)
    assert writes == [[]]  # no row rewritten with its text and vector
    assert after.text_hash == before.text_hash
    assert after.holding_post_id == c.o.so.pk and after.indexed_at > before.indexed_at
    search.index_file(c.urdu.pk)  # nothing changed: nothing written
    assert FileDocument.objects.get(file=c.urdu).indexed_at == after.indexed_at


@pytest.mark.postgres
def test_an_older_read_never_overwrites_a_newer_one(corpus):
    """Two reindexes race: the one that read the database earlier must not win (PostgreSQL;
    SQLite has one writer at a time)."""
    c = corpus
    backend = search.get_backend()
    doc = FileDocument.objects.get(file=c.budget)
    from workspace.search.indexing import compose

    stale = compose([c.budget.pk])[c.budget.pk]
    stale.subject = "An old subject"
    earlier = doc.indexed_at.replace(year=doc.indexed_at.year - 1)
    backend._write([stale], earlier)
    assert FileDocument.objects.get(file=c.budget).subject == c.budget.subject
    backend._write([stale], doc.indexed_at.replace(year=doc.indexed_at.year + 1))
    assert FileDocument.objects.get(file=c.budget).subject == "An old subject"


def test_rebuild_restores_everything_and_reports_progress(corpus):
    FileDocument.objects.all().delete()
    seen = []
    count = search.rebuild(progress=lambda done, total: seen.append((done, total)))
    assert count == File.objects.count() == FileDocument.objects.count() == 5
    assert seen[-1] == (5, 5)
    build = IndexBuild.objects.get()
    assert build.finished_at and build.files == 5
    assert search.check().ok
    assert [
        h.file_id for h in search.search_files(user=corpus.o.asst_user, query="اساتذہ").hits
    ] == [corpus.urdu.pk]


def _one_more_finance_file(corpus, django_capture_on_commit_callbacks):
    """A Finance file opened after the Higher Education one: in id order the departments now
    interleave (Finance ×4, HED, Finance)."""
    o = corpus.o
    with django_capture_on_commit_callbacks(execute=True):
        return files.file_open(
            actor=o.asst_user, post=o.asst, subject_head=o.head, subject="Late pension claims"
        )


def test_department_batches_give_each_file_once_a_department_together(
    corpus, django_capture_on_commit_callbacks
):
    late = _one_more_finance_file(corpus, django_capture_on_commit_callbacks)
    batches = list(department_batches(2))  # batches end inside and across departments
    assert all(len(batch) <= 2 for batch in batches)
    ids = [i for batch in batches for i in batch]
    assert ids == list(
        File.objects.order_by("department_id", "grading", "pk").values_list("pk", flat=True)
    )
    finance = [i for i in ids if i in {late.pk, corpus.budget.pk}]
    assert len(finance) == 2 and abs(ids.index(finance[0]) - ids.index(finance[1])) < 5
    assert sorted(ids) == sorted(File.objects.values_list("pk", flat=True))


@pytest.mark.postgres
def test_a_rebuild_into_an_empty_index_lays_a_department_s_rows_together(
    corpus, django_capture_on_commit_callbacks
):
    """Searches for common words read all of a department's matches: a first build writes
    them next to each other in the table (physical order, ``ctid``), not in file order."""
    _one_more_finance_file(corpus, django_capture_on_commit_callbacks)
    with connection.cursor() as cursor:  # empty, with no freed space to reuse
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's pending foreign-key checks
        cursor.execute(f"TRUNCATE {FileDocument._meta.db_table}, {FileCustody._meta.db_table}")
    search.rebuild()
    with connection.cursor() as cursor:
        cursor.execute("SELECT department_id FROM search_filedocument ORDER BY ctid")
        laid_out = [row[0] for row in cursor.fetchall()]
    runs = [d for i, d in enumerate(laid_out) if i == 0 or laid_out[i - 1] != d]
    assert len(laid_out) == 6 and sorted(runs) == sorted(set(laid_out)) and len(runs) == 2


def test_check_finds_and_repairs_drift(corpus):
    c = corpus
    FileDocument.objects.filter(file=c.hed).delete()  # missing
    # a draft paragraph changed without telling the index (final ones cannot change)
    NoteParagraph.objects.filter(file=c.urdu).update(text="Changed behind the index's back")
    File.objects.filter(pk=c.closed.pk).update(priority=3)  # stale filter column
    report = search.check()
    assert report.missing == [c.hed.pk]
    assert report.stale == sorted([c.urdu.pk, c.closed.pk])
    assert report.orphans == [] and not report.ok
    report = search.check(repair=True)
    assert report.repaired == 3
    assert search.check().ok
    assert [h.file_id for h in search.search_files(user=c.o.asst_user, query="behind").hits] == [
        c.urdu.pk
    ]


def test_search_index_command(corpus):
    from io import StringIO

    out = StringIO()
    call_command("search_index", "rebuild", stdout=out)
    text = out.getvalue()
    assert "Search backend: database" in text
    assert "indexed: 5 / 5 files (100%)" in text and "files/s" in text
    assert "Rebuilt the index: 5 files" in text
    out = StringIO()
    call_command("search_index", "check", stdout=out)
    assert "The index matches the database" in out.getvalue()
    FileDocument.objects.filter(file=corpus.hed).delete()
    with pytest.raises(CommandError, match="differs from the database in 1 entries"):
        call_command("search_index", "check", stdout=StringIO())
    out = StringIO()
    call_command("search_index", "check", "--repair", stdout=out)
    assert "missing from the index: 1" in out.getvalue() and "Repaired 1 entries" in out.getvalue()
    assert search.check().ok


def test_health_reports_the_backend(corpus):
    info = search.health()
    assert info["backend"] == "database" and info["pending_reindex"] == 0


def test_query_syntax_never_reaches_the_engines_raw():
    q = parse('budget "revised estimates" -draft 12-3/2025 OR NEAR( * ^ "')
    assert q.words == ["budget", "OR", "NEAR("] and q.phrases == ["revised estimates"]
    assert q.excluded == ["draft"] and q.numbers == ["12-3/2025"]
    assert fts_match(q) == (
        '("budget" AND "OR" AND "NEAR(" AND "revised estimates"'
        ' AND (number_terms : "12 3 2025" OR "12 3 2025")) NOT ("draft")'
    )
    sql, params = pg_tsquery(q)
    assert sql == (
        "(websearch_to_tsquery('english', %s))"
        " && (%s::tsquery || websearch_to_tsquery('english', %s))"
    )
    assert params == [
        '"budget" "OR" "NEAR(" "revised estimates" -"draft"',
        "'n:12-3/2025'",
        '"12-3/2025"',
    ]


@pytest.mark.postgres
def test_number_lookups_use_their_indexes(corpus):
    """Exact via the key, whole parts via their lexemes in the text index, substring via the
    trigram index; on a big table the planner picks them (seq scans disabled to ask it here)."""
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            plans = {}
            for name, where in {
                "parts": "vector @@ '''n:12-1/2025'''::tsquery",
                "exact": "number_key = 'FD/SO(B-I)/12-1/2025'",
                "substring": "number_key LIKE '%%B-I)/12%%'",
                "words": "vector @@ websearch_to_tsquery('english', 'budget')",
            }.items():
                cursor.execute(f"EXPLAIN SELECT file_id FROM search_filedocument WHERE {where}")  # noqa: S608
                plans[name] = " ".join(r[0] for r in cursor.fetchall())
        finally:
            cursor.execute("SET enable_seqscan = on")
    assert "search_doc_vector" in plans["parts"]
    assert "search_doc_number" in plans["exact"]
    assert "search_doc_number_trgm" in plans["substring"]
    assert "search_doc_vector" in plans["words"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute"
            " WHERE attrelid = 'search_filedocument'::regclass AND attname = 'vector'"
        )
        assert cursor.fetchone()[0] == 1000


@pytest.mark.postgres
def test_searches_run_under_a_statement_timeout(settings):
    settings.DAFTAR_SEARCH_TIMEOUT_MS = 1234
    backend = DatabaseBackend()
    with backend._timeout(), connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "1234ms"
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] != "1234ms"  # SET LOCAL: only for the search


def _make_every_search_sleep(monkeypatch, seconds: float = 0.05) -> None:
    """Every search statement sleeps ``seconds`` in the database (a condition on its rows)."""
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL

    backend = search.get_backend()
    real = backend._filtered
    sleep = RawSQL("pg_sleep(%s) IS NOT NULL", [seconds], output_field=BooleanField())
    monkeypatch.setattr(backend, "_filtered", lambda *args: real(*args).filter(sleep))


@pytest.mark.postgres
def test_a_search_that_times_out_says_so(corpus, settings, monkeypatch):
    settings.DAFTAR_SEARCH_TIMEOUT_MS = 1
    _make_every_search_sleep(monkeypatch)
    results = search.search_files(user=corpus.o.asst_user, query="budget")
    assert results.timed_out and results.hits == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_limits_travel_with_the_statement(corpus, settings, monkeypatch):
    """In a request (autocommit) a search opens no transaction: its statement carries the
    SET LOCALs in its own message (one implicit transaction), so the limits hold for it and
    for nothing after it."""
    settings.DAFTAR_SEARCH_TIMEOUT_MS = 1234
    assert not connection.in_atomic_block
    with CaptureQueriesContext(connection) as queries:
        results = search.search_files(user=corpus.o.asst_user, query="budget")
    assert [h.file_id for h in results.hits] == [corpus.budget.pk]
    sqls = [q["sql"] for q in queries]
    assert "BEGIN" not in sqls and "COMMIT" not in sqls
    assert any(s.startswith("SET LOCAL statement_timeout = 1234;") for s in sqls)
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] != "1234ms"

    settings.DAFTAR_SEARCH_TIMEOUT_MS = 1
    _make_every_search_sleep(monkeypatch)
    results = search.search_files(user=corpus.o.asst_user, query="budget")
    assert results.timed_out and results.hits == []


@pytest.mark.postgres
def test_walking_the_department_finds_what_the_index_lookup_finds(corpus, monkeypatch):
    """For a word most files contain the backend walks the department newest first instead of
    taking every match from the text index; both give the same files in the same order."""
    c = corpus
    backend = search.get_backend()
    expected = {
        q: [h.file_id for h in search.search_files(user=c.o.asst_user, query=q, sort="newest").hits]
        for q in ["pension", "budget", "اساتذہ"]
    }
    monkeypatch.setattr(backend, "_walk_is_cheaper", lambda viewer, query, filtered: True)
    for q, ids in expected.items():
        found = search.search_files(user=c.o.asst_user, query=q, sort="newest")
        assert [h.file_id for h in found.hits] == ids


@pytest.mark.postgres
def test_the_walk_is_chosen_from_the_planners_estimates(corpus, monkeypatch):
    backend = search.get_backend()
    from search.sources import Viewer

    viewer = Viewer.of(corpus.o.asst_user)
    budget = parse("budget")
    docs = FileDocument.objects.all()
    # One EXPLAIN gives both estimates: matches, then files of the department.
    monkeypatch.setattr(backend, "_estimate", lambda *qs: [50_000.0, 60_000.0])
    assert backend._walk_is_cheaper(viewer, budget, docs)
    monkeypatch.setattr(backend, "_estimate", lambda *qs: [3_000.0, 60_000.0])
    assert not backend._walk_is_cheaper(viewer, budget, docs)
    monkeypatch.setattr(backend, "_estimate", lambda *qs: [500.0, 600.0])
    assert not backend._walk_is_cheaper(viewer, budget, docs)
    assert not backend._walk_is_cheaper(viewer, parse(""), docs)  # browsing never walks


@pytest.mark.postgres
def test_the_estimates_come_from_one_explain(corpus):
    from search.sources import Viewer
    from workspace.search.visibility import department_q

    backend = search.get_backend()
    viewer = Viewer.of(corpus.o.asst_user)
    with CaptureQueriesContext(connection) as queries:
        matches, department = backend._estimate(
            FileDocument.objects.filter(backend._match(parse("budget"))),
            FileDocument.objects.filter(department_q(viewer)),
        )
    assert len(queries) == 1 and matches >= 1 and department >= 1


def test_the_branches_are_read_under_any_wrapper_node():
    """A parallel plan puts a Gather over the Append of the two branches (seen on a table
    clustered anew: the parse expected the branches at the top, and every search for a common
    word answered 500)."""
    from search.backends.database import branch_rows

    def scan(rows):
        return {"Node Type": "Index Scan", "Plan Rows": rows}

    append = {"Node Type": "Append", "Plan Rows": 833, "Plans": [scan(749), scan(1249)]}
    assert branch_rows([{"Plan": append}], 2) == [749.0, 1249.0]
    gather = {"Node Type": "Gather", "Plan Rows": 1998, "Plans": [append]}
    assert branch_rows([{"Plan": gather}], 2) == [749.0, 1249.0]
    assert branch_rows([{"Plan": scan(7)}], 1) == [7.0]
    with pytest.raises(ValueError, match="unexpected plan"):
        branch_rows([{"Plan": scan(7)}], 2)


@pytest.mark.postgres
def test_the_estimates_are_planned_without_parallel_workers(corpus):
    """Per-worker estimates under a Gather would skew the walk decision: the EXPLAIN carries
    the search's own setting, and settings that favour parallel plans change nothing."""
    from search.sources import Viewer
    from workspace.search.visibility import department_q

    backend = search.get_backend()
    viewer = Viewer.of(corpus.o.asst_user)
    querysets = (
        FileDocument.objects.filter(backend._match(parse("budget"))),
        FileDocument.objects.filter(department_q(viewer)),
    )
    with CaptureQueriesContext(connection) as queries:
        plain = backend._estimate(*querysets)
    assert queries[0]["sql"].startswith("SET LOCAL max_parallel_workers_per_gather = 0;")
    with connection.cursor() as cursor:
        for setting in (
            "parallel_setup_cost = 0",
            "parallel_tuple_cost = 0",
            "min_parallel_table_scan_size = 0",
            "min_parallel_index_scan_size = 0",
        ):
            cursor.execute(f"SET LOCAL {setting}")
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 4")
    assert backend._estimate(*querysets) == plain
    hits = search.search_files(user=corpus.o.asst_user, query="budget").hits
    assert [h.file_id for h in hits] == [corpus.budget.pk]


@pytest.mark.postgres
def test_a_movement_is_a_hot_update_that_leaves_the_text_index_alone(corpus):
    """PERFORMANCE.md: keep search text off the row that moves. Here the index row does move
    (holding post, status), but only unindexed columns change, so PostgreSQL updates it in
    place (HOT) and writes nothing to the GIN index."""
    c = corpus

    def hot_updates():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_stat_get_xact_tuples_hot_updated('search_filedocument'::regclass),"
                " pg_stat_get_xact_tuples_updated('search_filedocument'::regclass)"
            )
            return cursor.fetchone()

    hot_before, all_before = hot_updates()
    movement.file_put_up(actor=c.o.asst_user, file=c.urdu)
    search.index_file(c.urdu.pk)
    hot_after, all_after = hot_updates()
    assert all_after - all_before == 1
    assert hot_after - hot_before == 1


def test_the_written_out_custody_is_the_querysets_custody(
    corpus, django_capture_on_commit_callbacks
):
    """``custody_elsewhere_sql`` (the form the PostgreSQL statement uses) gives the same
    files as ``custody_elsewhere``, for a user with custody in another department too."""
    from search.sources import Viewer
    from workspace.search.visibility import custody_elsewhere, custody_elsewhere_sql

    c = corpus
    o = c.o
    with django_capture_on_commit_callbacks(execute=True):
        movement.file_mark(actor=o.asst_user, file=c.secret, to_post=o.other_so)
    for user in [o.asst_user, o.so_user, o.secretary_user, o.other_user]:
        viewer = Viewer.of(user)
        sql, params = custody_elsewhere_sql(viewer)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            written = {r[0] for r in cursor.fetchall()}
        assert written == set(custody_elsewhere(viewer).values_list("file_id", flat=True)), user
    assert c.secret.pk in set(
        custody_elsewhere(Viewer.of(o.other_user)).values_list("file_id", flat=True)
    )


def _custody() -> set[tuple]:
    return set(FileCustody.objects.values_list("post_id", "file_id", "department_id", "grading"))


def test_the_custody_table_follows_movements_and_gradings(
    corpus, django_capture_on_commit_callbacks
):
    """``FileCustody`` holds every post a file has been at, with the file's department and
    grading, kept by the same index updates as the text."""
    c, o = corpus, corpus.o
    assert (o.asst.pk, c.budget.pk, o.dept.pk, c.budget.grading) in _custody()
    assert (o.so.pk, c.budget.pk, o.dept.pk, c.budget.grading) in _custody()  # put up
    assert (o.asst.pk, c.secret.pk, o.dept.pk, Grading.SECRET) in _custody()
    assert not FileCustody.objects.filter(post_id=o.other_so.pk).exclude(file_id=c.hed.pk)
    with django_capture_on_commit_callbacks(execute=True):
        movement.file_mark(actor=o.asst_user, file=c.secret, to_post=o.other_so)
    assert (o.other_so.pk, c.secret.pk, o.dept.pk, Grading.SECRET) in _custody()
    # Another department's officer finds the secret file because it has been at their post.
    hits = search.search_files(user=o.other_user, query="enquiry").hits
    assert [h.file_id for h in hits] == [c.secret.pk]
    # A regrading reaches every one of the file's rows.
    File.objects.filter(pk=c.secret.pk).update(grading=Grading.RESTRICTED)
    search.index_file(c.secret.pk)
    assert set(
        FileCustody.objects.filter(file_id=c.secret.pk).values_list("post_id", "grading")
    ) == {(o.asst.pk, Grading.RESTRICTED), (o.other_so.pk, Grading.RESTRICTED)}
    search.get_backend().remove_files([c.secret.pk])
    assert not FileCustody.objects.filter(file_id=c.secret.pk).exists()


def test_check_finds_and_repairs_custody_drift(corpus):
    c, o = corpus, corpus.o
    before = _custody()
    FileCustody.objects.filter(file_id=c.budget.pk, post_id=o.so.pk).delete()  # lost
    FileCustody.objects.create(  # a post the file has never been at
        post_id=o.other_so.pk, file_id=c.urdu.pk, department_id=o.dept.pk, grading=0
    )
    FileCustody.objects.filter(file_id=c.closed.pk).update(grading=Grading.SECRET)  # stale
    FileCustody.objects.create(  # a file that is gone
        post_id=o.so.pk, file_id=c.hed.pk + 1000, department_id=o.dept.pk, grading=0
    )
    report = search.check()
    assert report.stale == sorted([c.budget.pk, c.urdu.pk, c.closed.pk])
    assert report.orphans == [c.hed.pk + 1000] and not report.ok
    search.check(repair=True)
    assert search.check().ok
    assert _custody() == before


def test_the_migration_fills_the_custody_the_index_keeps(corpus):
    """Migration 0005 fills the table from the movements and holding posts in one statement:
    the same rows the index updates write."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps

    before = _custody()
    assert len(before) >= 6
    FileCustody.objects.all().delete()

    def execute(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)

    migration = importlib.import_module("search.migrations.0005_custody")
    migration.fill(apps, SimpleNamespace(execute=execute))
    assert _custody() == before


@pytest.mark.postgres
@pytest.mark.parametrize("walk", [False, True])
def test_the_written_out_statement_reads_what_the_querysets_read(
    corpus, django_capture_on_commit_callbacks, walk
):
    """``_pg_union`` (the halves written out as SQL, no ORM compiling per search) returns
    the same rows as the ``_halves`` querysets merged, with words or without, with facet
    filters and from a cursor."""
    from datetime import timedelta

    from search.sources import Viewer
    from search.types import Filters

    c = corpus
    o = c.o
    with django_capture_on_commit_callbacks(execute=True):
        movement.file_mark(actor=o.asst_user, file=c.secret, to_post=o.other_so)
    backend = search.get_backend()
    backend.refresh()
    columns = ["file_id", "department_id", "status", "priority", "year", "opened_at"]
    latest = File.objects.order_by("-opened_at").values_list("opened_at", "pk").first()
    cases = [
        ("budget", {}, None),
        ("pension", {}, None),
        ("", {}, None),
        ("pension -fund", {"status": ["open", "closed"]}, None),
        ("budget", {"department": [o.dept.pk, o.other_dept.pk]}, None),
        ("", {}, (latest[0] + timedelta(seconds=1), latest[1])),
        ("pension", {"year": [c.budget.year]}, latest),
    ]
    for user in [o.asst_user, o.secretary_user, o.other_user]:
        viewer = Viewer.of(user)
        for words, filters, after in cases:
            query = parse(words)
            filtered = backend._filtered(Filters.from_mapping(filters))
            halves = backend._halves(viewer, query, filtered, columns, 50, after=after, walk=walk)
            expected = sorted(
                {row for half in halves for row in half}, key=lambda r: (r[5], r[0]), reverse=True
            )
            union, params = backend._pg_union(
                viewer, query, filtered, columns, 50, after=after, walk=walk
            )
            with connection.cursor() as cursor:
                cursor.execute(
                    f'SELECT * FROM {union} ORDER BY u."opened_at" DESC, u."file_id" DESC',  # noqa: S608
                    params,
                )
                assert cursor.fetchall() == expected, (user, words, filters, after)


@pytest.mark.postgres
def test_the_department_facet_is_named_by_the_searchs_own_statement(corpus):
    """The department facet's names come with its counts (English and Urdu), so a search
    reads no department rows after its statement; a selected department that no longer
    matches is still named (from the database)."""
    from django.utils import translation

    c = corpus
    c.o.dept.name_ur = "محکمہ خزانہ"
    c.o.dept.save(update_fields=["name_ur"])
    department_table = '"workspace_department"'
    with CaptureQueriesContext(connection) as queries:
        results = search.search_files(user=c.o.asst_user, query="pension")
    assert not [
        q
        for q in queries
        if q["sql"].lstrip().startswith("SELECT") and f"FROM {department_table}" in q["sql"]
    ]
    labels = {v.value: v.label for v in results.facets["department"]}
    assert labels == {c.o.dept.pk: c.o.dept.name_en}
    with translation.override("ur"):
        results = search.search_files(user=c.o.asst_user, query="pension")
    assert {v.value: v.label for v in results.facets["department"]} == {c.o.dept.pk: "محکمہ خزانہ"}
    results = search.search_files(
        user=c.o.asst_user, query="pension", filters={"department": [c.o.other_dept.pk]}
    )
    assert {v.value: v.label for v in results.facets["department"]} == {
        c.o.other_dept.pk: c.o.other_dept.name_en
    }


@pytest.mark.postgres
@pytest.mark.parametrize("cap", [1, 2, 3])
def test_the_first_read_counts_facets_and_ranks_the_rows_it_read(corpus, monkeypatch, cap):
    """The search statement counts up to RESULT_CAP + 1 rows, the facets over the newest
    RESULT_CAP of them only (a value found only past the cap is no facet), names the
    departments it counts, and ranks the newest RANK_CAP: the same as reading the rows
    newest first and counting, naming and ranking them here (with both caps made small, so
    that this corpus crosses them)."""
    from organisation.models import Department
    from search.backends.base import count_facets
    from search.backends.database import postgres, searching
    from search.sources import Viewer
    from search.types import Filters

    for module in (postgres, searching):
        monkeypatch.setattr(module, "RESULT_CAP", cap)
        monkeypatch.setattr(module, "RANK_CAP", cap)
    backend = search.get_backend()
    o = corpus.o
    columns = ["file_id", "department_id", "status", "priority", "year", "opened_at"]
    checked = 0
    for user in [o.asst_user, o.secretary_user, o.other_user]:
        viewer = Viewer.of(user)
        for words, filters in [
            ("", {}),
            ("pension", {}),
            ("budget", {}),
            ("", {"status": ["open", "closed"]}),
        ]:
            query = parse(words)
            filtered = backend._filtered(Filters.from_mapping(filters))
            rows = backend._newest_visible(viewer, query, filtered, columns, 100)
            for sort in ["newest", "relevance"] if words else ["newest"]:
                page = backend.search(
                    viewer=viewer,
                    query=query,
                    filters=Filters.from_mapping(filters),
                    sort=sort,
                    cursor={},
                    limit=20,
                )
                assert page.total == min(len(rows), cap), (user, words, filters)
                assert page.total_is_capped == (len(rows) > cap)
                facets = count_facets(r[1:5] for r in rows[:cap])
                assert page.facets == facets, (user, words, filters, sort)
                names = dict(
                    Department.objects.filter(pk__in=facets["department"]).values_list(
                        "pk", "name_en"
                    )
                )
                assert {pk: n[0] for pk, n in page.department_names.items()} == names
                if sort == "newest":
                    assert page.ids == [r[0] for r in rows[: min(20, cap + 1)]]
                    continue
                newest = [r[0] for r in rows[:cap]]
                with connection.cursor() as cursor:
                    sql, params = pg_tsquery(query)
                    cursor.execute(
                        f"SELECT file_id, ts_rank(vector, {sql}, 1) FROM search_filedocument"  # noqa: S608
                        " WHERE file_id = ANY(%s)",
                        [*params, newest],
                    )
                    scores = dict(cursor.fetchall())
                ranked = sorted(newest, key=lambda i: -scores[i])  # stable: newest first
                assert page.ids == ranked and set(page.subjects) == set(ranked)
                checked += 1
    assert checked >= 6


def _without_hits_read(monkeypatch):
    """The index source as the engine would see it without ``hits_read``: the page's hits
    are then read after the statement, in a query of their own."""
    import dataclasses

    from search import sources

    monkeypatch.setattr(sources, "_source", dataclasses.replace(sources.source(), hits_read=None))


def _page(results):
    return [
        (h.file_id, h.subject_html, h.snippet_html, h.department, h.holding_post, h.score)
        for h in results.hits
    ]


@pytest.mark.postgres
@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_the_page_s_hits_travel_in_the_statement_s_message(corpus, monkeypatch, sort):
    """On PostgreSQL the desk's re-check of the page (``hits_read``) goes in the search
    statement's message, which leaves the shown page's ids for it: one query less, and the
    same hits, facets and counts as when the hits are read on their own — for every user,
    with words and without, on the first page and on the next (relevance's offset; newest
    first's keyset page is read apart, and its hits with it)."""
    from tests.search.factories import bulk_files

    o = corpus.o
    bulk_files(o, 25)
    pages = []
    for user in [o.asst_user, o.secretary_user, o.other_user]:
        search.search_files(user=user, query="")  # the user's holdings, read once
        for words in ["", "budget", "pension", "budget file"]:
            cursor = None
            for _ in range(3):
                with CaptureQueriesContext(connection) as together:
                    results = search.search_files(
                        user=user, query=words, sort=sort, cursor=cursor, limit=10
                    )
                pages.append((user, words, cursor, results, len(together)))
                cursor = results.next_cursor
                if not cursor:
                    break
    _without_hits_read(monkeypatch)
    shown = 0
    for user, words, cursor, results, queries in pages:
        with CaptureQueriesContext(connection) as apart:
            alone = search.search_files(user=user, query=words, sort=sort, cursor=cursor, limit=10)
        assert _page(results) == _page(alone), (user, words, cursor)
        assert (results.total, results.total_is_capped, results.next_cursor) == (
            alone.total,
            alone.total_is_capped,
            alone.next_cursor,
        )
        assert results.facets == alone.facets
        keyset_page = cursor is not None and sort == "newest"
        if alone.hits:
            shown += 1
            assert queries == len(apart) - (0 if keyset_page else 1), (user, words, cursor)
    assert shown > 10 and any(c for _, _, c, r, _ in pages if r.hits)


@pytest.mark.postgres
def test_the_page_s_hits_are_re_checked_in_the_statement_s_message(corpus):
    """The index may lag behind the desk (a file regraded, its reindex not yet run): the
    hits read with the statement are still the desk's rule's, not the index's."""
    from django.utils import timezone

    c = corpus
    user = c.o.asst_user
    before = search.search_files(user=user, query="budget")
    assert c.budget.pk in [h.file_id for h in before.hits]
    # Regraded in the desk's table only: the index still says the assistant may see it.
    File.objects.filter(pk=c.budget.pk).update(
        grading=Grading.SECRET, holding_post=c.o.ds, updated_at=timezone.now()
    )
    from workspace.models import Movement

    Movement.objects.filter(file=c.budget).delete()
    with CaptureQueriesContext(connection) as queries:
        after = search.search_files(user=user, query="budget")
    assert c.budget.pk not in [h.file_id for h in after.hits]
    assert any("current_setting('daftar.search_page_ids'" in q["sql"] for q in queries)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_re_check_is_planned_as_when_sent_alone(corpus, settings):
    """Outside a transaction the statement and the re-check share one implicit transaction:
    the re-check runs under the search's timeout but with the planner's own settings again
    (no seqscan/bitmapscan switched off for it), and nothing of it outlives the message."""
    settings.DAFTAR_SEARCH_TIMEOUT_MS = 1234
    with CaptureQueriesContext(connection) as queries:
        results = search.search_files(user=corpus.o.asst_user, query="budget")
    assert [h.file_id for h in results.hits] == [corpus.budget.pk]
    (sql,) = [q["sql"] for q in queries if "current_setting('daftar.search_page_ids'" in q["sql"]]
    recheck = sql.rsplit("SET LOCAL max_parallel_workers_per_gather TO DEFAULT;", 1)[1]
    assert "SET LOCAL enable_seqscan TO DEFAULT" in sql and "SET LOCAL" not in recheck
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('statement_timeout'),"
            " current_setting('daftar.search_page_ids', true)"
        )
        timeout, ids = cursor.fetchone()
    assert timeout != "1234ms" and not ids


@pytest.mark.postgres
def test_relevance_pages_after_the_first_are_highlighted_too(corpus):
    """The statement highlights the rows it shows: on relevance's second page those are
    ranked past the first page's, and they are marked as the first page's are."""
    from tests.search.factories import bulk_files

    bulk_files(corpus.o, 25)
    user = corpus.o.asst_user
    first = search.search_files(user=user, query="budget", limit=10)
    second = search.search_files(user=user, query="budget", cursor=first.next_cursor, limit=10)
    assert len(first.hits) == len(second.hits) == 10
    for page in (first, second):
        assert all("<mark>" in h.subject_html for h in page.hits)
