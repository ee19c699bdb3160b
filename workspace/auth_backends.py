"""Authentication backends.

``UserBackend`` is Django's ModelBackend (passwords, global permissions) with one change: the
signed-in user, read on every staff request, is read by a compiled query
(``kernel.compiled``) rather than compiled anew each time, with what other apps register to
read along with it (``register_user_annotation``).

``PostHoldingBackend`` gives per-post permissions: a user may act for a post while they hold
it. Viewflow asks ``user.has_perm(task.owner_permission, post)`` for a task sitting at a post;
this backend answers yes while the user holds that post (regular or additional charge).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from kernel.compiled import compiled
from workspace.models import Post
from workspace.selectors import holds_post

# What another app reads with the signed-in user, in the same query (name -> expression):
# accounts' confirmed second-factor devices (accounts/otp.py). Registered at start-up, in an
# app's ``ready()``, before the first request compiles the read.
USER_ANNOTATIONS: dict = {}


def register_user_annotation(name: str, expression) -> None:
    USER_ANNOTATIONS[name] = expression


@compiled
def _user_by_pk(*, pk: int):
    return get_user_model()._default_manager.filter(pk=pk).annotate(**USER_ANNOTATIONS).order_by()


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        user = _user_by_pk.first(pk=user_id)
        # What ModelBackend answers: the user, unless it may not sign in (inactive).
        return user if user is not None and self.user_can_authenticate(user) else None


DESK_PERMISSION = "workflows.act_at_post"


class PostHoldingBackend:
    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        if perm != DESK_PERMISSION or not isinstance(obj, Post):
            return False
        return holds_post(user=user_obj, post=obj)

    def get_user(self, user_id):
        return None
