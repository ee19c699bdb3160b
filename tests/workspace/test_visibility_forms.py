"""Every form of the visibility rule sees the same files (issue 20).

The rule is stated once in ``workspace.access`` (the department term up to
``DEPARTMENT_SEES_UP_TO``, the holder term, the custody term) and built into several forms:
the desk's queryset, its one-file check and its id walk, the desk's selector, the search
index's conditions over ``search.FileDocument`` as the engine gets them from the desk
(``search.sources.source().visibility``) (the ORM ones, the raw SQL of the custody
table, the whole database-backend search with and without words, by index lookup and by
walk), the Elasticsearch filter (evaluated here in Python against the documents the backend
would index), and the papers on the files (``documents.selectors``, ``documents.access``).
Over an office with files of every grading, held and passed through posts of two
departments, they must agree for every user — and receipts must agree between their
queryset, check and id walk.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from documents import access as paper_access
from documents import selectors as paper_selectors
from kernel.errors import NotFound
from organisation.models import Post
from search.backends.database import DatabaseBackend
from search.backends.elastic import FileIndexDocument, build_search
from search.models import FileDocument
from search.query import parse
from search.sources import Viewer, source
from search.types import Filters, decode_cursor
from tests.documents.corpus import text_pdf, upload
from tests.factories import HoldingFactory, PostFactory, UserFactory
from tests.workspace.helpers import open_file
from workspace import access
from workspace.models import File, Grading, Receipt
from workspace.search.indexing import compose
from workspace.selectors import desk as desk_selectors
from workspace.services import correspondence, files, movement, receipts

pytestmark = pytest.mark.django_db

WORD = "sanction"  # in every file's subject: a search for it matches every file


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def office(desk):
    """For each grading: a Finance file kept at the Assistant, one marked on to the Section
    Officer, a Higher Education file kept there, one that passed through Finance's Section
    Officer and went back; receipts of each grading on no file (at the Assistant, marked to
    the Deputy Secretary) and on a Higher Education file; a paper on every file. Users: each
    Finance officer, Higher Education's Section Officer, an officer holding posts in both
    departments, one with no post, and nobody signed in."""
    o = desk
    fd, hed = o.asst, o.other_so
    for grading in Grading:
        g = grading.label
        open_file(o, subject=f"{WORD} {g} kept at FD", grading=grading)
        moved = open_file(o, subject=f"{WORD} {g} marked to FD SO", grading=grading)
        movement.file_mark(actor=o.asst_user, file=moved, to_post=o.so)
        open_file(o, at=hed, user=o.other_user, subject=f"{WORD} {g} HED's", grading=grading)
        passed = open_file(
            o, at=hed, user=o.other_user, subject=f"{WORD} {g} via FD SO", grading=grading
        )
        movement.file_mark(actor=o.other_user, file=passed, to_post=o.so)
        movement.file_mark(actor=o.so_user, file=passed, to_post=hed)
        receipts.receipt_diarise(
            actor=o.asst_user, post=fd, sender="AG", subject=f"{g} letter", grading=grading
        )
        receipts.receipt_diarise(
            actor=o.asst_user,
            post=fd,
            sender="AG",
            subject=f"{g} letter to DS",
            grading=grading,
            mark_to=o.ds,
        )
        letter = receipts.receipt_diarise(
            actor=o.other_user, post=hed, sender="HEC", subject=f"{g} letter", grading=grading
        )
        files.file_open(
            actor=o.other_user,
            post=hed,
            subject_head=o.other_head,
            subject=f"{WORD} {g} on a letter",
            grading=Grading.UNCLASSIFIED,
            receipt=letter,
        )
    holders = {o.asst.pk: o.asst_user, o.so.pk: o.so_user, hed.pk: o.other_user}
    for file in File.objects.all():
        holder = holders[file.holding_post_id]
        correspondence.paper_enclose(
            actor=holder, file=file, upload=upload(f"{file.pk}.pdf", text_pdf(1)), title="Flag"
        )
    both = UserFactory(username="fd-hed")
    HoldingFactory(post=PostFactory(section=o.section, level=Post.Level.ASSISTANT), user=both)
    HoldingFactory(post=PostFactory(section=hed.section, level=Post.Level.ASSISTANT), user=both)
    backend = DatabaseBackend()
    backend.index_files(File.objects.values_list("pk", flat=True))
    users = {
        "FD assistant": o.asst_user,
        "FD section officer": o.so_user,
        "FD deputy secretary": o.ds_user,
        "FD secretary": o.secretary_user,
        "HED section officer": o.other_user,
        "in both departments": both,
        "no post": UserFactory(username="no-post"),
        "anonymous": AnonymousUser(),
    }
    return SimpleNamespace(backend=backend, users=users)


def _fresh(user):
    """The user without the posts cached on it by an earlier form."""
    for name in ("_daftar_post_ids", "_daftar_dept_ids", "_daftar_holdings", "_daftar_section_ids"):
        if hasattr(user, name):
            delattr(user, name)
    return user


# --- the forms, each giving the ids of the files ``user`` sees ------------------------------


def desk_queryset(user, office):
    return set(access.visible_files(user).values_list("pk", flat=True))


def desk_one_file_check(user, office):
    return {f.pk for f in File.objects.all() if access.can_view_file(user=user, file=f)}


def desk_id_walk(user, office):
    return set(access.visible_file_ids(user, limit=1000))


def desk_id_walk_oldest_first(user, office):
    return set(access.visible_file_ids(user, limit=1000, newest_first=False))


def desk_selector(user, office):
    return {
        pk
        for pk in File.objects.values_list("pk", flat=True)
        if desk_selectors.file_for(user=user, pk=pk) is not None
    }


def index_whole_rule(user, office):
    viewer = Viewer.of(user)
    if viewer.sees_nothing:
        return set()
    rule = source().visibility.document_q(viewer)
    return set(FileDocument.objects.filter(rule).values_list("file_id", flat=True))


def index_halves(user, office):
    viewer = Viewer.of(user)
    if viewer.sees_nothing:
        return set()
    mine = FileDocument.objects.filter(source().visibility.department_q(viewer))
    theirs = FileDocument.objects.filter(file_id__in=source().visibility.custody_elsewhere(viewer))
    return set(mine.values_list("file_id", flat=True)) | set(
        theirs.values_list("file_id", flat=True)
    )


def index_halves_sql(user, office):
    viewer = Viewer.of(user)
    if viewer.sees_nothing:
        return set()
    custody, params = source().visibility.custody_elsewhere_sql(viewer)
    with connection.cursor() as cursor:
        cursor.execute(custody, params)
        theirs = {row[0] for row in cursor.fetchall()}
    mine = FileDocument.objects.filter(source().visibility.department_q(viewer))
    return set(mine.values_list("file_id", flat=True)) | theirs


def _searched(user, office, text, *, walk=False):
    backend = office.backend
    viewer = Viewer.of(user)
    found, cursor = [], {}
    original = backend._walk_is_cheaper
    if walk:
        backend._walk_is_cheaper = lambda viewer, query, filtered: True
    try:
        while True:
            page = backend.search(
                viewer=viewer,
                query=parse(text),
                filters=Filters(),
                sort="newest",
                cursor=cursor,
                limit=7,
                highlight=False,
            )
            assert not page.timed_out
            found += page.ids
            if not page.next_cursor:
                break
            cursor = decode_cursor(page.next_cursor)
    finally:
        backend._walk_is_cheaper = original
    assert len(found) == len(set(found))
    return set(found)


def search_browsing(user, office):
    return _searched(user, office, "")


def search_with_a_word(user, office):
    return _searched(user, office, WORD)


def search_with_a_word_walking(user, office):
    return _searched(user, office, WORD, walk=True)


def elasticsearch_filter_in_python(user, office):
    viewer = Viewer.of(user)
    if viewer.sees_nothing:  # the backend answers nothing without asking
        return set()
    body = build_search(
        alias="files",
        viewer=viewer,
        query=parse(""),
        filters=Filters(),
        sort="newest",
        cursor={},
        limit=10,
    ).to_dict()
    conditions = body["query"]["bool"]["filter"]
    docs = compose(list(File.objects.values_list("pk", flat=True)), with_custody=True)
    return {
        file_id
        for file_id, doc in docs.items()
        if all(_es_matches(c, FileIndexDocument.from_composed(doc).to_dict()) for c in conditions)
    }


def papers_on_the_files(user, office):
    seen = set()
    for file_id, paper_id in File.objects.values_list("pk", "enclosures__paper_id"):
        try:
            paper = paper_selectors.paper_for(user=user, paper_id=paper_id)
        except NotFound:
            continue
        assert [
            e.file_id for e in paper_access.places_of(user=user, paper=paper)["enclosures"]
        ] == [file_id]
        seen.add(file_id)
    listed = paper_access.visible_papers(user).filter(enclosures__isnull=False)
    assert set(listed.values_list("enclosures__file_id", flat=True)) == seen
    return seen


FORMS = [
    desk_one_file_check,
    desk_id_walk,
    desk_id_walk_oldest_first,
    desk_selector,
    index_whole_rule,
    index_halves,
    index_halves_sql,
    search_browsing,
    search_with_a_word,
    search_with_a_word_walking,
    elasticsearch_filter_in_python,
    papers_on_the_files,
]


def _es_matches(clause: dict, doc: dict) -> bool:
    """The few Elasticsearch query clauses the visibility filter uses, over one document."""
    ((kind, body),) = clause.items()
    if kind == "match_all":
        return True
    if kind == "bool":
        if not all(_es_matches(c, doc) for c in body.get("filter", []) + body.get("must", [])):
            return False
        should = body.get("should", [])
        wanted = body.get("minimum_should_match", 1 if should else 0)
        return sum(_es_matches(c, doc) for c in should) >= wanted
    ((field, value),) = body.items()
    have = doc.get(field)
    have = have if isinstance(have, list) else [] if have is None else [have]
    if kind == "terms":
        return any(h in value for h in have)
    if kind == "range":
        return any(
            all(
                {"lte": h <= v, "lt": h < v, "gte": h >= v, "gt": h > v}[op]
                for op, v in value.items()
            )
            for h in have
        )
    raise AssertionError(f"unexpected clause {clause!r}")


def test_every_form_of_the_rule_sees_what_the_desk_sees(office):
    """One office, built once (papers make it slow): every form, every user."""
    everything = set(File.objects.values_list("pk", flat=True))
    assert len(everything) == 5 * len(Grading)
    disagreements = []
    for name, user in office.users.items():
        expected = desk_queryset(_fresh(user), office)
        for form in FORMS:
            found = form(_fresh(user), office)
            if found != expected:
                disagreements.append((form.__name__, name, found ^ expected))
    assert not disagreements


def test_the_office_exercises_every_term_and_grading(office, desk):
    """The comparison means something: each user sees some files and not others, through each
    term, and no grading is seen the same way by everyone."""
    by_subject = dict(File.objects.values_list("subject", "pk"))
    so = desk_queryset(_fresh(desk.so_user), office)
    asst = desk_queryset(_fresh(desk.asst_user), office)
    hed = desk_queryset(_fresh(desk.other_user), office)
    for grading in Grading:
        g = grading.label
        department_sees = access.department_sees(grading)
        # the department term, and its threshold
        assert (by_subject[f"{WORD} {g} kept at FD"] in so) == department_sees
        # the holder term and the custody term see whatever the grading
        assert by_subject[f"{WORD} {g} marked to FD SO"] in so
        assert by_subject[f"{WORD} {g} marked to FD SO"] in asst
        assert by_subject[f"{WORD} {g} via FD SO"] in so
        assert by_subject[f"{WORD} {g} via FD SO"] not in asst
        assert by_subject[f"{WORD} {g} HED's"] not in so
        assert by_subject[f"{WORD} {g} HED's"] in hed
    assert not desk_queryset(_fresh(office.users["no post"]), office)
    both = desk_queryset(_fresh(office.users["in both departments"]), office)
    for grading in Grading:
        for place in ("kept at FD", "HED's"):
            seen = by_subject[f"{WORD} {grading.label} {place}"] in both
            assert seen == access.department_sees(grading)


def test_receipts_agree_between_the_queryset_the_check_and_the_id_walk(office):
    receipts_ = list(Receipt.objects.select_related("file", "section"))
    for name, user in office.users.items():
        expected = set(access.visible_receipts(_fresh(user)).values_list("pk", flat=True))
        checked = {r.pk for r in receipts_ if access.can_view_receipt(user=_fresh(user), receipt=r)}
        assert checked == expected, name
        assert set(access.visible_receipt_ids(_fresh(user), limit=1000)) == expected, name
        first = set(access.visible_receipt_ids(_fresh(user), limit=access.FIRST_RECEIPTS))
        assert first == expected, name  # the compiled first page (fewer than a page here)
