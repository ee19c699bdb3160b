"""Compiled reads (``kernel.compiled``): the same rows as the plain queryset, SQL compiled
once, run on the calling thread's connection, and a clear error for a query that cannot be
compiled so."""

import re
import threading
from datetime import datetime, timedelta

import pytest
from django.db import connection, connections
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import backends as auth_backends
from kernel.compiled import compiled, together
from organisation.models import Holding, Post
from organisation.selectors import _current_holdings, _holding_of, my_department_ids, my_post_ids
from search.sources import PAGE_IDS_SETTING, Viewer
from tests.factories import UserFactory
from tests.workspace.helpers import diarise, open_file, round_of_everything
from workspace import access, time_limits
from workspace.models import Draft, File, Grading, Movement, Priority
from workspace.search.results import _visible_hit_rows, _visible_page_rows, hits_read
from workspace.selectors import desk as sel
from workspace.services import approvals, movement, notes
from workspace.services import desk as services_desk

pytestmark = pytest.mark.django_db


@pytest.mark.postgres
def test_the_inbox_counts_compiled_give_what_the_plain_queryset_gives(desk):
    for n in range(8):
        file = open_file(desk, subject=f"Count {n}", priority=n % 4)
        since = timezone.now() - timedelta(days=3 * n)
        File.objects.filter(pk=file.pk).update(
            desk_since=since,
            status=File.Status.PARKED if n == 7 else File.Status.OPEN,
            due_on=(timezone.localdate() - timedelta(days=1)) if n == 1 else None,
        )
    posts = sorted(Post.objects.values_list("pk", flat=True))
    for days_on in (0, 5, 40):
        today = timezone.localdate() + timedelta(days=days_on)
        cutoffs = time_limits.cutoffs_of(desk.dept, today)
        args = {
            "today": today,
            "most_immediate": cutoffs[Priority.MOST_IMMEDIATE],
            "immediate": cutoffs[Priority.IMMEDIATE],
            "urgent": cutoffs[Priority.URGENT],
            "routine": cutoffs[Priority.ROUTINE],
        }
        for post_ids in (posts, posts[:1]):
            compiled_rows = sorted(sel._desk_counts(post_ids=post_ids, **args))
            assert compiled_rows == sorted(sel._desk_counts.build(post_ids=post_ids, **args))
        by_status = {status: (n, overdue) for status, n, overdue in
                     sel._desk_counts(post_ids=posts, **args)}  # fmt: skip
        # Seven open (one due yesterday), one parked; forty days on, every open file is late.
        assert by_status["open"][0] == 7 and by_status["parked"] == (1, 0)
        assert 1 <= by_status["open"][1] <= 7 and (by_status["open"][1] == 7) == (days_on == 40)
    assert sel._pending_receipt_count(post_ids=posts) == list(
        sel._pending_receipt_count.build(post_ids=posts)
    )


def _rows(objects):
    """Comparable contents of model instances (and of what they carry from select_related)."""
    out = []
    for obj in objects:
        if not hasattr(obj, "_state"):  # values_list rows
            out.append(obj)
            continue
        fields = {k: v for k, v in vars(obj).items() if k != "_state"}
        related = {k: _rows([v])[0] for k, v in obj._state.fields_cache.items() if v is not None}
        out.append((type(obj).__name__, fields, related))
    return out


