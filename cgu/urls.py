"""Staff screens of the cgu app."""

app_name = "cgu"

urlpatterns: list = []
