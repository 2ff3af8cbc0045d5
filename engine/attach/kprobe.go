package attach

import (
	"errors"
	"io"
	"os"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"

	"github.com/bt-tools/bt/lang/probes"
)

// attachKprobe attaches a kprobe or kretprobe. With opts.Symbols (a
// wildcard the compiler expanded for one program) it is a kprobe_multi
// link (5.18); a raw address also needs kprobe_multi; otherwise it is one
// perf-event kprobe (link.Kprobe/Kretprobe, through the kprobe PMU or
// tracefs kprobe_events).
func attachKprobe(prog *ebpf.Program, ap *probes.AttachPoint, opts Options) (Attachment, error) {
	ret := ap.Provider.Name == "kretprobe"
	var (
		l   link.Link
		err error
		n   = 1
	)
	switch {
	case len(opts.Symbols) > 0:
		l, err = kprobeMulti(prog, link.KprobeMultiOptions{Symbols: opts.Symbols}, ret)
		n = len(opts.Symbols)
	case ap.HasAddr:
		l, err = kprobeMulti(prog, link.KprobeMultiOptions{Addresses: []uintptr{uintptr(ap.Addr)}}, ret)
	case ret:
		l, err = link.Kretprobe(ap.Func, prog, nil)
	default:
		l, err = link.Kprobe(ap.Func, prog, &link.KprobeOptions{Offset: ap.Offset})
	}
	if err != nil {
		return nil, kprobeError(err)
	}
	return &links{closers: []io.Closer{l}, probes: n}, nil
}

func kprobeMulti(prog *ebpf.Program, o link.KprobeMultiOptions, ret bool) (link.Link, error) {
	if ret {
		return link.KretprobeMulti(prog, o)
	}
	return link.KprobeMulti(prog, o)
}

// kprobeError says "kernel lacks kprobes" when that explains err.
func kprobeError(err error) error {
	if errors.Is(err, ErrNotSupported) {
		return err
	}
	if lack := HaveKprobes(); lack != nil {
		return &UnsupportedError{Lacks: "kprobes", Err: err}
	}
	return err
}

// HaveKprobes reports whether the kernel can create kprobes: through the
// kprobe PMU (/sys/bus/event_source/devices/kprobe) or tracefs
// kprobe_events. The error wraps ErrNotSupported when it cannot.
func HaveKprobes() error {
	if _, err := os.Stat("/sys/bus/event_source/devices/kprobe"); err == nil {
		return nil
	}
	if f := tracefsFile("kprobe_events"); f != "" {
		if _, err := os.Stat(f); err == nil {
			return nil
		}
	}
	return &UnsupportedError{Lacks: "kprobes"}
}
