// Package probes is the registry of probe types (providers): their names
// and aliases, attach-point grammar, the context a probe body sees (args,
// argN, retval, func, ctx), the BPF program type, and wildcard expansion
// against kernel info.
//
// Three representations of an attach point meet here:
//   - the raw text the scanner captures ("kprobe:vfs_read", "t:*foo*",
//     `uprobe:"/a b":f`), kept verbatim in the AST;
//   - the text after [Substitute] has replaced positional parameters;
//   - the typed [AttachPoint] that [Parse] returns, which [Expand] turns
//     into one concrete attach point per wildcard match.
package probes

import (
	"sort"
	"strings"

	"github.com/bt-tools/bt/lang/types"
)

// ProgType is the kind of BPF program a probe type compiles to.
type ProgType int

// Program types.
const (
	ProgKprobe        ProgType = iota // BPF_PROG_TYPE_KPROBE: kprobes, uprobes, usdt
	ProgTracepoint                    // BPF_PROG_TYPE_TRACEPOINT
	ProgRawTracepoint                 // BPF_PROG_TYPE_RAW_TRACEPOINT, run through test_run (begin, end, self)
	ProgTracing                       // BPF_PROG_TYPE_TRACING: fentry, fexit, tp_btf, iter
	ProgPerfEvent                     // BPF_PROG_TYPE_PERF_EVENT: profile, interval, software, hardware, watchpoint
	ProgXDP                           // BPF_PROG_TYPE_XDP, run through test_run (test, bench)
)

func (t ProgType) String() string {
	return [...]string{"kprobe", "tracepoint", "raw_tracepoint", "tracing", "perf_event", "xdp"}[t]
}

// Provider is one probe type, like ply's struct provider.
type Provider struct {
	Name    string   // canonical: "kprobe", "tracepoint", "begin", ...
	Aliases []string // "k", "BEGIN", "kfunc", ...
	// Legacy lists the aliases (a subset of Aliases) kept for scripts of the
	// 0.17 era: "BEGIN", "kfunc". A linter may suggest Name instead.
	Legacy []string
	Doc    string // one paragraph of Markdown, with the attach-point forms
	// Forms lists the attach-point forms for completion and errors:
	// "kprobe:FUNC", "kprobe:MOD:FUNC", "kprobe:FUNC+OFFSET".
	Forms []string

	Args      bool // the args builtin (typed struct)
	ArgN      bool // arg0..argN
	MaxArgN   int  // highest argN index + 1 (6 on x86-64; 0 = unlimited)
	Retval    bool
	Func      bool
	Ctx       bool // ctx is allowed
	Reg       bool // reg() and usermode are allowed (the context holds registers)
	Wildcards bool
	// AddrSpace of pointers read in this probe type (kernel or user).
	AddrSpace types.AddrSpace
	// Special: begin/end/self/test/bench: not attached, run via test_run.
	Special bool
	Since   string

	// ProgType is the BPF program type the probe compiles to.
	ProgType ProgType
	// CtxType is the C type ctx points to ("struct pt_regs"); for iter the
	// "%s" is replaced by the iterator name. Empty when ctx is not allowed.
	CtxType string
	// UserTarget: attach points name a user-space binary (uprobe, usdt).
	UserTarget bool
	// TypeName is the value of the probetype builtin: the canonical name,
	// or "special" for begin, end and self.
	TypeName string

	parse func(*apParser) error
}

// Lookup finds a provider by name or alias. An exact match wins ("U" is
// usdt, "u" is uprobe); otherwise the match is case-insensitive ("BEGIN",
// "Kprobe").
func Lookup(name string) (*Provider, bool) {
	if p, ok := byName[name]; ok {
		return p, true
	}
	p, ok := byFoldedName[strings.ToLower(name)]
	return p, ok
}

// All returns every provider, sorted by name. The slice is a copy; the
// providers themselves must not be modified.
func All() []*Provider {
	out := make([]*Provider, len(registry))
	copy(out, registry)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Names returns the canonical names of the providers for which keep
// returns true, sorted. The builtins table uses it to derive which probe
// types allow args, retval, func, reg() and so on from the flags above.
func Names(keep func(*Provider) bool) []string {
	var out []string
	for _, p := range registry {
		if keep(p) {
			out = append(out, p.Name)
		}
	}
	sort.Strings(out)
	return out
}

// MatchProviders returns the providers whose canonical name matches a
// wildcard pattern ("k*", "*"), as a provider wildcard in `*:vfs_read`
// expands. user selects the providers that take a user binary (as
// bpftrace does when -p is given or the second part holds a '/');
// otherwise the kernel ones. Special providers never match.
func MatchProviders(pattern string, user bool) []*Provider {
	var out []*Provider
	for _, p := range All() {
		if p.Special || p.UserTarget != user || !Match(pattern, p.Name) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// Allows reports whether a context builtin ("args", "argN" or "arg3",
// "retval", "func", "ctx", "reg", "usermode") is available in the
// provider's probes; other names are always allowed.
func (p *Provider) Allows(builtin string) bool {
	switch builtin {
	case "args":
		return p.Args
	case "argN":
		return p.ArgN
	case "retval":
		return p.Retval
	case "func":
		return p.Func
	case "ctx":
		return p.Ctx
	case "reg", "usermode":
		return p.Reg
	}
	if IsArgN(builtin) {
		return p.ArgN
	}
	return true
}

// IsContextBuiltin reports whether the availability of a builtin depends
// on the provider's flags (see [Provider.Allows]).
func IsContextBuiltin(name string) bool {
	switch name {
	case "args", "retval", "func", "ctx", "reg", "usermode":
		return true
	}
	return IsArgN(name)
}

// IsArgN reports whether name is arg0, arg1, ... or the family name
// "argN".
func IsArgN(name string) bool {
	rest, ok := strings.CutPrefix(name, "arg")
	if !ok || rest == "" {
		return false
	}
	if rest == "N" {
		return true
	}
	for _, c := range rest {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

var (
	byName       = map[string]*Provider{}
	byFoldedName = map[string]*Provider{}
)

func init() {
	for _, p := range registry {
		for _, n := range append([]string{p.Name}, p.Aliases...) {
			byName[n] = p
			if _, dup := byFoldedName[strings.ToLower(n)]; !dup {
				byFoldedName[strings.ToLower(n)] = p
			}
		}
	}
}
