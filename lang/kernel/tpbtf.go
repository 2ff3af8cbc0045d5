package kernel

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/cilium/ebpf/btf"

	"github.com/bt-tools/bt/lang/types"
)

// Tracepoints from BTF, for when tracefs cannot be read.
//
// BTF knows a trace event in several places: the typedef btf_trace_<event>
// and the functions __probestub_<event> and __traceiter_<event> (the raw
// tracepoint's prototype), the struct trace_event_raw_<class> (the record
// layout), and the functions trace_event_raw_event_<class>,
// __bpf_trace_<class> and perf_trace_<class> (the probes that fill the
// record, which take the event's parameters). Nothing links an event to
// its class, so:
//
//   - an event with a class of its own name was defined by TRACE_EVENT and
//     uses it;
//   - an event with a __bpf_trace_<event> but no class is a bare
//     tracepoint (DECLARE_TRACE): it has no record and no format;
//   - any other was defined by DEFINE_EVENT from a template (sched_wakeup
//     and sched_wakeup_new from sched_wakeup_template). The candidates are
//     the classes whose probe has the event's parameters (names and types,
//     or failing that types); they are ranked by being a template rather
//     than an event of its own, then by the words their names share with
//     the event's, then by the length of the prefix they share. A tie
//     leaves the event without a format.
//
// On the fixture's kernel this gets 1556 of 1585 formats right, 6 wrong
// and 23 not at all (see TestBTFFallbackAgreement).
//
// What BTF cannot say is an event's category (TRACE_SYSTEM): it is
// guessed, see guessCategory. Formats are looked up by event name alone,
// which tracefs makes unique, so a wrong guess costs only the listing.
//
// Syscall tracepoints have no per-syscall record: sys_enter_<name> is
// __syscall_nr then each argument in an 8-byte slot, sys_exit_<name> is
// __syscall_nr then ret. The arguments come from __do_sys_<name> or
// __se_sys_<name> when BTF has either; usually they are inlined and BTF
// has neither, and then sys_enter_<name> has no format.

// classProbePrefixes name the functions whose prototype is a class's.
var classProbePrefixes = []string{"trace_event_raw_event_", "__bpf_trace_", "perf_trace_"}

// syscallPrefixes name the syscall entry points, one per architecture.
var syscallPrefixes = []string{"__x64_sys_", "__arm64_sys_", "__riscv_sys_", "__s390x_sys_", "__powerpc_sys_"}

// syscallImplPrefixes name the functions behind the entry points, which
// have the syscall's own parameters.
var syscallImplPrefixes = []string{"__do_sys_", "__se_sys_"}

// tracepoints lists what BTF knows: events with a class, and syscalls.
func (b *kbtf) tracepoints() []Tracepoint {
	var tps []Tracepoint
	for _, ev := range b.idx.rawTPs {
		if _, err := b.classFor(ev); err == nil {
			tps = append(tps, Tracepoint{guessCategory(ev), ev})
		}
	}
	for _, sc := range b.syscallNames() {
		tps = append(tps, Tracepoint{"syscalls", "sys_enter_" + sc}, Tracepoint{"syscalls", "sys_exit_" + sc})
	}
	slices.SortFunc(tps, compareTracepoints)
	return slices.Compact(tps)
}

// format builds a tracepoint's format from BTF.
func (b *kbtf) format(category, event string) (*Format, error) {
	if category == "syscalls" {
		return b.syscallFormat(event)
	}
	class, err := b.classFor(event)
	if err != nil {
		return nil, err
	}
	t, err := b.spec.TypeByID(b.idx.classes[class])
	if err != nil {
		return nil, fmt.Errorf("tracepoint %s:%s: %w", category, event, err)
	}
	rec, ok := t.(*btf.Struct)
	if !ok {
		return nil, fmt.Errorf("tracepoint %s:%s: %s%s is not a struct", category, event, classPrefix, class)
	}
	f := &Format{Category: category, Event: event, Size: int64(rec.Size), FromBTF: true}
	for _, m := range rec.Members {
		if m.Name == "ent" || m.Name == "__data" { // common fields; dynamic data
			continue
		}
		f.Fields = append(f.Fields, b.recordField(m))
	}
	return f, nil
}

