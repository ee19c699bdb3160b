"""REST API routes of the documents app, mounted under /api/v1/."""

from django.urls import path

from documents import api

urlpatterns: list = [
    path("papers/<int:paper_id>/versions/", api.PaperVersions.as_view(), name="paper-versions"),
]
