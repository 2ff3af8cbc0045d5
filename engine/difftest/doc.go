// Package difftest runs bpftrace programs under `bt run --compat 0.17` and
// under Debian's bpftrace 0.17 against one workload, and compares what the
// two print.
//
// A case is a file under testdata/difftest: a bpftrace script whose first
// lines may be directives (see [ParseCase]). Both tracers start at the same
// time; once both have attached every probe the test runs the case's
// workload exactly once, so both see the same events; then both are stopped
// (SIGINT, or the script's own exit()). The workload is a process with a
// unique comm (bt-wl-XXXX) doing a fixed list of syscalls (package
// workload, command workload/btwl), and scripts filter on that comm
// through the {{comm}} placeholder, so nothing else on the machine changes
// what they count.
//
// What "attached" means differs between the tracers:
//   - bpftrace 0.17 prints "Attaching N probes..." before it attaches, runs
//     BEGIN, then attaches probe by probe through perf events. It is ready
//     when its perf event file descriptors number N (minus BEGIN/END) plus
//     one per CPU for its output buffers plus one more per extra CPU for
//     each profile probe ([BpftracePerfFDs]).
//   - bt attaches everything, then opens its start gate, a one-element
//     array map named bt_gate, read through the ids in /proc/PID/fdinfo
//     ([GateOpen]).
//
// Outputs are compared after the case's own normalisations only (see
// [ParseCase]): a timestamp, the tracer's own pid or comm, the order
// bpftrace 0.17 leaves unspecified. The exit statuses must match too.
//
// A case that cannot pass says why in its skip directive:
//   - "bt: not supported yet: FEATURE" for what bt lacks,
//   - "bt bug: WHAT" for a reported bug in bt,
//   - "bpftrace 0.17 bug, not reproduced by bt: WHAT" for a difference bt
//     keeps on purpose.
//
// Run the tests as root with bpftrace 0.17 installed:
//
//	go test ./engine/difftest                       # every case
//	go test ./engine/difftest -run 'TestDiff/open'  # some cases
//	BT_BIN=/tmp/bt go test ./engine/difftest        # a bt already built
//	BT_DIFFTEST_ALL=1 go test ./engine/difftest -v  # the skipped cases too;
//	                                                # "STALE SKIP" marks those that pass
//
// Besides TestDiff the package checks that `bt run -l` lists what
// `bpftrace -l` does (TestList), that bt leaves nothing in the kernel after
// SIGINT, SIGTERM or SIGKILL (TestCleanExit), and that bt builds as one
// static binary (TestStaticBinary).
//
// The package also holds the inspection helpers the clean-exit test and
// the benchmark (scripts/bench) share: the BPF programs, maps and links a
// process holds ([ProcessObjects]).
package difftest
