"""Daftar's URLs plus the floor view, for the benchmark only (see ``overlay``)."""

from django.urls import include, path

from benchmark.views import floor

urlpatterns = [
    path("_bench/floor/<int:pk>/", floor, name="bench-floor"),
    path("", include("daftar.urls")),
]
