#!/usr/bin/env bash
# `make test` runs the browser tests (tests/browser) in Debian's Chromium, driven by Playwright
# (its own browser download cannot work offline). When Chromium is missing: installed with
# apt-get when this runs as root, as .ci/run does; otherwise one line says what to run.
# CHROMIUM names the command to look for (tests use it).
set -euo pipefail
CHROMIUM=${CHROMIUM:-chromium}
if command -v "$CHROMIUM" >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "[setup] installing Debian's chromium for the browser tests (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium
  exit 0
fi
echo "make test needs Chromium for its browser tests: run 'sudo apt-get install chromium' (Debian, Ubuntu), then make test again" >&2
exit 1
