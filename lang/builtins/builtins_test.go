package builtins

import (
	"slices"
	"strings"
	"testing"

	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/probes"
	"github.com/bt-tools/bt/lang/types"
)

func TestValidate(t *testing.T) {
	if err := Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidateCatchesMistakes(t *testing.T) {
	bad := &Builtin{
		Name: "bad", Kind: Var, Signature: "other", Probes: []string{"k"},
		Params: []Param{{Name: "x", Kind: IntArg, Idents: []string{"a"}}},
	}
	errs := bad.validate()
	for _, want := range []string{"doc", "signature", "version", "result", "probe type", "required parameter", "identifiers"} {
		found := false
		for _, e := range errs {
			found = found || strings.Contains(e.Error(), want)
		}
		if !found {
			t.Errorf("validate did not report %q: %v", want, errs)
		}
	}
}

func TestLookup(t *testing.T) {
	for _, name := range []string{
		// variables
		"pid", "tid", "uid", "gid", "nsecs", "elapsed", "cpu", "ncpus", "numaid", "comm", "pcomm",
		"ppid", "leader_comm", "leader_tid", "curtask", "cgroup", "rand", "jiffies", "username",
		"usermode", "arg0", "arg5", "retval", "args", "ctx", "func", "probe", "probetype", "kstack",
		"ustack", "dw_ustack", "cpid", "has_cpid",
		// functions
		"printf", "print", "errorf", "warnf", "debugf", "fail", "exit", "time", "strftime", "cat",
		"system", "join", "str", "buf", "strncmp", "strlen", "strcap", "strstr", "strcontains",
		"str_concat", "strerror", "signal_name", "syscall_name", "ksym", "usym", "kaddr", "uaddr",
		"percpu_kaddr", "cgroupid", "cgroup_path", "ntop", "pton", "macaddr", "bswap", "reg", "kptr",
		"uptr", "path", "skboutput", "socket_cookie", "override", "signal", "signal_thread",
		"write_user", "unwatch", "getopt", "len", "is_err", "container_of", "assert", "static_assert",
		"sizeof", "offsetof", "typeof",
		// maps
		"count", "sum", "min", "max", "avg", "stats", "hist", "lhist", "tseries", "clear", "zero",
		"delete", "has_key", "find",
	} {
		b, ok := Lookup(name)
		if !ok || b.Name != name {
			t.Errorf("Lookup(%q) = %v, %v", name, b, ok)
		}
	}
	if b, ok := Lookup("arg17"); !ok || b.Name != "arg17" || b.Result != types.Uint64 {
		t.Errorf("Lookup(arg17) = %+v, %v", b, ok)
	}
	if b, ok := Lookup("sarg2"); !ok || b.Removed == "" || !strings.Contains(b.Deprecated, "+ 24") {
		t.Errorf("Lookup(sarg2) = %+v, %v", b, ok)
	}
	for _, name := range []string{"arg", "arg01", "argx", "arg256", "nope", "sarg", "$1", ""} {
		if b, ok := Lookup(name); ok {
			t.Errorf("Lookup(%q) = %s, want none", name, b.Name)
		}
	}
	if n, ok := ArgIndex("arg12"); !ok || n != 12 {
		t.Errorf("ArgIndex(arg12) = %d, %v", n, ok)
	}
}

func TestAll(t *testing.T) {
	all := All()
	if !slices.IsSortedFunc(all, func(a, b *Builtin) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("All is not sorted")
	}
	if len(all) < 100 {
		t.Errorf("only %d builtins", len(all))
	}
	all[0] = nil
	if All()[0] == nil {
		t.Error("All returns the table itself")
	}
}

func TestContextProbes(t *testing.T) {
	tests := map[string][]string{
		"args":   {"fentry", "fexit", "rawtracepoint", "tracepoint", "uprobe"},
		"retval": {"fexit", "kretprobe", "uretprobe"},
		"arg0":   {"kprobe", "rawtracepoint", "uprobe", "usdt"},
		"func":   {"fentry", "fexit", "kprobe", "kretprobe", "uprobe", "uretprobe"},
		"reg":    {"hardware", "interval", "kprobe", "kretprobe", "profile", "software", "uprobe", "uretprobe", "usdt", "watchpoint"},
		"uaddr":  {"uprobe", "uretprobe", "usdt"},
		"path":   {"fentry", "fexit", "iter"},
	}
	for name, want := range tests {
		b, _ := Lookup(name)
		if !slices.Equal(b.Probes, want) {
			t.Errorf("%s probes = %v, want %v", name, b.Probes, want)
		}
	}
	b, _ := Lookup("skboutput")
	if !slices.Equal(b.Probes, []string{"fentry", "fexit", "iter", "rawtracepoint"}) {
		t.Errorf("skboutput probes = %v", b.Probes)
	}
}

func TestCodesDocumented(t *testing.T) {
	for _, c := range []string{
		CodeArgCount, CodeArgKind, CodeArgType, CodeFormatCount, CodeFormatType, CodeFormatInvalid,
		CodeProbeType, CodeUnsafe, CodeInLoop, CodeLiteralRange, CodeBadIdent, CodeNotPrintable,
		CodeRegister, CodeOutsideProbe, CodeBadValue, CodeFail, CodeRemoved, CodeStrLen,
		CodeDeprecated, CodeDebugf, CodePrintLoop, CodePrintStats,
	} {
		if _, ok := diag.Lookup(c); !ok {
			t.Errorf("code %s is not in lang/diag", c)
		}
	}
}

// ---------------------------------------------------------------------------
// Check hooks

// want is an expected diagnostic: its code and a substring of its message.
type want struct{ code, msg string }

var (
	str16   = &types.String{Len: 16}
	charArr = &types.Array{Elem: types.Int8, Len: 16}
	charPtr = &types.Pointer{Elem: types.Int8, AddrSpace: types.AddrKernel}
	sockPtr = &types.Pointer{Elem: types.NewStruct(false, "sock", 0, nil), AddrSpace: types.AddrKernel}
	buf8    = &types.Buffer{Len: 8}
	stats   = &types.Agg{Kind: types.Stats}
	hist    = &types.Agg{Kind: types.Hist}
	count   = &types.Agg{Kind: types.Count}
)

func TestCheckCall(t *testing.T) {
	loop := func(c *fakeCall) *fakeCall { c.inLoop = true; return c }
	unsafe := func(c *fakeCall) *fakeCall { c.unsafe = true; return c }
	strlen := func(n int64, c *fakeCall) *fakeCall { c.maxStrlen = n; return c }
	tests := []struct {
		name  string
		call  *fakeCall
		typ   string // the result's String(); "" to skip
		wants []want
	}{
		// printf and friends
		{"printf", call("kprobe", strLit("hi\n")), "void", nil},
		{"printf", call("kprobe", strLit("%d %s\n"), val(types.Uint32), val(str16)), "void", nil},
		{"printf", call("kprobe", strLit("%d %s\n"), val(types.Uint32)), "void",
			[]want{{CodeFormatCount, "not enough arguments for format string (1 supplied, 2 expected)"}}},
		{"printf", call("kprobe", strLit("%d\n"), val(types.Uint32), val(types.Uint32)), "void",
			[]want{{CodeFormatCount, "too many arguments for format string (2 supplied, 1 expected)"}}},
		{"printf", call("kprobe", strLit("%x\n"), val(str16)), "void",
			[]want{{CodeFormatType, "unsupported format specifier for type 'string[16]': x"}}},
		{"printf", call("kprobe", strLit("%r\n"), val(types.Uint64)), "void",
			[]want{{CodeFormatType, "for type 'uint64': r"}}},
		{"printf", call("kprobe", strLit("%rx %rh %r\n"), val(buf8), val(buf8), val(buf8)), "void", nil},
		{"printf", call("kprobe", strLit("%f\n"), val(types.Uint64)), "void",
			[]want{{CodeFormatInvalid, "unsupported format specifier: f"}}},
		{"printf", call("kprobe", strLit("%p %c %d %s\n"), val(charPtr), val(types.Int8), val(types.Bool), val(hist)), "void", nil},
		{"printf", call("kprobe", strLit("%d\n"), val(count)), "void", nil},
		{"printf", call("kprobe", strLit("%d\n"), val(types.Invalid)), "void", nil},
		{"printf", call("kprobe", strLit("%s\n"), val(types.Void)), "void", []want{{CodeFormatType, "void"}}},
		{"printf", call("kprobe", val(str16)), "void", []want{{CodeArgKind, "expects a string literal for fmt"}}},
		{"printf", call("kprobe"), "void", []want{{CodeArgCount, "printf() requires at least one argument (0 provided)"}}},
		{"errorf", call("kprobe", strLit("%d"), val(str16)), "void", []want{{CodeFormatType, "'string[16]': d"}}},
		{"cat", call("kprobe", strLit("/proc/%d/status"), val(types.Uint32)), "void", nil},
		{"system", call("kprobe", strLit("ls %d"), val(types.Uint32)), "void",
			[]want{{CodeUnsafe, "system() is unsafe"}}},
		{"system", unsafe(call("kprobe", strLit("ls"))), "void", nil},
		{"debugf", call("kprobe", strLit("%d %s"), val(types.Uint32), val(str16)), "void",
			[]want{{CodeDebugf, "not meant for production"}}},
		{"debugf", call("kprobe", strLit("%d %d %d %d"), intLit(1), intLit(2), intLit(3), intLit(4)), "void",
			[]want{{CodeDebugf, ""}, {CodeArgCount, "at most 3"}}},
		{"debugf", call("kprobe", strLit("%c"), intLit(1)), "void",
			[]want{{CodeDebugf, ""}, {CodeFormatInvalid, "does not support %c"}}},
		{"debugf", call("kprobe", strLit("%s"), intLit(1)), "void",
			[]want{{CodeDebugf, ""}, {CodeFormatType, "%s in debugf() needs a string"}}},
		{"fail", call("", strLit("bad %d: %s"), intLit(3), strLit("x")), "void",
			[]want{{CodeFail, "bad 3: x"}}},
		{"fail", call("", strLit("bad %d"), val(types.Uint64)), "void",
			[]want{{CodeArgKind, "literals"}}},

		// print
		{"print", call("kprobe", mapArg(types.Uint64)), "void", nil},
		{"print", call("kprobe", mapArg(types.Uint64), intLit(10), intLit(2)), "void", nil},
		{"print", loop(call("kprobe", mapArg(types.Uint64))), "void", []want{{CodePrintLoop, "loop"}}},
		{"print", call("kprobe", mapArg(stats), intLit(10)), "void", []want{{CodePrintStats, "ignored"}}},
		{"print", call("kprobe", val(types.Uint64)), "void", nil},
		{"print", call("kprobe", val(types.Uint64), intLit(3)), "void", []want{{CodeArgCount, "print() of a value takes one argument"}}},
		{"print", call("kprobe", elem(hist)), "void", []want{{CodeNotPrintable, "hist_t map cannot print the value of one key"}}},
		{"print", call("kprobe", elem(count)), "void", nil},
		{"print", call("kprobe", val(types.Void)), "void", []want{{CodeNotPrintable, "void"}}},
		{"print", call("kprobe", mapArg(types.Uint64), val(types.Uint64)), "void", []want{{CodeArgKind, "integer literal for top"}}},
		{"print", call("kprobe", typeArg(types.Uint64)), "void", []want{{CodeArgKind, "not a type"}}},

		// exit, time, strftime
		{"exit", call("begin"), "void", nil},
		{"exit", call("begin", intLit(1)), "void", nil},
		{"exit", call("begin", val(str16)), "void", []want{{CodeArgType, "expects an integer for code (string[16] provided)"}}},
		{"exit", call("begin", intLit(1), intLit(2)), "void", []want{{CodeArgCount, "exit() takes up to one argument (2 provided)"}}},
		{"exit", loop(call("begin")), "void", []want{{CodeInLoop, "for loop"}}},
		{"time", call("interval", strLit("%H\n")), "void", nil},
		{"strftime", call("kprobe", strLit("%H"), val(types.Uint64)), "timestamp", nil},
		{"strftime", call("kprobe", strLit("%H"), intLit(-5)), "timestamp", []want{{CodeLiteralRange, "negative"}}},

		// str, buf, string functions
		{"str", call("kprobe", val(charPtr)), "string[1024]", nil},
		{"str", call("kprobe", val(types.Uint64), intLit(10)), "string[11]", nil},
		{"str", call("kprobe", val(types.Uint64), intLit(2000)), "string[1024]",
			[]want{{CodeStrLen, "length param (2000) is too long and will be shortened to 1024 bytes"}}},
		{"str", strlen(64, call("kprobe", val(types.Uint64), intLit(64))), "string[64]",
			[]want{{CodeStrLen, "length param (64) is too long and will be shortened to 64 bytes"}}},
		{"str", call("kprobe", val(types.Uint64), intLit(-1)), "string[1024]", []want{{CodeLiteralRange, "negative"}}},
		{"str", call("kprobe", val(types.Uint64), val(types.Uint32)), "string[1024]", nil},
		{"str", call("kprobe", val(buf8)), "", []want{{CodeArgType, "str() expects a string, an integer or a pointer (buffer[8] provided)"}}},
		{"str", call("kprobe"), "", []want{{CodeArgCount, "str() requires at least one argument (0 provided)"}}},
		{"buf", call("kprobe", val(charPtr), intLit(8)), "buffer[8]", nil},
		{"buf", call("kprobe", val(charArr)), "buffer[16]", nil},
		{"buf", call("kprobe", val(charPtr)), "buffer[1020]", []want{{CodeArgCount, "needs a length"}}},
		{"buf", call("kprobe", val(charPtr), intLit(5000)), "buffer[1020]", nil},
		{"strncmp", call("kprobe", val(str16), strLit("bash"), intLit(4)), "uint64", nil},
		{"strncmp", call("kprobe", val(charArr), strLit("bash"), intLit(4)), "uint64", nil},
		{"strncmp", call("kprobe", val(str16), strLit("bash"), val(types.Uint64)), "", []want{{CodeArgKind, "integer literal for n"}}},
		{"strncmp", call("kprobe", val(str16), strLit("bash"), intLit(-1)), "uint64", []want{{CodeLiteralRange, "non-negative"}}},
		{"strncmp", call("kprobe", val(types.Uint64), strLit("bash"), intLit(4)), "", []want{{CodeArgType, "expects a string for s1 (uint64 provided)"}}},
		{"strlen", call("kprobe", val(str16)), "uint64", nil},
		{"strlen", call("kprobe", val(charPtr)), "uint64", nil},
		{"strlen", call("kprobe", val(types.Uint64)), "uint64", []want{{CodeArgType, "strlen() expects a string"}}},
		{"strcap", call("kprobe", val(str16)), "int64", nil},
		{"strcontains", call("kprobe", val(str16), strLit("x")), "bool", nil},
		{"strerror", call("kprobe", val(types.Int32)), "string[64]", nil},

		// symbols and addresses
		{"ksym", call("kprobe", val(types.Uint64)), "ksym_t", nil},
		{"ksym", call("kprobe", val(str16)), "", []want{{CodeArgType, "pointer or an integer"}}},
		{"kaddr", call("interval", strLit("avenrun")), "uint64", nil},
		{"kaddr", call("interval", val(str16)), "", []want{{CodeArgKind, "string literal for symbol"}}},
		{"uaddr", call("uprobe", strLit("ps1_prompt")), "uint64 *", nil},
		{"uaddr", call("uprobe", strLit("bad name")), "", []want{{CodeBadValue, "symbol name"}}},
		{"uaddr", call("kprobe", strLit("x")), "", []want{{CodeProbeType, "uaddr() cannot be used in kprobe probes (only in uprobe, uretprobe, usdt)"}}},
		{"ntop", call("kprobe", val(types.Uint32)), "inet", nil},
		{"ntop", call("kprobe", intLit(2), val(types.Uint32)), "inet", nil},
		{"ntop", call("kprobe", val(&types.Array{Elem: types.Uint8, Len: 16})), "inet", nil},
		{"ntop", call("kprobe", val(&types.Array{Elem: types.Uint8, Len: 6})), "inet", []want{{CodeArgType, "4- or 16-byte"}}},
		{"ntop", call("kprobe", val(charPtr)), "inet", []want{{CodeArgType, "integer or an array"}}},
		{"ntop", call("kprobe", val(str16), val(types.Uint32)), "", []want{{CodeArgType, "expects an integer for af"}}},
		{"pton", call("begin", strLit("127.0.0.1")), "uint8[4]", nil},
		{"pton", call("begin", strLit("::1")), "uint8[16]", nil},
		{"pton", call("begin", strLit("nope")), "invalid", []want{{CodeBadValue, "IPv4 or IPv6"}}},
		{"macaddr", call("kprobe", val(&types.Array{Elem: types.Uint8, Len: 6})), "macaddr_t", nil},
		{"macaddr", call("kprobe", val(&types.Array{Elem: types.Uint8, Len: 4})), "macaddr_t", []want{{CodeArgType, "at least 6 bytes"}}},
		{"macaddr", call("kprobe", strLit("aa")), "macaddr_t", []want{{CodeArgKind, "string literal"}}},
		{"bswap", call("kprobe", val(types.Int16)), "uint16", nil},
		{"bswap", call("kprobe", val(types.Uint32)), "uint32", nil},
		{"reg", call("kprobe", strLit("ip")), "uint64", nil},
		{"reg", call("kprobe", strLit("rip")), "uint64", []want{{CodeRegister, `"rip" is not a register`}}},
		{"reg", call("tracepoint", strLit("ip")), "uint64", []want{{CodeProbeType, "reg() cannot be used in tracepoint probes"}}},
		{"reg", call("", strLit("ip")), "uint64", []want{{CodeOutsideProbe, "outside a probe"}}},
		{"kptr", call("tracepoint", val(&types.Pointer{Elem: types.Int8, AddrSpace: types.AddrUser})), "int8 *", nil},
		{"uptr", call("kprobe", val(types.Uint64)), "uint64", nil},
		{"path", call("fentry", val(&types.Pointer{Elem: types.NewStruct(false, "path", 0, nil)})), "string[1024]", nil},
		{"path", call("fentry", val(&types.Pointer{Elem: types.NewStruct(false, "path", 0, nil)}), intLit(64)), "string[64]", nil},
		{"path", call("kprobe", val(charPtr)), "", []want{{CodeProbeType, "path() cannot be used in kprobe probes"}}},
		{"socket_cookie", call("fentry", val(sockPtr)), "uint64", nil},
		{"socket_cookie", call("fentry", val(charPtr)), "uint64", []want{{CodeArgType, "struct sock *"}}},
		{"socket_cookie", call("kprobe", val(sockPtr)), "uint64", []want{{CodeProbeType, ""}}},

		// unsafe
		{"override", call("kprobe", intLit(0)), "void", []want{{CodeUnsafe, "override() is unsafe: it needs --unsafe"}}},
		{"override", unsafe(call("kprobe", intLit(0))), "void", nil},
		{"override", unsafe(call("kretprobe", intLit(0))), "void", []want{{CodeProbeType, "only in kprobe"}}},
		{"signal", unsafe(call("kprobe", strLit("SIGKILL"))), "void", nil},
		{"signal", unsafe(call("kprobe", intLit(9))), "void", nil},
		{"signal", unsafe(call("kprobe", intLit(65))), "void", []want{{CodeLiteralRange, "1 to 64"}}},
		{"signal", unsafe(call("kprobe", strLit("SIGFOO"))), "void", []want{{CodeBadValue, `unknown signal "SIGFOO"`}}},
		{"signal", unsafe(call("kprobe", val(str16))), "void", []want{{CodeArgType, "signal name literal"}}},
		{"signal_thread", call("interval", intLit(9)), "void",
			[]want{{CodeProbeType, "signal_thread() cannot be used in interval probes"}, {CodeUnsafe, "signal_thread()"}}},
		{"write_user", call("tracepoint", val(charPtr), strLit("x"), intLit(2)), "bool", []want{{CodeUnsafe, ""}}},

		// getopt, len, container_of
		{"getopt", call("begin", strLit("verbose")), "bool", nil},
		{"getopt", call("begin", strLit("n"), intLit(10), strLit("how many")), "int64", nil},
		{"getopt", call("begin", strLit("name"), strLit("x")), "string[1024]", nil},
		{"getopt", call("begin", strLit("on"), val(types.Bool)), "bool", nil},
		{"getopt", call("begin", strLit("n"), val(types.Uint64)), "invalid", []want{{CodeArgKind, "literal"}}},
		{"len", call("begin", mapArg(types.Uint64)), "int64", nil},
		{"len", call("kprobe", val(&types.Stack{Limit: 127})), "int64", nil},
		{"len", call("kprobe", val(types.Uint64)), "int64", []want{{CodeArgType, "map or a stack"}}},
		{"container_of", call("fentry", val(sockPtr), typeArg(types.NewStruct(false, "tcp_sock", 8, []types.Field{{Name: "sk", Type: types.Uint64}})), ident("sk")), "struct tcp_sock *", nil},
		{"container_of", call("fentry", val(sockPtr), typeArg(types.NewStruct(false, "tcp_sock", 8, []types.Field{{Name: "sk", Type: types.Uint64}})), ident("nope")), "struct tcp_sock *", []want{{CodeArgType, "no field named nope"}}},
		{"container_of", call("fentry", val(sockPtr), val(types.Uint64), ident("sk")), "", []want{{CodeArgKind, "expects a type for type"}}},

		// variables
		{"pid", call("kprobe"), "uint32", nil},
		{"pid", call("kprobe", ident("init")), "uint32", nil},
		{"pid", call("kprobe", ident("host")), "uint32", []want{{CodeBadIdent, `invalid namespace "host" for pid (want one of curr_ns, init)`}}},
		{"pid", call("kprobe", intLit(1)), "uint32", []want{{CodeArgKind, "expects one of curr_ns, init"}}},
		{"nsecs", call("kprobe", ident("monotonic")), "uint64", nil},
		{"nsecs", call("kprobe", ident("tai"), ident("boot")), "uint64", []want{{CodeArgCount, "nsecs takes up to one argument (2 provided)"}}},
		{"comm", call("kprobe"), "string[16]", nil},
		{"comm", call("kprobe", val(types.Uint32)), "string[64]", nil},
		{"curtask", call("kprobe"), "struct task_struct *", nil},
		{"func", call("kprobe"), "ksym_t", nil},
		{"func", call("uretprobe"), "usym_t", nil},
		{"func", call("tracepoint"), "ksym_t", []want{{probes.CodeContext, "func can only be used in fentry, fexit, kprobe, kretprobe, uprobe, uretprobe probes, not in tracepoint probes"}}},
		{"retval", call("kretprobe"), "", nil},
		{"retval", call("tracepoint"), "", []want{{probes.CodeContext, "args.ret"}}},
		{"retval", loop(call("kretprobe")), "", []want{{CodeInLoop, "retval cannot be used in a for loop"}}},
		{"args", call("kprobe"), "", []want{{probes.CodeContext, "args can only be used in"}}},
		{"ctx", call("tracepoint"), "", []want{{probes.CodeContext, "use args instead of ctx"}}},
		{"arg0", call("kprobe"), "uint64", nil},
		{"arg5", call("rawtracepoint"), "uint64", nil},
		{"arg7", call("usdt"), "uint64", nil},
		{"arg6", call("kprobe"), "uint64", []want{{probes.CodeContext, "arg6 is out of range: kprobe probes have arg0 to arg5"}}},
		{"arg0", call("tracepoint"), "uint64", []want{{probes.CodeContext, "arg0 can only be used in kprobe, rawtracepoint, uprobe, usdt probes"}}},
		{"sarg0", call("kprobe"), "invalid", []want{{CodeRemoved, "sarg0 was removed"}}},
		{"probetype", call("tracepoint"), "string[11]", nil},
		{"probetype", call("begin"), "string[8]", nil},
		{"usermode", call("profile"), "uint8", nil},
		{"usermode", call("tracepoint"), "uint8", []want{{probes.CodeContext, "usermode can only be used"}}},
		{"kstack", call("kprobe"), "kstack_t", nil},
		{"kstack", call("kprobe", ident("perf"), intLit(3)), "kstack_t", nil},
		{"kstack", call("kprobe", intLit(3)), "kstack_t", nil},
		{"kstack", call("kprobe", ident("build_id")), "kstack_t", []want{{CodeBadIdent, "only be used with ustack"}}},
		{"kstack", call("kprobe", ident("fast")), "", []want{{CodeBadIdent, `invalid mode "fast" for kstack (want one of bpftrace, perf, raw, build_id)`}}},
		{"kstack", call("kprobe", intLit(2000)), "kstack_t", []want{{CodeLiteralRange, "between 0 and 1024"}}},
		{"kstack", call("kprobe", intLit(3), ident("perf")), "", []want{{CodeArgKind, "expects one of"}}},
		{"ustack", call("uprobe", ident("build_id"), intLit(5)), "ustack_t", nil},

		// maps
		{"count", call("kprobe"), "count_t", nil},
		{"count", call("kprobe", intLit(1)), "", []want{{CodeArgCount, "count() takes no arguments (1 provided)"}}},
		{"sum", call("kprobe", val(types.Int32)), "ssum_t", nil},
		{"sum", call("kprobe", val(types.Uint64)), "sum_t", nil},
		{"sum", call("kprobe", val(str16)), "", []want{{CodeArgType, "sum() expects an integer for n (string[16] provided)"}}},
		{"avg", call("kprobe", val(types.Int64)), "savg_t", nil},
		{"stats", call("kprobe", val(types.Int64)), "stats_t", nil},
		{"hist", call("kprobe", val(types.Uint64)), "hist_t", nil},
		{"hist", call("kprobe", val(types.Uint64), intLit(5)), "hist_t", nil},
		{"hist", call("kprobe", val(types.Uint64), intLit(6)), "hist_t", []want{{CodeLiteralRange, "hist() bits must be 0 to 5 (6 provided)"}}},
		{"hist", call("kprobe", val(types.Uint64), val(types.Uint64)), "", []want{{CodeArgKind, "integer literal for k"}}},
		{"lhist", call("kprobe", val(types.Uint64), intLit(0), intLit(100), intLit(10)), "lhist_t", nil},
		{"lhist", call("kprobe", val(types.Uint64), intLit(-1), intLit(100), intLit(10)), "lhist_t", []want{{CodeLiteralRange, "min must be a non-negative literal"}}},
		{"lhist", call("kprobe", val(types.Uint64), intLit(0), intLit(100), intLit(0)), "lhist_t", []want{{CodeLiteralRange, "step must be >= 1 (0 provided)"}}},
		{"lhist", call("kprobe", val(types.Uint64), intLit(0), intLit(100000), intLit(1)), "lhist_t", []want{{CodeLiteralRange, "too many buckets"}}},
		{"lhist", call("kprobe", val(types.Uint64), intLit(100), intLit(10), intLit(1)), "lhist_t", []want{{CodeLiteralRange, "min must be less than max"}}},
		{"lhist", call("kprobe", val(types.Uint64), intLit(0), intLit(10), intLit(20)), "lhist_t", []want{{CodeLiteralRange, "step is too large"}}},
		{"lhist", call("kprobe", val(types.Uint64), intLit(0), val(types.Uint64), intLit(1)), "", []want{{CodeArgKind, "integer literal for max"}}},
		{"tseries", call("interval", val(types.Uint64), intLit(1e9), intLit(10)), "tseries_t", nil},
		{"tseries", call("interval", val(types.Uint64), intLit(0), intLit(10), strLit("avg")), "tseries_t", []want{{CodeLiteralRange, "interval_ns must be >= 1"}}},
		{"tseries", call("interval", val(types.Uint64), intLit(1), intLit(2000000)), "tseries_t", []want{{CodeLiteralRange, "num_intervals"}}},
		{"tseries", call("interval", val(types.Uint64), intLit(1), intLit(2), strLit("median")), "tseries_t", []want{{CodeBadValue, "aggregation must be one of avg, max, min, sum"}}},
		{"clear", call("interval", mapArg(types.Uint64)), "void", nil},
		{"clear", call("interval", val(types.Uint64)), "", []want{{CodeArgKind, "expects a map for map"}}},
		{"delete", call("kprobe", mapArg(types.Uint64), val(types.Uint32)), "bool", nil},
		{"delete", call("kprobe", mapArg(types.Uint64)), "bool", nil},
		{"delete", call("kprobe", elem(types.Uint64)), "bool", nil},
		{"delete", call("kprobe", val(types.Uint64)), "", []want{{CodeArgKind, "map element"}}},
		{"has_key", call("kprobe", mapArg(types.Uint64), val(types.Uint32)), "bool", nil},
		{"find", call("kprobe", mapArg(types.Uint64), val(types.Uint32), variable(types.Uint64)), "bool", nil},
		{"find", call("kprobe", mapArg(types.Uint64), val(types.Uint32), val(types.Uint64)), "", []want{{CodeArgKind, "scratch variable for value"}}},
	}
	for _, tt := range tests {
		b, ok := Lookup(tt.name)
		if !ok {
			t.Errorf("no builtin %s", tt.name)
			continue
		}
		got := b.CheckCall(tt.call)
		if tt.typ != "" && (got == nil || got.String() != tt.typ) {
			t.Errorf("%s%s: result %v, want %s", tt.name, describe(tt.call), got, tt.typ)
		}
		if !matches(tt.call.diags, tt.wants) {
			t.Errorf("%s%s: diagnostics\n  %s\nwant %v", tt.name, describe(tt.call), tt.call.report(), tt.wants)
		}
	}
}

func describe(c *fakeCall) string {
	var parts []string
	for i := range c.args {
		switch {
		case c.args[i].s != nil:
			parts = append(parts, `"`+*c.args[i].s+`"`)
		case c.args[i].ident != "":
			parts = append(parts, c.args[i].ident)
		default:
			parts = append(parts, c.ArgType(i).String())
		}
	}
	return "(" + strings.Join(parts, ", ") + ") in " + c.provider
}

func matches(got []diagnostic, wants []want) bool {
	if len(got) != len(wants) {
		return false
	}
	for i, w := range wants {
		if got[i].code != w.code || !strings.Contains(got[i].msg, w.msg) {
			return false
		}
	}
	return true
}

func TestCheckContextResults(t *testing.T) {
	for _, name := range []string{"args", "retval", "ctx", "probe", "config"} {
		b, _ := Lookup(name)
		if !b.Context || b.Result != nil {
			t.Errorf("%s should be a context builtin", name)
		}
	}
}

func TestStackType(t *testing.T) {
	b, _ := Lookup("ustack")
	st := b.CheckCall(call("uprobe", ident("perf"), intLit(5))).(*types.Stack)
	if !st.User || st.Mode != types.StackPerf || st.Limit != 5 {
		t.Errorf("ustack(perf, 5) = %+v", st)
	}
	b, _ = Lookup("kstack")
	st = b.CheckCall(call("kprobe")).(*types.Stack)
	if st.User || st.Mode != types.StackBpftrace || st.Limit != 127 {
		t.Errorf("kstack = %+v", st)
	}
	st = b.CheckCall(call("kprobe", ident("raw"))).(*types.Stack)
	if st.Mode != types.StackRaw || st.Limit != 127 {
		t.Errorf("kstack(raw) = %+v", st)
	}
}

func TestAggTypes(t *testing.T) {
	b, _ := Lookup("lhist")
	a := b.CheckCall(call("kprobe", val(types.Uint64), intLit(10), intLit(100), intLit(5))).(*types.Agg)
	if a.Kind != types.Lhist || a.Min != 10 || a.Max != 100 || a.Step != 5 {
		t.Errorf("lhist = %+v", a)
	}
	b, _ = Lookup("hist")
	a = b.CheckCall(call("kprobe", val(types.Uint64), intLit(3))).(*types.Agg)
	if a.Kind != types.Hist || a.Bits != 3 {
		t.Errorf("hist = %+v", a)
	}
	b, _ = Lookup("max")
	if a := b.CheckCall(call("kprobe", val(types.Int8))).(*types.Agg); !a.Signed || a.Kind != types.Max {
		t.Errorf("max(int8) = %+v", a)
	}
}

func TestKptrKeepsType(t *testing.T) {
	p := &types.Pointer{Elem: types.Int8, AddrSpace: types.AddrUser}
	b, _ := Lookup("kptr")
	got := b.CheckCall(call("tracepoint", val(p))).(*types.Pointer)
	if got.AddrSpace != types.AddrKernel || got.Elem != types.Int8 || p.AddrSpace != types.AddrUser {
		t.Errorf("kptr = %+v (arg %+v)", got, p)
	}
}
