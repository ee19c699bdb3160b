"""When the server-side page cache must forget (see ``portal_pages.caching``): receivers that
change the content or figures version after the writes that change what public pages show.

Pages: Wagtail's ``page_published``/``page_unpublished`` (sent by the admin, scheduled
publishing and ``revision.publish()`` alike), moves, deletions, view restrictions, the site
identity, a site (its host name or root: the layout's menu and identity are cached per host).
Figures: a KPI return's publication (``is_published`` saved), and the registry the
performance pages read (entities, KPIs, periods, generated reports, departments). The
e-office figures change the figures version themselves when the background task stores them
(``portal_pages.eoffice.refresh_eoffice_figures``).

Nothing here listens to files or movements: they change every second, and the e-office
figures are a daily-ish aggregate refreshed in the background.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from cgu.models import (
    KpiDefinition,
    KpiReturn,
    PerformanceReport,
    PublicSectorEntity,
    ReportingPeriod,
)
from organisation.models import Department
from portal_pages import caching
from portal_pages.models import SiteIdentity

UID = "portal_pages.invalidation"


def _content(sender=None, **kwargs):
    caching.content_changed()


def _page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        caching.content_changed()


def _figures(sender=None, **kwargs):
    caching.figures_changed()


def _return_saved(sender, instance, update_fields=None, **kwargs):
    # A review step that leaves ``is_published`` alone changes nothing public.
    if update_fields is None or "is_published" in update_fields:
        caching.figures_changed()


def connect() -> None:
    page_published.connect(_content, dispatch_uid=f"{UID}.published")
    page_unpublished.connect(_content, dispatch_uid=f"{UID}.unpublished")
    post_page_move.connect(_content, dispatch_uid=f"{UID}.moved")
    post_delete.connect(_page_deleted, dispatch_uid=f"{UID}.page_deleted")
    for model in (PageViewRestriction, SiteIdentity, Site):
        post_save.connect(_content, sender=model, dispatch_uid=f"{UID}.{model.__name__}.save")
        post_delete.connect(_content, sender=model, dispatch_uid=f"{UID}.{model.__name__}.del")
    post_save.connect(_return_saved, sender=KpiReturn, dispatch_uid=f"{UID}.return")
    post_delete.connect(_figures, sender=KpiReturn, dispatch_uid=f"{UID}.return.del")
    registry = (KpiDefinition, PerformanceReport, PublicSectorEntity, ReportingPeriod, Department)
    for model in registry:
        post_save.connect(_figures, sender=model, dispatch_uid=f"{UID}.{model.__name__}.save")
        post_delete.connect(_figures, sender=model, dispatch_uid=f"{UID}.{model.__name__}.del")
