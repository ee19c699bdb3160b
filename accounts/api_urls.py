"""Sign-in routes of the API, mounted under /api/v1/."""

from django.urls import path

from accounts import api

urlpatterns = [
    path("auth/token/", api.ObtainToken.as_view(), name="api-token"),
    path("auth/tokens/", api.TokenList.as_view(), name="api-tokens"),
    path("auth/tokens/<int:pk>/revoke/", api.TokenRevoke.as_view(), name="api-token-revoke"),
]
