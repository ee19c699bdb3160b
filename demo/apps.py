from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Only for its management commands (``seed_demo``, ``totp_code``): no models, no URLs."""

    name = "demo"
