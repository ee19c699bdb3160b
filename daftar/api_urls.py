"""The REST API, version 1. Each app adds its routes here."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("", include("accounts.api_urls")),
    path("", include("workspace.api_urls")),
    path("", include("documents.api_urls")),
    path("", include("workspace.search.api_urls")),
    path("", include("cgu.api_urls")),
    path("", include("portal_pages.api_urls")),
    path("", include("complaints.api_urls")),
]
