"""What the desk gives the index to store: a file composed from the desk's tables, for a batch
of files at a time (``search.sources.IndexSource.compose``), and the file ids to (re)build.

One composed document per file: its number, subject, the senders and subjects of its receipts
and the titles of its papers, its note sheet, the text extracted from its papers, and the
filter columns (department, section, holding post, status, priority, grading, year, dates,
and the posts it has been at). Both backends index exactly this, so they cannot disagree
about what a file contains. A batch costs a fixed number of queries whatever its size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db import connection

from documents.models import PaperText, PaperVersion
from search.normalise import fold
from search.sources import Composed
from workspace import access
from workspace.models import Enclosure, File, Movement, NoteParagraph, Receipt

# Caps keep one file's text well inside PostgreSQL's 1 MB tsvector limit and a sane request
# size for Elasticsearch; what is beyond them is not searchable (and said so in the README).
MAX_RECEIPTS_CHARS = 50_000
MAX_NOTES_CHARS = 200_000
MAX_PAPERS_CHARS = 200_000


def _clip(text: str, limit: int) -> str:
    # PostgreSQL text cannot hold NUL, and extracted text sometimes has it. Folded so that
    # Urdu and Arabic are indexed in the form queries are (``search.normalise``).
    return fold(text.replace("\x00", " ")[:limit])[:limit]


def department_lexeme(department_id: int, grading: int) -> str | None:
    """The department term (``access.department_sees``) as a lexeme of the file's vector:
    ``dv:<department>`` when the whole department may see the file, else None."""
    return f"dv:{department_id}" if access.department_sees(grading) else None


def _paper_texts(file_ids: list[int]) -> dict[int, list[str]]:
    """Text extracted from the papers on the files: papers put on a file under a flag, and
    the scans of the receipts on it. For each paper, the text of its newest version that has
    text (a stamped rendition may not have been extracted yet)."""

    papers_of: dict[int, list[int]] = defaultdict(list)
    for file_id, paper_id in (
        Enclosure.objects.filter(file_id__in=file_ids, paper__isnull=False)
        .order_by("file_id", "position")
        .values_list("file_id", "paper_id")
    ):
        papers_of[file_id].append(paper_id)
    for file_id, paper_id in (
        Receipt.papers.through.objects.filter(receipt__file_id__in=file_ids)
        .order_by("receipt__file_id", "receipt_id", "paper_id")
        .values_list("receipt__file_id", "paper_id")
    ):
        if paper_id not in papers_of[file_id]:
            papers_of[file_id].append(paper_id)
    paper_ids = {p for ps in papers_of.values() for p in ps}
    texts: dict[int, str] = {}
    if paper_ids:
        for paper_id, content in (
            PaperText.objects.filter(version__paper_id__in=paper_ids)
            .order_by("version__paper_id", "-version__number")
            .values_list("version__paper_id", "content")
        ):
            texts.setdefault(paper_id, content)
    return {
        file_id: [texts[p].replace("\f", "\n") for p in ps if texts.get(p)]
        for file_id, ps in papers_of.items()
    }


def compose(file_ids: Iterable[int], *, with_custody: bool = False) -> dict[int, Composed]:
    """Composed documents for the files that exist among ``file_ids`` (missing ids are left
    out, which is how a caller learns a file is gone)."""
    ids = sorted(set(file_ids))
    if not ids:
        return {}
    files = File.objects.filter(pk__in=ids).values(
        "pk",
        "number",
        "subject",
        "department_id",
        "section_id",
        "holding_post_id",
        "status",
        "priority",
        "grading",
        "year",
        "opened_at",
        "updated_at",
    )
    found = {row["pk"]: row for row in files}
    if not found:
        return {}
    ids = sorted(found)

    notes: dict[int, list[str]] = defaultdict(list)
    for file_id, text in (
        NoteParagraph.objects.filter(file_id__in=ids)
        .order_by("file_id", "number")
        .values_list("file_id", "text")
    ):
        notes[file_id].append(text)

    receipts: dict[int, list[str]] = defaultdict(list)
    for file_id, sender, subject, letter_number in (
        Receipt.objects.filter(file_id__in=ids)
        .order_by("file_id", "pk")
        .values_list("file_id", "sender", "subject", "letter_number")
    ):
        receipts[file_id].append(" — ".join(p for p in (sender, subject, letter_number) if p))
    for file_id, title, receipt_id in (
        Enclosure.objects.filter(file_id__in=ids)
        .order_by("file_id", "position")
        .values_list("file_id", "title", "receipt_id")
    ):
        if receipt_id is None:  # a receipt's title is its subject, already above
            receipts[file_id].append(title)

    papers = _paper_texts(ids)

    custody: dict[int, set[int]] = defaultdict(set)
    if with_custody:
        # order_by(): the model's ordering would join every file row (its date) and make
        # DISTINCT keep every movement — a sequential scan of the file table per batch.
        for file_id, post_id in (
            Movement.objects.filter(file_id__in=ids, to_post__isnull=False)
            .order_by()
            .values_list("file_id", "to_post_id")
            .distinct()
        ):
            custody[file_id].add(post_id)

    out = {}
    for file_id in ids:
        row = found[file_id]
        posts = custody.get(file_id, set())
        if row["holding_post_id"]:
            posts = posts | {row["holding_post_id"]}
        out[file_id] = Composed(
            file_id=file_id,
            number=row["number"],
            subject=_clip(row["subject"], 500),
            receipts_text=_clip("\n".join(receipts.get(file_id, [])), MAX_RECEIPTS_CHARS),
            notes_text=_clip("\n\n".join(notes.get(file_id, [])), MAX_NOTES_CHARS),
            papers_text=_clip("\n\n".join(papers.get(file_id, [])), MAX_PAPERS_CHARS),
            department_id=row["department_id"],
            section_id=row["section_id"],
            holding_post_id=row["holding_post_id"],
            status=row["status"],
            priority=row["priority"],
            grading=row["grading"],
            year=row["year"],
            opened_at=row["opened_at"],
            updated_at=row["updated_at"],
            custody_post_ids=sorted(posts) if with_custody else [],
            department_lexeme=department_lexeme(row["department_id"], row["grading"]),
        )
    return out


def file_id_batches(batch_size: int = 1000) -> Iterator[list[int]]:
    """All file ids in primary-key order, a batch at a time (keyset, so it never slows down)."""
    last = 0
    while True:
        batch = list(
            File.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not batch:
            return
        yield batch
        last = batch[-1]


def department_batches(batch_size: int = 1000) -> Iterator[list[int]]:
    """All file ids a batch at a time, a department's files together (by department, grading,
    id: the order of the index ``file_dept_grading``, read by keyset so it never slows down).

    A rebuild into an empty index writes its rows in this order, so that a department's rows
    sit on few pages of the search table. A search for a word most files contain reads every
    match of the searcher's department to order them by date. At 100,000 files the 1,523
    matches in one department of 2,533 files sat on 1,483 pages when written in file order
    (rows of about 2 kB, the departments' files interleaved, as they are opened) and on 633
    in this order; reading them took 5.3 ms and then 2.1 ms."""
    table = File._meta.db_table
    sql = (
        f"SELECT id, department_id, grading FROM {table} "  # noqa: S608 - a model's own table
        "WHERE (department_id, grading, id) > (%s, %s, %s) "
        "ORDER BY department_id, grading, id LIMIT %s"
    )
    last = (-1, -1, -1)
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, [*last, batch_size])
            rows = cursor.fetchall()
        if not rows:
            return
        yield [row[0] for row in rows]
        last = rows[-1][1], rows[-1][2], rows[-1][0]


def files_with_paper(version_id: int) -> list[int]:
    """The files a paper version's paper is on, as a flagged paper (``Enclosure.paper``) or as
    the scan of a receipt on the file (``Receipt.papers``): those to reindex once its text is
    stored."""
    paper_id = PaperVersion.objects.filter(pk=version_id).values_list("paper_id", flat=True).first()
    if paper_id is None:
        return []
    file_ids = set(Enclosure.objects.filter(paper_id=paper_id).values_list("file_id", flat=True))
    file_ids |= set(
        Receipt.objects.filter(papers=paper_id, file__isnull=False).values_list(
            "file_id", flat=True
        )
    )
    return sorted(file_ids)


def file_ids():
    """Every existing file's id (``pk``), a queryset: the index counts them and finds its
    orphans (rows whose file is gone) with it."""
    return File.objects.values("pk")