// recordField converts a member of a trace_event_raw_* struct. Dynamic
// fields appear there as u32 __data_loc_<name>; BTF does not keep their
// element type, and nearly all are strings, so they are taken as strings.
func (b *kbtf) recordField(m btf.Member) FormatField {
	off := int64(m.Offset / 8)
	for _, p := range []string{"__data_loc_", "__rel_loc_"} {
		if name, ok := strings.CutPrefix(m.Name, p); ok {
			return FormatField{
				Name: name, CType: strings.TrimSuffix(p, "_") + " char[] " + name,
				Type: &types.String{}, Offset: off, Size: 4, DataLoc: true,
			}
		}
	}
	t := b.convert(m.Type)
	return FormatField{
		Name: m.Name, CType: cTypeName(m.Type, m.Name), Type: t,
		Offset: off, Size: t.Size(), Signed: isSigned(m.Type),
	}
}

func isSigned(t btf.Type) bool {
	switch t := btf.UnderlyingType(t).(type) {
	case *btf.Int:
		return t.Encoding&btf.Signed != 0 || t.Name == "char"
	case *btf.Enum:
		return t.Signed
	}
	return false
}

// classFor returns the class (the X of trace_event_raw_X) of an event.
func (b *kbtf) classFor(event string) (string, error) {
	if _, ok := b.idx.classes[event]; ok {
		return event, nil
	}
	if _, bare := slices.BinarySearch(b.idx.funcs, "__bpf_trace_"+event); bare {
		// The kernel generates __bpf_trace_<x> for each class and for each
		// tracepoint without a class; this is the latter.
		return "", fmt.Errorf("tracepoint %s: no trace event (bare tracepoint): %w", event, ErrNotFound)
	}
	p, err := b.rawTPProto(event)
	if err != nil {
		return "", fmt.Errorf("tracepoint %s: %w", event, err)
	}
	cands := b.candidates(p.Params[1:])
	var best string
	var bestScore classScore
	tie := false
	for i, c := range cands {
		sc := b.scoreClass(c, event)
		switch d := sc.compare(bestScore); {
		case i == 0 || d > 0:
			best, bestScore, tie = c, sc, false
		case d == 0:
			tie = true
		}
	}
	switch {
	case best == "":
		return "", notFound("tracepoint record for", event)
	case tie:
		return "", fmt.Errorf("tracepoint %s: record ambiguous among classes %s: %w",
			event, strings.Join(cands, ", "), ErrNotFound)
	}
	return best, nil
}

// classScore ranks the classes whose probe matches an event's prototype.
type classScore struct {
	template bool // the class is not itself an event: DECLARE_EVENT_CLASS rather than TRACE_EVENT
	words    int  // words (split at '_') the class and event names share
	prefix   int  // length of their common prefix
}

func (b *kbtf) scoreClass(class, event string) classScore {
	_, isEvent := slices.BinarySearch(b.idx.rawTPs, class)
	sc := classScore{template: !isEvent, prefix: commonPrefix(class, event)}
	words := strings.Split(event, "_")
	for _, w := range strings.Split(class, "_") {
		if w != "" && slices.Contains(words, w) {
			sc.words++
		}
	}
	return sc
}