# On SQLite a compiled read runs its plain queryset, so the comparison could not fail there.
@pytest.mark.postgres
def test_file_page_reads_give_what_the_plain_querysets_give(desk):
    file = open_file(desk)
    for n in range(2):
        round_of_everything(desk, file, n)
    file.refresh_from_db()
    paragraphs = list(sel._paragraphs_of.build(file_id=file.pk))
    process = services_desk.current_process(file)
    posts = sorted(Post.objects.values_list("pk", flat=True))
    users = sorted({desk.asst_user.pk, desk.so_user.pk, desk.secretary_user.pk})
    cases = [
        (sel._FILE_READS[sel.FILE_RELATED], {"pk": file.pk}),
        (sel._FILE_READS[sel.FILE_PAGE_RELATED], {"pk": file.pk}),
        (sel._FILE_READS[sel.FILE_RELATED], {"pk": file.pk + 1000}),  # no such file
        (sel._paragraphs_of, {"file_id": file.pk}),
        (sel._approvals_of, {"file_id": file.pk}),
        (sel._enclosures_of, {"file_id": file.pk}),
        (sel._drafts_of, {"file_id": file.pk}),
        (sel._movements_of, {"file_id": file.pk}),
        (sel._posts_by_id.query, {"ids": posts}),
        (sel._posts_by_id.query, {"ids": posts[:1]}),
        (sel._posts_by_id.query, {"ids": []}),
        (sel._users_by_id, {"ids": users}),
        (sel._flag_links_of, {"file_id": file.pk}),
        (sel._receipt_papers_of, {"file_id": file.pk}),
        (sel._pending_receipt_values, {"post_ids": [desk.asst.pk, desk.so.pk]}),
        (sel._pending_receipts_at, {"post_ids": [desk.asst.pk, desk.so.pk]}),
        (_current_holdings, {"user_id": desk.so_user.pk, "at": timezone.now()}),
        (auth_backends._user_by_pk, {"pk": desk.so_user.pk}),
        (_holding_of, {"user_id": desk.so_user.pk, "post_id": desk.so.pk, "at": timezone.now()}),
        (_holding_of, {"user_id": desk.so_user.pk, "post_id": desk.ds.pk, "at": timezone.now()}),
        (services_desk._file_locked, {"pk": file.pk}),
        (services_desk._file_with_post, {"pk": file.pk}),
        (services_desk._open_process_locked, {"file_id": file.pk}),
        (services_desk._open_desk_task, {"process_id": process.pk}),
        (movement._last_arrival, {"file_id": file.pk, "post_id": file.holding_post_id}),
        (access._section_ids_of, {"department_ids": [desk.dept.pk, desk.other_dept.pk]}),
        (access._section_ids_of, {"department_ids": [desk.dept.pk]}),
        (approvals._paragraph_locked, {"pk": paragraphs[0].pk}),
        (approvals._papers_of_note, {"file_id": file.pk, "paragraph_id": paragraphs[0].pk}),
        (approvals._draft_locked, {"pk": Draft.objects.filter(file=file).first().pk}),
    ]
    for query, values in cases:
        plain = list(query.build(**values))
        assert _rows(query(**values)) == _rows(plain), query.__name__
    # The cases were not trivially empty.
    assert len(sel._movements_of(file_id=file.pk)) > 5
    assert sel._approvals_of(file_id=file.pk)
    assert sel._receipt_papers_of(file_id=file.pk)
    assert sel._enclosures_of(file_id=file.pk)[0].receipt.section.department == desk.dept
    assert _holding_of(user_id=desk.so_user.pk, post_id=desk.so.pk, at=timezone.now())
    assert not _holding_of(user_id=desk.so_user.pk, post_id=desk.ds.pk, at=timezone.now())
    assert services_desk._open_desk_task(process_id=process.pk)
    assert movement.came_from(file) == desk.so  # the round ends: SO sends it back down


@pytest.mark.postgres
def test_viewer_reads_give_what_the_plain_querysets_give(desk, settings, tmp_path):
    """The reads of the viewer beside the note sheet: the file's own row, the version it
    opens, the files and receipts a paper is on (``access.can_view_paper``), the paper's
    versions and the version's stamped copies."""
    from documents import selectors as papers
    from tests.documents.corpus import text_pdf, upload
    from workspace.services import correspondence

    settings.MEDIA_ROOT = str(tmp_path / "media")
    file = open_file(desk)
    round_of_everything(desk, file, 0)
    flagged = correspondence.paper_enclose(
        actor=desk.asst_user, file=file, upload=upload("map.pdf", text_pdf(1))
    ).paper
    scan = sel._receipt_papers_of(file_id=file.pk)[0].paper
    loose = diarise(desk, scans=[upload("loose.pdf", text_pdf(1))]).papers.get()
    cases = [(sel._FILE_READS[sel.FILE_ONLY], {"pk": pk}) for pk in (file.pk, file.pk + 1000)]
    for paper in (flagged, scan, loose):
        cases += [
            (sel._version_by_pk, {"version_id": paper.current_version_id}),
            (access._files_with_paper, {"paper_id": paper.pk}),
            (access._receipts_with_paper, {"paper_id": paper.pk}),
            (papers._versions_of_paper, {"paper_id": paper.pk}),
            (papers._renditions_of_version, {"version_id": paper.current_version_id}),
        ]
    cases.append((sel._version_by_pk, {"version_id": scan.current_version_id + 1000}))
    for query, values in cases:
        plain = list(query.build(**values))
        assert _rows(query(**values)) == _rows(plain), (query.__name__, values)
    # The cases were not trivially empty.
    assert [f.pk for f in access._files_with_paper(paper_id=flagged.pk)] == [file.pk]
    assert access._receipts_with_paper(paper_id=scan.pk)[0].file == file
    assert access._receipts_with_paper(paper_id=loose.pk)[0].section.department == desk.dept
    assert papers._renditions_of_version(version_id=scan.current_version_id)
    assert sel.file_paper(file=file, version_id=loose.current_version_id) is None
    version, enclosure = sel.file_paper(file=file, version_id=flagged.current_version_id)
    assert (version.paper, enclosure.paper) == (flagged, flagged)


