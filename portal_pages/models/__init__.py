"""The public site's page types, edited in the Wagtail admin.

Tree::

    HomePage (site root)
    ├── StandardPage (about, how to apply …) ── StandardPage …
    ├── DepartmentIndexPage ── DepartmentPage (one per department)
    ├── NewsIndexPage ── NewsPage
    ├── PerformanceIndexPage (+ routes: departments, entities, e-office) ── MonitoringReportPage
    └── TrackingPage

Every page is a ``BilingualPage`` (English and Urdu side by side; ``models/base.py`` says
why) and shares one body ``StreamBlock`` (``portal_pages.blocks.BodyBlock``).
"""

from portal_pages.models.base import BilingualPage
from portal_pages.models.pages import (
    DepartmentIndexPage,
    DepartmentPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    SiteIdentity,
    StandardPage,
    TrackingPage,
)
from portal_pages.models.performance import MonitoringReportPage, PerformanceIndexPage

__all__ = [
    "BilingualPage",
    "DepartmentIndexPage",
    "DepartmentPage",
    "HomePage",
    "MonitoringReportPage",
    "NewsIndexPage",
    "NewsPage",
    "PerformanceIndexPage",
    "SiteIdentity",
    "StandardPage",
    "TrackingPage",
]
