// Package builtins is the one table of bpftrace's builtin variables and
// functions: name, signature, result type, documentation, the probe types
// that allow it, and whether it is async or unsafe. The checker (lang/sema),
// hover, completion and signature help (lsp/), the linter (lint/) and the
// runner (engine/) all read this table; none keeps its own list.
//
// Each entry keeps its own semantic check beside its description, as ply's
// struct func does: [Builtin.CheckCall] checks a use (arity, argument
// kinds, probe type, --unsafe, loops) and runs [Builtin.Check], which
// validates the arguments through the [Call] interface that the checker
// implements and returns the result type. [Validate] checks the table.
//
// [ParseFormat], [CheckFormat] and [Sprintf] implement bpftrace's printf
// formats; the runner formats output with them too.
package builtins

import (
	"github.com/bt-tools/bt/lang/types"
)

// Kind says how a builtin is used.
type Kind int

// Kinds of builtins.
const (
	// Var is a builtin variable, written bare (pid) or, in the new era,
	// with parens (pid()).
	Var Kind = iota
	// Func is a function called with arguments: printf(...), str(...).
	Func
	// Agg is an aggregation, assigned to a map: @x = count().
	Agg
)

func (k Kind) String() string {
	return [...]string{"variable", "function", "aggregation"}[k]
}

// ArgKind constrains what an argument may be.
type ArgKind int

// Argument kinds.
const (
	AnyArg     ArgKind = iota // any expression with a value
	IntArg                    // an integer, an enum, or a map value readable as one (count, sum, ...)
	IntLit                    // a compile-time integer constant
	StringArg                 // a string value
	StringLit                 // a string literal or string positional parameter
	FormatArg                 // a printf-style format string literal; the rest are its arguments
	MapArg                    // a map (@m), not an element
	MapElemArg                // a map element (@m[k]) or a scalar map (@m)
	PointerArg                // a pointer or an integer used as an address
	IdentArg                  // a bare identifier from a fixed set (stack mode, clock name); the checker does not resolve it
	TypeArg                   // a type or typeof(...)
	VarArg                    // a scratch variable ($v)
)

func (k ArgKind) String() string {
	return [...]string{"any", "integer", "integer literal", "string", "string literal", "format string",
		"map", "map element", "pointer", "identifier", "type", "scratch variable"}[k]
}

// Form is the syntactic form of an argument, as the checker sees it.
type Form int

// Argument forms.
const (
	FormExpr    Form = iota // any other expression
	FormMap                 // a bare map: @m
	FormMapElem             // a map element: @m[k]
	FormVar                 // a scratch variable: $v
	FormIdent               // a bare identifier that names no value (perf, curr_ns)
	FormType                // a type: int32, struct sock *, typeof(x)
)

// Param describes one parameter.
type Param struct {
	Name     string
	Kind     ArgKind
	Optional bool     // optional parameters come after the required ones
	Idents   []string // IdentArg: the allowed identifiers (nil: any identifier)
}

// Builtin is one entry of the table.
type Builtin struct {
	Name     string
	Kind     Kind
	Params   []Param
	Variadic bool // more arguments may follow Params (printf, system, cat)
	// Result is the result type when it does not depend on the arguments.
	Result types.Type
	// Check validates the arguments beyond arity and kinds and returns the
	// result type. Nil means: return Result.
	Check func(c Call) types.Type

	Signature string // as shown in hover and signature help: "hist(int64 n [, int64 k])"
	Doc       string // one paragraph of Markdown
	// Probes lists the provider names (canonical, see lang/probes) where
	// the builtin may be used. Nil means everywhere.
	Probes []string
	// NotInLoop: not allowed in the body of a for loop (exit, argN,
	// retval); see [Call.InLoop].
	NotInLoop bool
	Async     bool   // the effect happens in user space, later
	Unsafe    bool   // needs --unsafe
	Since     string // first bpftrace version with it: "0.17", "0.21", ...
	// Deprecated, when set, is the message of the deprecation warning.
	Deprecated string
	// AltParams is a second accepted parameter list, an overload checked
	// when the arguments do not fit Params: ntop(addr) beside
	// ntop(af, addr), kstack(limit) beside kstack(mode[, limit]).
	//
	// Var builtins list in Params the arguments they take when called with
	// parens (comm(pid), nsecs(monotonic), kstack(perf, 3)); all are
	// optional, since `pid` and `pid()` are the same.
	AltParams []Param

	// Context: the value comes from the probe (args, retval, ctx, probe,
	// config): the checker asks lang/probes for the type; Result is nil.
	Context bool
	// Keyword: syntax the parser handles (sizeof, offsetof, typeof); the
	// entry exists for hover and completion.
	Keyword bool
	// CompileTime: evaluated while compiling (kaddr, cgroupid, pton, fail).
	CompileTime bool
	// Unstable names the config key that gates the feature
	// ("unstable_tseries"); the checker warns or errors as it says.
	Unstable string
	// Removed is the version that removed the builtin (sargN: "0.25");
	// Deprecated then holds the message.
	Removed string
}

// Call is the checker's view of one call site, given to [Builtin.Check].
type Call interface {
	// NArgs is the number of arguments.
	NArgs() int
	// ArgType is the checked type of argument i (types.Invalid if it
	// failed). For a TypeArg it is the type named.
	ArgType(i int) types.Type
	// ArgInt returns argument i as a compile-time integer, if it is one.
	ArgInt(i int) (int64, bool)
	// ArgString returns argument i as a compile-time string, if it is one.
	ArgString(i int) (string, bool)
	// ArgIdent returns argument i as a bare identifier, if it is one.
	ArgIdent(i int) (string, bool)
	// MapValue is the value type of the map named by argument i (MapArg)
	// or nil if not known yet.
	MapValue(i int) types.Type
	// Provider is the canonical provider name of the enclosing probe, or ""
	// outside probes (macro bodies are checked per call site).
	Provider() string
	// Unsafe reports whether --unsafe was given.
	Unsafe() bool
	// MaxStrlen is the configured max_strlen.
	MaxStrlen() int64
	// Errorf reports an error on argument i, or on the whole call if i < 0.
	Errorf(i int, code, format string, args ...any)
	// Warnf reports a warning on argument i, or on the whole call if i < 0.
	Warnf(i int, code, format string, args ...any)
	// ArgForm is the syntactic form of argument i.
	ArgForm(i int) Form
	// InLoop reports whether the call is in the body of a for loop (a BPF
	// callback, which has no probe context).
	InLoop() bool
}
