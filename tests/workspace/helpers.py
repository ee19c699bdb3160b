"""Building blocks for desk tests, through the services."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.documents.corpus import text_pdf, upload
from tests.factories import DepartmentFactory, PostFactory, SectionFactory
from workspace.models import Grading, SubjectHead
from workspace.services import approvals, correspondence, files, movement, notes, receipts


def open_file(
    o, *, at=None, user=None, subject="Release of funds for development schemes", **kwargs
):
    post = at or o.asst
    user = user or o.asst_user
    head = SubjectHead.objects.filter(department=post.section.department_id).first()
    return files.file_open(actor=user, post=post, subject_head=head, subject=subject, **kwargs)


def diarise(o, **kwargs):
    kwargs.setdefault("sender", "Accountant General KP")
    kwargs.setdefault("subject", "Budget release")
    return receipts.receipt_diarise(actor=o.asst_user, post=o.asst, **kwargs)


def file_page_as(client, user, file, language: str):
    """The file page as ``user`` reads it in ``language`` (call inside
    ``translation.override(language)``, so what the test renders beside it is in the same
    language)."""
    client.cookies.load({"django_language": language})
    client.force_login(user)
    response = client.get(f"/desk/files/{file.pk}/")
    assert response.status_code == 200
    return response


def api_client(user) -> APIClient:
    """An API client signed in with ``user``'s token, so each request loads the user afresh
    (as a real one does)."""
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def round_of_everything(desk, file, n):
    """One more of everything: a citizen's receipt with its scan on the file (the viewer's
    links, the "citizen sees" line), a note decided, a draft, movements."""
    receipt = diarise(
        desk,
        subject=f"Letter {n}",
        citizen_name="Gul Bano",
        citizen_cnic_last4="4321",
        scans=[upload(f"letter-{n}.pdf", text_pdf(1))],
    )
    correspondence.enclosure_add(actor=desk.asst_user, file=file, receipt=receipt)
    para = notes.note_add(actor=desk.asst_user, file=file, text=f"Proposal {n}")
    approvals.draft_create(
        actor=desk.asst_user, file=file, subject=f"Letter {n}", addressees="AG KP", body="Text"
    )
    for user in (desk.asst_user, desk.so_user, desk.ds_user):
        movement.file_put_up(actor=user, file=file)
    approvals.note_decide(
        actor=desk.secretary_user, file=file, paragraph=para, decision="returned", remarks="No"
    )
    file.refresh_from_db()
    for user, down in ((desk.ds_user, desk.so), (desk.so_user, desk.asst)):
        movement.file_send_back(actor=user, file=file, to_post=down)


def visibility_office(desk):
    """Files each visibility rule lets the Section Officer see, and some it does not."""
    mine = [open_file(desk, subject=f"Budget {i}") for i in range(4)]
    restricted = open_file(desk, subject="Restricted", grading=Grading.RESTRICTED)
    confidential = open_file(desk, subject="Confidential", grading=Grading.CONFIDENTIAL)
    secret_passed = open_file(desk, subject="Secret, seen", grading=Grading.SECRET)
    movement.file_mark(actor=desk.asst_user, file=secret_passed, to_post=desk.so)
    movement.file_mark(actor=desk.so_user, file=secret_passed, to_post=desk.asst)
    theirs = [
        open_file(desk, at=desk.other_so, user=desk.other_user, subject=f"HED {i}")
        for i in range(3)
    ]
    held = open_file(desk, at=desk.other_so, user=desk.other_user, subject="Sent to FD")
    movement.file_mark(actor=desk.other_user, file=held, to_post=desk.so)
    visible = {*(f.pk for f in mine), restricted.pk, secret_passed.pk, held.pk}
    hidden = {confidential.pk, *(f.pk for f in theirs)}
    return visible, hidden


def grow_the_province(departments=3, sections=4, posts=5):
    for d in range(departments):
        dept = DepartmentFactory(code=f"X{d}")
        for s in range(sections):
            section = SectionFactory(department=dept, code=f"S{s}")
            for _ in range(posts):
                PostFactory(section=section)
