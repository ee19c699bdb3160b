"""The public verification page, /verify/ (the QR on every letter points here)."""

from django.urls import path

from letters import views

app_name = "verify"

urlpatterns = [path("", views.verify_page, name="page")]
