#!/usr/bin/env bash
# `make dev`: the demo origin (unless ORIGIN_URL is given) and the Worker in the local runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
origin=${ORIGIN_URL:-}
if [ -z "$origin" ]; then
  "$PYTHON" tools/demo_origin.py --port "${DEMO_PORT:-8788}" &
  demo_pid=$!
  trap 'kill $demo_pid 2>/dev/null || true' EXIT
  origin="http://127.0.0.1:${DEMO_PORT:-8788}"
fi
args=(--port "${PORT:-8787}" --ip "${IP:-127.0.0.1}" --persist-to "${PERSIST_TO:-.wrangler/state}" --var "ORIGIN_URL:$origin")
if [ "${TRUST_CLIENT_IP:-}" = "1" ]; then args+=(--trust-client-ip); fi
# The demo dashboard needs a token; .dev.vars wins when it sets one.
if ! grep -qs '^DASHBOARD_TOKEN' .dev.vars; then
  token=${DASHBOARD_TOKEN:-dev-dashboard-token-change-me}
  args+=(--var "DASHBOARD_TOKEN:$token")
  echo "[dev] dashboard: http://${IP:-127.0.0.1}:${PORT:-8787}/_ff/dashboard (token: $token)"
fi
echo "[dev] the site behind footfall: $origin"
node tools/local-runtime/footfall-dev.mjs "${args[@]}"
