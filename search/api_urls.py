"""REST API routes of the search app, mounted under /api/v1/."""

urlpatterns: list = []