def test_holdings_read_respects_the_time_given(desk):
    past = timezone.now() - timezone.timedelta(days=3650)
    assert _current_holdings(user_id=desk.so_user.pk, at=timezone.now())
    assert _current_holdings(user_id=desk.so_user.pk, at=past) == []
    Holding.objects.filter(user=desk.so_user).update(ends_at=timezone.now())
    assert _current_holdings(user_id=desk.so_user.pk, at=timezone.now()) == []


@pytest.mark.postgres
def test_sql_is_compiled_once_for_one_value_and_once_for_any_other_number(desk, monkeypatch):
    @compiled
    def posts_of(*, ids: list[int]):
        return Post.objects.filter(pk__any_of=ids).order_by("pk")

    ids = sorted(Post.objects.values_list("pk", flat=True))
    assert len(ids) > 4
    assert [p.pk for p in posts_of(ids=ids)] == ids  # compiled here
    assert [p.pk for p in posts_of(ids=ids[:1])] == ids[:1]  # and here
    compiles = []
    real = SQLCompiler.as_sql
    monkeypatch.setattr(
        SQLCompiler, "as_sql", lambda self, *a, **k: compiles.append(1) or real(self, *a, **k)
    )
    with CaptureQueriesContext(connection) as ctx:
        assert [p.pk for p in posts_of(ids=ids[1:3])] == ids[1:3]
        assert [p.pk for p in posts_of(ids=ids[2:])] == ids[2:]
        assert posts_of(ids=[]) == []
        assert [p.pk for p in posts_of(ids=[ids[3]])] == [ids[3]]
        assert [p.pk for p in posts_of(ids=[ids[4]])] == [ids[4]]
    assert compiles == []
    # The logged SQL shows the values inline: one statement for lists of any other length,
    # another, with a plain "=", for a list of one (PostgreSQL reads an index in order then).
    sqls = [re.sub(r"ANY\(.*?\)", "ANY(…)", q["sql"]) for q in ctx.captured_queries]
    assert len(set(sqls[:3])) == 1 and "= ANY(…)" in sqls[0]
    assert sqls[3] == sqls[4].replace(str(ids[4]), str(ids[3])) and "ANY" not in sqls[3]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_compiled_read_runs_on_the_calling_threads_connection(desk):
    file = open_file(desk)
    assert sel._movements_of(file_id=file.pk)  # compiled on this thread
    seen = {}

    def other_thread():
        try:
            with CaptureQueriesContext(connections["default"]) as ctx:
                seen["rows"] = [m.pk for m in sel._movements_of(file_id=file.pk)]
            seen["queries"] = len(ctx.captured_queries)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert seen["rows"] == list(Movement.objects.filter(file=file).values_list("pk", flat=True))
    assert seen["queries"] == 1  # logged by that thread's own connection


@pytest.mark.postgres
def test_arguments_that_shape_the_query_are_refused(org):
    @compiled
    def shaped(*, flag: int):
        return Post.objects.all() if flag else Post.objects.none()

    with pytest.raises(TypeError, match="never reach the SQL"):
        shaped(flag=0)

    @compiled
    def small(*, level: int):
        return Post.objects.filter(level=level)  # a small-integer column, not an id

    with pytest.raises(TypeError, match="outside its column's range"):
        small(level=10)


def test_declared_arguments_are_checked(org):
    with pytest.raises(TypeError, match="must be int, list"):

        @compiled
        def by_level(*, level: float):
            return Post.objects.filter(level=level)

    @compiled
    def by_pk(*, pk: int):
        return Post.objects.filter(pk=pk)

    with pytest.raises(TypeError, match="takes"):
        by_pk(id=org.so.pk)
    assert [p.pk for p in by_pk(pk=org.so.pk)] == [org.so.pk]


