"""REST API routes of the cgu app, mounted under /api/v1/."""

urlpatterns: list = []
