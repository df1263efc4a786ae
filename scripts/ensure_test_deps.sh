#!/usr/bin/env bash
# Make sure what the test suite needs is on this machine: Debian's Chromium and a
# CJK font for the browser tests, and a Redis server for the Celery worker test.
# Installs with apt-get when missing (these machines run as root) and starts Redis.
# Fails loudly when something cannot be had: the suite never skips.
set -euo pipefail

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "WenQuanYi Micro Hei" || need+=(fonts-wqy-microhei)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing: ${need[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

redis_url="${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}"
hostport="${redis_url#redis://}"; hostport="${hostport%%/*}"
host="${hostport%%:*}"; port="${hostport##*:}"
if ! redis-cli -h "$host" -p "$port" ping >/dev/null 2>&1; then
  echo "Starting redis-server on $host:$port"
  mkdir -p /tmp/redis-test
  redis-server --daemonize yes --bind "$host" --port "$port" --save "" --appendonly no --dir /tmp/redis-test \
    --logfile /tmp/redis-test/redis.log
  for _ in $(seq 1 50); do redis-cli -h "$host" -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
redis-cli -h "$host" -p "$port" ping >/dev/null || { echo "Redis is not reachable at $redis_url" >&2; exit 1; }
[ -x /usr/bin/chromium ] || { echo "Chromium is missing at /usr/bin/chromium" >&2; exit 1; }
