package probes

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/bt-tools/bt/lang/kernel"
)

// Match reports whether name matches pattern, where '*' matches any run
// of bytes (including none) and every other byte, '[' and ']' included,
// matches itself.
//
// Unlike bpftrace, which commits to the first occurrence of each literal
// run, Match backtracks, so "a*b" matches "abab".
func Match(pattern, name string) bool {
	p, n := 0, 0
	starP, starN := -1, 0
	for n < len(name) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			starP, starN = p, n
			p++
		case p < len(pattern) && pattern[p] == name[n]:
			p++
			n++
		case starP >= 0:
			// Let the last '*' swallow one more byte and retry.
			starN++
			p, n = starP+1, starN
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// Expand returns the concrete attach points a wildcard attach point stands
// for, one per match, sorted; an attach point without a wildcard is
// returned as is, without looking it up (see [Exists]). Tracepoints match
// category and event against k.Tracepoints; kprobes, kretprobes, fentry
// and fexit match k.Functions (fentry/fexit keep only functions with a BTF
// prototype; ".part.N" clones, which cannot be traced, are skipped); raw
// tracepoints match k.RawTracepoints, iterators k.Iters, and uprobes the
// function symbols of their binary. When nothing matches, the error wraps
// [ErrNoMatch].
func Expand(ap *AttachPoint, k kernel.Info) ([]*AttachPoint, error) {
	if !ap.Wildcard {
		return []*AttachPoint{ap}, nil
	}
	out, err := expand(ap, k)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errorf(CodeNoMatch, "no matches for %s", ap.Raw).wrap(ErrNoMatch)
	}
	return out, nil
}

func expand(ap *AttachPoint, k kernel.Info) ([]*AttachPoint, error) {
	switch ap.Provider.Name {
	case "tracepoint":
		return expandTracepoint(ap, k)
	case "kprobe", "kretprobe":
		return expandFuncs(ap, k, false)
	case "fentry", "fexit":
		if ap.Target == "bpf" {
			return nil, errorf(CodeNoMatch, "cannot expand %s: running BPF programs are not known to bt", ap.Raw).
				wrap(ErrNotSupported)
		}
		return expandFuncs(ap, k, true)
	case "rawtracepoint":
		return expandNames(ap, "raw tracepoints", k.RawTracepoints)
	case "iter":
		return expandNames(ap, "iterators", k.Iters)
	case "uprobe", "uretprobe":
		return expandUprobe(ap, k)
	}
	return nil, errorf(CodeWildcard, "cannot expand wildcards in %s attach points", ap.Provider.Name).
		wrap(ErrNotSupported)
}

func expandTracepoint(ap *AttachPoint, k kernel.Info) ([]*AttachPoint, error) {
	tps, err := k.Tracepoints()
	if err != nil {
		return nil, fmt.Errorf("expand %s: list tracepoints: %w", ap.Raw, err)
	}
	var out []*AttachPoint
	for _, tp := range tps {
		if Match(ap.Category, tp.Category) && Match(ap.Event, tp.Event) {
			c := ap.concrete()
			c.Category, c.Event = tp.Category, tp.Event
			out = append(out, c.named())
		}
	}
	return out, nil
}

// expandFuncs matches kernel functions; withBTF keeps only those with a
// BTF prototype (fentry, fexit).
func expandFuncs(ap *AttachPoint, k kernel.Info, withBTF bool) ([]*AttachPoint, error) {
	funcs, err := k.Functions()
	if err != nil {
		return nil, fmt.Errorf("expand %s: list kernel functions: %w", ap.Raw, err)
	}
	var out []*AttachPoint
	for _, fn := range withPrefix(funcs, literalPrefix(ap.Func)) {
		if !Match(ap.Func, fn) || strings.Contains(fn, ".part.") {
			continue
		}
		if withBTF {
			ok, err := hasProto(k, fn)
			if err != nil {
				return nil, fmt.Errorf("expand %s: %w", ap.Raw, err)
			}
			if !ok {
				continue
			}
		}
		c := ap.concrete()
		c.Func = fn
		out = append(out, c.named())
	}
	return out, nil
}

func hasProto(k kernel.Info, fn string) (bool, error) {
	_, err := k.Func(fn)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, kernel.ErrNotFound):
		return false, nil
	}
	return false, fmt.Errorf("prototype of %s: %w", fn, err)
}

// expandNames matches ap.Func against a list of names.
func expandNames(ap *AttachPoint, what string, list func() ([]string, error)) ([]*AttachPoint, error) {
	names, err := list()
	if err != nil {
		return nil, fmt.Errorf("expand %s: list %s: %w", ap.Raw, what, err)
	}
	var out []*AttachPoint
	for _, n := range names {
		if Match(ap.Func, n) {
			c := ap.concrete()
			c.Func = n
			out = append(out, c.named())
		}
	}
	return out, nil
}

func expandUprobe(ap *AttachPoint, k kernel.Info) ([]*AttachPoint, error) {
	if ap.Target == "" || HasWildcard(ap.Target) {
		return nil, errorf(CodeWildcard, "cannot expand %s: the binary must be named exactly", ap.Raw).
			wrap(ErrNotSupported)
	}
	syms, err := k.Symbols(ap.Target)
	if err != nil {
		return nil, errorf(CodeNotFound, "cannot read the symbols of %s: %v", ap.Target, err).wrap(err)
	}
	var names []string
	for _, s := range syms {
		if s.Func && Match(ap.Func, s.Name) {
			names = append(names, s.Name)
		}
	}
	slices.Sort(names)
	var out []*AttachPoint
	for _, n := range slices.Compact(names) {
		c := ap.concrete()
		c.Func = n
		out = append(out, c.named())
	}
	return out, nil
}

