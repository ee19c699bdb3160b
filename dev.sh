#!/usr/bin/env bash
# Daftar's two commands (see README):
#   ./dev.sh demo   install, migrate, load the demo data and serve http://127.0.0.1:8000
#   ./dev.sh test   install everything the tests need and run the whole suite
# Python packages come from requirements/prod.txt or requirements/dev.txt, pinned with hashes
# (./dev.sh lock regenerates them from pyproject.toml; ./dev.sh audit checks them for CVEs).
# Embedded by default: SQLite in var/, papers on local disk, database search, inline tasks.
# Set DATABASE_URL (and friends, see README) to use PostgreSQL and other real services.
set -euo pipefail
cd "$(dirname "$0")"

VENV=${DAFTAR_VENV:-.venv}
PY="$VENV/bin/python"

say() { printf '\033[1;32m==>\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
apt_install() {
  command -v apt-get >/dev/null || return 1
  say "Installing Debian packages: $*"
  if [ ! -f /tmp/.daftar-apt-updated ]; then as_root apt-get update -qq && touch /tmp/.daftar-apt-updated; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

install() {  # $1: "" for the app, "dev" for the app and its test tools
  local extra=${1:-}
  local lock="requirements/${extra:-prod}.txt"
  if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then apt_install python3-venv; fi
  # The lock files pin every package with its hashes; they must match pyproject.toml
  # (scripts/lock.sh regenerates them after a dependency changes).
  python3 scripts/deps_digest.py --check || exit 1
  if [ ! -x "$PY" ]; then say "Creating the virtual environment in $VENV"; python3 -m venv "$VENV"; fi
  # Reinstall only when the lock changed.
  local stamp="$VENV/.daftar-installed-${extra:-app}"
  local want; want=$(sha256sum "$lock" | cut -c1-16)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "Installing Python packages from $lock (pinned, every hash checked)"
    "$PY" -m pip install -q --require-hashes --no-deps -r "$lock"
    # Daftar itself, built with the locked setuptools: nothing unhashed is downloaded.
    "$PY" -m pip install -q --no-deps --no-build-isolation -e .
    echo "$want" > "$stamp"
  fi
  # python-magic needs the libmagic C library.
  if ! "$PY" -c 'import magic' 2>/dev/null; then apt_install libmagic1; fi
  # Complaints' video and audio evidence is remuxed without metadata by Debian's ffmpeg.
  if ! command -v ffmpeg >/dev/null; then apt_install ffmpeg || say "No ffmpeg: video and audio evidence will be refused (photos still accepted)."; fi
  # WeasyPrint (issued letters) needs Pango and HarfBuzz; the letter's Latin text is DejaVu.
  if ! "$PY" -c 'import weasyprint' 2>/dev/null || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf ]; then
    apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
  fi
  # Tesseract with its English and Urdu data reads scanned papers (documents/ocr.py): Debian's.
  if ! command -v tesseract >/dev/null || ! tesseract --list-langs 2>/dev/null | grep -qx urd; then
    apt_install tesseract-ocr tesseract-ocr-eng tesseract-ocr-urd || say "No Tesseract: scans get no text (and the OCR tests skip)."
  fi
}

install_test_tools() {
  # Headless Chromium for browser tests: Debian's package, never a browser download.
  if [ ! -x /usr/bin/chromium ]; then apt_install chromium fonts-dejavu-core || say "No Chromium: browser tests will skip."; fi
  # pdftoppm turns a rendered letter into PNG for its image test (tests/letters).
  if ! command -v pdftoppm >/dev/null; then apt_install poppler-utils || say "No pdftoppm: the letter image test will skip."; fi
  # SoftHSM, a software PKCS#11 token, stands in for an office's HSM in the signing test
  # (tests/letters/test_pkcs11.py).
  if [ ! -f /usr/lib/softhsm/libsofthsm2.so ]; then apt_install softhsm2 || say "No SoftHSM: the PKCS#11 signing test will skip."; fi
  # axe-core for accessibility checks, from npm (pinned in package.json).
  if command -v npm >/dev/null && [ ! -f node_modules/axe-core/axe.min.js ]; then
    say "Installing axe-core from npm"
    npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1 || npm install --no-audit --no-fund --loglevel=error >/dev/null
  fi
}

case "${1:-}" in
  demo)
    install
    say "Preparing the database"
    "$PY" manage.py migrate --no-input -v0
    "$PY" manage.py seed_demo
    say "Daftar is running on http://127.0.0.1:8000  (staff desk: /desk/, CMS: /cms/; Ctrl+C stops it)"
    exec "$PY" manage.py runserver 127.0.0.1:8000 --insecure
    ;;
  test)
    shift
    install dev
    install_test_tools
    # Tests marked "postgres" skip on SQLite. When DATABASE_URL is not set and a PostgreSQL
    # answers on the usual port without a password, use it (DAFTAR_TEST_DB=sqlite keeps SQLite).
    if [ -z "${DATABASE_URL:-}" ] && [ "${DAFTAR_TEST_DB:-}" != sqlite ]; then
      local_pg=postgres://postgres@127.0.0.1:5432/daftar
      if "$PY" -c 'import sys, psycopg; psycopg.connect(sys.argv[1], dbname="postgres", connect_timeout=2).close()' "$local_pg" 2>/dev/null; then
        export DATABASE_URL=$local_pg
        say "A PostgreSQL answers on 127.0.0.1:5432: the tests use it (DAFTAR_TEST_DB=sqlite to keep SQLite)"
      else
        say "No PostgreSQL answers on 127.0.0.1:5432: SQLite; the tests that need PostgreSQL skip"
      fi
    fi
    say "Running the test suite on ${DATABASE_URL:-SQLite (embedded)}"
    exec "$PY" -m pytest -n "${PYTEST_WORKERS:-2}" "$@"
    ;;
  lock)
    # Regenerate requirements/*.txt from pyproject.toml (pinned, with hashes).
    exec scripts/lock.sh "${@:2}"
    ;;
  audit)
    # Known vulnerabilities in the locked packages (pip-audit, from a throwaway venv).
    exec scripts/audit.sh
    ;;
  messages)
    # Refresh the Urdu catalogue from the sources, then compile it (needs gettext).
    install dev
    "$PY" manage.py makemessages -l ur --no-obsolete -i ".venv/*" -i "node_modules/*" -i "var/*" -i "tests/*"
    "$PY" scripts/po_fill.py --missing || echo "(these still need Urdu: fill them, then run ./dev.sh messages again)"
    "$PY" manage.py compilemessages -l ur -v0 --ignore ".venv/*"
    ;;
  *)
    echo "usage: ./dev.sh demo | ./dev.sh test [pytest args] | ./dev.sh messages | ./dev.sh lock [--upgrade] | ./dev.sh audit" >&2
    exit 2
    ;;
esac
