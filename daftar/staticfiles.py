"""The static files storage of production: whitenoise's compressed manifest storage, strict
about Daftar's own files and tolerant of dead references inside libraries' files.

``collectstatic`` with a manifest storage rewrites every ``url(...)`` in every CSS file to the
hashed name of the file it names, and fails when that file does not exist. Django-viewflow
ships the ``roboto-fontface`` npm package's sources under
``viewflow/static/viewflow/fonts/roboto/node_modules/``, whose CSS names ``./Roboto-Thin.woff2``
beside itself, where there is no such font (the fonts are in a sibling folder). No page of
Daftar loads that CSS, but the failure stopped ``collectstatic``, so no manifest was written
and every ``{% static %}`` raised: a 500 on every page.

A dead reference in a file Daftar ships is a bug of ours, and stays an error. A dead reference
in a library's file is left as the library wrote it (the URL is not hashed) and logged, so the
library's own bug cannot keep Daftar from starting. Which files are "ours" is decided by where
the finders found them: ``STATICFILES_DIRS`` and the static folders of Daftar's own apps.
"""

from __future__ import annotations

import logging
from functools import cached_property
from pathlib import Path

from django.apps import apps
from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger("daftar.static")

OWN_APPS = ("workspace", "workflows", "documents", "search", "cgu", "portal_pages")


def own_static_names() -> frozenset[str]:
    """Relative names (as collected, ``/``-separated) of every static file Daftar ships."""
    roots = [Path(p if isinstance(p, str | Path) else p[1]) for p in settings.STATICFILES_DIRS]
    roots += [Path(apps.get_app_config(label).path) / "static" for label in OWN_APPS]
    names = set()
    for root in roots:
        if root.is_dir():
            names.update(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    return frozenset(names)


class DaftarStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._warned: set[str] = set()

    @cached_property
    def _own_names(self) -> frozenset[str]:
        return own_static_names()

    def create_compressor(self, **kwargs):
        # gzip only. WeasyPrint (issued letters) installs brotli, and whitenoise then also
        # writes a .br of every file at brotli's slowest level: collectstatic went from seconds
        # to about four minutes, for files that nginx (which serves them) never sends.
        return super().create_compressor(use_brotli=False, **kwargs)

    def url_converter(self, name, hashed_files, template=None):
        convert = super().url_converter(name, hashed_files, template)
        if name.replace("\\", "/") in self._own_names:
            return convert  # ours: a missing file fails collectstatic

        def tolerant(matchobj):
            try:
                return convert(matchobj)
            except ValueError:
                if name not in self._warned:
                    self._warned.add(name)
                    logger.warning(
                        "%s (a library's) names files that do not exist, e.g. %s; "
                        "those references are left unhashed",
                        name,
                        matchobj.group("url"),
                    )
                return matchobj.group("matched")

        return tolerant
