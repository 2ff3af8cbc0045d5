#!/usr/bin/env bash
# bench.sh: run bt and bpftrace 0.17 side by side on the same scripts and
# print how they compare (start-up time and memory, attach time, exit
# latency, in-kernel ns per event, printf throughput). Writes the table to
# docs/bench.md as well. Needs root; takes about five minutes (bpftrace
# needs half a minute for each run of the sys_enter_* script).
#
#   sudo scripts/bench.sh [bench flags, e.g. -runs 20 -events 2000000]
#
# BT=/path/to/bt uses that binary instead of building ./cmd/bt.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
	echo "bench.sh: needs root (it loads BPF programs); try sudo $0" >&2
	exit 2
fi
if ! command -v bpftrace >/dev/null; then
	echo "bench.sh: needs bpftrace 0.17 (apt-get install bpftrace, or scripts/setup.sh)" >&2
	exit 2
fi
if [ "$(id -u)" = 0 ] && ! mountpoint -q /sys/kernel/tracing; then
	mount -t tracefs tracefs /sys/kernel/tracing || true
fi

mkdir -p docs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bt=${BT:-}
if [ -z "$bt" ]; then
	CGO_ENABLED=0 go build -o "$tmp/bt" ./cmd/bt
	bt=$tmp/bt
fi
go build -o "$tmp/bench" ./scripts/bench
rev=$(git rev-parse --short HEAD 2>/dev/null || true)
if [ -n "$rev" ] && [ -z "${BT:-}" ] && [ -n "$(git status --porcelain -- cmd engine lang internal 2>/dev/null)" ]; then
	rev="$rev+changes"
fi
"$tmp/bench" -bt "$bt" -rev "$rev" -o docs/bench.md "$@"
echo
echo "written to docs/bench.md"
