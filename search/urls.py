"""Staff screens of the search app, mounted at /desk/search/."""

from django.urls import path

from search import views

app_name = "search"

urlpatterns = [
    path("", views.files, name="files"),
    path("go/", views.go, name="go"),
]
