"""Public REST API routes (tracking), mounted under /api/v1/."""

from django.urls import path

from portal_pages.api import TrackView

urlpatterns = [
    path("track/", TrackView.as_view(), name="portal-track"),
]
