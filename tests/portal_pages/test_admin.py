"""Editors' screens: every page type's edit form and the site identity settings open in the
Wagtail admin, with the English and Urdu tabs."""

import pytest

from tests.portal_pages.factories import department_page, quarter, report_page

pytestmark = pytest.mark.django_db


def test_every_page_type_opens_in_the_editor(client, admin_user, tree, org):
    client.force_login(admin_user)
    pages = [tree.home, tree.tracking, tree.performance, tree.departments, tree.news, tree.about]
    pages += [department_page(tree, org.dept), report_page(tree, quarter(2025, 1))]
    for page in pages:
        response = client.get(f"/cms/pages/{page.pk}/edit/")
        assert response.status_code == 200, type(page).__name__
        html = response.content.decode()
        assert "title_ur" in html and "body_ur" in html, type(page).__name__
    response = client.get(f"/cms/pages/{tree.news.pk}/add_subpage/")
    assert response.status_code in (200, 302)
    assert client.get("/cms/settings/portal_pages/siteidentity/").status_code in (200, 302)


def test_page_types_only_go_where_they_belong():
    from portal_pages.models import (
        DepartmentPage,
        HomePage,
        MonitoringReportPage,
        NewsPage,
        TrackingPage,
    )

    assert HomePage.max_count == TrackingPage.max_count == 1
    assert NewsPage.parent_page_types == ["portal_pages.NewsIndexPage"]
    assert DepartmentPage.parent_page_types == ["portal_pages.DepartmentIndexPage"]
    assert MonitoringReportPage.parent_page_types == ["portal_pages.PerformanceIndexPage"]
