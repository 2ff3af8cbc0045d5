package probes

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/kernel"
	"github.com/bt-tools/bt/lang/types"
)

func TestLookup(t *testing.T) {
	tests := []struct{ in, want string }{
		{"kprobe", "kprobe"}, {"k", "kprobe"}, {"KPROBE", "kprobe"}, {"Kprobe", "kprobe"},
		{"kr", "kretprobe"}, {"u", "uprobe"}, {"ur", "uretprobe"}, {"U", "usdt"}, {"usdt", "usdt"},
		{"t", "tracepoint"}, {"rt", "rawtracepoint"}, {"p", "profile"}, {"i", "interval"},
		{"s", "software"}, {"h", "hardware"}, {"w", "watchpoint"}, {"it", "iter"},
		{"f", "fentry"}, {"kfunc", "fentry"}, {"fr", "fexit"}, {"kretfunc", "fexit"},
		{"BEGIN", "begin"}, {"begin", "begin"}, {"END", "end"}, {"End", "end"},
		{"self", "self"}, {"test", "test"}, {"bench", "bench"},
	}
	for _, tt := range tests {
		p, ok := Lookup(tt.in)
		if !ok || p.Name != tt.want {
			t.Errorf("Lookup(%q) = %v, %v; want %s", tt.in, p, ok, tt.want)
		}
	}
	for _, bad := range []string{"", "kprobx", "x", "uprobes"} {
		if p, ok := Lookup(bad); ok {
			t.Errorf("Lookup(%q) = %s, want no match", bad, p.Name)
		}
	}
}

func TestRegistry(t *testing.T) {
	seen := map[string]string{}
	all := All()
	if !slices.IsSortedFunc(all, func(a, b *Provider) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("All is not sorted")
	}
	for _, p := range all {
		for _, n := range append([]string{p.Name}, p.Aliases...) {
			if other, dup := seen[n]; dup {
				t.Errorf("name %q used by %s and %s", n, other, p.Name)
			}
			seen[n] = p.Name
		}
		for _, l := range p.Legacy {
			if !slices.Contains(p.Aliases, l) {
				t.Errorf("%s: legacy name %q is not an alias", p.Name, l)
			}
		}
		if p.Doc == "" || !strings.Contains(p.Doc, "```") || len(p.Forms) == 0 || p.Since == "" ||
			p.TypeName == "" || p.parse == nil {
			t.Errorf("%s: incomplete entry", p.Name)
		}
		for _, f := range p.Forms {
			if !strings.HasPrefix(f, p.Name) {
				t.Errorf("%s: form %q does not start with the name", p.Name, f)
			}
		}
		if p.Ctx != (p.CtxType != "") {
			t.Errorf("%s: Ctx and CtxType disagree", p.Name)
		}
	}
}

func TestNamesAndAllows(t *testing.T) {
	got := Names(func(p *Provider) bool { return p.Allows("args") })
	want := []string{"fentry", "fexit", "rawtracepoint", "tracepoint", "uprobe"}
	if !slices.Equal(got, want) {
		t.Errorf("args providers = %v, want %v", got, want)
	}
	got = Names(func(p *Provider) bool { return p.Allows("retval") })
	want = []string{"fexit", "kretprobe", "uretprobe"}
	if !slices.Equal(got, want) {
		t.Errorf("retval providers = %v, want %v", got, want)
	}
}

