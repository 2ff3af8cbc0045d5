#!/bin/bash
# gate-cost.sh: the start gate's cost per event. Usage: sudo scripts/gate-cost.sh [extra bt flags]; prints ns per run of the getpid counter program
sysctl -qw kernel.bpf_stats_enabled=1
${BT:-bin/bt} run -q "$@" -e 'tracepoint:syscalls:sys_enter_getpid { @ = count(); } interval:s:4 { exit(); }' >/dev/null 2>&1 &
sleep 1
python3 -c 'import os
for _ in range(2000000): os.getpid()' &
sleep 2
bpftool prog show 2>/dev/null | grep -A2 "tracepoint.*bt_" | grep -o "run_time_ns [0-9]* run_cnt [0-9]*" | head -1 | awk '{printf "%.1f ns/run (%d runs)\n", $2/$4, $4}'
wait
