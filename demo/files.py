"""Demo files for ``seed_demo``: a few hundred files in every state across the live
departments, made through the desk services on a simulated clock so that days at desk,
overdue marks and time-at-desk figures look like a working office."""

from __future__ import annotations

import datetime as dt
import random
from contextlib import contextmanager
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from organisation.models import Department, Post
from workspace.models import File, Grading, Priority, SubjectHead
from workspace.services import approvals, files, movement, notes, receipts

SUBJECT_HEADS = {
    "FD": [
        ("12", "Budget estimates", "بجٹ تخمینہ جات"),
        ("14", "Supplementary grants", "ضمنی گرانٹس"),
        ("21", "Release of funds", "فنڈز کا اجراء"),
        ("30", "Pension and GP fund", "پنشن و جی پی فنڈ"),
    ],
    "HED": [
        ("4", "Universities' grants", "جامعات کی گرانٹس"),
        ("7", "College posts", "کالجوں کی آسامیاں"),
        ("9", "Scholarships", "وظائف"),
    ],
    "STIT": [
        ("3", "E-governance projects", "ای گورننس منصوبے"),
        ("5", "IT procurement", "آئی ٹی خریداری"),
    ],
    "SYA": [
        ("2", "Sports facilities", "کھیلوں کی سہولیات"),
        ("6", "Youth programmes", "نوجوانوں کے پروگرام"),
    ],
}

SUBJECTS = {
    "FD": [
        "Revised budget estimates 2025-26 of {x}",
        "Release of funds for ADP scheme in {x}",
        "Supplementary grant for {x}",
        "Re-appropriation of funds within {x}",
        "Pension case of a retired employee of {x}",
        "Audit para regarding {x}",
    ],
    "HED": [
        "Grant-in-aid for {x}",
        "Creation of teaching posts at {x}",
        "Scholarship scheme for students of {x}",
        "Upgradation of {x}",
        "Hostel repairs at {x}",
    ],
    "STIT": [
        "Digitisation of records at {x}",
        "Procurement of computers for {x}",
        "Connectivity of {x} to the provincial network",
        "Software licences for {x}",
    ],
    "SYA": [
        "Renovation of sports complex at {x}",
        "Youth festival at {x}",
        "Grant for sports gala at {x}",
    ],
}
PLACES = [
    "Peshawar",
    "Mardan",
    "Swat",
    "Abbottabad",
    "Kohat",
    "Bannu",
    "Dera Ismail Khan",
    "Chitral",
    "Mansehra",
    "Nowshera",
    "Charsadda",
    "Haripur",
    "Malakand",
    "Karak",
    "Lakki Marwat",
]
SENDERS = [
    "Accountant General KP",
    "Director General Audit",
    "Vice Chancellor, University of Peshawar",
    "Deputy Commissioner Mardan",
    "Director Sports KP",
    "KP Information Technology Board",
    "Principal, Government College Kohat",
    "Planning & Development Department",
    "Chief Executive, Lady Reading Hospital MTI",
    "Secretary Local Government",
]
NOTES = [
    "The PUC at Flag A may kindly be perused. The proposal is in accordance with the rules.",
    "Submitted for perusal and orders please.",
    "The funds are available in the current year's budget under the relevant head.",
    "Finance Department's concurrence has been obtained vide Flag B.",
    "Approval of the competent authority is solicited for the proposal at para 1 above.",
    "ان حالات میں تجویز منظوری کے لیے پیش خدمت ہے۔",
    "The matter was discussed in the meeting held on the subject. Minutes are placed below.",
]

# Files per section in each state: 45 a section, about 300 in all.
SANCTION_LETTER = (
    "I am directed to convey the sanction of the competent authority to the proposal contained "
    "in your letter cited above, subject to the observance of codal formalities."
)

SCENARIOS = [
    ("fresh", 5),
    ("at_so", 5),
    ("at_ds", 4),
    ("at_secretary", 5),
    ("approved", 4),
    ("issued", 5),
    ("returned", 2),
    ("parked", 3),
    ("closed", 4),
    ("record_room", 2),
    ("other_department", 2),
    ("overdue", 2),
    ("recalled", 2),
]


# Files that go beyond the Section Officer carry the letter they are about as the receipt's scan
# (the PUC at Flag A), so the viewer has a paper to show beside the note sheet.
WITHOUT_SCAN = {"fresh", "overdue", "recalled", "at_so", "other_department"}


