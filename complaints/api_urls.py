from django.urls import path

from complaints import api

urlpatterns = [
    path("complaints/", api.FileComplaintView.as_view(), name="api-complaint-file"),
    path("complaints/status/", api.StatusView.as_view(), name="api-complaint-status"),
    path("complaints/feedback/", api.FeedbackView.as_view(), name="api-complaint-feedback"),
]
