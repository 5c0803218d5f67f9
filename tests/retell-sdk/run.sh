#!/bin/sh
# run.sh — installs retell-sdk from the npm registry (once, into the build directory) and runs
# create-batch-call.mjs against `callboard-engine serve` on a free loopback port.
#
# Copyright 2026 The Callboard authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Exit 77 (skipped) only when node or npm is missing or the registry cannot be reached.

set -u

here=$(cd "$(dirname "$0")" && pwd)
engine=${CALLBOARD_ENGINE:?CALLBOARD_ENGINE names the callboard-engine program}
cache=${G_TEST_BUILDDIR:-${TMPDIR:-/tmp}}/retell-sdk-cache

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "SKIP: node and npm are needed to run Retell's SDK"
  exit 77
fi

if [ ! -f "$cache/node_modules/retell-sdk/package.json" ]; then
  mkdir -p "$cache"
  if ! (cd "$cache" && npm install --no-audit --no-fund --loglevel=error retell-sdk >npm.log 2>&1); then
    cat "$cache/npm.log"
    echo "SKIP: could not install retell-sdk from the npm registry (offline?)"
    exit 77
  fi
fi

tmp=$(mktemp -d)
pid=
cleanup () {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
token=sdk-test-token-$$

XDG_DATA_HOME=$tmp/data XDG_CONFIG_HOME=$tmp/config XDG_CACHE_HOME=$tmp/cache \
XDG_STATE_HOME=$tmp/state CALLBOARD_KEYRING=0 CALLBOARD_API_TOKEN=$token \
  "$engine" serve --db "$tmp/callboard.db" --listen "127.0.0.1:$port" --sim-speed 1000 \
  >"$tmp/serve.log" 2>&1 &
pid=$!

NODE_PATH=$cache/node_modules node "$here/create-batch-call.mjs" "http://127.0.0.1:$port" "$token"
status=$?
if [ $status -ne 0 ]; then
  echo "--- callboard-engine serve said:"
  cat "$tmp/serve.log"
fi
exit $status
