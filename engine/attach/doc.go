// Package attach connects loaded BPF programs to their hooks: one file per
// attach kind, as cilium/ebpf's link package has (tracepoint.go,
// rawtracepoint.go, kprobe.go, uprobe.go, perf.go, fentry.go, iter.go,
// special.go).
//
// [Attach] is the single entry point. It takes a loaded program and the
// concrete (expanded) attach point the compiler planned for it and
// returns an [Attachment], which holds every kernel object the attachment
// needs (links, perf event fds) and releases them on Close. Programs that
// are not attached (begin, end, self, test, bench) get a [*Trigger] that
// runs them through BPF_PROG_TEST_RUN; iterators get an [*Iter].
//
// Errors name the attach point ("attach tracepoint:sched:sched_switch:
// ..."). When the kernel lacks what an attach point needs, the error
// wraps [ErrNotSupported] (it is [ebpf.ErrNotSupported]), usually through
// an [*UnsupportedError] that says what is missing ("kernel lacks
// kprobes"), so that callers print a clear message and tests skip.
//
// Every Attachment is owned by file descriptors only: if the process dies
// the kernel releases it. [CloseAll] detaches many attachments in
// parallel, because detaching a perf-event based hook waits for an RCU
// grace period (tens of milliseconds each).
package attach
