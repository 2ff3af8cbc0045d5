package builtins

import (
	"net"
	"regexp"
	"slices"
	"strings"

	"github.com/bt-tools/bt/lang/probes"
	"github.com/bt-tools/bt/lang/types"
)

// The Check hooks of the table entries, in the order of the tables.

// ---------------------------------------------------------------------------
// Variables

func checkComm(c Call) types.Type {
	if c.NArgs() == 1 {
		return &types.String{Len: 64}
	}
	return &types.String{Len: 16}
}

func checkFunc(c Call) types.Type {
	switch c.Provider() {
	case "uprobe", "uretprobe":
		return types.Usym
	}
	return types.Ksym
}

func checkProbetype(c Call) types.Type {
	name := "special"
	if p, ok := probes.Lookup(c.Provider()); ok {
		name = p.TypeName
	}
	return &types.String{Len: int64(len(name) + 1)}
}

// checkArgN checks argN against the number of arguments the probe type
// provides.
func checkArgN(n int) func(Call) types.Type {
	return func(c Call) types.Type {
		p, ok := probes.Lookup(c.Provider())
		if ok && p.MaxArgN > 0 && n >= p.MaxArgN {
			c.Errorf(-1, probes.CodeContext, "arg%d is out of range: %s probes have arg0 to arg%d on x86-64",
				n, p.Name, p.MaxArgN-1)
		}
		return types.Uint64
	}
}

// defaultStackLimit is the frame limit of kstack and ustack without one;
// maxStackLimit the largest allowed.
const (
	defaultStackLimit = 127
	maxStackLimit     = 1024
)

func checkStack(user bool) func(Call) types.Type {
	return func(c Call) types.Type {
		st := &types.Stack{User: user, Mode: types.StackBpftrace, Limit: defaultStackLimit}
		i := 0
		if c.NArgs() == 0 {
			return st
		}
		if mode, ok := c.ArgIdent(0); ok {
			st.Mode = types.StackMode(slices.Index(stackModes, mode))
			i = 1
			if st.Mode == types.StackBuildID && !user {
				c.Errorf(0, CodeBadIdent, "the build_id stack mode can only be used with ustack")
			}
		}
		if i < c.NArgs() {
			n, _ := c.ArgInt(i)
			if n < 0 || n > maxStackLimit {
				c.Errorf(i, CodeLiteralRange, "stack limit must be between 0 and %d (%d provided)", maxStackLimit, n)
			} else {
				st.Limit = int(n)
			}
		}
		return st
	}
}

// ---------------------------------------------------------------------------
// Output

// checkFormatCall checks printf, errorf, warnf, cat and system: the format
// and its arguments.
func checkFormatCall(c Call) types.Type {
	verbs, ok := formatOf(c)
	if !ok {
		return types.Void
	}
	args := make([]types.Type, c.NArgs()-1)
	for i := range args {
		args[i] = c.ArgType(i + 1)
	}
	if e := CheckFormat(verbs, args); e != nil {
		reportFormat(c, e)
	}
	return types.Void
}

// formatOf parses the format string of argument 0.
func formatOf(c Call) ([]Verb, bool) {
	f, _ := c.ArgString(0)
	verbs, err := ParseFormat(f)
	if err != nil {
		c.Errorf(0, CodeFormatInvalid, "%v", err)
		return nil, false
	}
	return verbs, true
}

func reportFormat(c Call, e *FormatError) {
	at := -1
	if e.Arg >= 0 {
		at = e.Arg + 1
	}
	c.Errorf(at, e.Code, "%s", e.Msg)
}

// debugfConvs are what bpf_trace_printk can print, and the type each needs.
var debugfConvs = map[string]string{"d": "integer", "u": "integer", "x": "integer", "p": "integer", "s": "string"}

const maxDebugfArgs = 3

