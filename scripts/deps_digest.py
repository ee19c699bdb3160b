"""Print a digest of pyproject.toml's dependencies (the project's, its extras' and its build
system's), the way the lock files in requirements/ record it on their first line.

    python3 scripts/deps_digest.py            # the digest of pyproject.toml now
    python3 scripts/deps_digest.py --check    # exit 1, saying what to do, if a lock is stale

scripts/lock.sh writes the digest; dev.sh runs --check before it installs, so a dependency
added to pyproject.toml without a new lock stops the install with a message, not later with
a missing module."""

import hashlib
import json
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = [ROOT / "requirements/prod.txt", ROOT / "requirements/dev.txt"]
PREFIX = "# pyproject-dependencies-digest: "


def digest() -> str:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    project = data["project"]
    wanted = [
        sorted(project.get("dependencies", [])),
        {k: sorted(v) for k, v in sorted(project.get("optional-dependencies", {}).items())},
        sorted(data.get("build-system", {}).get("requires", [])),
        (ROOT / "requirements/build.in").read_text(),
    ]
    return hashlib.sha256(json.dumps(wanted, sort_keys=True).encode()).hexdigest()[:32]


def recorded(lock: Path) -> str:
    if not lock.exists():
        return ""
    first = lock.read_text().splitlines()[:1]
    return first[0][len(PREFIX) :].strip() if first and first[0].startswith(PREFIX) else ""


def main(argv) -> int:
    now = digest()
    if not argv:
        print(now)
        return 0
    stale = [str(lock.relative_to(ROOT)) for lock in LOCKS if recorded(lock) != now]
    if stale:
        print(
            f"error: {', '.join(stale)} do not match pyproject.toml's dependencies (someone "
            "added, removed or changed one). Regenerate the locks with\n\n"
            "    scripts/lock.sh\n\n"
            "and commit requirements/ with the change to pyproject.toml.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
