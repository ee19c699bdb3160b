"""Files written straight into the tables, a batch at a time (``generate`` says what is
written and why). ``FileWriter._file`` is one file's whole life: its journey between desks,
with the desk tasks, movements, note sheet, approvals and correspondence it leaves behind."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import time

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from django.utils import timezone
from viewflow.workflow.fields import get_flow_ref, get_task_ref
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from benchmark.org import Org, P
from benchmark.shape import Shape
from benchmark.text import CITIZENS, Pools
from benchmark.writer import Progress, Sink
from documents.models import Paper, PaperText, PaperVersion
from organisation.models import Post
from workflows.models import FileProcess
from workspace import tracking
from workspace.flows import DESK_PERMISSION, FileFlow
from workspace.models import (
    Approval,
    Enclosure,
    File,
    Grading,
    HoldReason,
    Movement,
    NoteParagraph,
    Priority,
    Receipt,
)
from workspace.models.files import flag_label

DAY = 86_400
K = Movement.Kind


def paragraph_hash(file_number: str, number: int, text: str, author: int, post: int) -> str:
    """``workspace.services.approvals.content_hash`` of a paragraph, without building model
    instances (a third of the generator's time when it did); a test holds the two equal."""
    payload = {
        "kind": "paragraph",
        "file": file_number,
        "number": number,
        "text": text,
        "author": author,
        "post": post,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# The columns each table is written with, in the order of the tuples ``FileWriter`` adds.
FIELDS = {
    name: names.split()
    for name, names in {
        "file": "id number department section subject_head year serial subject priority "
        "grading status opened_by opened_at holding_post desk_since due_on hold_reason "
        "updated_at",
        "process": "id flow_class status created finished data",
        "fileprocess": "process_ptr file route_action route_post route_ref",
        "task": "id flow_task flow_task_type status created assigned started finished token "
        "external_task_id owner_permission owner process owner_permission_content_type "
        "owner_permission_obj_pk data",
        "movement": "id file kind from_post to_post by at remarks due_on desk_seconds task",
        "paragraph": "id file number text author post created_at edited_at is_final finalised_at",
        "approval": "id file paragraph decision remarks by post at content_hash",
        "receipt": "id section diary_year diary_number sender sender_address letter_number "
        "letter_date received_on mode subject priority grading status holding_post diarised_by "
        "diarised_at file is_citizen_matter citizen_name citizen_cnic_last4 "
        "citizen_mobile_last4 tracking_ref time_limit_days outcome disposed_at",
        "paper": "id title kind created_by created_at current_version frozen_reason",
        "version": "id paper number storage_name original_filename sha256 size mime_type "
        "page_count text_status thumbnail_name note signature_status signature_signer "
        "created_by created_at",
        "text": "version content extracted_at ocr_pages",
        "receipt_paper": "id receipt paper",
        "enclosure": "id file position flag title receipt paper is_puc added_by added_post "
        "added_at",
    }.items()
}


class Ids:
    """The last primary key allocated per table, read once from the database (nothing else
    writes to a benchmark database); each allocation adds ``step``."""

    step = 1

    def __init__(self, **models):
        self.names = list(models)
        for name, model in models.items():
            top = model.objects.aggregate(m=Max("pk"))["m"] or 0
            setattr(self, name, top)

    def interleave(self, part: int, parts: int) -> None:
        """Allocate every ``parts``-th key from here on, starting ``part`` keys along: the
        generator processes' keys interleave (1, 3, 5… and 2, 4, 6…) and never meet."""
        self.step = parts
        for name in self.names:
            setattr(self, name, getattr(self, name) + part + 1 - parts)


class FileWriter:
    """Writes files a batch at a time; ``write(n)`` adds ``n`` files."""

    def __init__(self, shape: Shape, org: Org, pools: Pools, sink: Sink, rng: random.Random):
        self.shape, self.org, self.pools, self.sink, self.rng = shape, org, pools, sink, rng
        self.now = timezone.now()
        self.post_ct = ContentType.objects.get_for_model(Post).pk
        self.flow_ref = get_flow_ref(FileFlow)
        self.start_ref = get_task_ref(FileFlow.start)
        self.desk_ref = get_task_ref(FileFlow.desk)
        self.start_type = FileFlow.start.task_type
        self.desk_type = FileFlow.desk.task_type
        self.ids = Ids(
            file=File,
            process=Process,
            task=Task,
            movement=Movement,
            paragraph=NoteParagraph,
            approval=Approval,
            receipt=Receipt,
            enclosure=Enclosure,
            paper=Paper,
            version=PaperVersion,
            receipt_paper=Receipt.papers.through,
        )
        self.serials: dict[tuple, int] = {}
        self.diary: dict[tuple, int] = {}
        self.refs = set(
            Receipt.objects.exclude(tracking_ref=None).values_list("tracking_ref", flat=True)
        )
        self.stats = {"open": 0, "parked": 0, "closed": 0, "record_room": 0}
        self.files_written = 0
        self.depts, self.weights = org.depts, org.weights
        self.own_depts = {d.id for d in org.depts}
        self.ref_first = tracking.ALPHABET
        self._tables()

    def take_part(self, part: int, parts: int, depts: list, sink: Sink) -> None:
        """Make this writer (a copy in a generator process of its own) write only the files
        of ``depts``, with keys, diary and file numbers and tracking references that cannot
        meet those of the other ``parts - 1`` processes: keys interleave (``Ids``), numbers
        are per section, and every receipt is diarised in one of ``depts`` (see ``_file``),
        and references start with symbols of this part's own."""
        self.rng = random.Random(f"{self.shape.seed}/{part}/{parts}")
        self.ids.interleave(part, parts)
        self.depts, self.weights = depts, [d.weight for d in depts]
        self.own_depts = {d.id for d in depts}
        self.ref_first = tracking.ALPHABET[part::parts]
        self.sink = sink
        self._tables()

    def _tables(self) -> None:
        t = self.sink.table
        self.t_file = t(File, FIELDS["file"])
        self.t_process = t(Process, FIELDS["process"])
        self.t_fileprocess = t(FileProcess, FIELDS["fileprocess"])
        self.t_task = t(Task, FIELDS["task"])
        self.t_movement = t(Movement, FIELDS["movement"])
        self.t_paragraph = t(NoteParagraph, FIELDS["paragraph"])
        self.t_approval = t(Approval, FIELDS["approval"])
        self.t_receipt = t(Receipt, FIELDS["receipt"])
        self.t_paper = t(Paper, FIELDS["paper"])
        self.t_version = t(PaperVersion, FIELDS["version"])
        self.t_text = t(PaperText, FIELDS["text"])
        self.t_receipt_paper = t(Receipt.papers.through, FIELDS["receipt_paper"])
        self.t_enclosure = t(Enclosure, FIELDS["enclosure"])

    # ------------------------------------------------------------------ helpers
    def _reference(self) -> str:
        rng = self.rng
        while True:
            body = rng.choice(self.ref_first) + "".join(
                rng.choice(tracking.ALPHABET) for _ in range(tracking.BODY_LENGTH - 1)
            )
            ref = body + tracking.check_character(body)
            if ref not in self.refs:
                self.refs.add(ref)
                return ref

    def _paper(self, *, kind: str, title: str, user_id: int, at) -> int:
        ids, rng, pools = self.ids, self.rng, self.pools
        ids.paper += ids.step
        ids.version += ids.step
        paper_id, version_id = ids.paper, ids.version
        pages = 1 + (rng.random() < 0.3) + (rng.random() < 0.1)
        content = "\f".join(rng.choice(pools.pages) for _ in range(pages))
        self.t_paper.add((paper_id, title[:255], kind, user_id, at, version_id, ""))
        self.t_version.add(
            (
                version_id,
                paper_id,
                1,
                f"bench/{version_id}.pdf",
                f"{kind}-{version_id}.pdf",
                hashlib.sha256(b"bench-%d" % version_id).hexdigest(),
                28_000 * pages + rng.randrange(4000) + 1,
                "application/pdf",
                pages,
                PaperVersion.TextStatus.DONE,
                "",
                "",
                PaperVersion.SignatureStatus.UNSIGNED,
                "",
                user_id,
                at,
            )
        )
        self.t_text.add((version_id, content, at, 0))
        return paper_id

    def _receipt(self, *, post: P, at, subject, file_id, grading, priority, status, closed):
        ids, rng, pools = self.ids, self.rng, self.pools
        ids.receipt += ids.step
        year = _local_year(at)
        key = (post.section_id, year)
        self.diary[key] = number = self.diary.get(key, 0) + 1
        received = (at - dt.timedelta(days=rng.randint(0, 3))).date()
        citizen = rng.random() < self.shape.citizen
        if citizen:
            name = rng.choice(CITIZENS)
            cnic = f"{rng.randrange(10_000):04d}"
            mobile = f"{rng.randrange(10_000):04d}"
            ref, limit = self._reference(), 30
            sender = name
            outcome = "Decided. The office has written to you with its decision." if closed else ""
        else:
            name = cnic = mobile = outcome = ""
            ref = limit = None
            sender = rng.choice(pools.senders)
        self.t_receipt.add(
            (
                ids.receipt,
                post.section_id,
                year,
                number,
                sender,
                "",
                f"No. {rng.randrange(1, 9999)}/{year}",
                received - dt.timedelta(days=rng.randint(1, 10)),
                received,
                Receipt.Mode.ELECTRONIC if rng.random() < 0.3 else Receipt.Mode.PHYSICAL,
                subject,
                priority,
                grading,
                status,
                post.id,
                post.user_id,
                at,
                file_id,
                citizen,
                name,
                cnic,
                mobile,
                ref,
                limit,
                outcome,
                None,  # disposed_at: the generator disposes of no receipt without a file
            )
        )
        if rng.random() < self.shape.scan:
            paper = self._paper(kind=Paper.Kind.SCAN, title=subject, user_id=post.user_id, at=at)
            ids.receipt_paper += ids.step
            self.t_receipt_paper.add((ids.receipt_paper, ids.receipt, paper))
        return ids.receipt

    # ------------------------------------------------------------------ journeys
    def _journey(self, first: P, moves: int):
        """Posts visited and the kind of each arrival: [(post, kind), …] starting with open."""
        rng = self.rng
        stays = [(first, K.OPEN)]
        while len(stays) < moves:
            cur, how = stays[-1]
            if cur.approver and how == K.PUT_UP:
                kind = K.APPROVE if rng.random() < 0.85 else K.RETURN
                stays.append((stays[-2][0], kind))
                continue
            r = rng.random()
            if r < 0.5 and cur.up is not None:
                stays.append((cur.up, K.PUT_UP))
            elif r < 0.75 and len(stays) > 1 and stays[-2][0] is not cur:
                stays.append((stays[-2][0], K.SEND_BACK))
            else:
                stays.append((self._peer(cur), K.MARK))
        return stays

    def _peer(self, cur: P) -> P:
        rng = self.rng
        r = rng.random()
        if r < 0.05:
            dept = rng.choice(self.org.depts)
            section = rng.choice(dept.sections)
            choices = section.posts
        elif r < 0.3 or cur.section is None:
            section = rng.choice(cur.dept.sections)
            choices = [p for p in section.posts if p.level == cur.level] or section.posts
        else:
            choices = cur.section.posts
        target = rng.choice(choices)
        if target is cur:
            target = cur.up or cur.dept.sections[0].posts[0]
            if target is cur:
                target = cur.dept.secretary
        return target

    # ------------------------------------------------------------------ one file
    def _file(self) -> None:  # noqa: C901 — one file's life, step by step, reads best whole
        shape, rng, ids, pools, now = self.shape, self.rng, self.ids, self.pools, self.now
        dept = rng.choices(self.depts, self.weights)[0]
        section = rng.choice(dept.sections)
        first = section.posts[0] if rng.random() < 0.7 else section.posts[1]
        moves = min(20, max(3, int(rng.gauss(shape.movements_mean - 1, 3.5))))
        stays = self._journey(first, moves)
        r = rng.random()
        if r < shape.share_open:
            status = File.Status.OPEN
        elif r < shape.share_open + shape.share_parked:
            status = File.Status.PARKED
        elif r < shape.share_open + shape.share_parked + shape.share_record_room:
            status = File.Status.RECORD_ROOM
        else:
            status = File.Status.CLOSED
        self.stats[status] += 1
        ongoing = status in (File.Status.OPEN, File.Status.PARKED)
        # How long each stay lasted; for a file still on a desk, the last is still running.
        durations = [600 + min(40 * DAY, int(rng.expovariate(1 / (1.5 * DAY))))
                     for _ in stays]  # fmt: skip
        if ongoing:
            durations[-1] = 3600 + min(250 * DAY, int(rng.expovariate(1 / (6 * DAY))))
            opened = now - dt.timedelta(seconds=sum(durations))
        else:
            span = sum(durations) + DAY
            opened = now - dt.timedelta(
                seconds=rng.randint(span, max(span + 1, shape.years * 365 * DAY))
            )
        arrivals = [opened]
        for d in durations[:-1]:
            arrivals.append(arrivals[-1] + dt.timedelta(seconds=d))
        leaves = arrivals[1:] + [arrivals[-1] + dt.timedelta(seconds=durations[-1])]

        ids.file += ids.step
        fid = ids.file
        ids.process += ids.step
        pid = ids.process
        year = _local_year(opened)
        head_id, head_code = rng.choice(dept.heads)
        key = (section.id, head_id, year)
        self.serials[key] = serial = self.serials.get(key, 0) + 1
        subject = rng.choice(pools.subjects)
        priority = rng.choices(_PRIORITIES, _PRIORITY_WEIGHTS)[0]
        grading = rng.choices(_GRADINGS, _GRADING_WEIGHTS)[0]
        holder = stays[-1][0]
        last_at = leaves[-1] if not ongoing else arrivals[-1]

        # Correspondence: the receipt the file was opened on (Flag A, the PUC), more later.
        position = 0
        closed = not ongoing
        if rng.random() < shape.on_receipt:
            rid = self._receipt(
                post=first,
                at=opened - dt.timedelta(hours=rng.randint(1, 30)),
                subject=subject,
                file_id=fid,
                grading=grading,
                priority=priority,
                status=Receipt.Status.ON_FILE,
                closed=closed,
            )
            position += 1
            ids.enclosure += ids.step
            self.t_enclosure.add(
                (ids.enclosure, fid, 1, "A", subject, rid, None, True, first.user_id, first.id,
                 opened)
            )  # fmt: skip
        extras = []
        if rng.random() < shape.extra_receipt:
            extras.append("receipt")
        if rng.random() < shape.attachment:
            extras.append("paper")
        for what in extras:
            j = rng.randrange(len(stays))
            post, at = stays[j][0], arrivals[j] + dt.timedelta(seconds=durations[j] // 3)
            if post.dept.id not in self.own_depts:
                # Diarised in another process's department: its diary numbers are that
                # process's to give, so the file's first desk diarises it instead.
                post = first
            position += 1
            ids.enclosure += ids.step
            title = rng.choice(pools.subjects)
            if what == "receipt":
                rid = self._receipt(
                    post=post, at=at, subject=title, file_id=fid, grading=Grading.UNCLASSIFIED,
                    priority=priority, status=Receipt.Status.ON_FILE, closed=closed,
                )  # fmt: skip
                paper = None
            else:
                rid = None
                title = f"Report on {title[0].lower()}{title[1:]}"
                paper = self._paper(
                    kind=Paper.Kind.ATTACHMENT, title=title, user_id=post.user_id, at=at
                )
            self.t_enclosure.add(
                (ids.enclosure, fid, position, flag_label(position - 1), title[:300], rid, paper,
                 False, post.user_id, post.id, at)
            )  # fmt: skip

        # The journey: a desk task per stay, the movements between them, the note sheet.
        number_str = f"{dept.code}/{section.code}/{head_code}-{serial}/{year}"
        ids.task += ids.step
        self.t_task.add(
            (ids.task, self.start_ref, self.start_type, STATUS.DONE, opened, None, opened, opened,
             "start", None, None, None, pid, None, None, "{}")
        )  # fmt: skip
        add_task, add_move, add_para = self.t_task.add, self.t_movement.add, self.t_paragraph.add
        desk_ref, desk_type, ct = self.desk_ref, self.desk_type, self.post_ct
        paragraph = 0
        last_para = None  # (id, number, text, author, post) of the paragraph last written
        task_id = None
        last = len(stays) - 1
        for i, (post, how) in enumerate(stays):
            at = arrivals[i]
            prev = stays[i - 1][0] if i else None
            if how in (K.APPROVE, K.RETURN):
                # The approving post decided on the paragraph put up to it, then sent it down;
                # a return says why in a paragraph of its own.
                ids.approval += ids.step
                remarks = "" if how == K.APPROVE else rng.choice(pools.remarks)
                para_id, para_no, para_text, para_author, para_post = last_para
                digest = paragraph_hash(number_str, para_no, para_text, para_author, para_post)
                self.t_approval.add(
                    (ids.approval, fid, para_id, "approved" if how == K.APPROVE else "returned",
                     remarks, prev.user_id, prev.id, at, digest)
                )  # fmt: skip
                if remarks:
                    paragraph += 1
                    ids.paragraph += ids.step
                    add_para((ids.paragraph, fid, paragraph, remarks, prev.user_id, prev.id,
                              at, None, True, at))  # fmt: skip
            add_move(
                (ids.movement + ids.step, fid, how, prev.id if prev else None, post.id,
                 prev.user_id if prev else first.user_id, at, "", None,
                 int((at - arrivals[i - 1]).total_seconds()) if i else 0, task_id)
            )  # fmt: skip
            ids.movement += ids.step
            # This stay's desk task: done by the holder who moved the file on (or closed it),
            # or the one open task, at the post holding the file.
            ids.task += ids.step
            task_id = ids.task
            running = i == last and ongoing
            if running:
                add_task((task_id, desk_ref, desk_type, STATUS.NEW, at, None, None, None, "start",
                          None, DESK_PERMISSION, None, pid, ct, str(post.id), "{}"))  # fmt: skip
            else:
                left = leaves[i]
                add_task((task_id, desk_ref, desk_type, STATUS.DONE, at, None, left, left, "start",
                          None, DESK_PERMISSION, post.user_id, pid, ct, str(post.id),
                          "{}"))  # fmt: skip
            # The note sheet. The opener always writes; a desk always writes before putting
            # the file up to a post that decides; a deciding post writes only to return.
            if post.approver and how == K.PUT_UP:
                continue
            nxt = stays[i + 1] if i < last else None
            if i == 0 or (nxt is not None and nxt[1] == K.PUT_UP and nxt[0].approver):
                write = True
            else:
                write = rng.random() < (0.25 if running else shape.note_per_stay)
            if write:
                paragraph += 1
                ids.paragraph += ids.step
                text = rng.choice(pools.paragraphs)
                if paragraph == 1:
                    text = f"{text} {pools.planted(rng)}".rstrip()
                written = at + dt.timedelta(seconds=durations[i] * 2 // 5)
                add_para((ids.paragraph, fid, paragraph, text, post.user_id, post.id, written,
                          None, not running, None if running else leaves[i]))  # fmt: skip
                last_para = (ids.paragraph, paragraph, text, post.user_id, post.id)

        route_action, route_post = (stays[-1][1] if len(stays) > 1 else ""), holder.id
        process_status, finished = PROCESS.NEW, None
        if ongoing and status == File.Status.PARKED:
            ids.movement += ids.step
            park_at = arrivals[-1] + dt.timedelta(seconds=durations[-1] // 2)
            add_move((ids.movement, fid, K.PARK, holder.id, holder.id, holder.user_id, park_at,
                      "Awaiting comments of another office.", None,
                      int((park_at - arrivals[-1]).total_seconds()), None))  # fmt: skip
            last_at = park_at
        elif not ongoing:
            # Closed: the last desk task is completed by the close and the journey ends.
            ids.movement += ids.step
            add_move((ids.movement, fid, K.CLOSE, holder.id, holder.id, holder.user_id, leaves[-1],
                      "", None, durations[-1], task_id))  # fmt: skip
            route_action, route_post = "close", None
            process_status, finished = PROCESS.DONE, leaves[-1]
            last_at = leaves[-1]
            if status == File.Status.RECORD_ROOM:
                ids.movement += ids.step
                sent = min(now, leaves[-1] + dt.timedelta(days=rng.randint(30, 300)))
                add_move((ids.movement, fid, K.RECORD_ROOM, holder.id, holder.id, holder.user_id,
                          sent, "", None, int((sent - arrivals[-1]).total_seconds()),
                          None))  # fmt: skip
                last_at = sent
        due = None
        if status == File.Status.OPEN and rng.random() < 0.1:
            due = (arrivals[-1] + dt.timedelta(days=rng.randint(3, 21))).date()
        self.t_file.add(
            (fid, number_str, dept.id, section.id, head_id, year, serial, subject, priority,
             grading, status, first.user_id, opened, holder.id, arrivals[-1], due,
             HoldReason.AWAITING_OFFICE if status == File.Status.PARKED else "", last_at)
        )  # fmt: skip
        self.t_process.add((pid, self.flow_ref, process_status, opened, finished, "{}"))
        self.t_fileprocess.add((pid, fid, route_action, route_post, None))

    def _pending_receipts(self, count: int) -> None:
        """Letters diarised in the last weeks and not yet put on a file."""
        rng, now = self.rng, self.now
        for _ in range(count):
            dept = rng.choices(self.depts, self.weights)[0]
            post = rng.choice(rng.choice(dept.sections).posts[:2])
            self._receipt(
                post=post,
                at=now - dt.timedelta(seconds=rng.randint(3600, 20 * DAY)),
                subject=rng.choice(self.pools.subjects),
                file_id=None,
                grading=Grading.UNCLASSIFIED,
                priority=rng.choices(_PRIORITIES, _PRIORITY_WEIGHTS)[0],
                status=Receipt.Status.PENDING,
                closed=False,
            )

    def write(self, n: int, progress: Progress) -> None:
        started = time.perf_counter()
        done = 0
        while done < n:
            size = min(self.shape.batch, n - done)
            for _ in range(size):
                self._file()
            self._pending_receipts(round(size * self.shape.pending_receipts))
            self.sink.flush()
            done += size
            self.files_written = done
            elapsed = time.perf_counter() - started
            rate = done / elapsed
            progress(
                f"  files {done:>9,} / {n:,}  {rate:7,.0f} files/s  "
                f"{self.sink.rows_written / elapsed:9,.0f} rows/s  "
                f"ETA {duration((n - done) / rate if rate else 0)}"
            )


_PRIORITIES = [Priority.ROUTINE, Priority.URGENT, Priority.IMMEDIATE, Priority.MOST_IMMEDIATE]
_PRIORITY_WEIGHTS = [0.7, 0.2, 0.08, 0.02]
_GRADINGS = [Grading.UNCLASSIFIED, Grading.RESTRICTED, Grading.CONFIDENTIAL, Grading.SECRET]
_GRADING_WEIGHTS = [0.9, 0.06, 0.03, 0.01]


def _local_year(at: dt.datetime) -> int:
    # Asia/Karachi is UTC+5 all year: cheaper than a time-zone conversion per row.
    return (at + dt.timedelta(hours=5)).year


def duration(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"
