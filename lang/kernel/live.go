package kernel

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bt-tools/bt/lang/types"
)

// LiveOptions says where [Live] finds the kernel's files. Zero values
// select the defaults.
type LiveOptions struct {
	// BTF is the vmlinux BTF: raw, or an ELF file with a .BTF section,
	// either possibly gzipped. Default: $BPFTRACE_BTF if set, else
	// /sys/kernel/btf/vmlinux.
	BTF string
	// TraceFS lists tracefs mount points to try in order; the first whose
	// available_events can be read is used. Default: /sys/kernel/tracing,
	// /sys/kernel/debug/tracing.
	TraceFS []string
	// Kallsyms is the kernel symbol table. Default: /proc/kallsyms.
	Kallsyms string
}

// Live is the [Info] of the running kernel. Everything is read on first
// use and cached on the Live value: BTF (once, then converted type by type
// as lookups reach it), the tracefs event list and each format file, the
// function list, kallsyms, and the symbols of each ELF file.
//
// When no tracefs directory is readable (not root, not mounted),
// tracepoints come from BTF instead; see [Live.Tracepoints] and
// [Live.TracepointFormat].
//
// Live is safe for concurrent use. Returned values (slices, formats,
// prototypes, types) are shared between callers and must not be modified.
type Live struct {
	src sources

	btf     lazy[*kbtf]
	trace   lazy[*tracefs]
	tps     lazy[[]Tracepoint]
	funcs   lazy[[]string]
	ksyms   lazy[map[string]uint64]
	formats cache[Tracepoint, *Format]
	elfSyms cache[elfKey, []Symbol]
	sysFmts syscallFormats
}

// sources are the files a Live reads: the machine's for [NewLive], a
// snapshot's for [NewFixture].
type sources struct {
	btf      string
	tracefs  []fileReader
	kallsyms string
}

// fileReader reads files by slash-separated path below a tracefs root.
type fileReader interface {
	ReadFile(name string) ([]byte, error)
	String() string
}

// dirReader is a tracefs mount point.
type dirReader string

func (d dirReader) ReadFile(name string) ([]byte, error) {
	return os.ReadFile(filepath.Join(string(d), filepath.FromSlash(name)))
}

func (d dirReader) String() string { return string(d) }

var _ Info = (*Live)(nil)

// NewLive returns the Info of the running kernel. Nothing is read until a
// method needs it.
func NewLive(opts LiveOptions) *Live {
	if opts.BTF == "" {
		opts.BTF = os.Getenv("BPFTRACE_BTF")
	}
	if opts.BTF == "" {
		opts.BTF = "/sys/kernel/btf/vmlinux"
	}
	if len(opts.TraceFS) == 0 {
		opts.TraceFS = []string{"/sys/kernel/tracing", "/sys/kernel/debug/tracing"}
	}
	if opts.Kallsyms == "" {
		opts.Kallsyms = "/proc/kallsyms"
	}
	src := sources{btf: opts.BTF, kallsyms: opts.Kallsyms}
	for _, d := range opts.TraceFS {
		src.tracefs = append(src.tracefs, dirReader(d))
	}
	return &Live{src: src}
}

// ---------------------------------------------------------------------------
// BTF

// kbtf loads BTF on first use.
func (l *Live) kbtf() (*kbtf, error) {
	return l.btf.get(func() (*kbtf, error) {
		data, err := os.ReadFile(l.src.btf)
		if err == nil {
			var b *kbtf
			if b, err = loadBTF(data); err == nil {
				return b, nil
			}
		}
		return nil, fmt.Errorf("load BTF %s: %w", l.src.btf, err)
	})
}

// LoadBTF loads the kernel's BTF now rather than on first use, and
// reports whether it could. A server can call it in the background at
// start-up so that its first lookup is fast.
func (l *Live) LoadBTF() error {
	_, err := l.kbtf()
	return err
}

// Struct implements [Info].
func (l *Live) Struct(name string, union bool) (*types.Struct, error) {
	b, err := l.kbtf()
	if err != nil {
		return nil, err
	}
	return b.structNamed(name, union)
}

// Enum implements [Info].
func (l *Live) Enum(name string) (*types.Enum, error) {
	b, err := l.kbtf()
	if err != nil {
		return nil, err
	}
	return b.enumNamed(name)
}

// Typedef implements [Info]. Besides typedefs and base types it resolves
// any C type name a cast may hold: "struct sock *", "const char *",
// "enum tcp_state"; pointers point to kernel memory. The C integer types
// resolve even without BTF.
func (l *Live) Typedef(name string) (types.Type, error) {
	b, err := l.kbtf()
	if err != nil {
		if base, stars := splitPointers(name); stars == 0 {
			if t, ok := cInt(base); ok {
				return t, nil
			}
		}
		return nil, err
	}
	return b.resolveC(name, types.AddrKernel)
}

// EnumConst implements [Info].
func (l *Live) EnumConst(name string) (int64, *types.Enum, error) {
	b, err := l.kbtf()
	if err != nil {
		return 0, nil, err
	}
	return b.enumConst(name)
}

// Func implements [Info].
func (l *Live) Func(name string) (*FuncProto, error) {
	b, err := l.kbtf()
	if err != nil {
		return nil, err
	}
	return b.funcNamed(name)
}

// RawTracepoint implements [Info].
func (l *Live) RawTracepoint(event string) (*FuncProto, error) {
	b, err := l.kbtf()
	if err != nil {
		return nil, err
	}
	return b.rawTracepoint(event)
}

// RawTracepoints implements [Info].
func (l *Live) RawTracepoints() ([]string, error) {
	b, err := l.kbtf()
	if err != nil {
		return nil, err
	}
	return b.idx.rawTPs, nil
}

