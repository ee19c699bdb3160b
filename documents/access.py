"""Who may see and change a paper: the desk's rule, asked through this one door.

A paper is seen through the receipts and files it is on, so the rule is the desk's
(``workspace.access``), not the papers' own. The papers' layer sits below the desk and does not
import it (issue 20: layers run one way); the desk gives its rule at start-up
(``workspace/apps.py`` calls ``register``), and documents' services, selectors, views and admin
ask here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet

from documents.models import Paper


@dataclass(frozen=True)
class PaperRule:
    visibility: Callable[..., Q]  # (user) -> Q over Paper
    can_view: Callable[..., bool]  # (*, user, paper)
    version_refusal: Callable[..., tuple[str, str] | None]  # (*, user, paper): why not, or None
    places: Callable[..., dict]  # (*, user, paper): the files and receipts it is on, seen
    # (*, user, papers): the ids of those seen, as ``can_view`` for each would answer
    seen_among: Callable[..., set] | None = None


_rule: PaperRule | None = None


def register(rule: PaperRule) -> None:
    global _rule
    _rule = rule


def _the_rule() -> PaperRule:
    if _rule is None:
        raise ImproperlyConfigured("No paper rule is registered: the desk (workspace) gives it.")
    return _rule


def paper_visibility(user) -> Q:
    return _the_rule().visibility(user)


def visible_papers(user) -> QuerySet[Paper]:
    return Paper.objects.filter(paper_visibility(user))


def can_view_paper(*, user, paper) -> bool:
    return _the_rule().can_view(user=user, paper=paper)


def papers_seen(*, user, papers) -> set:
    """The ids of ``papers`` that ``user`` may open (``can_view_paper`` of each)."""
    rule = _the_rule()
    if rule.seen_among is not None:
        return rule.seen_among(user=user, papers=papers)
    return {paper.pk for paper in papers if rule.can_view(user=user, paper=paper)}


def version_refusal(*, user, paper) -> tuple[str, str] | None:
    return _the_rule().version_refusal(user=user, paper=paper)


def places_of(*, user, paper) -> dict:
    return _the_rule().places(user=user, paper=paper)
