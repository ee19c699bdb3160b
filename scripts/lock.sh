#!/usr/bin/env bash
# Regenerate Daftar's lock files from pyproject.toml, every package pinned with its hashes:
#   requirements/prod.txt   what production installs (the dependencies, and setuptools to
#                           build Daftar itself)
#   requirements/dev.txt    the same plus the test tools (pyproject's [dev] extra)
# Run it after changing a dependency in pyproject.toml (or after merging branches that did),
# then commit requirements/. ./dev.sh refuses to install from a lock that no longer matches.
#
#   scripts/lock.sh              pins within pyproject's ranges, keeping what is locked
#   scripts/lock.sh --upgrade    takes the newest releases the ranges allow
#
# uv resolves for every platform (--universal) from Python 3.11 up, and records the hashes
# of every file of each pinned release from PyPI's index; it runs from a throwaway venv.
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION=0.9.30
TOOLS=${DAFTAR_LOCK_TOOLS:-${TMPDIR:-/tmp}/daftar-lock-tools-$UV_VERSION}
if [ ! -x "$TOOLS/bin/uv" ]; then
  python3 -m venv "$TOOLS"
  "$TOOLS/bin/python" -m pip install -q "uv==$UV_VERSION"
fi

upgrade=()
if [ "${1:-}" = "--upgrade" ]; then upgrade=(--upgrade); fi

digest=$(python3 scripts/deps_digest.py)
compile() {  # $1: output file, rest: uv arguments
  local out=$1; shift
  local body; body=$(mktemp)
  # Keep the current pins as preferences unless --upgrade (uv reads them from -o's file).
  if [ -f "$out" ]; then cp "$out" "$body"; fi
  "$TOOLS/bin/uv" pip compile pyproject.toml requirements/build.in \
    --universal --python-version 3.11 --generate-hashes --quiet \
    --custom-compile-command "scripts/lock.sh" "${upgrade[@]}" "$@" -o "$body"
  { echo "# pyproject-dependencies-digest: $digest"; grep -v '^# pyproject-dependencies-digest: ' "$body"; } > "$out"
  rm -f "$body"
  echo "wrote $out ($(grep -c '^[a-z0-9]' "$out") packages)"
}
compile requirements/prod.txt
compile requirements/dev.txt --extra dev
