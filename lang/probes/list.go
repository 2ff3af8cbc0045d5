package probes

import (
	"fmt"
	"sort"
	"strings"

	"github.com/bt-tools/bt/lang/kernel"
)

// List returns the probes that can be attached on this kernel and match
// pattern, as `bpftrace -l` lists them ("tracepoint:sched:sched_switch",
// "kprobe:vfs_read", "software:page-faults:"). An empty pattern lists
// everything. The provider part of the pattern may be an alias
// ("t:sched:*"); a pattern without ':' is matched anywhere ("*sleep*").
func List(pattern string, k kernel.Info) ([]string, error) {
	pattern = canonicalPattern(pattern)
	var out []string
	add := func(name string) {
		if pattern == "" || Match(pattern, name) {
			out = append(out, name)
		}
	}
	for _, name := range []string{"begin", "end"} {
		add(name)
	}
	for _, prov := range []string{"software", "hardware"} {
		for _, e := range PerfEvents(prov) {
			add(prov + ":" + e.Name + ":")
		}
	}
	if k == nil {
		return out, nil
	}
	if err := listKernel(k, add); err != nil {
		return out, err
	}
	return out, nil
}

func listKernel(k kernel.Info, add func(string)) error {
	tps, err := k.Tracepoints()
	if err != nil {
		return fmt.Errorf("list tracepoints: %w", err)
	}
	for _, tp := range tps {
		add("tracepoint:" + tp.Category + ":" + tp.Event)
	}
	if rts, err := k.RawTracepoints(); err == nil {
		for _, e := range rts {
			add("rawtracepoint:" + e)
		}
	}
	if fns, err := k.Functions(); err == nil {
		for _, f := range fns {
			add("kprobe:" + f)
		}
		for _, prov := range []string{"kretprobe", "fentry", "fexit"} {
			for _, f := range fns {
				add(prov + ":" + f)
			}
		}
	}
	if its, err := k.Iters(); err == nil {
		for _, it := range its {
			add("iter:" + it)
		}
	}
	return nil
}

// canonicalPattern spells the provider part of a pattern canonically and
// makes a pattern without ':' match anywhere.
func canonicalPattern(pattern string) string {
	if pattern == "" {
		return ""
	}
	prov, rest, ok := strings.Cut(pattern, ":")
	if !ok {
		if !strings.Contains(pattern, "*") {
			return "*" + pattern + "*"
		}
		return pattern
	}
	if p, found := Lookup(prov); found {
		prov = p.Name
	}
	if prov == "tracepoint" && !strings.Contains(rest, ":") {
		rest = "*:" + rest // t:*foo* lists events in every category
	}
	return prov + ":" + rest
}

// Describe returns the argument lines `bpftrace -lv` prints under a
// probe: the fields of a tracepoint, the parameters (and retval) of a
// function or raw tracepoint, each indented by four spaces.
func Describe(name string, k kernel.Info) ([]string, error) {
	ap, err := Parse(name)
	if err != nil {
		return nil, err
	}
	if k == nil {
		return nil, nil
	}
	switch ap.Provider.Name {
	case "tracepoint":
		f, err := k.TracepointFormat(ap.Category, ap.Event)
		if err != nil {
			return nil, err
		}
		lines := make([]string, 0, len(f.Fields))
		for _, fld := range f.Fields {
			lines = append(lines, "    "+fld.CType)
		}
		return lines, nil
	case "fentry", "fexit", "kprobe", "kretprobe":
		proto, err := k.Func(ap.Func)
		if err != nil {
			return nil, err
		}
		return protoLines(proto, ap.Provider.Name == "fexit"), nil
	case "rawtracepoint":
		proto, err := k.RawTracepoint(ap.Func)
		if err != nil {
			return nil, err
		}
		return protoLines(proto, false), nil
	}
	return nil, nil
}

func protoLines(proto *kernel.FuncProto, retval bool) []string {
	var lines []string
	for _, p := range proto.Params {
		lines = append(lines, "    "+declare(p.Type.String(), p.Name))
	}
	if retval {
		lines = append(lines, "    "+declare(proto.Ret.String(), "retval"))
	}
	return lines
}

func declare(typ, name string) string {
	if strings.HasSuffix(typ, "*") {
		return typ + name
	}
	return typ + " " + name
}

// SortNames sorts listed names as bpftrace does: by provider, then name.
func SortNames(names []string) { sort.Strings(names) }
