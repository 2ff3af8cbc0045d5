#!/usr/bin/env bash
# fuzz.sh: a bounded run of the front end's fuzz targets, for CI.
#
#   scripts/fuzz.sh            each target for $FUZZTIME (default 30s)
#   FUZZTIME=5m scripts/fuzz.sh
#
# A failure leaves the input under the package's testdata/fuzz/TARGET/;
# commit it there so that `go test` replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=${FUZZTIME:-30s}

# package target
targets=(
	"./lang/parser FuzzParse"
	"./lang FuzzCheck"
)

for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	echo "== fuzz $pkg $name ($fuzztime)"
	go test "$pkg" -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime"
done
