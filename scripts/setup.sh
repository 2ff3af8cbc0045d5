#!/usr/bin/env bash
# setup.sh: install what bt's tests and benchmarks need on a fresh Debian
# machine (bpftrace 0.17 as the reference, bpftool, Neovim), mount tracefs,
# and build bt, btfmt and btlint into ./bin. Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v bpftrace >/dev/null || need+=(bpftrace)
command -v bpftool >/dev/null || need+=(bpftool)
command -v nvim >/dev/null || need+=(neovim)
if [ ${#need[@]} -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [ "$(id -u)" = 0 ] && ! mountpoint -q /sys/kernel/tracing; then
	mount -t tracefs tracefs /sys/kernel/tracing || true
fi

mkdir -p bin
for tool in bt btfmt btlint; do
	if [ -d "cmd/$tool" ]; then
		CGO_ENABLED=0 go build -o "bin/$tool" "./cmd/$tool"
	fi
done
echo "built: $(ls bin | tr '\n' ' ')"
