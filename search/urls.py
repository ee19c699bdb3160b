"""Staff screens of the search app."""

app_name = "search"

urlpatterns: list = []