func checkDebugf(c Call) types.Type {
	c.Warnf(-1, CodeDebugf, "debugf() writes to the kernel trace pipe with bpf_trace_printk and is not meant for production")
	if c.NArgs()-1 > maxDebugfArgs {
		c.Errorf(-1, CodeArgCount, "debugf() takes at most %d arguments after the format (%d provided)",
			maxDebugfArgs, c.NArgs()-1)
		return types.Void
	}
	checkFormatCall(c)
	verbs, _ := ParseFormat(mustString(c, 0))
	for i, v := range Conversions(verbs) {
		if i+1 >= c.NArgs() {
			break
		}
		want, ok := debugfConvs[v.Conv]
		t := c.ArgType(i + 1)
		switch {
		case !ok:
			c.Errorf(0, CodeFormatInvalid, "debugf() does not support %%%s (only %%d, %%u, %%x, %%p and %%s)", v.Conv)
		case types.IsInvalid(t):
		case want == "integer" && !isIntegral(t), want == "string" && !types.IsString(t):
			c.Errorf(i+1, CodeFormatType, "%%%s in debugf() needs a %s (%s provided)", v.Conv, want, t)
		}
	}
	return types.Void
}

func mustString(c Call, i int) string {
	s, _ := c.ArgString(i)
	return s
}

// checkFail reports fail()'s message, formatted from its literal
// arguments: the checker only checks what compilation reaches.
func checkFail(c Call) types.Type {
	verbs, ok := formatOf(c)
	if !ok {
		return types.Void
	}
	var vals []any
	var argTypes []types.Type
	for i := 1; i < c.NArgs(); i++ {
		if s, ok := c.ArgString(i); ok {
			vals = append(vals, s)
		} else if n, ok := c.ArgInt(i); ok {
			vals = append(vals, n)
		} else {
			c.Errorf(i, CodeArgKind, "fail() arguments must be literals")
			return types.Void
		}
		argTypes = append(argTypes, c.ArgType(i))
	}
	if e := CheckFormat(verbs, argTypes); e != nil {
		reportFormat(c, e)
		return types.Void
	}
	c.Errorf(-1, CodeFail, "%s", Sprintf(verbs, vals...))
	return types.Void
}

func checkPrint(c Call) types.Type {
	if c.ArgForm(0) == FormMap {
		if c.InLoop() {
			c.Warnf(-1, CodePrintLoop, "print() of a map in a loop is asynchronous: it will likely show the map as updated after the call")
		}
		if a, ok := c.MapValue(0).(*types.Agg); ok && a.Kind == types.Stats && c.NArgs() > 1 {
			c.Warnf(1, CodePrintStats, "print()'s top and div arguments are ignored for stats() maps")
		}
		return types.Void
	}
	if c.NArgs() > 1 {
		c.Errorf(1, CodeArgCount, "print() of a value takes one argument (%d provided); top and div apply to maps", c.NArgs())
		return types.Void
	}
	t := c.ArgType(0)
	if a, ok := t.(*types.Agg); ok && (a.Kind == types.Hist || a.Kind == types.Lhist || a.Kind == types.Tseries) {
		c.Errorf(0, CodeNotPrintable, "a %s map cannot print the value of one key: print the whole map", a)
	} else if t == types.Void || t == types.None {
		c.Errorf(0, CodeNotPrintable, "a value of type %s cannot be printed", t)
	}
	return types.Void
}

func checkStrftime(c Call) types.Type {
	if n, ok := c.ArgInt(1); ok && n < 0 {
		c.Errorf(1, CodeLiteralRange, "strftime() does not accept negative timestamps (%d provided)", n)
	}
	return types.Timestamp
}

// ---------------------------------------------------------------------------
// Strings and buffers

func checkStr(c Call) types.Type {
	t := c.ArgType(0)
	if !types.IsInvalid(t) && !isStringLike(t) && !isIntegral(t) && !isPointer(t) {
		c.Errorf(0, CodeArgType, "str() expects a string, an integer or a pointer (%s provided)", t)
	}
	size := c.MaxStrlen()
	if c.NArgs() == 2 {
		if n, ok := c.ArgInt(1); ok {
			switch {
			case n < 0:
				c.Errorf(1, CodeLiteralRange, "str() length cannot be negative (%d provided)", n)
			case n+1 > size:
				c.Warnf(1, CodeStrLen, "length param (%d) is too long and will be shortened to %d bytes (see max_strlen)", n, size)
			default:
				size = n + 1
			}
		}
	}
	return &types.String{Len: size}
}

// bufHeader is the size of the length that precedes a buffer's bytes.
const bufHeader = 4