// concrete returns a copy of ap for one match.
func (ap *AttachPoint) concrete() *AttachPoint {
	c := ap.clone()
	c.Wildcard = false
	return c
}

// named sets Raw to the canonical spelling of an expanded attach point.
func (ap *AttachPoint) named() *AttachPoint {
	ap.Raw = ap.String()
	return ap
}

// Exists checks that the tracepoint, function, raw tracepoint, iterator or
// user symbol a concrete attach point names is there. Probe types without
// a kernel-side name (begin, profile, ...) always exist; usdt and address
// forms are not checked. When the name is missing the error is a
// [*ProbeError] wrapping kernel.ErrNotFound, with code E509, or W501 for
// kprobes and kretprobes (a warning: the function may still attach).
func Exists(ap *AttachPoint, k kernel.Info) error {
	if ap.Wildcard {
		_, err := Expand(ap, k)
		return err
	}
	switch ap.Provider.Name {
	case "tracepoint":
		_, err := k.TracepointFormat(ap.Category, ap.Event)
		return notFound(ap, err)
	case "kprobe", "kretprobe":
		return existsIn(ap, ap.Func, k.Functions)
	case "fentry", "fexit":
		return existsProto(ap, k)
	case "rawtracepoint":
		_, err := k.RawTracepoint(ap.Func)
		return notFound(ap, err)
	case "iter":
		return existsIn(ap, ap.Func, k.Iters)
	case "uprobe", "uretprobe":
		return existsSymbol(ap, k)
	}
	return nil
}

func existsProto(ap *AttachPoint, k kernel.Info) error {
	if ap.Target == "bpf" {
		return nil
	}
	_, err := k.Func(ap.Func)
	return notFound(ap, err)
}

func existsIn(ap *AttachPoint, name string, list func() ([]string, error)) error {
	if ap.HasAddr {
		return nil
	}
	names, err := list()
	if err != nil {
		return fmt.Errorf("check %s: %w", ap.Raw, err)
	}
	// The lists are sorted (kernel.Info's contract): a linear search of
	// tens of thousands of function names per attach point dominated
	// checking the tools.
	if _, found := slices.BinarySearch(names, name); found {
		return nil
	}
	return notFound(ap, fmt.Errorf("%s: %w", name, kernel.ErrNotFound))
}

func existsSymbol(ap *AttachPoint, k kernel.Info) error {
	if ap.HasAddr || ap.SourceFile != "" || ap.Target == "" {
		return nil
	}
	syms, err := k.Symbols(ap.Target)
	if err != nil {
		return notFound(ap, err)
	}
	for _, s := range syms {
		if s.Name == ap.Func {
			return nil
		}
	}
	return notFound(ap, fmt.Errorf("symbol %s in %s: %w", ap.Func, ap.Target, kernel.ErrNotFound))
}

// notFound turns a lookup error into a ProbeError naming the attach point.
func notFound(ap *AttachPoint, err error) error {
	if err == nil {
		return nil
	}
	what := map[string]string{
		"tracepoint": "tracepoint", "kprobe": "kernel function", "kretprobe": "kernel function",
		"fentry": "kernel function", "fexit": "kernel function", "rawtracepoint": "raw tracepoint",
		"iter": "iterator", "uprobe": "function", "uretprobe": "function",
	}[ap.Provider.Name]
	if !errors.Is(err, kernel.ErrNotFound) {
		return fmt.Errorf("look up %s: %w", ap.String(), err)
	}
	if ap.Provider.Name == "kprobe" || ap.Provider.Name == "kretprobe" {
		// The list of traceable functions is not the last word: the
		// attach may still work (or fail with the kernel's reason).
		return errorf(CodeNotTraceable, "%s is not traceable (missing, inlined or marked notrace); attaching to it will likely fail",
			ap.Func).wrap(err)
	}
	return errorf(CodeNotFound, "%s %s not found (attach point %s)", what, ap.target(), ap.String()).wrap(err)
}

// target names what an attach point points at, for messages.
func (ap *AttachPoint) target() string {
	switch ap.Provider.Name {
	case "tracepoint":
		return ap.Category + ":" + ap.Event
	case "uprobe", "uretprobe":
		return ap.Func + " in " + ap.Target
	}
	return ap.Func
}

// literalPrefix is the part of a pattern before its first wildcard.
func literalPrefix(pattern string) string {
	if i := strings.IndexAny(pattern, "*["); i >= 0 {
		return pattern[:i]
	}
	return pattern
}

// withPrefix returns the run of the sorted names that start with prefix:
// "vfs_*" need not be matched against every kernel function.
func withPrefix(names []string, prefix string) []string {
	if prefix == "" {
		return names
	}
	lo, _ := slices.BinarySearch(names, prefix)
	hi := lo
	for hi < len(names) && strings.HasPrefix(names[hi], prefix) {
		hi++
	}
	return names[lo:hi]
}
