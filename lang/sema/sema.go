// Package sema type-checks a parsed bpftrace program: it resolves names
// (scratch variables with both eras' scoping, maps across probes, builtins,
// macros, C #defines, enum constants), infers the types of variables and
// map keys and values, checks every call against the builtins table and
// every probe body against the context of each of its attach points.
//
// A probe whose attach points have different argument layouts (a list, or
// a wildcard) is checked once per layout; an error that only some layouts
// have names the attach point. The result, a [Program], is what the
// linter, the language server and the compiler consume.
package sema

import (
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/cdef"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/kernel"
	"github.com/bt-tools/bt/lang/probes"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
)

// Options configure a check.
type Options struct {
	// Kernel answers questions about BTF types, tracepoints and functions.
	// Nil means no kernel knowledge: args fields, struct fields and enum
	// constants from the kernel are not checked.
	Kernel kernel.Info
	// Params are the positional parameters ($1, $2, ...). ParamsGiven
	// says whether they are known (bt run) or not (bt check, editors).
	Params      []string
	ParamsGiven bool
	// Unsafe allows unsafe functions (system, signal, ...).
	Unsafe bool
	// MaxStrlen is max_strlen when the config block does not set it
	// (0: 1024).
	MaxStrlen int64
	// NoExpand skips wildcard expansion: wildcard probes are checked once,
	// with the context of their provider but no args layout. Editors use
	// it to stay fast on huge wildcards.
	NoExpand bool
}

// Program is a checked program.
type Program struct {
	File   *ast.File
	Tok    *token.File
	Probes []*Probe
	// Maps by name ("@x", "@" for the anonymous map), and in order of
	// first appearance.
	Maps     map[string]*Map
	MapOrder []*Map
	Macros   map[string][]*ast.MacroDecl
	Fns      map[string]*ast.FnDecl
	C        *cdef.Result
	Config   *Config
	// MaxStrlen is the effective max_strlen: the config block's, else
	// Options.MaxStrlen.
	MaxStrlen int64
	// Info holds what was learned about each node. For probes checked
	// against several layouts it holds the first layout's view;
	// [Point.Info] has each layout's own.
	Info *Info
}

// Probe is a probe declaration and its concrete attach points.
type Probe struct {
	Decl   *ast.Probe
	Points []*Point
	// Groups partitions Points by argument layout; the body is checked
	// once per group.
	Groups [][]*Point
}

// Point is one concrete attach point of a probe.
type Point struct {
	Source *ast.AttachPoint    // the attach point as written
	AP     *probes.AttachPoint // parsed, substituted and expanded
	Args   *types.Struct       // the args layout, or nil
	// ArgsErr says why Args is nil, when the provider has args.
	ArgsErr error
	Retval  types.Type // the retval type, or nil
	Info    *Info      // the body as checked for this point's layout
	Err     error      // why the point is unusable (not found), or nil
}

// Map is a map and what the program does with it.
type Map struct {
	Name   string
	Key    types.Type // nil for scalar maps; a *types.Tuple for @m[a, b]
	Value  types.Type // *types.Agg for aggregations
	Scalar bool
	Decl   *ast.MapDecl // let @m = lruhash(N), or nil
	// Refs are every occurrence, in source order; Writes the ones that
	// assign the map.
	Refs   []*ast.MapExpr
	Writes []*ast.MapExpr
	// First is the first write (or the first reference if never written).
	First *ast.MapExpr

	poisoned   bool // assigned a value whose type could not be determined
	signWarned bool // W301 was reported
}

// Var is a scratch variable. Variables of different scopes with the same
// name are different Vars.
type Var struct {
	Name  string
	Type  types.Type
	Decl  *ast.VarExpr // the let or first assignment
	Let   bool
	Refs  []*ast.VarExpr
	Probe *ast.Probe // or nil inside macros and fns

	signed bool   // some assignment stores a really negative-capable value
	scope  *scope // the block a plain assignment introduced it in (nil for let)
}

// ObjKind says what an identifier refers to.
type ObjKind int

// Kinds of objects an identifier may name.
const (
	ObjBuiltin   ObjKind = iota // pid, comm, args ...
	ObjEnumConst                // TCP_ESTABLISHED
	ObjDefine                   // a C #define
	ObjMacro                    // a zero-argument macro used bare
	ObjParam                    // a macro parameter
	ObjType                     // a type name in a type position
	ObjStackMode                // perf, raw, ... in kstack(perf)
	ObjDiscard                  // _ in _ = x
)

// Object is what an identifier resolved to.
type Object struct {
	Kind  ObjKind
	Name  string
	Type  types.Type
	Value int64          // enum constants
	Enum  *types.Enum    // enum constants
	Expr  ast.Expr       // the parsed body of a #define
	Macro *ast.MacroDecl // macros
	Pos   token.Pos      // where it is defined, if in the file
}

// Info records the results of checking.
type Info struct {
	Types  map[ast.Expr]types.Type
	Consts map[ast.Expr]Const
	Idents map[*ast.Ident]*Object
	Vars   map[*ast.VarExpr]*Var
	Calls  map[*ast.CallExpr]*Callee
	Fields map[*ast.FieldExpr]*FieldInfo
	// Expansions holds the checked copy of a macro body for each call
	// (a *ast.CallExpr, or an *ast.Ident for a bare zero-argument macro).
	Expansions map[ast.Expr]*Expansion
}

// FieldInfo describes a resolved field access.
type FieldInfo struct {
	Struct *types.Struct // nil for tuples and records
	Field  types.Field
	Derefs int // pointers followed to reach the struct
	Index  int // tuple/record element index, or -1
}

func newInfo() *Info {
	return &Info{
		Types:      map[ast.Expr]types.Type{},
		Consts:     map[ast.Expr]Const{},
		Idents:     map[*ast.Ident]*Object{},
		Vars:       map[*ast.VarExpr]*Var{},
		Calls:      map[*ast.CallExpr]*Callee{},
		Fields:     map[*ast.FieldExpr]*FieldInfo{},
		Expansions: map[ast.Expr]*Expansion{},
	}
}

// TypeOf returns the type of x, or nil.
func (info *Info) TypeOf(x ast.Expr) types.Type { return info.Types[x] }

// Check type-checks f. It always returns a Program, and the diagnostics
// sorted by position.
func Check(file *token.File, f *ast.File, opts Options) (*Program, diag.List) {
	c := newChecker(file, f, opts)
	c.run()
	c.errs.Sort()
	return c.prog, dedupe(c.errs)
}

// dedupe drops exact repeats (the same message at the same span), which
// arise when a body is checked for several layouts.
func dedupe(l diag.List) diag.List {
	out := l[:0]
	for i, d := range l {
		if i > 0 {
			p := out[len(out)-1]
			if p.Pos == d.Pos && p.End == d.End && p.Code == d.Code && p.Message == d.Message {
				continue
			}
		}
		out = append(out, d)
	}
	return out
}