func checkBuf(c Call) types.Type {
	t := c.ArgType(0)
	arr, isArr := t.(*types.Array)
	if !types.IsInvalid(t) && !isArr && !types.IsString(t) && !isIntegral(t) && !isPointer(t) {
		c.Errorf(0, CodeArgType, "buf() expects a pointer, an integer, a string or an array (%s provided)", t)
	}
	limit := c.MaxStrlen() - bufHeader
	size := limit
	switch {
	case c.NArgs() == 1 && isArr:
		size = arr.Size()
	case c.NArgs() == 1 && !types.IsInvalid(t):
		c.Errorf(-1, CodeArgCount, "buf() needs a length for a %s argument", t)
	case c.NArgs() == 2:
		if n, ok := c.ArgInt(1); ok && n < 0 {
			c.Errorf(1, CodeLiteralRange, "buf() length cannot be negative (%d provided)", n)
		} else if ok {
			size = n
		}
	}
	return &types.Buffer{Len: min(size, limit)}
}

func checkStrncmp(c Call) types.Type {
	if n, ok := c.ArgInt(2); ok && n < 0 {
		c.Errorf(2, CodeLiteralRange, "strncmp() length must be a non-negative literal (%d provided)", n)
	}
	return types.Uint64
}

// checkStringLike makes the hooks of strlen and strcap: the argument is a
// string, a char array or a char pointer.
func checkStringLike(name string, result types.Type) func(Call) types.Type {
	return func(c Call) types.Type {
		t := c.ArgType(0)
		if !types.IsInvalid(t) && !isStringLike(t) && !isBytePointer(t) {
			c.Errorf(0, CodeArgType, "%s() expects a string, a char array or a char pointer (%s provided)", name, t)
		}
		return result
	}
}

func isPointer(t types.Type) bool { _, ok := t.(*types.Pointer); return ok }

func isBytePointer(t types.Type) bool {
	p, ok := t.(*types.Pointer)
	if !ok {
		return false
	}
	e, ok := p.Elem.(*types.Int)
	return ok && e.Bits == 8
}

// ---------------------------------------------------------------------------
// Symbols and addresses

func checkKaddr(c Call) types.Type {
	if s, _ := c.ArgString(0); s == "" {
		c.Errorf(0, CodeBadValue, "kaddr() needs a symbol name")
	}
	return types.Uint64
}

var userSymbol = regexp.MustCompile(`^[a-zA-Z0-9./_-]+$`)

func checkUaddr(c Call) types.Type {
	if s, _ := c.ArgString(0); !userSymbol.MatchString(s) {
		c.Errorf(0, CodeBadValue, "uaddr() expects a symbol name made of letters, digits and ./_- (%q provided)", s)
	}
	return &types.Pointer{Elem: types.Uint64, AddrSpace: types.AddrUser}
}

func checkNtop(c Call) types.Type {
	i := c.NArgs() - 1
	t := c.ArgType(i)
	switch {
	case types.IsInvalid(t), types.IsInt(t):
	case types.IsString(t), isArray(t):
		if n := t.Size(); n != 4 && n != 16 {
			c.Errorf(i, CodeArgType, "ntop() expects a 4- or 16-byte address (%s provided)", t)
		}
	default:
		c.Errorf(i, CodeArgType, "ntop() expects an integer or an array (%s provided)", t)
	}
	return &types.Inet{}
}

func isArray(t types.Type) bool { _, ok := t.(*types.Array); return ok }

func checkPton(c Call) types.Type {
	s, _ := c.ArgString(0)
	ip := net.ParseIP(s)
	switch {
	case ip == nil:
		c.Errorf(0, CodeBadValue, "pton() expects an IPv4 or IPv6 address (%q provided)", s)
		return types.Invalid
	case strings.Contains(s, ":"):
		return &types.Array{Elem: types.Uint8, Len: 16}
	}
	return &types.Array{Elem: types.Uint8, Len: 4}
}

func checkMacaddr(c Call) types.Type {
	t := c.ArgType(0)
	if _, lit := c.ArgString(0); lit {
		c.Errorf(0, CodeArgKind, "macaddr() does not take a string literal")
		return types.Macaddr
	}
	switch {
	case types.IsInvalid(t), types.IsInt(t), isPointer(t):
	case isArray(t) || types.IsString(t):
		if t.Size() < 6 {
			c.Errorf(0, CodeArgType, "macaddr() needs at least 6 bytes (%s provided)", t)
		}
	default:
		c.Errorf(0, CodeArgType, "macaddr() expects an array or a pointer (%s provided)", t)
	}
	return types.Macaddr
}

