from django.urls import path

from complaints import views

app_name = "complaints"

urlpatterns = [
    path("complaints/new/", views.new, name="new"),
    path("complaints/track/", views.track, name="track"),
    path("complaints/track/<str:reference>/", views.mine, name="mine"),
    path("complaints/track/<str:reference>/feedback/", views.feedback, name="feedback"),
    path("complaints/track/<str:reference>/answer/", views.answer, name="answer"),
    path("desk/complaints/", views.queue, name="queue"),
    path("desk/complaints/dashboard/", views.dashboard, name="dashboard"),
    path("desk/complaints/<int:pk>/", views.detail, name="detail"),
    path("desk/complaints/<int:pk>/<slug:action>/", views.act, name="act"),
    path("desk/complaints/evidence/<int:pk>/", views.evidence, name="evidence"),
]
