"""WSGI entry point (gunicorn daftar.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

from daftar.startup import freeze_loaded_objects

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daftar.settings")
application = get_wsgi_application()
freeze_loaded_objects()