func checkBswap(c Call) types.Type {
	switch t := c.ArgType(0).(type) {
	case *types.Int:
		return types.IntOf(t.Bits, false)
	case *types.Enum:
		return types.IntOf(int(t.Size()*8), false)
	}
	return types.Uint64
}

// x86Registers are the register names reg() accepts on x86-64.
var x86Registers = []string{"r15", "r14", "r13", "r12", "bp", "bx", "r11", "r10", "r9", "r8",
	"ax", "cx", "dx", "si", "di", "orig_rax", "ip", "pc", "cs", "flags", "sp", "ss"}

func checkReg(c Call) types.Type {
	if name, _ := c.ArgString(0); !slices.Contains(x86Registers, name) {
		c.Errorf(0, CodeRegister, "%q is not a register on x86-64 (want one of %s)", name, strings.Join(x86Registers, ", "))
	}
	return types.Uint64
}

func checkAddrSpace(as types.AddrSpace) func(Call) types.Type {
	return func(c Call) types.Type {
		switch t := c.ArgType(0).(type) {
		case *types.Pointer:
			p := *t
			p.AddrSpace = as
			return &p
		default:
			return t
		}
	}
}

func checkPath(c Call) types.Type {
	t := c.ArgType(0)
	if _, isStruct := t.(*types.Struct); !types.IsInvalid(t) && !isPointer(t) && !isStruct {
		c.Errorf(0, CodeArgType, "path() expects a struct path pointer (%s provided)", t)
	}
	size := c.MaxStrlen()
	if c.NArgs() == 2 {
		if n, ok := c.ArgInt(1); ok {
			size = n
		}
	}
	return &types.String{Len: size}
}

func checkSocketCookie(c Call) types.Type {
	t := c.ArgType(0)
	if types.IsInvalid(t) {
		return types.Uint64
	}
	if p, ok := t.(*types.Pointer); !ok || p.Elem.String() != "struct sock" {
		c.Errorf(0, CodeArgType, "socket_cookie() expects a struct sock * (%s provided)", t)
	}
	return types.Uint64
}

// ---------------------------------------------------------------------------
// Side effects and options

// signalNames are the signals signal() accepts by name.
var signalNames = []string{"SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGIOT",
	"SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
	"SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG",
	"SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPOLL", "SIGPWR", "SIGSYS"}

const maxSignal = 64

// checkSignal makes the hooks of signal and signal_thread.
func checkSignal(fn string) func(Call) types.Type {
	name := fn + "()"
	return func(c Call) types.Type {
		if s, ok := c.ArgString(0); ok {
			if !slices.Contains(signalNames, s) {
				c.Errorf(0, CodeBadValue, "%s: unknown signal %q", name, s)
			}
			return types.Void
		}
		if n, ok := c.ArgInt(0); ok {
			if n < 1 || n > maxSignal {
				c.Errorf(0, CodeLiteralRange, "%s accepts a signal name or a number from 1 to %d (%d provided)", name, maxSignal, n)
			}
			return types.Void
		}
		if t := c.ArgType(0); !types.IsInvalid(t) && !isIntegral(t) {
			c.Errorf(0, CodeArgType, "%s accepts a signal name literal or an integer (%s provided)", name, t)
		}
		return types.Void
	}
}

func checkGetopt(c Call) types.Type {
	if c.NArgs() == 1 {
		return types.Bool
	}
	t := c.ArgType(1)
	_, isStr := c.ArgString(1)
	_, isInt := c.ArgInt(1)
	switch {
	case types.IsInvalid(t):
		return types.Invalid
	case t == types.Bool:
		return types.Bool
	case isStr:
		return &types.String{Len: c.MaxStrlen()}
	case isInt:
		return types.Int64
	}
	c.Errorf(1, CodeArgKind, "getopt() default must be a bool, integer or string literal (%s provided)", t)
	return types.Invalid
}

