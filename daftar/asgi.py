"""ASGI entry point (uvicorn daftar.asgi:application)."""

import os

from django.core.asgi import get_asgi_application

from daftar.startup import freeze_loaded_objects

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daftar.settings")
application = get_asgi_application()
freeze_loaded_objects()
