#!/bin/sh
# Build the VS Code extension package (.vsix).
#
#   editors/vscode/package.sh            -> editors/vscode/dist/bt-bpftrace-<version>.vsix
#   editors/vscode/package.sh DIR        -> DIR/bt-bpftrace-<version>.vsix
#   editors/vscode/package.sh FILE.vsix  -> FILE.vsix
#
# Needs node >= 20 and npm; the only network access is `npm ci` against the
# npm registry (skipped when node_modules is already up to date).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
dest=${1:-"$here/dist"}
case $dest in /*) ;; *) dest="$(pwd)/$dest" ;; esac

cd "$here"

# Install exactly what package-lock.json pins, unless that is already done.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

# Bundle src/ and vscode-languageclient into out/extension.js, so the .vsix
# needs no node_modules (hence --no-dependencies below).
npm run --silent build:release

version=$(node -p "require('./package.json').version")
case $dest in
  *.vsix) out=$dest ;;
  *) out="$dest/bt-bpftrace-$version.vsix" ;;
esac
mkdir -p "$(dirname "$out")"

# stdin from /dev/null: should vsce ever want to ask something, it fails
# instead of waiting for an answer.
npx --no-install vsce package --no-dependencies --no-update-package-json --out "$out" </dev/null

echo "built $out"
