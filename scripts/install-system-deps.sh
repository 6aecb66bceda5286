#!/usr/bin/env bash
# Installs the system tools a command of the README needs, only those missing, from Debian's registry with
# apt-get (Debian/Ubuntu); elsewhere it says what to install. `npm start` runs it for "start", `npm test` for
# "test"; when everything is there it does nothing and prints nothing.
#
# Usage: bash scripts/install-system-deps.sh start|test
set -euo pipefail

# What each command needs, one line per tool: "<command>|<Debian packages>|<what it is for>".
# A tool counts as present when <command> is on PATH. To add one, add a line (e.g. "spin|spin gcc|...").
start_needs=(
  "java|openjdk-17-jre-headless|DynamoDB Local runs on Java 17+"
)
test_needs=(
  "${start_needs[@]}"
  "chromium|chromium fonts-liberation|the browser tests drive Debian's Chromium"
  "spin|spin gcc|Spin proves the seat-protocol model in model/ (npm run model); it compiles with gcc"
)

say() { echo "system deps: $*"; }

case "${1:-}" in
  start) needs=("${start_needs[@]}") ;;
  test) needs=("${test_needs[@]}") ;;
  *)
    echo "usage: $0 start|test" >&2
    exit 2
    ;;
esac

missing_commands=()
missing_packages=()
for need in "${needs[@]}"; do
  IFS='|' read -r command packages purpose <<<"$need"
  if ! command -v "$command" >/dev/null 2>&1; then
    missing_commands+=("$command")
    read -r -a words <<<"$packages"
    missing_packages+=("${words[@]}")
    say "$command was not found ($purpose)"
  fi
done
if ((${#missing_commands[@]} == 0)); then exit 0; fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "system deps: apt-get is not available here; install ${missing_packages[*]} (or the same tools from your system's packages), then try again." >&2
  exit 1
fi
sudo=()
if ((EUID != 0)); then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "system deps: run as root, or install sudo, to install ${missing_packages[*]}; or install them yourself." >&2
    exit 1
  fi
  sudo=(sudo)
fi

say "installing ${missing_packages[*]} with apt-get (about a minute) ..."
"${sudo[@]}" apt-get update -qq
# env after sudo: sudo drops the caller's environment, and apt-get must not ask questions.
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing_packages[@]}"

for command in "${missing_commands[@]}"; do
  if ! command -v "$command" >/dev/null 2>&1; then
    echo "system deps: $command is still not on PATH after installing; install it yourself, then try again." >&2
    exit 1
  fi
done
say "done"
