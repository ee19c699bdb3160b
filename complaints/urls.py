from django.urls import path

from complaints import views

app_name = "complaints"

urlpatterns = [
    path("complaints/new/", views.new, name="new"),
    path("complaints/track/", views.track, name="track"),
    path("complaints/statistics/", views.statistics, name="statistics"),
    path(
        "complaints/statistics.csv",
        views.statistics,
        {"fmt": "csv"},
        name="statistics_csv",
    ),
    path(
        "complaints/statistics.json",
        views.statistics,
        {"fmt": "json"},
        name="statistics_json",
    ),
    path("complaints/track/<str:reference>/", views.mine, name="mine"),
    path("complaints/track/<str:reference>/feedback/", views.feedback, name="feedback"),
    path("complaints/track/<str:reference>/answer/", views.answer, name="answer"),
    path("desk/complaints/", views.queue, name="queue"),
    path("desk/complaints/dashboard/", views.dashboard, name="dashboard"),
    path("desk/complaints/<int:pk>/", views.detail, name="detail"),
    path("desk/complaints/<int:pk>/<slug:action>/", views.act, name="act"),
    path("desk/complaints/evidence/<int:pk>/", views.evidence, name="evidence"),
]
