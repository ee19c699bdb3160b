"""Building blocks for desk tests, through the services."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

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


def api_client(user) -> APIClient:
    """An API client signed in with ``user``'s token, so each request loads the user afresh
    (as a real one does)."""
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client
