"""REST API routes of the documents app, mounted under /api/v1/."""

urlpatterns: list = []
