#!/usr/bin/env bash
# The production stack on one machine, as CI runs it after the test suite (.ci/run), and the
# README's "Production" steps in order:
#
#   DAFTAR_ENV=production, collectstatic, compilemessages, migrate, check --deploy;
#   PostgreSQL (a database of its own), Redis, S3 (moto's server over HTTP on 127.0.0.1);
#   two gunicorn app servers on two ports behind nginx (Debian's package, our config
#   deploy/nginx/daftar.conf), db_worker, two schedulers (each job must still run once);
#
# then deploy/ci/journey.py drives a journey through nginx as people do, kills one app server
# and the worker with kill -9 midway, and checks the office is whole at the end. Everything
# started here is stopped by its process id when the script exits, however it exits.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PY=${DAFTAR_VENV:-$ROOT/.venv}/bin/python
BIN=$(dirname "$PY")
T0=$(date +%s.%N)
say() { printf '\033[1;34m[stack %6.1fs]\033[0m %s\n' "$(echo "$(date +%s.%N) - $T0" | bc)" "$*"; }

# --- what this machine needs -----------------------------------------------------------------
need_pkgs=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need_pkgs+=(nginx)
command -v envsubst >/dev/null || need_pkgs+=(gettext-base)
command -v msgfmt >/dev/null || need_pkgs+=(gettext)
command -v redis-server >/dev/null || need_pkgs+=(redis-server)
command -v bc >/dev/null || need_pkgs+=(bc)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "installing ${need_pkgs[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

# --- the README's first step: Daftar from the production lock, every package's hash checked --
# The app servers, the worker, the schedulers and every manage.py step run from this
# environment; the dev one ($PY: moto's server, the journey's HTTP client) only drives them.
APPENV=${DAFTAR_STACK_VENV:-$ROOT/var/stack-venv}
T_INSTALL=$(date +%s)
[ -x "$APPENV/bin/python" ] || python3 -m venv "$APPENV"
"$APPENV/bin/pip" install -q --disable-pip-version-check --require-hashes --no-deps -r requirements/prod.txt
"$APPENV/bin/pip" install -q --disable-pip-version-check --no-deps --no-build-isolation .
"$APPENV/bin/pip" check >/dev/null
APP=$APPENV/bin/python
echo "production environment from requirements/prod.txt in $(( $(date +%s) - T_INSTALL )) s"

STACK=$(mktemp -d /tmp/daftar-stack.XXXXXX)
chmod 755 "$STACK"   # nginx's workers read the static files under it
mkdir -p "$STACK/pids" "$STACK/logs" "$STACK/nginx/tmp" "$STACK/var"
export DAFTAR_STACK_DIR=$STACK

