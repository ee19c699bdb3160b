"""Building blocks for desk tests, through the services."""

from workspace.models import SubjectHead
from workspace.services import files, receipts


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
