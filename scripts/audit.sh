#!/usr/bin/env bash
# Check the locked packages (requirements/prod.txt and dev.txt) against the Python Packaging
# Advisory Database (pip-audit, by PyPA). Exits non-zero when a locked release has a known
# vulnerability; then raise the range in pyproject.toml if needed, run scripts/lock.sh
# --upgrade (or pin the fixed release), and commit requirements/.
# Runs from a throwaway venv; needs PyPI's JSON API (pypi.org/pypi/<name>/<version>/json).
# --strict: a package that could not be audited fails the run, rather than passing unseen.
set -euo pipefail
cd "$(dirname "$0")/.."

PIP_AUDIT_VERSION=2.10.1
TOOLS=${DAFTAR_AUDIT_TOOLS:-${TMPDIR:-/tmp}/daftar-audit-tools-$PIP_AUDIT_VERSION}
if [ ! -x "$TOOLS/bin/pip-audit" ]; then
  python3 -m venv "$TOOLS"
  "$TOOLS/bin/python" -m pip install -q "pip-audit==$PIP_AUDIT_VERSION"
fi
status=0
for lock in requirements/prod.txt requirements/dev.txt; do
  echo "== $lock"
  # --disable-pip: read the pins and hashes as they are, install nothing.
  "$TOOLS/bin/pip-audit" --strict --disable-pip --require-hashes -r "$lock" "$@" || status=$?
done
exit "$status"
