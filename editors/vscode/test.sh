#!/bin/sh
# Install the pinned npm dependencies and run the extension's tests:
# grammar scopes, the .bt corpus (testdata/ and /usr/sbin/*.bt), manifest
# and launcher checks. Usage: editors/vscode/test.sh
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
npm run --silent build
npm test
