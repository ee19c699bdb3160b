#!/usr/bin/env bash
# Render deploy/nginx/daftar.conf: only the listed variables are replaced (nginx's own $vars
# stay). Usage: DAFTAR_LISTEN=... DAFTAR_SERVER_NAME=... DAFTAR_UPSTREAMS=... \
#   DAFTAR_STATIC_ROOT=... deploy/nginx/render.sh > /etc/nginx/conf.d/daftar.conf
set -euo pipefail
: "${DAFTAR_LISTEN:?}" "${DAFTAR_SERVER_NAME:?}" "${DAFTAR_UPSTREAMS:?}" "${DAFTAR_STATIC_ROOT:?}"
exec envsubst '${DAFTAR_LISTEN} ${DAFTAR_SERVER_NAME} ${DAFTAR_UPSTREAMS} ${DAFTAR_STATIC_ROOT}' \
  < "$(dirname "$0")/daftar.conf"
