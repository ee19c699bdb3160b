"""REST API routes of the desk's search, mounted under /api/v1/."""

from django.urls import path

from workspace.search import api

urlpatterns = [
    path("search/", api.FileSearchView.as_view(), name="api-search"),
    path("search/go/", api.GoToNumberView.as_view(), name="api-search-go"),
]
