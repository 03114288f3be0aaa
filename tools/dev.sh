#!/usr/bin/env bash
# `make dev`: the Worker in the local runtime in front of a site, in one of two modes:
#   - proxy (the default): the demo site (or ORIGIN_URL) behind the Worker, the tracker's tag
#     added by the Worker to every HTML page it serves (INJECT_TAG);
#   - static assets (SITE_DIR=path/to/build): the build directory served as Workers Static
#     Assets, its pages tagged at "deploy" time by tools/site/inject.mjs into a copy, so the
#     pages never run the Worker; only {prefix}/* does.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
PREFIX=/_ff
args=(--port "${PORT:-8787}" --ip "${IP:-127.0.0.1}" --persist-to "${PERSIST_TO:-.wrangler/state}")
# A second `make dev` on the same port: say so, before anything starts.
if "$PYTHON" -c 'import socket, sys; s = socket.socket(); sys.exit(s.connect_ex((sys.argv[1], int(sys.argv[2]))) != 0)' \
  "${IP:-127.0.0.1}" "${PORT:-8787}" 2>/dev/null; then
  echo "[dev] port ${PORT:-8787} is in use (is make dev already running?): stop it, or pick another with PORT=..." >&2
  exit 1
fi
if [ -n "${SITE_DIR:-}" ]; then
  if [ ! -d "$SITE_DIR" ]; then
    echo "[dev] SITE_DIR=$SITE_DIR is not a directory" >&2
    exit 2
  fi
  node tools/site/inject.mjs "$SITE_DIR" .wrangler/site --prefix "$PREFIX"
  args+=(--assets .wrangler/site --run-worker-first "$PREFIX/*" --not-found-handling 404-page)
  echo "[dev] static assets: $SITE_DIR (tagged copy in .wrangler/site); only $PREFIX/* runs the Worker"
else
  origin=${ORIGIN_URL:-}
  if [ -z "$origin" ]; then
    # Next to the Worker's port unless told otherwise, so two `make dev PORT=...` can run.
    demo_port=${DEMO_PORT:-$(( ${PORT:-8787} + 1 ))}
    demo_log=$(mktemp)
    "$PYTHON" tools/demo_origin.py --port "$demo_port" >"$demo_log" 2>&1 &
    demo_pid=$!
    trap 'kill $demo_pid 2>/dev/null || true; rm -f "$demo_log"' EXIT
    # Wait until it serves, or stop with its own error (a port in use, say): never "Ready" in
    # front of a site that is not there.
    for _ in $(seq 100); do
      grep -q '^\[demo-origin\] serving' "$demo_log" && break
      if ! kill -0 "$demo_pid" 2>/dev/null; then
        echo "[dev] the demo site could not start on port $demo_port (DEMO_PORT=... picks another):" >&2
        grep -v '^ ' "$demo_log" | tail -n 1 >&2
        exit 1
      fi
      sleep 0.1
    done
    grep -q '^\[demo-origin\] serving' "$demo_log" || { echo "[dev] the demo site did not start in 10 s" >&2; exit 1; }
    origin="http://127.0.0.1:$demo_port"
  fi
  args+=(--var "ORIGIN_URL:$origin")
  echo "[dev] the site behind footfall: $origin (the tracker's tag is added to its pages)"
fi
if [ "${TRUST_CLIENT_IP:-}" = "1" ]; then args+=(--trust-client-ip); fi
case "${STORE:-d1}" in
  d1) ;;
  durable-objects)
    # Each site's rows in its own SiteStore object, persisted under $PERSIST_TO/v3/do/.
    # An object holds 10 GB (README: "When one database is not enough").
    args+=(--var "STORE:durable-objects" --durable-object "SITE_STORE:SiteStore" --var "DB_SIZE_CAP_MB:10000")
    echo "[dev] store: one Durable Object per site (SITE_STORE: SiteStore); its rows are in" \
      "${PERSIST_TO:-.wrangler/state}/v3/do/, not in D1: read them on the dashboard or with /_ff/api/v1/export"
    ;;
  *)
    echo "[dev] STORE=$STORE: use d1 or durable-objects" >&2
    exit 2
    ;;
esac
# The demo dashboard needs a token; .dev.vars wins when it sets one.
dashboard="http://${IP:-127.0.0.1}:${PORT:-8787}$PREFIX/dashboard"
if ! grep -qs '^DASHBOARD_TOKEN' .dev.vars; then
  token=${DASHBOARD_TOKEN:-dev-dashboard-token-change-me}
  args+=(--var "DASHBOARD_TOKEN:$token")
  echo "[dev] dashboard: $dashboard (token: $token)"
else
  echo "[dev] dashboard: $dashboard (token: the one in .dev.vars)"
fi
node tools/local-runtime/footfall-dev.mjs "${args[@]}"
