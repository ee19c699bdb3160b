"""The desk's search screens, mounted at /desk/search/ (namespace ``search``, as before the
screens moved from the engine's app to the desk)."""

from django.urls import path

from workspace.search import views

app_name = "search"

urlpatterns = [
    path("", views.files, name="files"),
    path("go/", views.go, name="go"),
]
