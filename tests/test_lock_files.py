"""The lock files: every package pinned with hashes, and in step with pyproject.toml — a
dependency added without ``scripts/lock.sh`` stops ``./dev.sh`` with a message."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = [ROOT / "requirements/prod.txt", ROOT / "requirements/dev.txt"]


def _check(root: Path):
    return subprocess.run(
        [sys.executable, str(root / "scripts/deps_digest.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_locks_match_pyproject():
    result = _check(ROOT)
    assert result.returncode == 0, result.stderr


def test_every_locked_package_is_pinned_with_a_hash():
    for lock in LOCKS:
        text = lock.read_text()
        entries = re.split(r"\n(?=[a-z0-9])", text.split("\n", 3)[3])
        names = set()
        for entry in entries:
            if not entry.strip() or entry.startswith("#"):
                continue
            assert re.match(r"^[a-z0-9._-]+==[^ ;\\]+", entry), entry[:80]
            assert "--hash=sha256:" in entry, entry[:80]
            names.add(entry.split("==")[0])
        assert {"django", "django-csp", "setuptools"} <= names, lock
    assert "pytest" in LOCKS[1].read_text() and "\npytest==" not in LOCKS[0].read_text()


def test_a_dependency_added_without_a_new_lock_is_refused_with_a_message(tmp_path):
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts/deps_digest.py", tmp_path / "scripts")
    shutil.copytree(ROOT / "requirements", tmp_path / "requirements")
    pyproject = (ROOT / "pyproject.toml").read_text()
    (tmp_path / "pyproject.toml").write_text(pyproject)
    assert _check(tmp_path).returncode == 0
    added = pyproject.replace(
        "dependencies = [\n", 'dependencies = [\n    "django-axes>=8,<9",\n', 1
    )
    assert added != pyproject
    (tmp_path / "pyproject.toml").write_text(added)
    result = _check(tmp_path)
    assert result.returncode == 1
    assert "scripts/lock.sh" in result.stderr and "requirements/prod.txt" in result.stderr
