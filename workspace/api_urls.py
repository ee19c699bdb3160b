"""REST API routes of the desk, mounted under /api/v1/."""

urlpatterns: list = []