func TestMatchProviders(t *testing.T) {
	var names []string
	for _, p := range MatchProviders("k*", false) {
		names = append(names, p.Name)
	}
	if !slices.Equal(names, []string{"kprobe", "kretprobe"}) {
		t.Errorf("k* = %v", names)
	}
	names = nil
	for _, p := range MatchProviders("*", true) {
		names = append(names, p.Name)
	}
	if !slices.Equal(names, []string{"uprobe", "uretprobe", "usdt"}) {
		t.Errorf("* (user) = %v", names)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		raw  string
		want AttachPoint // Raw and Provider are checked separately
		prov string
		name string // ProbeName
	}{
		{"kprobe:vfs_read", AttachPoint{Func: "vfs_read"}, "kprobe", "kprobe:vfs_read"},
		{"k:vfs_read", AttachPoint{Func: "vfs_read"}, "kprobe", "kprobe:vfs_read"},
		{"kprobe:mod:fn+0x10", AttachPoint{Module: "mod", Func: "fn", Offset: 16}, "kprobe", "kprobe:mod:fn+16"},
		{"kprobe:0xffffffff81000000", AttachPoint{Addr: 0xffffffff81000000, HasAddr: true}, "kprobe", "kprobe:18446744071578845184"},
		{"kprobe:vfs_*", AttachPoint{Func: "vfs_*", Wildcard: true}, "kprobe", "kprobe:vfs_*"},
		{"kprobe:mod*:f", AttachPoint{Module: "mod*", Func: "f", Wildcard: true}, "kprobe", "kprobe:mod*:f"},
		{"kr:vfs_read", AttachPoint{Func: "vfs_read"}, "kretprobe", "kretprobe:vfs_read"},
		{"tracepoint:syscalls:sys_enter_*", AttachPoint{Category: "syscalls", Event: "sys_enter_*", Wildcard: true}, "tracepoint", "tracepoint:syscalls:sys_enter_*"},
		{"t:*foo*", AttachPoint{Category: "*", Event: "*foo*", Wildcard: true}, "tracepoint", "tracepoint:*:*foo*"},
		{"t:sched:sched_switch", AttachPoint{Category: "sched", Event: "sched_switch"}, "tracepoint", "tracepoint:sched:sched_switch"},
		{"tracepoint:block:block_rq_[ab]", AttachPoint{Category: "block", Event: "block_rq_[ab]", Wildcard: true}, "tracepoint", "tracepoint:block:block_rq_[ab]"},
		{"uprobe:/bin/bash:readline", AttachPoint{Target: "/bin/bash", Func: "readline"}, "uprobe", "uprobe:/bin/bash:readline"},
		{`uprobe:"/path with:colon":f`, AttachPoint{Target: "/path with:colon", Func: "f"}, "uprobe", "uprobe:/path with:colon:f"},
		{`uprobe:"/a\"b":f`, AttachPoint{Target: `/a"b`, Func: "f"}, "uprobe", `uprobe:/a"b:f`},
		{"uprobe:/bin/x:f+8", AttachPoint{Target: "/bin/x", Func: "f", Offset: 8}, "uprobe", "uprobe:/bin/x:f+8"},
		{"uprobe:/bin/x:0x400", AttachPoint{Target: "/bin/x", Addr: 0x400, HasAddr: true}, "uprobe", "uprobe:/bin/x:1024"},
		{`uprobe:/bin/x:cpp:"ns::f"`, AttachPoint{Target: "/bin/x", Lang: "cpp", Func: "ns::f"}, "uprobe", "uprobe:/bin/x:cpp:ns::f"},
		{"uprobe:readline", AttachPoint{Func: "readline"}, "uprobe", "uprobe::readline"},
		{"uprobe:libc:malloc", AttachPoint{Target: "libc", Func: "malloc"}, "uprobe", "uprobe:libc:malloc"},
		{"uprobe:/bin/x@main.c:42", AttachPoint{Target: "/bin/x", SourceFile: "main.c", Line: 42}, "uprobe", "uprobe:/bin/x@main.c:42"},
		{"uprobe:/bin/x@main.c:42:7", AttachPoint{Target: "/bin/x", SourceFile: "main.c", Line: 42, Column: 7}, "uprobe", "uprobe:/bin/x@main.c:42:7"},
		{"ur:/bin/bash:readline", AttachPoint{Target: "/bin/bash", Func: "readline"}, "uretprobe", "uretprobe:/bin/bash:readline"},
		{"usdt:/bin/x:ns:probe", AttachPoint{Target: "/bin/x", Namespace: "ns", Func: "probe"}, "usdt", "usdt:/bin/x:ns:probe"},
		{"U:/bin/x:probe", AttachPoint{Target: "/bin/x", Func: "probe"}, "usdt", "usdt:/bin/x:probe"},
		{"usdt:*:probe", AttachPoint{Target: "*", Func: "probe", Wildcard: true}, "usdt", "usdt:*:probe"},
		{"profile:hz:99", AttachPoint{Unit: "hz", Rate: 99}, "profile", "profile:hz:99"},
		{"p:ms:10", AttachPoint{Unit: "ms", Rate: 10}, "profile", "profile:ms:10"},
		{"profile:1ms", AttachPoint{Unit: "us", Rate: 1000}, "profile", "profile:us:1000"},
		{"interval:s:1", AttachPoint{Unit: "s", Rate: 1}, "interval", "interval:s:1"},
		{"interval:1s", AttachPoint{Unit: "us", Rate: 1000000}, "interval", "interval:us:1000000"},
		{"i:5000", AttachPoint{Unit: "us", Rate: 5}, "interval", "interval:us:5"},
		{"interval:ms:1_000", AttachPoint{Unit: "ms", Rate: 1000}, "interval", "interval:ms:1000"},
		{"software:page-faults:100", AttachPoint{Event: "page-faults", Rate: 100}, "software", "software:page-faults:100"},
		{"s:faults", AttachPoint{Event: "faults"}, "software", "software:faults"},
		{"hardware:cache-misses:1000000", AttachPoint{Event: "cache-misses", Rate: 1000000}, "hardware", "hardware:cache-misses:1000000"},
		{"h:cycles:1e6", AttachPoint{Event: "cycles", Rate: 1000000}, "hardware", "hardware:cycles:1000000"},
		{"watchpoint:0x1234:8:rw", AttachPoint{Addr: 0x1234, HasAddr: true, Len: 8, Mode: "rw"}, "watchpoint", "watchpoint:4660:8:rw"},
		{"w:0x1234:4:wr", AttachPoint{Addr: 0x1234, HasAddr: true, Len: 4, Mode: "rw"}, "watchpoint", "watchpoint:4660:4:rw"},
		{"iter:task", AttachPoint{Func: "task"}, "iter", "iter:task"},
		{"iter:task:pin", AttachPoint{Func: "task", Pin: "pin"}, "iter", "iter:task"},
		{"rawtracepoint:sched_switch", AttachPoint{Func: "sched_switch"}, "rawtracepoint", "rawtracepoint:sched_switch"},
		{"rt:vmlinux:sched_*", AttachPoint{Module: "vmlinux", Func: "sched_*", Wildcard: true}, "rawtracepoint", "rawtracepoint:vmlinux:sched_*"},
		{"fentry:vfs_read", AttachPoint{Func: "vfs_read"}, "fentry", "fentry:vfs_read"},
		{"kfunc:vfs_read", AttachPoint{Func: "vfs_read"}, "fentry", "fentry:vfs_read"},
		{"fexit:mod:fn", AttachPoint{Module: "mod", Func: "fn"}, "fexit", "fexit:mod:fn"},
		{"fentry:bpf:prog", AttachPoint{Target: "bpf", Func: "prog"}, "fentry", "fentry:bpf:prog"},
		{"fentry:bpf:42:prog", AttachPoint{Target: "bpf", ProgID: 42, Func: "prog"}, "fentry", "fentry:bpf:42:prog"},
		{"fentry:bpf:*:prog", AttachPoint{Target: "bpf", Func: "prog"}, "fentry", "fentry:bpf:prog"},
		{"BEGIN", AttachPoint{}, "begin", "begin"},
		{"begin", AttachPoint{}, "begin", "begin"},
		{"END", AttachPoint{}, "end", "end"},
		{"begin:*", AttachPoint{}, "begin", "begin"},
		{"self:signal:SIGUSR1", AttachPoint{Category: "signal", Event: "SIGUSR1"}, "self", "self:signal:SIGUSR1"},
		{"test:mytest", AttachPoint{Func: "mytest"}, "test", "test:mytest"},
		{"bench:b1", AttachPoint{Func: "b1"}, "bench", "bench:b1"},
		{"name=kprobe:f", AttachPoint{UserName: "name", Func: "f"}, "kprobe", "name"},
	}
	for _, tt := range tests {
		ap, err := Parse(tt.raw)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.raw, err)
			continue
		}
		if ap.Provider.Name != tt.prov || ap.Raw != tt.raw {
			t.Errorf("Parse(%q): provider %s, raw %q", tt.raw, ap.Provider.Name, ap.Raw)
		}
		got := *ap
		got.Provider, got.Raw = nil, ""
		if got != tt.want {
			t.Errorf("Parse(%q) =\n %+v\nwant\n %+v", tt.raw, got, tt.want)
		}
		if n := ap.ProbeName(); n != tt.name {
			t.Errorf("Parse(%q).ProbeName() = %q, want %q", tt.raw, n, tt.name)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		raw, code, msg string // msg: a substring of the message
	}{
		{"", CodeInvalidAP, "empty"},
		{"kprobx:f", CodeUnknownProvider, `unknown probe type "kprobx" (did you mean "kprobe"?)`},
		{"tracepiont:a:b", CodeUnknownProvider, `did you mean "tracepoint"?`},
		{"zzz:f", CodeUnknownProvider, `unknown probe type "zzz"`},
		{":f", CodeInvalidAP, "missing probe type"},
		{"k*:f", CodeWildcard, "wildcard in probe type"},
		{"kprobe", CodePartCount, "kprobe attach point takes 1 or 2 fields after the probe type, found 0"},
		{"kprobe:a:b:c", CodePartCount, "found 3"},
		{"kprobe:", CodeInvalidAP, "kprobe needs a function or an address"},
		{"kprobe:f+1+2", CodeInvalidAP, "more than one offset"},
		{"kprobe:f+", CodeInvalidAP, "invalid offset"},
		{"kprobe:f+zz", CodeInvalidAP, `invalid offset "zz"`},
		{"kretprobe:f+8", CodeInvalidAP, "kretprobe attach points cannot take an offset"},
		{"kprobe:f@x", CodeInvalidAP, "unexpected '@'"},
		{"tracepoint:syscalls", CodePartCount, "takes 2 fields"},
		{"tracepoint:a:b:c", CodePartCount, "found 3"},
		{"tracepoint::b", CodeInvalidAP, "needs a category and an event"},
		{"uprobe::f", CodeInvalidAP, "uprobe needs a binary"},
		{"uprobe:/bin/x:rust:f", CodeInvalidAP, `unsupported language "rust"`},
		{"uprobe:/bin/x:", CodeInvalidAP, "needs a function or an address"},
		{"uprobe:/bin/*:0x10", CodeInvalidAP, "wildcard binary"},
		{"uretprobe:/bin/x:f+1", CodeInvalidAP, "cannot take an offset"},
		{"uretprobe:/bin/x@a.c:1", CodeInvalidAP, "cannot take a source location"},
		{"uprobe:/bin/x@a.c", CodeInvalidAP, "invalid source location"},
		{"uprobe:/bin/*@a.c:1", CodeWildcard, "source location"},
		{"uprobe:/bin/x@a.c:one", CodeInvalidAP, `invalid line number "one"`},
		{"uprobe:/bin/x:cpp:ns::f", CodePartCount, "2 or 3 fields"},
		{"usdt:/bin/x:", CodeInvalidAP, "usdt needs a probe name"},
		{"usdt:a:b:c:d", CodePartCount, "2 or 3 fields"},
		{"profile:hz:0", CodeInvalidRate, "positive integer"},
		{"profile:ns:10", CodeInvalidRate, `"ns" is not a time unit`},
		{"profile:hz:abc", CodeInvalidRate, `invalid profile rate "abc"`},
		{"profile:100", CodeInvalidRate, "too short"},
		{"interval:1x", CodeInvalidRate, "invalid interval period"},
		{"interval", CodePartCount, "1 or 2 fields"},
		{"profile:*", CodeWildcard, "wildcards are not allowed in profile"},
		{"software:page-faultz", CodeUnknownEvent, `"page-faultz" is not a software event`},
		{"software:*", CodeWildcard, "wildcards are not allowed in software"},
		{"software:faults:x", CodeInvalidRate, "invalid software count"},
		{"hardware:cycles:1:2", CodePartCount, "1 or 2 fields"},
		{"watchpoint:0x1234:3:rw", CodeInvalidAP, "length must be 1, 2, 4 or 8"},
		{"watchpoint:0:8:rw", CodeInvalidAP, "non-zero address"},
		{"watchpoint:0x10:8:rq", CodeInvalidAP, "combine r, w and x"},
		{"watchpoint:0x10:8:ww", CodeInvalidAP, "repeats"},
		{"watchpoint:0x10:8:r", CodeInvalidAP, `mode "r" is not supported`},
		{"watchpoint:0x10:8", CodePartCount, "3 fields"},
		{"watchpoint:zz:8:w", CodeInvalidAP, "invalid watchpoint address"},
		{"iter:task*", CodeWildcard, "not allowed in iter"},
		{"iter:", CodeInvalidAP, "iterator name"},
		{"iter:a:b:c", CodePartCount, "1 or 2 fields"},
		{"fentry:a:b:c", CodePartCount, "only fentry:bpf"},
		{"fentry:bpf", CodeInvalidAP, "needs a BPF program name"},
		{"fentry:bpf:x:prog", CodeInvalidAP, "invalid BPF program id"},
		{"fentry:", CodeInvalidAP, "fentry needs a function"},
		{"rawtracepoint:", CodeInvalidAP, "needs an event"},
		{"begin:x", CodePartCount, "takes no fields"},
		{"self:signal:SIGUSR2", CodeUnknownEvent, "not a supported signal"},
		{"self:timer:SIGUSR1", CodeUnknownEvent, "not a self probe trigger"},
		{"self:signal", CodePartCount, "2 fields"},
		{"test", CodePartCount, "1 field"},
		{"test:", CodeInvalidAP, "needs a name"},
		{`uprobe:"/bin/x:f`, CodeInvalidAP, "unterminated quote"},
		{"kprobe:$1", CodePositional, "positional parameter"},
	}
	for _, tt := range tests {
		ap, err := Parse(tt.raw)
		var pe *ProbeError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q) = %+v, %v; want a ProbeError", tt.raw, ap, err)
			continue
		}
		if pe.Code != tt.code || !strings.Contains(pe.Msg, tt.msg) {
			t.Errorf("Parse(%q) error = %s %q; want %s containing %q", tt.raw, pe.Code, pe.Msg, tt.code, tt.msg)
		}
		if pe.Off < 0 || pe.End > len(tt.raw) || pe.Off > pe.End {
			t.Errorf("Parse(%q) error span [%d,%d) out of range", tt.raw, pe.Off, pe.End)
		}
	}
}