# Every process this script (or the journey) starts writes its pid into $STACK/pids/NAME.pid.
start() {  # start NAME COMMAND...: in the background, output to logs/NAME.log
  local name=$1; shift
  "$@" >"$STACK/logs/$name.log" 2>&1 &
  echo $! >"$STACK/pids/$name.pid"
}
stop_all() {
  local code=$?
  set +e
  for f in "$STACK"/pids/*.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    # A gunicorn master's workers are its children: stop them with it.
    for child in $(pgrep -P "$pid" 2>/dev/null); do kill -TERM "$child" 2>/dev/null; done
    kill -TERM "$pid" 2>/dev/null
  done
  for _ in $(seq 50); do  # up to 5 s for them to finish what they were doing
    alive=0
    for f in "$STACK"/pids/*.pid; do
      [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && alive=1
    done
    [ $alive = 0 ] && break
    sleep 0.1
  done
  for f in "$STACK"/pids/*.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    for child in $(pgrep -P "$pid" 2>/dev/null); do kill -KILL "$child" 2>/dev/null; done
    kill -KILL "$pid" 2>/dev/null
  done
  if [ $code -ne 0 ]; then
    echo "---- the stack failed ($code); the last lines of each log:"
    for log in "$STACK"/logs/*.log; do echo "== $log"; tail -n 25 "$log"; done
  fi
  [ -n "${KEEP_STACK:-}" ] || rm -rf "$STACK"
  exit $code
}
trap stop_all EXIT INT TERM

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {  # wait_port PORT NAME
  for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "$2 did not start on port $1"; return 1
}
APP1=$(free_port); APP2=$(free_port); WEB=$(free_port); S3=$(free_port); REDIS=$(free_port)
while [ "$APP2" = "$APP1" ]; do APP2=$(free_port); done

# --- the environment of production (README, "Production") ------------------------------------
export DAFTAR_ENV=production
export SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/daftar_stack
export ALLOWED_HOSTS=127.0.0.1,localhost
export CSRF_TRUSTED_ORIGINS=http://127.0.0.1:$WEB
export SITE_URL=http://127.0.0.1:$WEB
export SECURE_SSL_REDIRECT=0          # CI speaks plain HTTP to nginx on 127.0.0.1
export REDIS_URL=redis://127.0.0.1:$REDIS/0
export S3_BUCKET=daftar-stack S3_ENDPOINT_URL=http://127.0.0.1:$S3 S3_REGION=us-east-1
export S3_ACCESS_KEY_ID=stack S3_SECRET_ACCESS_KEY=stack-secret
export AWS_ACCESS_KEY_ID=stack AWS_SECRET_ACCESS_KEY=stack-secret   # moto's server
export TASKS_BACKEND=database
export EMAIL_URL=consolemail://
export STATIC_ROOT=$STACK/static DAFTAR_VAR_DIR=$STACK/var MEDIA_ROOT=$STACK/var/media
export DAFTAR_CLIENT_IP_HEADER=HTTP_X_FORWARDED_FOR DAFTAR_TRUSTED_PROXY_COUNT=1
export DAFTAR_LOG_FORMAT=json
export DAFTAR_METRICS_TOKEN=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(24))')
export PROMETHEUS_MULTIPROC_DIR=$STACK/prometheus; mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
unset ELASTICSEARCH_URL   # no Elasticsearch on this machine: the database search backend
# Issued letters are signed with the office's key (README, "Issued letters"): a throwaway one.
mkdir -p "$STACK/letters"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
  -subj "/CN=Daftar CI office" -keyout "$STACK/letters/office.key" \
  -out "$STACK/letters/office.crt" 2>/dev/null
export DAFTAR_LETTERS_SIGNER=file DAFTAR_LETTERS_KEY_FILE=$STACK/letters/office.key
export DAFTAR_LETTERS_CERT_FILE=$STACK/letters/office.crt
export DAFTAR_LETTERS_TRUST_ROOTS=$STACK/letters/office.crt
export DAFTAR_STACK_PYTHON=$APP
export DAFTAR_STACK_WEB=http://127.0.0.1:$WEB DAFTAR_STACK_APP1=$APP1 DAFTAR_STACK_APP2=$APP2

# --- services --------------------------------------------------------------------------------
say "PostgreSQL: database daftar_stack (fresh)"
psql -q -h 127.0.0.1 -U postgres -c 'DROP DATABASE IF EXISTS daftar_stack WITH (FORCE)' postgres
psql -q -h 127.0.0.1 -U postgres -c 'DROP DATABASE IF EXISTS daftar_stack_drill WITH (FORCE)' postgres
psql -q -h 127.0.0.1 -U postgres -c 'CREATE DATABASE daftar_stack' postgres
say "Redis on $REDIS, S3 (moto) on $S3"
start redis redis-server --bind 127.0.0.1 --port "$REDIS" --save "" --appendonly no --daemonize no
start s3 "$BIN/moto_server" -H 127.0.0.1 -p "$S3"
wait_port "$REDIS" redis
wait_port "$S3" moto
"$PY" -c "import boto3; boto3.client('s3', endpoint_url='$S3_ENDPOINT_URL', region_name='us-east-1').create_bucket(Bucket='$S3_BUCKET')"

# --- the README's production steps -----------------------------------------------------------
say "collectstatic and compilemessages (files), while migrate (the database)"
"$APP" manage.py collectstatic --no-input -v0 2>"$STACK/logs/collectstatic.log" &
files_pid=$!
"$APP" manage.py compilemessages -v0 --ignore '.venv/*' --ignore 'node_modules/*' &
messages_pid=$!
"$APP" manage.py migrate --no-input -v0
wait "$files_pid"; wait "$messages_pid"
say "check --deploy"
"$APP" manage.py check --deploy --fail-level WARNING >/dev/null
say "the office: demo organisation and officers, public pages (deploy/ci/seed_office.py)"
"$APP" manage.py shell <deploy/ci/seed_office.py >"$STACK/logs/seed_office.log"

say "two app servers ($APP1, $APP2), db_worker, two schedulers, nginx ($WEB)"
for port in "$APP1" "$APP2"; do
  start "app-$port" "$APPENV/bin/gunicorn" daftar.wsgi --preload --workers 2 --bind "127.0.0.1:$port" \
    --access-logfile - --graceful-timeout 5 --timeout 60
done
"$APP" manage.py tasks_recover --worker-id stack-worker >/dev/null
start worker "$APP" manage.py db_worker --worker-id stack-worker --interval 0.2 --no-startup-delay
start scheduler-a "$APP" manage.py scheduler --tick 2
start scheduler-b "$APP" manage.py scheduler --tick 2

DAFTAR_LISTEN="127.0.0.1:$WEB" DAFTAR_SERVER_NAME="127.0.0.1 localhost" \
DAFTAR_STATIC_ROOT="$STATIC_ROOT" \
DAFTAR_UPSTREAMS="server 127.0.0.1:$APP1 max_fails=1 fail_timeout=10s; server 127.0.0.1:$APP2 max_fails=1 fail_timeout=10s;" \
  deploy/nginx/render.sh >"$STACK/nginx/daftar.conf"
cat >"$STACK/nginx/nginx.conf" <<EOF
# The CI stack's main nginx configuration: only paths; the site is deploy/nginx/daftar.conf.
daemon off;
worker_processes 1;
pid $STACK/nginx/nginx.pid;
error_log $STACK/logs/nginx-error.log warn;
events { worker_connections 512; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $STACK/logs/nginx-access.log;
    client_body_temp_path $STACK/nginx/tmp/body;
    proxy_temp_path $STACK/nginx/tmp/proxy;
    fastcgi_temp_path $STACK/nginx/tmp/fastcgi;
    uwsgi_temp_path $STACK/nginx/tmp/uwsgi;
    scgi_temp_path $STACK/nginx/tmp/scgi;
    sendfile on;
    include $STACK/nginx/daftar.conf;
}
EOF
"$NGINX" -t -q -p "$STACK/nginx" -e "$STACK/logs/nginx-error.log" -c "$STACK/nginx/nginx.conf"
start nginx "$NGINX" -p "$STACK/nginx" -e "$STACK/logs/nginx-error.log" -c "$STACK/nginx/nginx.conf"
wait_port "$APP1" app1; wait_port "$APP2" app2; wait_port "$WEB" nginx
export DAFTAR_STACK_STARTED=$(echo "$(date +%s.%N) - $T0" | bc)
say "the stack is up; the journey"

if [ -n "${STACK_HOLD:-}" ]; then  # for working on the journey: keep the stack up
  export -p >"$STACK/env"; say "holding; run: . $STACK/env && $PY deploy/ci/journey.py"
  sleep infinity & echo $! >"$STACK/pids/hold.pid"; wait $! || true
fi
"$PY" deploy/ci/journey.py
say "done"
