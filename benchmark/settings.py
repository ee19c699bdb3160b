"""Daftar's settings with the benchmark's overlay, for the gunicorn server the load phase
starts (``DJANGO_SETTINGS_MODULE=benchmark.settings``). Never used otherwise."""

from benchmark.overlay import OVERRIDES
from daftar.settings import *  # noqa: F403

globals().update(OVERRIDES)
