"""Authentication backends.

``UserBackend`` is Django's ModelBackend (passwords, global permissions) with one change: the
signed-in user, read on every staff request, is read by a compiled query
(``kernel.compiled``) rather than compiled anew each time, with what other apps register to
read along with it (``register_user_annotation``).

``PostHoldingBackend`` gives per-post permissions: a user may act for a post while they hold
it. Viewflow asks ``user.has_perm(task.owner_permission, post)`` for a task sitting at a post;
this backend answers yes while the user holds that post (regular or additional charge).
"""

from organisation.models import Post
from organisation.selectors import holds_post

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
