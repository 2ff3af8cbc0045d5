#!/usr/bin/env bash
# test.sh: the project's tests, as CI runs them. Run from anywhere, as
# root for the runtime tests (they skip with a reason otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
	echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

echo "== go vet"
go vet ./...

echo "== staticcheck"
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./... || {
	echo "staticcheck failed"; exit 1; }

echo "== go test"
go test -count=1 ./... 2>&1 | tee /tmp/bt-go-test.log
grep -q "^FAIL" /tmp/bt-go-test.log && exit 1

if [ -x scripts/fuzz.sh ]; then
	echo "== fuzz (bounded)"
	scripts/fuzz.sh
fi

if [ -x editors/vscode/test.sh ] && command -v npm >/dev/null; then
	echo "== editors/vscode"
	editors/vscode/test.sh
fi

if [ -x editors/nvim/test/run.sh ] && command -v nvim >/dev/null; then
	echo "== editors/nvim"
	go build -o /tmp/bt-nvim-test ./cmd/bt
	rc=0; BT=/tmp/bt-nvim-test editors/nvim/test/run.sh || rc=$?
	if [ "$rc" = 77 ]; then echo "nvim test skipped"; elif [ "$rc" != 0 ]; then exit "$rc"; fi
fi
echo "== all tests passed"
