#!/usr/bin/env bash
# `make bench`: time the roster import on PostgreSQL.
#
# Recreates the database named in DATABASE_URL (default portal_bench on the local
# server), migrates it, and runs `manage.py bench_import --rows $BENCH_ROWS` (10,000),
# which builds an .xlsx of invented deputies and imports it the way the admin does
# (dry run, then the real import), printing the timings.
#
# The database is DROPPED first, so its name must contain "bench".
set -euo pipefail
cd "$(dirname "$0")/.."

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal_bench}"
# Production-like settings: DEBUG off (it records every query); a throwaway key.
export DEBUG=0
export SECRET_KEY="${SECRET_KEY:-bench-only-not-a-secret}"
export LOG_LEVEL="${LOG_LEVEL:-WARNING}"
PYTHON="${PYTHON:-.venv/bin/python}"
ROWS="${BENCH_ROWS:-10000}"

"$PYTHON" scripts/recreate_bench_db.py

"$PYTHON" manage.py migrate --noinput -v 0
"$PYTHON" manage.py bench_import --rows "$ROWS" "$@"