func TestParseErrorSpanAndHint(t *testing.T) {
	_, err := Parse("kprobe:f+zz")
	pe := err.(*ProbeError)
	if got := "kprobe:f+zz"[pe.Off:pe.End]; got != "f+zz" {
		t.Errorf("span = %q, want f+zz", got)
	}
	_, err = Parse("kprobe:a:b:c")
	if pe := err.(*ProbeError); !strings.Contains(pe.Hint, "kprobe:MOD:FUNC") {
		t.Errorf("hint = %q, want the forms", pe.Hint)
	}
	_, err = Parse("myname=kprobx:f")
	if pe := err.(*ProbeError); "myname=kprobx:f"[pe.Off:pe.End] != "kprobx" {
		t.Errorf("span = [%d,%d), want the provider", pe.Off, pe.End)
	}
}

func TestParseUint(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"0", 0, true}, {"123", 123, true}, {"0x1F", 31, true}, {"0X1f", 31, true},
		{"0777", 511, true}, {"0b101", 5, true}, {"1_000", 1000, true}, {"1e6", 1000000, true},
		{"1s", 1e9, true}, {"10ms", 1e7, true}, {"5us", 5000, true}, {"2m", 120e9, true},
		{"1h", 3600e9, true}, {"1d", 86400e9, true}, {"7ns", 7, true}, {"10u", 10, true},
		{"10ull", 10, true}, {"12e4", 0, false}, {"1x", 0, false}, {"abc", 0, false},
		{"18446744073709551616", 0, false}, {"9e19", 0, false}, {"99999999999999999d", 0, false},
	}
	for _, tt := range tests {
		got, err := parseUint(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseUint(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestSubstitute(t *testing.T) {
	tests := []struct {
		raw    string
		params []string
		want   string
		code   string
	}{
		{"kprobe:vfs_read", nil, "kprobe:vfs_read", ""},
		{"kprobe:$1", []string{"vfs_read"}, "kprobe:vfs_read", ""},
		{"uprobe:$1:$2", []string{"/bin/bash", "readline"}, "uprobe:/bin/bash:readline", ""},
		{"kprobe:$2", []string{"a"}, "kprobe:", ""},
		{"kprobe:$10", []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "ten"}, "kprobe:ten", ""},
		{"interval:s:$1", []string{"5"}, "interval:s:5", ""},
		{`uprobe:"$1":f`, []string{"x"}, `uprobe:"$1":f`, ""},
		{`uprobe:"a\"$1":$1`, []string{"f"}, `uprobe:"a\"$1":f`, ""},
		{"kprobe:$x", nil, "", CodePositional},
		{"kprobe:$0", []string{"a"}, "", CodePositional},
		{"kprobe:f$", nil, "", CodePositional},
	}
	for _, tt := range tests {
		got, err := Substitute(tt.raw, tt.params)
		if tt.code != "" {
			var pe *ProbeError
			if !errors.As(err, &pe) || pe.Code != tt.code {
				t.Errorf("Substitute(%q) = %q, %v; want code %s", tt.raw, got, err, tt.code)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Substitute(%q, %q) = %q, %v; want %q", tt.raw, tt.params, got, err, tt.want)
		}
	}
	// The result parses.
	s, _ := Substitute(`uprobe:"a\"$1":$1`, []string{"f"})
	if ap, err := Parse(s); err != nil || ap.Target != `a"$1` || ap.Func != "f" {
		t.Errorf("Parse(%q) = %+v, %v", s, ap, err)
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"*", "", true}, {"*", "anything", true}, {"", "", true}, {"", "a", false},
		{"vfs_read", "vfs_read", true}, {"vfs_read", "vfs_readv", false},
		{"vfs_*", "vfs_read", true}, {"vfs_*", "vfs_", true}, {"vfs_*", "vf", false},
		{"*read", "vfs_read", true}, {"*read", "vfs_readv", false},
		{"*read*", "vfs_readv", true}, {"vfs_*_iter", "vfs_read_iter", true},
		{"vfs_*_iter", "vfs_read_iterx", false}, {"a*b", "abab", true}, {"a*b*c", "abcbc", true},
		{"a*a", "a", false}, {"**", "x", true}, {"sys_enter_[ab]", "sys_enter_[ab]", true},
		{"sys_enter_[ab]", "sys_enter_a", false}, {"*foo*", "sys_enter_foobar", true},
	}
	for _, tt := range tests {
		if got := Match(tt.pattern, tt.name); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
	if !HasWildcard("a[b]") || HasWildcard("a[b") || !HasWildcard("*") || HasWildcard("ab") {
		t.Error("HasWildcard is wrong")
	}
}

func expandRaw(t *testing.T, raw string, k kernel.Info) ([]string, error) {
	t.Helper()
	ap, err := Parse(raw)
	if err != nil {
		t.Fatalf("Parse(%q): %v", raw, err)
	}
	aps, err := Expand(ap, k)
	var out []string
	for _, a := range aps {
		if a.Wildcard || a.Raw != a.String() {
			t.Errorf("expanded %q: wildcard %v, raw %q", a.String(), a.Wildcard, a.Raw)
		}
		out = append(out, a.ProbeName())
	}
	return out, err
}

func TestExpand(t *testing.T) {
	k := newFakeKernel()
	tests := []struct {
		raw  string
		want []string
	}{
		{"kprobe:vfs_read", []string{"kprobe:vfs_read"}},
		{"kprobe:vfs_read*", []string{"kprobe:vfs_read", "kprobe:vfs_readv"}},
		{"kretprobe:vfs_*", []string{"kretprobe:vfs_fsync_range", "kretprobe:vfs_open", "kretprobe:vfs_read", "kretprobe:vfs_readv", "kretprobe:vfs_write"}},
		{"fentry:vfs_*", []string{"fentry:vfs_fsync_range", "fentry:vfs_read", "fentry:vfs_readv", "fentry:vfs_write"}},
		{"fexit:*sys*", []string{"fexit:__x64_sys_getpid", "fexit:ksys_read"}},
		{"tracepoint:syscalls:sys_enter_open*", []string{"tracepoint:syscalls:sys_enter_open", "tracepoint:syscalls:sys_enter_openat"}},
		{"tracepoint:*:sched_*", []string{"tracepoint:sched:sched_process_exec", "tracepoint:sched:sched_switch"}},
		{"t:*openat*", []string{"tracepoint:syscalls:sys_enter_openat", "tracepoint:syscalls:sys_exit_openat"}},
		{"rawtracepoint:sched_*", []string{"rawtracepoint:sched_switch", "rawtracepoint:sched_wakeup"}},
		{"uprobe:/bin/bash:readline*", []string{"uprobe:/bin/bash:readline", "uprobe:/bin/bash:readline_internal"}},
		{"uretprobe:/bin/bash:*", []string{"uretprobe:/bin/bash:main", "uretprobe:/bin/bash:readline", "uretprobe:/bin/bash:readline_internal"}},
		{"x=kprobe:tcp_*", []string{"x"}},
	}
	for _, tt := range tests {
		got, err := expandRaw(t, tt.raw, k)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("Expand(%q) = %v, %v; want %v", tt.raw, got, err, tt.want)
		}
	}
}

func TestExpandErrors(t *testing.T) {
	k := newFakeKernel()
	tests := []struct {
		raw  string
		is   error
		code string
	}{
		{"kprobe:nothing_*", ErrNoMatch, CodeNoMatch},
		{"tracepoint:nope:*", ErrNoMatch, CodeNoMatch},
		{"uprobe:/bin/*:f*", ErrNotSupported, CodeWildcard},
		{"uprobe:/bin/zsh:f*", kernel.ErrNotFound, CodeNotFound},
		{"usdt:/bin/x:*", ErrNotSupported, CodeWildcard},
		{"fentry:bpf:*", ErrNotSupported, CodeNoMatch},
	}
	for _, tt := range tests {
		_, err := expandRaw(t, tt.raw, k)
		var pe *ProbeError
		if !errors.Is(err, tt.is) || !errors.As(err, &pe) || pe.Code != tt.code {
			t.Errorf("Expand(%q) error = %v; want %v with code %s", tt.raw, err, tt.is, tt.code)
		}
	}
	// Expanding an iterator wildcard built by hand (listing does this).
	ap := &AttachPoint{Provider: mustLookup(t, "iter"), Func: "task_*", Wildcard: true, Raw: "iter:task_*"}
	aps, err := Expand(ap, k)
	if err != nil || len(aps) != 2 || aps[0].Func != "task_file" {
		t.Errorf("Expand(iter:task_*) = %v, %v", aps, err)
	}
}

func mustLookup(t *testing.T, name string) *Provider {
	t.Helper()
	p, ok := Lookup(name)
	if !ok {
		t.Fatalf("no provider %s", name)
	}
	return p
}

func mustParse(t *testing.T, raw string) *AttachPoint {
	t.Helper()
	ap, err := Parse(raw)
	if err != nil {
		t.Fatalf("Parse(%q): %v", raw, err)
	}
	return ap
}

func TestExists(t *testing.T) {
	k := newFakeKernel()
	for _, raw := range []string{
		"kprobe:vfs_read", "kprobe:0x10", "fentry:vfs_read", "tracepoint:sched:sched_switch",
		"rawtracepoint:sched_switch", "iter:task", "uprobe:/bin/bash:readline", "begin",
		"profile:hz:99", "kprobe:vfs_*", "usdt:/bin/x:p",
	} {
		if err := Exists(mustParse(t, raw), k); err != nil {
			t.Errorf("Exists(%q) = %v", raw, err)
		}
	}
	err := Exists(mustParse(t, "kprobe:nope"), k)
	if pe, ok := err.(*ProbeError); !ok || pe.Code != CodeNotTraceable || !errors.Is(err, kernel.ErrNotFound) ||
		!strings.Contains(pe.Msg, "nope is not traceable") {
		t.Errorf("Exists(kprobe:nope) = %v", err)
	}
	for _, raw := range []string{
		"fentry:vfs_open", "tracepoint:sched:nope", "rawtracepoint:nope",
		"iter:nope", "uprobe:/bin/bash:nope", "uprobe:/bin/nope:f",
	} {
		err := Exists(mustParse(t, raw), k)
		var pe *ProbeError
		if !errors.Is(err, kernel.ErrNotFound) || !errors.As(err, &pe) || pe.Code != CodeNotFound {
			t.Errorf("Exists(%q) = %v; want a not-found ProbeError", raw, err)
		}
	}
	if err := Exists(mustParse(t, "kprobe:nothing*"), k); !errors.Is(err, ErrNoMatch) {
		t.Errorf("Exists(kprobe:nothing*) = %v, want ErrNoMatch", err)
	}
}

func TestArgsType(t *testing.T) {
	k := newFakeKernel()
	s, err := ArgsType(mustParse(t, "tracepoint:syscalls:sys_enter_openat"), k)
	if err != nil {
		t.Fatal(err)
	}
	if s.String() != "struct tracepoint:syscalls:sys_enter_openat_args" || s.Size() != 48 || len(s.Fields()) != 5 {
		t.Errorf("openat args = %s size %d fields %d", s, s.Size(), len(s.Fields()))
	}
	f, ok := s.Field("filename")
	if p, isPtr := f.Type.(*types.Pointer); !ok || f.Offset != 24 || !isPtr || p.AddrSpace != types.AddrUser {
		t.Errorf("filename = %+v", f)
	}
	if charPtr.AddrSpace != types.AddrNone {
		t.Error("ArgsType modified the kernel's type")
	}

	s, err = ArgsType(mustParse(t, "tracepoint:sched:sched_switch"), k)
	if err != nil {
		t.Fatal(err)
	}
	f, _ = s.Field("prev_comm")
	if a, isArr := f.Type.(*types.Array); !isArr || a.Len != 16 || f.Offset != 8 {
		t.Errorf("prev_comm = %+v, want char[16] at 8", f)
	}
	f, _ = s.Field("prev_pid")
	if f.Type != types.Int32 || f.Offset != 24 {
		t.Errorf("prev_pid = %+v", f)
	}

	for _, raw := range []string{"fentry:vfs_read", "fexit:vfs_read"} {
		s, err = ArgsType(mustParse(t, raw), k)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for i, f := range s.Fields() {
			names = append(names, f.Name)
			if f.Offset != int64(8*i) {
				t.Errorf("%s: %s at %d", raw, f.Name, f.Offset)
			}
		}
		if !slices.Equal(names, []string{"file", "buf", "count", "pos"}) || s.Size() != 32 {
			t.Errorf("%s args = %v size %d", raw, names, s.Size())
		}
		if f, _ := s.Field("buf"); f.Type.(*types.Pointer).AddrSpace != types.AddrKernel {
			t.Errorf("%s: buf not a kernel pointer", raw)
		}
	}

	s, err = ArgsType(mustParse(t, "rawtracepoint:sched_switch"), k)
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := s.Field("next"); !ok || f.Offset != 16 || f.Type.String() != "struct task_struct *" {
		t.Errorf("rt next = %+v", f)
	}
}

func TestArgsTypeErrors(t *testing.T) {
	k := newFakeKernel()
	tests := []struct {
		raw, code string
		is        error
		msg       string
	}{
		{"tracepoint:syscalls:sys_enter_nope", CodeNotFound, kernel.ErrNotFound, "tracepoint syscalls:sys_enter_nope not found"},
		{"fentry:nope", CodeNotFound, kernel.ErrNotFound, "kernel function nope not found (attach point fentry:nope)"},
		{"fentry:vfs_open", CodeNotFound, kernel.ErrNotFound, "vfs_open"},
		{"rawtracepoint:nope", CodeNotFound, kernel.ErrNotFound, "raw tracepoint nope"},
		{"uprobe:/bin/bash:readline", CodeNoLayout, ErrNotSupported, "DWARF"},
		{"tracepoint:syscalls:*", CodeNoLayout, nil, "expanded"},
		{"kprobe:vfs_read", CodeContext, nil, "args can only be used in fentry, fexit, rawtracepoint, tracepoint, uprobe probes, not in kprobe probes"},
		{"fentry:bpf:prog", CodeContext, nil, "fentry:bpf"},
	}
	for _, tt := range tests {
		_, err := ArgsType(mustParse(t, tt.raw), k)
		var pe *ProbeError
		if !errors.As(err, &pe) || pe.Code != tt.code || !strings.Contains(pe.Msg, tt.msg) ||
			(tt.is != nil && !errors.Is(err, tt.is)) {
			t.Errorf("ArgsType(%q) = %v; want %s %q (is %v)", tt.raw, err, tt.code, tt.msg, tt.is)
		}
	}
}

func TestRetvalType(t *testing.T) {
	k := newFakeKernel()
	tests := []struct {
		raw  string
		want types.Type
	}{
		{"fexit:vfs_read", types.Int64},
		{"fexit:tcp_sendmsg", types.Int32},
		{"kretprobe:vfs_read", types.Uint64},
		{"uretprobe:/bin/bash:readline", types.Uint64},
	}
	for _, tt := range tests {
		got, err := RetvalType(mustParse(t, tt.raw), k)
		if err != nil || got != tt.want {
			t.Errorf("RetvalType(%q) = %v, %v; want %v", tt.raw, got, err, tt.want)
		}
	}
	_, err := RetvalType(mustParse(t, "fexit:nope"), k)
	if !errors.Is(err, kernel.ErrNotFound) {
		t.Errorf("RetvalType(fexit:nope) = %v", err)
	}
	_, err = RetvalType(mustParse(t, "tracepoint:a:b"), k)
	if pe, ok := err.(*ProbeError); !ok || pe.Code != CodeContext || !strings.Contains(pe.Hint, "args.ret") {
		t.Errorf("RetvalType(tracepoint) = %v", err)
	}
}

func TestPeriod(t *testing.T) {
	if d := mustParse(t, "interval:1s").Period(); d != time.Second {
		t.Errorf("period = %v", d)
	}
	if d := mustParse(t, "interval:ms:250").Period(); d != 250*time.Millisecond {
		t.Errorf("period = %v", d)
	}
	ap := mustParse(t, "profile:hz:99")
	if ap.Period() != 0 || ap.Frequency() != 99 {
		t.Errorf("hz: %v %v", ap.Period(), ap.Frequency())
	}
}

func TestPerfEvents(t *testing.T) {
	e, ok := LookupPerfEvent("software", "cs")
	if !ok || e.Name != "context-switches" || e.Default != 1000 {
		t.Errorf("cs = %+v, %v", e, ok)
	}
	if _, ok := LookupPerfEvent("hardware", "page-faults"); ok {
		t.Error("page-faults is not a hardware event")
	}
	if len(PerfEvents("hardware")) != 10 || PerfEvents("kprobe") != nil {
		t.Error("PerfEvents")
	}
}

func TestCodesDocumented(t *testing.T) {
	for _, c := range []string{
		CodeAttachPoint, CodeMissing, CodeUnknownProvider, CodePartCount, CodeInvalidAP, CodeInvalidRate, CodeUnknownEvent,
		CodeWildcard, CodePositional, CodeUnsafeAP, CodeNotFound, CodeNoMatch, CodeContext,
		CodeNoLayout, CodeNotTraceable, CodeSkipped,
	} {
		if _, ok := diag.Lookup(c); !ok {
			t.Errorf("code %s is not in lang/diag", c)
		}
	}
}

func TestAllowsAndContext(t *testing.T) {
	k, tp := mustLookup(t, "kprobe"), mustLookup(t, "tracepoint")
	tests := []struct {
		p       *Provider
		builtin string
		want    bool
	}{
		{k, "arg0", true}, {k, "arg12", true}, {k, "argN", true}, {k, "args", false}, {k, "retval", false},
		{k, "func", true}, {k, "ctx", true}, {k, "reg", true}, {k, "usermode", true}, {k, "pid", true},
		{tp, "args", true}, {tp, "arg0", false}, {tp, "ctx", false}, {tp, "reg", false}, {tp, "comm", true},
	}
	for _, tt := range tests {
		if got := tt.p.Allows(tt.builtin); got != tt.want {
			t.Errorf("%s.Allows(%q) = %v", tt.p.Name, tt.builtin, got)
		}
	}
	for name, want := range map[string]bool{
		"arg0": true, "arg10": true, "argN": true, "args": true, "retval": true, "arg": false,
		"argx": false, "pid": false, "probe": false,
	} {
		if got := IsContextBuiltin(name); got != want {
			t.Errorf("IsContextBuiltin(%q) = %v", name, got)
		}
	}
	e := ContextError(tp, "ctx")
	if e.Error() != "ctx can only be used in hardware, interval, iter, kprobe, kretprobe, profile, software, uprobe, uretprobe, usdt, watchpoint probes, not in tracepoint probes" ||
		e.Hint != "use args instead of ctx in tracepoint probes" {
		t.Errorf("ContextError = %q (hint %q)", e.Error(), e.Hint)
	}
	if ProgTracing.String() != "tracing" || mustLookup(t, "iter").ProgType != ProgTracing {
		t.Error("ProgType")
	}
}

func TestCheckUnsafe(t *testing.T) {
	ap := mustParse(t, "kprobe:0xffffffff81000000")
	if err := ap.CheckUnsafe(false); err == nil || err.(*ProbeError).Code != CodeUnsafeAP {
		t.Errorf("CheckUnsafe(false) = %v", err)
	}
	if err := ap.CheckUnsafe(true); err != nil {
		t.Errorf("CheckUnsafe(true) = %v", err)
	}
	for _, raw := range []string{"kprobe:vfs_read", "uprobe:/bin/x:0x10"} {
		if err := mustParse(t, raw).CheckUnsafe(false); err != nil {
			t.Errorf("%s: CheckUnsafe = %v", raw, err)
		}
	}
}
