"""Staff screens of the documents app, mounted at /desk/papers/."""

from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("", views.paper_list, name="paper_list"),
    path("paper/<int:paper_id>/", views.paper_detail, name="paper_detail"),
    path("paper/<int:paper_id>/versions/", views.paper_new_version, name="paper_new_version"),
    path("<int:version_id>/download/", views.download, name="download"),
    path("<int:version_id>/view/", views.view, name="view"),
    path("stamped/<int:rendition_id>/", views.rendition, name="rendition"),
    path("<int:version_id>/pages/<int:number>.png", views.page_image, name="page_image"),
]
