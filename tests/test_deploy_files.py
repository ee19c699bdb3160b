"""The deploy files name every app of Daftar. CI cannot build the image here (no Docker), so a
new app left out of the Dockerfile's COPY lines or the package list would only fail on the
first real deployment; this reads both against INSTALLED_APPS."""

import re
import tomllib
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent


def _own_apps() -> set[str]:
    """Top-level packages of Daftar's own apps (not Django's, Wagtail's or others')."""
    own = set()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(ROOT) and "site-packages" not in path.parts:
            own.add(config.name.split(".")[0])
    return own


def test_own_apps_are_found():
    own = _own_apps()
    assert {"workspace", "documents", "accounts", "daftar", "demo", "benchmark"} <= own
    assert not own & {"django", "wagtail", "viewflow", "axes"}  # installed packages are not ours


def test_the_image_copies_every_app():
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    copied = set(re.findall(r"^COPY (\w+) \1$", dockerfile, flags=re.M))
    missing = _own_apps() - copied
    assert not missing, f"deploy/Dockerfile has no COPY line for {sorted(missing)}"


def test_the_package_includes_every_app():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = project["tool"]["setuptools"]["packages"]["find"]["include"]
    missing = {app for app in _own_apps() if f"{app}*" not in include}
    assert not missing, f"pyproject.toml's packages leave out {sorted(missing)}"
