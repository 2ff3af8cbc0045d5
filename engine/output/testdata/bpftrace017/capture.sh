#!/bin/sh
# Regenerates the golden outputs from Debian's bpftrace 0.17 (needs root):
# NAME.txt is stdout of `bpftrace NAME.bt`, NAME.json of `bpftrace -f json`.
set -e
export LC_ALL=C
cd "$(dirname "$0")"
for f in *.bt; do
	n=${f%.bt}
	timeout 60 bpftrace "$f" >"$n.txt" 2>/dev/null || echo "$f failed" >&2
	timeout 60 bpftrace -f json "$f" >"$n.json" 2>/dev/null || echo "$f failed" >&2
done