def test_an_inactive_user_is_signed_out(client, org):
    client.force_login(org.so_user)
    assert client.get("/desk/").status_code == 200
    org.so_user.is_active = False
    org.so_user.save(update_fields=["is_active"])
    response = client.get("/desk/")
    assert response.status_code == 302 and "/login" in response["Location"]
    assert auth_backends.UserBackend().get_user(org.so_user.pk) is None
    assert auth_backends.UserBackend().get_user(org.ds_user.pk) == org.ds_user
    assert auth_backends.UserBackend().get_user(UserFactory().pk + 1) is None


def test_markers_are_typed(org):
    # A datetime argument: (the holdings read) a marker in the first century, not a real time.
    assert isinstance(_current_holdings._markers["at"], datetime)
    assert _current_holdings._markers["at"].year == 1


def test_search_hits_are_read_under_the_visibility_rule(desk):
    mine = open_file(desk)
    secret = open_file(desk, grading=Grading.SECRET)
    theirs = open_file(desk, at=desk.other_so, user=desk.other_user)
    ids = [mine.pk, secret.pk, theirs.pk]
    for user in (desk.asst_user, desk.ds_user, desk.other_user):
        values = {
            "file_ids": ids,
            "post_ids": my_post_ids(user),
            "department_ids": my_department_ids(user),
        }
        got = {row[0] for row in _visible_hit_rows(**values)}
        assert got == {row[0] for row in _visible_hit_rows.build(**values)}
        assert got == set(
            access.visible_files(user).filter(pk__in=ids).values_list("pk", flat=True)
        )
        visible = File.objects.filter(pk__in=ids)
        assert got == {f.pk for f in visible if access.can_view_file(user=user, file=f)}
    assert {
        r[0]
        for r in _visible_hit_rows(
            file_ids=ids, post_ids=[desk.ds.pk], department_ids=[desk.dept.pk]
        )
    } == {mine.pk}


@pytest.mark.postgres
def test_tuple_arguments_compile_once_per_length_each_element_a_value(desk):
    @compiled
    def each(*, ids: tuple[int, ...]):
        branches = [Post.objects.filter(pk=pk).values_list("pk", flat=True) for pk in ids]
        return branches[0].union(*branches[1:], all=True)

    ids = sorted(Post.objects.values_list("pk", flat=True))
    assert sorted(each(ids=tuple(ids[:2]))) == ids[:2]
    assert sorted(each(ids=tuple(ids[2:4]))) == ids[2:4]  # the same statement, other values
    assert sorted(each(ids=tuple(ids[:3]))) == ids[:3]
    assert sorted(each(ids=(str(ids[0]),))) == ids[:1]  # converted as an id field would
    assert len(each._compiled) == 3  # lengths 2, 3 and 1


def _reads_of_a_file(desk, file):
    return [
        sel._paragraphs_of.bind(file_id=file.pk),
        sel._approvals_of.bind(file_id=file.pk),
        sel._enclosures_of.bind(file_id=file.pk),  # select_related three deep
        sel._movements_of.bind(file_id=file.pk),
        sel._flag_links_of.bind(file_id=file.pk),  # values_list
        sel._receipt_papers_of.bind(file_id=file.pk),  # a subquery
        sel._posts_by_id.query.bind(ids=[desk.so.pk]),  # a list of one: "="
        sel._users_by_id.bind(ids=[desk.so_user.pk, desk.asst_user.pk]),  # .only()
        sel._pending_receipt_values.bind(post_ids=[desk.asst.pk, desk.so.pk]),
        sel._paragraphs_of.bind(file_id=file.pk + 1000),  # no rows
    ]


def test_reads_together_give_what_each_gives_alone_in_one_round_trip(desk):
    file = open_file(desk)
    for n in range(2):
        round_of_everything(desk, file, n)
    flags = list(file.enclosures.order_by("position"))
    notes.note_add(actor=desk.asst_user, file=file, text="See", refers_to_flags=flags)
    diarise(desk, subject="Still pending")
    reads = _reads_of_a_file(desk, file)
    with CaptureQueriesContext(connection) as ctx:
        got = together(*reads)
    alone = [bound.read(**bound.values) for bound in reads]
    assert [_rows(rows) for rows in got] == [_rows(rows) for rows in alone]
    assert all(got[:-1]) and got[-1] == []  # the cases were not trivially empty
    assert got[2][0].receipt.section.department == desk.dept  # related rows are set
    # One statement message on PostgreSQL; elsewhere each read runs alone.
    assert len(ctx.captured_queries) == (1 if connection.vendor == "postgresql" else len(reads))
    assert together() == []
    assert [m.pk for m in together(reads[3])[0]] == [m.pk for m in alone[3]]


