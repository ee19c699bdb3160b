"""Public REST API routes (tracking, published figures), mounted under /api/v1/."""

urlpatterns: list = []
