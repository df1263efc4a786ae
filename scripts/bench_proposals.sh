#!/usr/bin/env bash
# Time the public suggestion pages over 100,000 suggestions on PostgreSQL.
#
#   bash scripts/bench_proposals.sh                  # build, time, drop the database
#   COUNT=20000 RUNS=50 bash scripts/bench_proposals.sh
#   KEEP_DB=1 bash scripts/bench_proposals.sh        # keep the database afterwards
#
# Creates its own scratch database (BENCH_DATABASE_URL, default
# postgres://postgres@127.0.0.1:5432/portal_bench_proposals), drops it first if it
# exists, runs migrate and `manage.py bench_proposals`, and drops it at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal_bench_proposals}"
PY="${PYTHON:-.venv/bin/python}"
[ -x "$PY" ] || PY=python3

name="${URL##*/}"
name="${name%%\?*}"
if ! [[ "$name" =~ ^[A-Za-z0-9_]+$ ]] || [[ "$name" != *bench* ]]; then
  echo "bench_proposals.sh: the database name must be letters, digits or _ and contain 'bench' (got '$name')" >&2
  exit 2
fi
admin_url="${URL%/*}/postgres"

db() {  # db create|drop
  "$PY" - "$admin_url" "$name" "$1" <<'PY'
import sys
import psycopg2

url, name, action = sys.argv[1:]
conn = psycopg2.connect(url)
conn.autocommit = True
with conn.cursor() as cur:
    cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if action == "create":
        cur.execute(f'CREATE DATABASE "{name}"')
conn.close()
PY
}

db create
if [ "${KEEP_DB:-0}" != "1" ]; then
  trap 'db drop' EXIT
fi

# Settings as in production (DEBUG off: no query log), with a throwaway key.
export DATABASE_URL="$URL" SECRET_KEY="bench-only-not-secret" DEBUG=0 PORTAL_TESTING=0 \
  SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECURE_HSTS_SECONDS=0 ALLOWED_HOSTS=testserver,127.0.0.1 \
  LOG_LEVEL=WARNING DB_CONN_MAX_AGE=60

echo "== migrate ($name)"
"$PY" manage.py migrate --noinput -v0
echo "== bench_proposals"
"$PY" manage.py bench_proposals --count "${COUNT:-100000}" --runs "${RUNS:-30}" "$@"