def _scanned_letter(*, sender: str, subject: str, number: str, date: dt.date) -> SimpleUploadedFile:
    """A one-page letter as a PDF, the way the receipt's scan reaches the desk."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    width, height = A4
    pdf.setFont("Helvetica-Bold", 15)
    pdf.drawCentredString(width / 2, height - 70, sender)
    pdf.setFont("Helvetica", 10)
    pdf.drawCentredString(width / 2, height - 86, "Government of Khyber Pakhtunkhwa")
    pdf.line(60, height - 96, width - 60, height - 96)
    pdf.setFont("Helvetica", 11)
    pdf.drawString(60, height - 125, number)
    pdf.drawRightString(width - 60, height - 125, f"Dated {date:%d %B %Y}")
    pdf.drawString(60, height - 160, "To")
    pdf.drawString(80, height - 176, "The Secretary to Government of Khyber Pakhtunkhwa")
    pdf.setFont("Helvetica-Bold", 11)
    pdf.drawString(60, height - 210, "Subject:")
    pdf.drawString(115, height - 210, subject[:70])
    pdf.setFont("Helvetica", 11)
    body = [
        "I am directed to refer to the subject noted above and to request that the proposal",
        "may kindly be examined and approved at the earliest, as the matter is time-bound.",
        "The relevant documents and the estimates are enclosed for ready reference.",
    ]
    for i, line in enumerate(body):
        pdf.drawString(60, height - 245 - 17 * i, line)
    pdf.drawRightString(width - 60, height - 330, "(Signed)")
    pdf.drawRightString(width - 60, height - 346, f"for {sender}")
    pdf.showPage()
    pdf.save()
    return SimpleUploadedFile("scan.pdf", buf.getvalue(), content_type="application/pdf")


class Clock:
    """A simulated clock that moves forward a few hours per step."""

    def __init__(self, start: dt.datetime, rng: random.Random):
        self.now, self.rng = start, rng

    def tick(self, low_hours=1, high_hours=60):
        self.now += dt.timedelta(
            hours=self.rng.randint(low_hours, high_hours), minutes=self.rng.randint(0, 59)
        )
        cap = timezone.now() - dt.timedelta(minutes=5)
        if self.now > cap:
            self.now = cap
        return self.now


@contextmanager
def frozen(clock: Clock):
    with mock.patch("django.utils.timezone.now", side_effect=lambda: clock.now):
        yield


def _holder(post: Post):
    return (
        post.holdings.filter(ends_at__isnull=True, kind="regular")
        .select_related("user")
        .first()
        .user
    )


def _chain(section) -> dict:
    posts = {
        p.level: p
        for p in Post.objects.filter(section=section).select_related("section__department")
    }
    secy = Post.objects.get(section__department=section.department, level=Post.Level.SECRETARY)
    return {
        "asst": posts[Post.Level.ASSISTANT],
        "so": posts[Post.Level.SECTION_OFFICER],
        "ds": posts[Post.Level.DEPUTY_SECRETARY],
        "secy": secy,
    }


def _subject(rng, code):
    return rng.choice(SUBJECTS[code]).format(x=rng.choice(PLACES))


def _heads(dept):
    heads = []
    for code, en, ur in SUBJECT_HEADS.get(dept.code, []):
        head, _ = SubjectHead.objects.get_or_create(
            department=dept, code=code, defaults={"name_en": en, "name_ur": ur}
        )
        heads.append(head)
    return heads


def _one_file(rng, clock, chain, users, heads, code, scenario, other_posts):
    asst, so, ds, secy = chain["asst"], chain["so"], chain["ds"], chain["secy"]
    u = users
    with frozen(clock):
        letter = {
            "sender": rng.choice(SENDERS),
            "subject": _subject(rng, code),
            "letter_number": f"No.{rng.randint(100, 9999)}/{rng.choice(['B', 'A', 'Estt'])}",
            "letter_date": (clock.now - dt.timedelta(days=rng.randint(2, 9))).date(),
        }
        scans = []
        if scenario not in WITHOUT_SCAN:
            scans = [
                _scanned_letter(
                    sender=letter["sender"],
                    subject=letter["subject"],
                    number=letter["letter_number"],
                    date=letter["letter_date"],
                )
            ]
        receipt = receipts.receipt_diarise(
            actor=u[asst],
            post=asst,
            **letter,
            received_on=clock.now.date(),
            priority=rng.choice([0, 0, 0, 1, 1, 2, 3]),
            scans=scans,
        )
        grading = rng.choice(
            [Grading.UNCLASSIFIED] * 12 + [Grading.RESTRICTED, Grading.CONFIDENTIAL, Grading.SECRET]
        )
        file = files.file_open(
            actor=u[asst],
            post=asst,
            subject_head=rng.choice(heads),
            subject=receipt.subject,
            priority=receipt.priority,
            grading=grading,
            receipt=receipt,
        )
        clock.tick(1, 8)
        if scenario == "fresh":
            return file
        notes.note_add(actor=u[asst], file=file, text=rng.choice(NOTES))
        due = (
            (clock.now + dt.timedelta(days=rng.randint(-6, -1))).date()
            if scenario == "overdue"
            else None
        )
        if scenario == "overdue":
            movement.file_mark(
                actor=u[asst],
                file=file,
                to_post=so,
                remarks="Please dispose of by the due date.",
                due_on=timezone.localtime(clock.now).date(),
            )
            return File.objects.filter(pk=file.pk).update(due_on=due) and file
        movement.file_put_up(actor=u[asst], file=file, remarks="For orders")
        clock.tick()
        if scenario == "recalled":
            movement.file_recall(
                actor=u[asst], file=file, reason="Enclosure at Flag A was incomplete."
            )
            return file
        if scenario == "at_so":
            return file
        if scenario == "other_department":
            target = rng.choice(other_posts)
            notes.note_add(
                actor=u[so], file=file, text="Comments of the concerned department may be obtained."
            )
            movement.file_mark(
                actor=u[so], file=file, to_post=target, remarks="For comments please"
            )
            return file
        notes.note_add(actor=u[so], file=file, text=rng.choice(NOTES))
        movement.file_put_up(actor=u[so], file=file)
        clock.tick()
        if scenario == "at_ds":
            return file
        para = notes.note_add(actor=u[ds], file=file, text=NOTES[4])
        movement.file_put_up(actor=u[ds], file=file)
        clock.tick()
        if scenario == "at_secretary":
            return file
        if scenario == "returned":
            approvals.note_decide(
                actor=u[secy],
                file=file,
                paragraph=para,
                decision="returned",
                remarks="Please re-examine in the light of the Finance Department's rules.",
            )
            return file
        approvals.note_decide(
            actor=u[secy], file=file, paragraph=para, decision="approved", remarks="Approved."
        )
        clock.tick()
        if scenario == "approved":
            return file
        if scenario in ("issued", "closed", "record_room"):
            draft = approvals.draft_create(
                actor=u[ds],
                file=file,
                subject=f"Sanction: {file.subject}",
                addressees=f"{rng.choice(SENDERS)}\nAccountant General KP",
                body=SANCTION_LETTER,
            )
            movement.file_put_up(actor=u[ds], file=file)
            clock.tick(1, 24)
            approvals.draft_decide(actor=u[secy], file=file, draft=draft, decision="approved")
            clock.tick(1, 24)
            approvals.draft_issue(actor=u[ds], file=file, draft=draft)
            if scenario == "issued":
                return file
            clock.tick(2, 48)
            movement.file_close(
                actor=u[ds], file=file, remarks="Action completed; file may be closed."
            )
            if scenario == "record_room":
                clock.tick(24, 200)
                movement.file_to_record_room(actor=u[ds], file=file)
            return file
        if scenario == "parked":
            movement.file_park(
                actor=u[ds], file=file, remarks="Awaiting the report of the district office."
            )
        return file


def seed_files(progress=print, per_section: int | None = None) -> int:
    """A few hundred files across the live departments, idempotent: skipped if files exist."""
    if File.objects.exists():
        progress("  files already seeded")
        return 0
    rng = random.Random(2025)  # noqa: S311 — demo data, reproducible
    made = 0
    live = list(Department.objects.filter(is_live=True).order_by("code"))
    for dept in live:
        heads = _heads(dept)
        if not heads:
            continue
        other_posts = list(
            Post.objects.filter(section__department__is_live=True, level=Post.Level.SECTION_OFFICER)
            .exclude(section__department=dept)
            .exclude(section__code="CGU")
            .select_related("section__department")
        )
        sections = dept.sections.exclude(code__in=["Secy", "CGU"]).order_by("code")
        for section in sections:
            chain = _chain(section)
            users = {post: _holder(post) for post in chain.values()}
            # One transaction a section: the services nest inside it, and SQLite is spared a
            # disk sync per step.
            with transaction.atomic():
                for scenario, count in SCENARIOS:
                    for _ in range(per_section or count):
                        start = timezone.now() - dt.timedelta(
                            days=rng.randint(3, 150), hours=rng.randint(0, 23)
                        )
                        _one_file(
                            rng,
                            Clock(start, rng),
                            chain,
                            users,
                            heads,
                            dept.code,
                            scenario,
                            other_posts,
                        )
                        made += 1
            progress(f"  {dept.code} {section.code}: {made} files so far")
    # Pending receipts waiting at the assistants' desks.
    for dept in live:
        for section in dept.sections.exclude(code__in=["Secy", "CGU"]):
            chain = _chain(section)
            clerk = _holder(chain["asst"])
            for _ in range(4):
                clock = Clock(timezone.now() - dt.timedelta(days=rng.randint(0, 6), hours=3), rng)
                with frozen(clock):
                    receipts.receipt_diarise(
                        actor=clerk,
                        post=chain["asst"],
                        sender=rng.choice(SENDERS),
                        subject=_subject(rng, dept.code),
                        priority=rng.choice(
                            [Priority.ROUTINE, Priority.URGENT, Priority.IMMEDIATE]
                        ),
                    )
    return made
