package attach

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/cilium/ebpf"

	"github.com/bt-tools/bt/lang/probes"
)

// Options are the per-attachment choices that are not part of the attach
// point itself.
type Options struct {
	// PID scopes uprobes, uretprobes, usdt, profile, software, hardware and
	// watchpoint probes to one process (bpftrace's -p). 0 means
	// every process. Other probe types ignore it: the compiler filters them
	// in the program instead.
	PID int
	// Symbols makes a kprobe, kretprobe, uprobe or uretprobe attachment a
	// multi link (kprobe_multi, uprobe_multi) on these functions. The
	// attach point's Func is then only used in messages.
	Symbols []string
	// USDT lists the probe sites of a usdt attach point, as file offsets
	// in the attach point's Target.
	USDT []USDTSite
}

// USDTSite is one location of a USDT probe in a binary.
type USDTSite struct {
	Offset    uint64 // file offset of the probe's nop
	Semaphore uint64 // file offset of the semaphore, or 0 when there is none
}

// Attachment is an attached program. Close detaches it; it is safe to
// call Close once from any goroutine.
type Attachment interface {
	// Probes is how many probes the attachment counts for in bpftrace's
	// "Attached N probes": 1, or the number of functions of a multi link.
	Probes() int
	Close() error
}

// ErrNotSupported is wrapped by errors about attach points the running
// kernel cannot serve. It is [ebpf.ErrNotSupported], so either sentinel
// works with errors.Is.
var ErrNotSupported = ebpf.ErrNotSupported

// UnsupportedError says what the kernel lacks for an attach point
// ("kprobes", "fentry", "a hardware PMU"). It answers true to
// errors.Is(err, ErrNotSupported).
type UnsupportedError struct {
	Lacks string // what is missing, phrased to follow "kernel lacks"
	Err   error  // the error that revealed it, or nil
}

func (e *UnsupportedError) Error() string {
	if e.Err == nil {
		return "kernel lacks " + e.Lacks
	}
	return fmt.Sprintf("kernel lacks %s: %v", e.Lacks, e.Err)
}

// Unwrap returns the underlying error.
func (e *UnsupportedError) Unwrap() error { return e.Err }

// Is reports whether target is ErrNotSupported.
func (e *UnsupportedError) Is(target error) bool { return target == ErrNotSupported }

// Attach attaches prog to the concrete attach point ap. The program must
// be of the type the compiler chose for the provider (and, for tracing
// programs, loaded with the matching attach type and target).
//
// Special probes (begin, end, self, test, bench) are not attached: the
// result is a [*Trigger] whose Fire runs the program. Iterators return an
// [*Iter].
func Attach(ctx context.Context, prog *ebpf.Program, ap *probes.AttachPoint, opts Options) (Attachment, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if prog == nil || ap == nil || ap.Provider == nil {
		return nil, errors.New("attach: nil program or attach point")
	}
	a, err := attach(prog, ap, opts)
	if err != nil {
		return nil, fmt.Errorf("attach %s: %w", ap, err)
	}
	return a, nil
}

func attach(prog *ebpf.Program, ap *probes.AttachPoint, opts Options) (Attachment, error) {
	switch ap.Provider.Name {
	case "begin", "end", "self", "test", "bench":
		return newTrigger(prog, ap)
	case "tracepoint":
		return attachTracepoint(prog, ap)
	case "rawtracepoint":
		return attachRawTracepoint(prog, ap)
	case "kprobe", "kretprobe":
		return attachKprobe(prog, ap, opts)
	case "uprobe", "uretprobe":
		return attachUprobe(prog, ap, opts)
	case "usdt":
		return attachUSDT(prog, ap, opts)
	case "profile", "interval", "software", "hardware", "watchpoint":
		return attachPerf(prog, ap, opts)
	case "fentry", "fexit":
		return attachFentry(prog, ap)
	case "iter":
		return attachIter(prog, ap)
	}
	return nil, fmt.Errorf("probe type %s: %w", ap.Provider.Name, ErrNotSupported)
}

// Reverse reports whether bpftrace attaches probes of this provider in
// its second, reverse pass. Programs on the same hook run in attach order
// for some hooks and in reverse order for others; attaching the latter
// backwards keeps declaration order (LANGUAGE.md 3.4, step 3).
func Reverse(provider string) bool {
	switch provider {
	case "kprobe", "uprobe", "uretprobe", "usdt", "fentry", "fexit", "iter",
		"begin", "end", "self", "test", "bench":
		return true
	}
	return false
}

// UsesPID reports whether attach points of the provider attach to one
// process when Options.PID is set. The others ignore it (the compiler
// filters them in the program, or, like interval, they are never
// filtered).
func UsesPID(provider string) bool {
	switch provider {
	case "uprobe", "uretprobe", "usdt", "profile", "software", "hardware", "watchpoint":
		return true
	}
	return false
}

// Special reports whether the provider's programs are run through
// BPF_PROG_TEST_RUN instead of being attached.
func Special(provider string) bool {
	switch provider {
	case "begin", "end", "self", "test", "bench":
		return true
	}
	return false
}

// ---------------------------------------------------------------------------
// Attachments built from links

// links is an Attachment made of kernel links (or other closers, such as
// a link and its perf event), closed concurrently.
type links struct {
	closers []io.Closer
	probes  int
}

func (l *links) Probes() int { return l.probes }

func (l *links) Close() error {
	cs := l.closers
	l.closers = nil
	return closeParallel(cs)
}

// single wraps one link.
func single(c io.Closer) *links {
	return &links{closers: []io.Closer{c}, probes: 1}
}
