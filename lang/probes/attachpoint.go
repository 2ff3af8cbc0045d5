package probes

import (
	"strconv"
	"strings"
	"time"
)

// AttachPoint is a parsed attach point. Which fields are set depends on the
// provider; the others stay zero.
type AttachPoint struct {
	Raw      string    // the text parsed (after [Substitute])
	Provider *Provider // never nil after a successful Parse
	// UserName is the name given with a "name=" prefix
	// (`myprobe=kprobe:f`); it becomes the value of the probe builtin.
	UserName string

	// Target is the user binary of uprobe, uretprobe and usdt ("" when it
	// is to come from -p), or "bpf" for fentry:bpf:PROG.
	Target string
	// Module is the kernel module of kprobe, kretprobe, fentry, fexit and
	// rawtracepoint attach points; "" means any (or vmlinux).
	Module string
	// Func is the function (kprobe, uprobe, fentry), raw tracepoint event,
	// iterator name, USDT probe name, or test/bench name.
	Func string
	// Category and Event name a tracepoint (syscalls, sys_enter_openat).
	// For self probes they are the trigger and the signal (signal,
	// SIGUSR1); for software and hardware probes Event is the event name.
	Category, Event string
	Namespace       string // USDT provider namespace, when given
	Lang            string // uprobe language ("cpp"), when given

	Offset  uint64 // FUNC+OFFSET
	Addr    uint64 // probing by address (kprobe:ADDR, uprobe:BIN:ADDR, watchpoint)
	HasAddr bool   // Addr was given (0 is a valid uprobe address in unsafe mode)
	ProgID  uint64 // fentry:bpf:ID:PROG

	// Unit and Rate: profile and interval probes, Unit is "hz", "s", "ms"
	// or "us" and Rate the count per unit; a bare duration is normalised to
	// "us". Software and hardware probes: Rate is the sample period in
	// events (0 = the event's default).
	Unit string
	Rate uint64

	Len  uint64 // watchpoint length: 1, 2, 4 or 8
	Mode string // watchpoint mode, letters sorted: "rw", "w", "x"
	Pin  string // iter pin path, relative to /sys/fs/bpf unless absolute

	// SourceFile, Line and Column: uprobe:BIN@FILE:LINE[:COL] (DWARF).
	SourceFile   string
	Line, Column uint64

	// Wildcard is set when a part holds '*' (or a '[' ... ']' pair); such
	// attach points go through [Expand].
	Wildcard bool
}

// ProbeName is the value of the probe builtin: the user name if one was
// given, else the canonical spelling ("kprobe:vfs_read",
// "tracepoint:syscalls:sys_enter_openat", "interval:us:1000000").
func (ap *AttachPoint) ProbeName() string {
	if ap.UserName != "" {
		return ap.UserName
	}
	return ap.String()
}

// String spells the attach point canonically, with the provider's full
// name.
func (ap *AttachPoint) String() string {
	parts := []string{ap.Provider.Name}
	add := func(s ...string) { parts = append(parts, s...) }
	switch ap.Provider.Name {
	case "begin", "end":
	case "self":
		add(ap.Category, ap.Event)
	case "test", "bench", "iter":
		add(ap.Func)
	case "tracepoint":
		add(ap.Category, ap.Event)
	case "kprobe", "kretprobe", "rawtracepoint", "fentry", "fexit":
		add(ap.kernelParts()...)
	case "uprobe", "uretprobe":
		add(ap.userParts()...)
	case "usdt":
		add(ap.Target)
		if ap.Namespace != "" {
			add(ap.Namespace)
		}
		add(ap.Func)
	case "profile", "interval":
		add(ap.Unit, strconv.FormatUint(ap.Rate, 10))
	case "software", "hardware":
		add(ap.Event)
		if ap.Rate != 0 {
			add(strconv.FormatUint(ap.Rate, 10))
		}
	case "watchpoint":
		add(strconv.FormatUint(ap.Addr, 10), strconv.FormatUint(ap.Len, 10), ap.Mode)
	}
	return strings.Join(parts, ":")
}

func (ap *AttachPoint) kernelParts() []string {
	var out []string
	if ap.Target == "bpf" {
		out = append(out, "bpf")
		if ap.ProgID != 0 {
			out = append(out, strconv.FormatUint(ap.ProgID, 10))
		}
	} else if ap.Module != "" {
		out = append(out, ap.Module)
	}
	return append(out, ap.funcText())
}

func (ap *AttachPoint) userParts() []string {
	if ap.SourceFile != "" {
		loc := ap.Target + "@" + ap.SourceFile
		out := []string{loc, strconv.FormatUint(ap.Line, 10)}
		if ap.Column != 0 {
			out = append(out, strconv.FormatUint(ap.Column, 10))
		}
		return out
	}
	out := []string{ap.Target}
	if ap.Lang != "" {
		out = append(out, ap.Lang)
	}
	return append(out, ap.funcText())
}

func (ap *AttachPoint) funcText() string {
	switch {
	case ap.HasAddr:
		return strconv.FormatUint(ap.Addr, 10)
	case ap.Offset != 0:
		return ap.Func + "+" + strconv.FormatUint(ap.Offset, 10)
	}
	return ap.Func
}

// Period returns the time between two runs of a profile or interval
// probe, or 0 when the probe is given as a frequency (or is of another
// type).
func (ap *AttachPoint) Period() time.Duration {
	var unit time.Duration
	switch ap.Unit {
	case "s":
		unit = time.Second
	case "ms":
		unit = time.Millisecond
	case "us":
		unit = time.Microsecond
	}
	return unit * time.Duration(ap.Rate)
}

// Frequency returns the runs per second of a profile:hz or interval:hz
// probe, or 0.
func (ap *AttachPoint) Frequency() uint64 {
	if ap.Unit == "hz" {
		return ap.Rate
	}
	return 0
}

// CheckUnsafe returns an error (code E508) when the attach point needs
// --unsafe and unsafe is false: a kprobe or kretprobe on a raw address,
// which the kernel takes unchecked.
func (ap *AttachPoint) CheckUnsafe(unsafe bool) error {
	if unsafe || !ap.HasAddr || (ap.Provider.Name != "kprobe" && ap.Provider.Name != "kretprobe") {
		return nil
	}
	return errorf(CodeUnsafeAP, "probing kernel address %#x needs --unsafe", ap.Addr)
}

// clone returns a copy of ap, for expansion.
func (ap *AttachPoint) clone() *AttachPoint {
	c := *ap
	return &c
}

// HasWildcard reports whether s holds a wildcard as bpftrace defines it: a
// '*', or a '[' and a ']' (which mark a wildcard but match literally).
func HasWildcard(s string) bool {
	return strings.Contains(s, "*") || strings.Contains(s, "[") && strings.Contains(s, "]")
}