def test_reads_together_check_their_arguments_when_bound(desk):
    with pytest.raises(TypeError, match="takes"):
        sel._movements_of.bind(pk=1)


@pytest.mark.postgres
def test_reads_together_run_alone_with_server_side_binding(desk, monkeypatch):
    file = open_file(desk)
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "server_side_binding", True)
    reads = _reads_of_a_file(desk, file)[:4]
    with CaptureQueriesContext(connection) as ctx:
        got = together(*reads)
    assert len(ctx.captured_queries) == 4
    assert [_rows(rows) for rows in got] == [_rows(b.read(**b.values)) for b in reads]


def _page_ids(ids):
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [PAGE_IDS_SETTING, ids])


@pytest.mark.postgres
def test_the_page_read_takes_its_ids_from_the_search_statement_s_setting(desk):
    """``hits_read``: the same rows as the re-check given the ids as a value, the ids read
    from the setting the search statement leaves (none when it left none), compiled or not;
    its statement travels in another's message and its rows are built from what came back."""
    mine = open_file(desk)
    secret = open_file(desk, grading=Grading.SECRET)
    theirs = open_file(desk, at=desk.other_so, user=desk.other_user)
    ids = [mine.pk, secret.pk, theirs.pk]
    for user in (desk.asst_user, desk.ds_user, desk.other_user):
        values = {"post_ids": my_post_ids(user), "department_ids": my_department_ids(user)}
        _page_ids("{" + ",".join(map(str, ids)) + "}")
        expected = sorted(_visible_hit_rows(file_ids=ids, **values))
        assert expected  # each user sees one of them at least
        assert sorted(_visible_page_rows(**values)) == expected
        assert sorted(_visible_page_rows.build(**values)) == expected
        bound = hits_read(Viewer.of(user))
        sql, params = bound.statement()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1; {sql}", params)
            cursor.nextset()
            fetched = cursor.fetchall()
        assert sorted(bound.rows(fetched)) == expected
        _page_ids("{}")
        assert _visible_page_rows(**values) == []
    assert {r[0] for r in expected} == {theirs.pk}  # the other department's officer


@pytest.mark.postgres
def test_a_bound_read_has_no_statement_to_share_with_server_side_binding(desk, monkeypatch):
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "server_side_binding", True)
    assert hits_read(Viewer.of(desk.asst_user)).statement() is None


@pytest.mark.postgres
def test_the_mark_to_posts_compiled_give_what_the_plain_queryset_gives(desk):
    Post.objects.filter(pk=desk.ds.pk).update(is_active=False)
    for department in (desk.dept, desk.other_dept, desk.dead_dept):
        rows = [
            (p.pk, p.designation_en, p.section_id, p.section.code, p.section.name_en)
            for p in sel._marking_posts(department_id=department.pk)
        ]
        assert rows == [
            (p.pk, p.designation_en, p.section_id, p.section.code, p.section.name_en)
            for p in sel._marking_posts.build(department_id=department.pk)
        ]
        assert desk.ds.pk not in [pk for pk, *_ in rows]
        assert bool(rows) == (department != desk.dead_dept)


@pytest.mark.postgres
def test_the_receipts_list_compiled_gives_what_the_plain_queryset_gives(desk):
    """``selectors.desk.receipt_rows`` (compiled) against ``receipts_for`` (the plain rule):
    the same receipts in the same order for officers who see different ones."""
    secret = diarise(desk, subject="Secret", grading=Grading.SECRET, mark_to=desk.so)
    file = open_file(desk, subject="On a file", receipt=diarise(desk, subject="Put on file"))
    movement.file_mark(actor=desk.asst_user, file=file, to_post=desk.other_so)
    diarise(desk, subject="Plain")
    seen = {}
    for user in (desk.asst_user, desk.so_user, desk.other_user, desk.ds_user):
        rows = sel.receipt_rows(user=user)
        assert [r.pk for r in rows] == [r.pk for r in sel.receipts_for(user=user)]
        seen[user.pk] = {r.pk for r in rows}
    assert secret.pk in seen[desk.so_user.pk] and secret.pk not in seen[desk.asst_user.pk]
    assert sel._receipt_list_values._compiled
