#!/usr/bin/env bash
# Installs what the portal needs outside npm, only where it is missing: Java 17 (DynamoDB Local) and
# Debian's Chromium (browser tests). Debian/Ubuntu with apt-get; elsewhere it says what to install.
set -euo pipefail
missing=()
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-liberation)
# Spin (Promela model checker) runs the seat-protocol proof in model/ (npm run model); it compiles with gcc.
command -v spin >/dev/null 2>&1 || missing+=(spin)
if ((${#missing[@]} == 0)); then
  echo "system deps: java and chromium present"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Please install: ${missing[*]} (Java 17+ runs DynamoDB Local; Chromium runs the browser tests)." >&2
  exit 1
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "system deps: installing ${missing[*]} with apt-get ..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system deps: done"