func checkLen(c Call) types.Type {
	if c.ArgForm(0) == FormMap {
		return types.Int64
	}
	t := c.ArgType(0)
	if _, ok := t.(*types.Stack); !ok && !types.IsInvalid(t) {
		c.Errorf(0, CodeArgType, "len() expects a map or a stack (%s provided)", t)
	}
	return types.Int64
}

func checkContainerOf(c Call) types.Type {
	elem := c.ArgType(1)
	as := types.AddrKernel
	if p, ok := c.ArgType(0).(*types.Pointer); ok {
		as = p.AddrSpace
	}
	if s, ok := elem.(*types.Struct); ok && len(s.Fields()) > 0 {
		member, _ := c.ArgIdent(2)
		if _, found := s.Field(member); !found {
			c.Errorf(2, CodeArgType, "%s has no field named %s", s, member)
		}
	}
	return &types.Pointer{Elem: elem, AddrSpace: as}
}

// ---------------------------------------------------------------------------
// Maps

// checkAgg gives sum, min, max, avg and stats the sign of their argument.
func checkAgg(kind types.AggKind) func(Call) types.Type {
	return func(c Call) types.Type {
		return &types.Agg{Kind: kind, Signed: isSigned(c.ArgType(0))}
	}
}

func isSigned(t types.Type) bool {
	switch t := t.(type) {
	case *types.Int:
		return t.Signed
	case *types.Enum:
		return t.Signed
	case *types.Agg:
		return t.Signed
	}
	return false
}

const maxHistBits = 5

func checkHist(c Call) types.Type {
	agg := &types.Agg{Kind: types.Hist}
	if c.NArgs() == 2 {
		bits, _ := c.ArgInt(1)
		if bits < 0 || bits > maxHistBits {
			c.Errorf(1, CodeLiteralRange, "hist() bits must be 0 to %d (%d provided)", maxHistBits, bits)
		} else {
			agg.Bits = int(bits)
		}
	}
	return agg
}

const maxLhistBuckets = 1000

func checkLhist(c Call) types.Type {
	lo, _ := c.ArgInt(1)
	hi, _ := c.ArgInt(2)
	step, _ := c.ArgInt(3)
	bad := func(i int, format string, args ...any) { c.Errorf(i, CodeLiteralRange, format, args...) }
	if lo < 0 {
		bad(1, "lhist() min must be a non-negative literal (%d provided)", lo)
	}
	if hi < 0 {
		bad(2, "lhist() max must be a non-negative literal (%d provided)", hi)
	}
	switch {
	case step <= 0:
		bad(3, "lhist() step must be >= 1 (%d provided)", step)
	case (hi-lo)/step > maxLhistBuckets:
		bad(3, "lhist() has too many buckets: at most %d (%d needed)", maxLhistBuckets, (hi-lo)/step)
	}
	switch {
	case lo > hi:
		bad(-1, "lhist() min must be less than max (provided min %d and max %d)", lo, hi)
	case step > 0 && hi-lo < step:
		bad(3, "lhist() step is too large for the given range (provided step %d for range %d)", step, hi-lo)
	}
	return &types.Agg{Kind: types.Lhist, Min: lo, Max: hi, Step: step}
}

const maxTseriesIntervals = 1000000

var tseriesAggs = []string{"avg", "max", "min", "sum"}

// checkTseries records interval_ns in Agg.Step and num_intervals in
// Agg.Max (types.Agg has no fields of its own for them).
func checkTseries(c Call) types.Type {
	interval, _ := c.ArgInt(1)
	num, _ := c.ArgInt(2)
	if interval < 1 {
		c.Errorf(1, CodeLiteralRange, "tseries() interval_ns must be >= 1 (%d provided)", interval)
	}
	if num < 1 || num > maxTseriesIntervals {
		c.Errorf(2, CodeLiteralRange, "tseries() num_intervals must be 1 to %d (%d provided)", maxTseriesIntervals, num)
	}
	if c.NArgs() == 4 {
		if agg, _ := c.ArgString(3); !slices.Contains(tseriesAggs, agg) {
			c.Errorf(3, CodeBadValue, "tseries() aggregation must be one of %s (%q provided)", strings.Join(tseriesAggs, ", "), agg)
		}
	}
	return &types.Agg{Kind: types.Tseries, Max: num, Step: interval}
}
