"""WSGI entry point (gunicorn daftar.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daftar.settings")
application = get_wsgi_application()
