#!/usr/bin/env bash
# Rollback runbook step: pause entries, flatten (reason "rollback"), switch to PAPER.
# Usage: scripts/rollback.sh [BASE_URL]   (default $AITRAPP_URL or http://127.0.0.1:8000)
# Token: $AITRAPP_API_TOKEN, else the file $AITRAPP_TOKEN_FILE (default var/api_token).
set -euo pipefail

URL="${1:-${AITRAPP_URL:-http://127.0.0.1:8000}}"
TOKEN="${AITRAPP_API_TOKEN:-}"
if [ -z "$TOKEN" ]; then
  TOKEN_FILE="${AITRAPP_TOKEN_FILE:-var/api_token}"
  [ -r "$TOKEN_FILE" ] || { echo "rollback: no AITRAPP_API_TOKEN and no token file $TOKEN_FILE" >&2; exit 2; }
  TOKEN="$(head -n1 "$TOKEN_FILE")"
fi

post() {  # post PATH JSON -> prints the body; fails on a non-2xx answer
  local out code
  out="$(curl -sS -m 60 -w '\n%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -d "$2" "$URL$1")"
  code="${out##*$'\n'}"
  echo "POST $1 -> $code ${out%$'\n'*}"
  [[ "$code" == 2* ]]
}

post /pause '{"reason":"rollback"}'
post /flatten '{"reason":"rollback"}'
post /mode '{"mode":"PAPER"}'
echo "rollback: paused, flat, PAPER"
