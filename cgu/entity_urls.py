"""The entities' own portal, mounted at /entity/ (namespace ``entity``). Every screen but the
invitation link is for a signed-in entity user and shows their own entity only."""

from django.urls import path

from cgu.views import entity

app_name = "entity"

urlpatterns = [
    path("", entity.home, name="home"),
    path("join/<str:key>/", entity.join, name="join"),
    path("returns/<str:code>/", entity.period_page, name="period"),
    path("returns/<str:code>/template.<str:fmt>", entity.template, name="template"),
    path("drafts/<int:pk>/certify/", entity.certify, name="certify"),
    path("drafts/<int:pk>/submit/", entity.submit, name="submit"),
    path("people/<int:pk>/deactivate/", entity.deactivate, name="deactivate"),
]
