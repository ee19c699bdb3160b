"""Daftar project package: settings, URLs and the WSGI/ASGI entry points."""
