"""Plain views of the public site, mounted under /portal/ (the pages are served by Wagtail)."""

from django.urls import path

from portal_pages import views

app_name = "portal"

urlpatterns = [
    path("language/", views.set_language, name="set_language"),
    path(
        "receipts/<int:pk>/acknowledgement.pdf",
        views.acknowledgement,
        name="acknowledgement",
    ),
]
