"""Who may see what. One module, so every screen, download and API asks the same questions.

Rules (see DOMAIN.md): a user sees files of their own department and files that passed through
a post they hold; confidential and secret files only at posts in their chain. Anything else
answers 404. The file rules are added with the file desk; papers follow the files and
receipts they are on.
"""

from __future__ import annotations


def can_view_paper(*, user, paper) -> bool:
    """May ``user`` open (download) this paper? Papers inherit the visibility of the receipts
    and files they belong to; a paper on nothing yet is visible to its uploader only."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return paper.created_by_id == user.pk
