#!/bin/sh
# Headless Neovim test for editors/nvim with a real `bt lsp`:
# attach, diagnostics, hover on `nsecs`, completion after `@x = co`.
#
#   BT=/path/to/bt editors/nvim/test/run.sh
#
# BT defaults to `bt` on PATH; NVIM to `nvim`. Exit status: 0 pass, 1 fail
# (also on the 30 s timeout), 77 skip (bt lsp or nvim not available).
set -u

here=$(cd "$(dirname "$0")" && pwd)
plugin=$(dirname "$here")
limit=${BT_TEST_TIMEOUT:-30}  # seconds, hard limit for the whole run

bt=$(command -v "${BT:-bt}" 2>/dev/null) || bt=
if [ -z "$bt" ] || ! "$bt" lsp --help >/dev/null 2>&1; then
  echo "SKIP: bt lsp not available (BT=${BT:-bt})"
  exit 77
fi
case $bt in /*) ;; *) bt="$(pwd)/$bt" ;; esac

nvim=$(command -v "${NVIM:-nvim}" 2>/dev/null) || {
  echo "SKIP: nvim not available (NVIM=${NVIM:-nvim})"
  exit 77
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bt-nvim-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# The Lua side has a slightly smaller budget so it can report which step
# was slow; `timeout` is the hard stop.
BT_TEST_BIN=$bt BT_TEST_DIR=$tmp BT_TEST_PLUGIN=$plugin \
  BT_TEST_BUDGET_MS=$(( (limit - 3) * 1000 )) \
  XDG_STATE_HOME=$tmp/state XDG_DATA_HOME=$tmp/data XDG_CACHE_HOME=$tmp/cache \
  timeout -k 5 "$limit" "$nvim" --headless --clean -u "$here/init.lua" </dev/null
rc=$?

case $rc in
  0) ;;
  124|137) echo "FAIL: timed out after ${limit}s"; rc=1 ;;
  *) [ "$rc" -ne 1 ] && echo "FAIL: nvim exited with status $rc"; rc=1 ;;
esac
if [ "$rc" -ne 0 ]; then
  # Neovim 0.7 logs to the cache dir, 0.8+ to the state dir.
  for log in "$tmp/state/nvim/lsp.log" "$tmp/cache/nvim/lsp.log"; do
    [ -s "$log" ] && { echo "--- tail of $log"; tail -n 20 "$log"; }
  done
fi
exit $rc