// Iters implements [Info].
func (l *Live) Iters() ([]string, error) {
	b, err := l.kbtf()
	if err != nil {
		return nil, err
	}
	return iterTargets(b.idx.iters), nil
}

// iterTargets drops bpf_iter__ types that are not iterator targets:
// bpf_iter__task__safe_trusted and the like are types of the verifier,
// and targets have no "__" of their own.
func iterTargets(names []string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		if !strings.Contains(n, "__") {
			out = append(out, n)
		}
	}
	return out
}

// Functions implements [Info]: the names in tracefs's
// available_filter_functions when it can be read, else every function BTF
// describes (a superset: BTF also has notrace functions).
func (l *Live) Functions() ([]string, error) {
	return l.funcs.get(func() ([]string, error) {
		t, traceErr := l.tracefs()
		if traceErr == nil {
			data, err := t.r.ReadFile("available_filter_functions")
			if err == nil {
				return parseFilterFunctions(data), nil
			}
			traceErr = fmt.Errorf("read tracefs %s: %w", t.r, err)
		}
		b, err := l.kbtf()
		if err != nil {
			return nil, errors.Join(traceErr, err)
		}
		return b.idx.funcs, nil
	})
}

// parseFilterFunctions parses available_filter_functions: one function per
// line, module functions suffixed " [module]".
func parseFilterFunctions(data []byte) []string {
	var fns []string
	for line := range strings.Lines(string(data)) {
		name, _, _ := strings.Cut(strings.TrimSpace(line), " ")
		if name != "" {
			fns = append(fns, name)
		}
	}
	slices.Sort(fns)
	return slices.Compact(fns)
}

// ---------------------------------------------------------------------------
// Tracepoints

// tracefs is a readable tracefs root and its event list.
type tracefs struct {
	r      fileReader
	events []Tracepoint // sorted
}

// tracefs returns the first readable tracefs root.
func (l *Live) tracefs() (*tracefs, error) {
	return l.trace.get(func() (*tracefs, error) {
		var errs []error
		for _, r := range l.src.tracefs {
			data, err := r.ReadFile("available_events")
			if err != nil {
				errs = append(errs, err)
				continue
			}
			return &tracefs{r: r, events: parseEvents(data)}, nil
		}
		return nil, fmt.Errorf("read tracefs: %w", errors.Join(errs...))
	})
}

// parseEvents parses available_events: one category:event per line.
func parseEvents(data []byte) []Tracepoint {
	var tps []Tracepoint
	for line := range strings.Lines(string(data)) {
		cat, ev, ok := strings.Cut(strings.TrimSpace(line), ":")
		if ok {
			tps = append(tps, Tracepoint{cat, ev})
		}
	}
	slices.SortFunc(tps, compareTracepoints)
	return slices.Compact(tps)
}

func compareTracepoints(a, b Tracepoint) int {
	if c := strings.Compare(a.Category, b.Category); c != 0 {
		return c
	}
	return strings.Compare(a.Event, b.Event)
}

// Tracepoints implements [Info]. Without tracefs the list is what BTF can
// tell: the events it has a record for, under a category guessed from
// the event's name (BTF does not record categories; the guess is right
// for nine events in ten), and sys_enter_/sys_exit_ events for every
// syscall entry point, which includes some the kernel has no tracepoint
// for (compat and unbuilt syscalls).
func (l *Live) Tracepoints() ([]Tracepoint, error) {
	return l.tps.get(func() ([]Tracepoint, error) {
		t, traceErr := l.tracefs()
		if traceErr == nil {
			return t.events, nil
		}
		b, err := l.kbtf()
		if err != nil {
			return nil, errors.Join(traceErr, err)
		}
		return b.tracepoints(), nil
	})
}

// TracepointFormat implements [Info]. Without tracefs the format is built
// from BTF's trace_event_raw_<class> record and has FromBTF set; the event
// is looked up by name alone, as a guessed category may be wrong. BTF
// cannot always tell an event's record (nor a syscall's arguments): then
// the error wraps [ErrNotFound]. The comment atop tpbtf.go has the
// details.
func (l *Live) TracepointFormat(category, event string) (*Format, error) {
	return l.formats.get(Tracepoint{category, event}, func() (*Format, error) {
		if !validName(category) || !validName(event) {
			return nil, notFound("tracepoint", category+":"+event)
		}
		b, btfErr := l.kbtf()
		t, traceErr := l.tracefs()
		if traceErr == nil {
			data, err := t.r.ReadFile(path.Join("events", category, event, "format"))
			if errors.Is(err, fs.ErrNotExist) {
				return nil, notFound("tracepoint", category+":"+event)
			}
			if err != nil {
				return nil, fmt.Errorf("read tracepoint format %s:%s: %w", category, event, err)
			}
			return b.parseFormat(category, event, data)
		}
		if btfErr != nil {
			return nil, errors.Join(traceErr, btfErr)
		}
		if category == "syscalls" {
			// Syscall arguments are ABI: the embedded formats hold for
			// every kernel, where BTF lacks most of them.
			if data, ok := l.sysFmts.format(event); ok {
				f, err := b.parseFormat(category, event, data)
				if f != nil {
					f.FromBTF = true // not from this machine's tracefs
				}
				return f, err
			}
		}
		return b.format(category, event)
	})
}

// validName reports whether s can be a tracefs category or event name
// (and so cannot climb out of the events directory).
func validName(s string) bool {
	return s != "" && s != "." && s != ".." && !strings.ContainsAny(s, "/\\")
}