func (s classScore) compare(t classScore) int {
	if s.template != t.template {
		if s.template {
			return 1
		}
		return -1
	}
	return cmp.Or(cmp.Compare(s.words, t.words), cmp.Compare(s.prefix, t.prefix))
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// candidates returns the classes whose probe has the prototype of an event:
// the same parameter names and types, or failing that the same types (the
// names of a DEFINE_EVENT's parameters may differ from its template's).
func (b *kbtf) candidates(params []btf.FuncParam) []string {
	sigs := b.signatures()
	if cs := sigs[b.signature(params, true)]; len(cs) > 0 {
		return cs
	}
	return sigs[b.signature(params, false)]
}

// signatures maps the parameter signatures (with and without names) of
// each class's probe function to the classes that have it. It is computed
// once.
func (b *kbtf) signatures() map[string][]string {
	sigs, _ := b.sigs.get(func() (map[string][]string, error) {
		sigs := make(map[string][]string)
		for class := range b.idx.classes {
			p := b.classProto(class)
			if p == nil {
				continue
			}
			for _, names := range []bool{true, false} {
				sig := b.signature(p.Params[1:], names)
				sigs[sig] = append(sigs[sig], class)
			}
		}
		for _, cs := range sigs {
			slices.Sort(cs)
		}
		return sigs, nil
	})
	return sigs
}

// classProto returns the prototype of a class's probe function.
func (b *kbtf) classProto(class string) *btf.FuncProto {
	for _, prefix := range classProbePrefixes {
		if fs := named[*btf.Func](b, prefix+class); len(fs) > 0 {
			if p, ok := fs[0].Type.(*btf.FuncProto); ok && len(p.Params) > 0 {
				return p
			}
		}
	}
	return nil
}

// signature spells parameters by type ID and, if names, by name.
func (b *kbtf) signature(params []btf.FuncParam, names bool) string {
	var sb strings.Builder
	for _, p := range params {
		id, _ := b.spec.TypeID(p.Type)
		if names {
			sb.WriteString(p.Name)
			sb.WriteByte(':')
		}
		fmt.Fprintf(&sb, "%d,", id)
	}
	if !names {
		sb.WriteString("types")
	}
	return sb.String()
}

// guessCategory guesses an event's TRACE_SYSTEM from its name: by the
// longest of knownPrefixes it starts with, else its first word.
func guessCategory(event string) string {
	best, cat := "", ""
	for _, p := range knownPrefixes {
		if strings.HasPrefix(event, p.prefix) && len(p.prefix) > len(best) {
			best, cat = p.prefix, p.category
		}
	}
	if cat == "" {
		cat, _, _ = strings.Cut(event, "_")
	}
	return cat
}

// syscallNames lists the syscalls BTF has an entry point for: functions
// __<arch>_sys_<name>, and __do_sys_<name> or __se_sys_<name> for
// syscalls whose entry point is an alias (those without arguments). The
// list is longer than the kernel's syscall table: BTF cannot tell the
// entry points of compat syscalls and the stubs of syscalls not built
// (chown16, clock_gettime32, spu_run) from native ones. Computed once.
func (b *kbtf) syscallNames() []string {
	names, _ := b.syscalls.get(func() ([]string, error) {
		var names []string
		for _, fn := range b.idx.funcs {
			for _, p := range slices.Concat(syscallPrefixes, syscallImplPrefixes) {
				if sc, ok := strings.CutPrefix(fn, p); ok {
					names = append(names, sc)
				}
			}
		}
		slices.Sort(names)
		return slices.Compact(names), nil
	})
	return names
}

// syscallFormat lays out syscalls:sys_enter_<name> or sys_exit_<name> as
// the kernel's syscall trace events do.
func (b *kbtf) syscallFormat(event string) (*Format, error) {
	f := &Format{Category: "syscalls", Event: event, FromBTF: true, Fields: []FormatField{
		{Name: "__syscall_nr", CType: "int __syscall_nr", Type: types.Int32, Offset: 8, Size: 4, Signed: true},
	}}
	if sc, ok := strings.CutPrefix(event, "sys_exit_"); ok && b.isSyscall(sc) {
		f.Fields = append(f.Fields, FormatField{Name: "ret", CType: "long ret", Type: types.Int64, Offset: 16, Size: 8, Signed: true})
		f.Size = 24
		return f, nil
	}
	sc, ok := strings.CutPrefix(event, "sys_enter_")
	if !ok || !b.isSyscall(sc) {
		return nil, notFound("tracepoint", "syscalls:"+event)
	}
	var proto *btf.FuncProto
	for _, p := range syscallImplPrefixes {
		if fs := named[*btf.Func](b, p+sc); len(fs) > 0 {
			proto, _ = fs[0].Type.(*btf.FuncProto)
			break
		}
	}
	if proto == nil {
		return nil, fmt.Errorf("tracepoint syscalls:%s: BTF lacks the parameters of syscall %s (no __do_sys_%s): %w",
			event, sc, sc, ErrNotFound)
	}
	off := int64(16)
	for _, p := range proto.Params {
		if _, void := p.Type.(*btf.Void); void || p.Name == "__unused" {
			continue
		}
		f.Fields = append(f.Fields, FormatField{
			Name: p.Name, CType: cTypeName(p.Type, p.Name), Type: userPointers(b.convert(p.Type)),
			Offset: off, Size: 8,
		})
		off += 8
	}
	f.Size = off
	return f, nil
}

func (b *kbtf) isSyscall(name string) bool {
	_, ok := slices.BinarySearch(b.syscallNames(), name)
	return ok
}

// userPointers makes pointers (and pointers they point to) point to user
// memory, as a syscall's pointer arguments do.
func userPointers(t types.Type) types.Type {
	p, ok := t.(*types.Pointer)
	if !ok {
		return t
	}
	return &types.Pointer{Elem: userPointers(p.Elem), AddrSpace: types.AddrUser}
}
