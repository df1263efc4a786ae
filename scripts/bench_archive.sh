#!/usr/bin/env bash
# The archive pages over 10,000 deputies and 1,000,000 participations on PostgreSQL.
# Recreates the database (its name must contain "bench"), migrates, runs bench_archive.
set -euo pipefail
cd "$(dirname "$0")/.."
export DATABASE_URL="${BENCH_ARCHIVE_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal_bench_archive}"
export DEBUG=0 SECRET_KEY="${SECRET_KEY:-bench-only-not-a-secret}" LOG_LEVEL="${LOG_LEVEL:-WARNING}"
PYTHON="${PYTHON:-.venv/bin/python}"
"$PYTHON" scripts/recreate_bench_db.py
"$PYTHON" manage.py migrate --noinput -v 0
"$PYTHON" manage.py collectstatic --noinput -v 0
"$PYTHON" manage.py bench_archive "$@"
