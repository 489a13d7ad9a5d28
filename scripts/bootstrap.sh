#!/usr/bin/env bash
# Installs exactly the Debian packages AITRAPP needs to build and test (among them Debian's
# headless Chromium, which renders the burn-in report in its browser test).
# Idempotent: packages already installed are skipped; runs as root or via sudo.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config clang-format
  libsqlite3-dev sqlite3 libssl-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev
  libhowardhinnant-date-dev tzdata
  libgtest-dev libgmock-dev libbenchmark-dev
  jq curl libboost-dev libboost-system-dev prometheus
  libpq-dev postgresql-15 postgresql-client-15 libhiredis-dev redis-server
  zlib1g-dev ca-certificates
  chromium-headless-shell
)

# `make fuzz` (scripts/bootstrap.sh --fuzz) builds libFuzzer targets with Debian's clang.
[ "${1:-}" = --fuzz ] && PACKAGES+=(clang)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep "install ok installed" > /dev/null; then
    missing+=("$p")
  fi
done

# Node.js and npm run the conformance suites with Zerodha's official client and ccxt
# (tests/conformance).
# A Node.js that is already installed (Debian's or NodeSource's, which bundles npm) is kept.
if ! command -v node > /dev/null 2>&1 || ! command -v npm > /dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "bootstrap: need root or sudo to install: ${missing[*]}" >&2; exit 1
  fi
fi
echo "bootstrap: installing ${missing[*]}"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
