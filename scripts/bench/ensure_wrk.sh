#!/usr/bin/env bash
# `make bench` drives the pages with wrk (Debian's package): installed with apt-get when missing.
# Without it the harness falls back to Python threads and says so in its table.
command -v wrk >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
echo "Installing wrk"
{ DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null 2>&1 ||
  { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null; }; } ||
  echo "wrk could not be installed: the load comes from Python threads (the table says so)"
exit 0
