#!/usr/bin/env bash
# npm_ci.sh DIR: installs DIR's pinned npm packages (package-lock.json, `npm ci`) when they are
# missing or the lock changed since the last install; otherwise does nothing. No browser or other
# download at install time (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: the tests drive Debian's Chromium).
set -euo pipefail
DIR=$1
command -v node > /dev/null && command -v npm > /dev/null \
  || { echo "$DIR: node and npm are needed (make bootstrap installs them)" >&2; exit 1; }
STAMP=$DIR/node_modules/.aitrapp-lock-sha256
WANT=$(sha256sum "$DIR/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$STAMP" 2> /dev/null)" != "$WANT" ]; then
  (cd "$DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  echo "$WANT" > "$STAMP"
fi
