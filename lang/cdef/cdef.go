package cdef

import (
	"runtime"
	"strings"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
)

// Options configures [Process]. The zero value processes a prologue with
// no BTF: only C base types and the common kernel typedefs (u64, pid_t,
// size_t, ...) resolve, and unknown struct references stay incomplete.
type Options struct {
	// HaveBTF predefines BPFTRACE_HAVE_BTF (and _LINUX_TYPES_H), as
	// bpftrace does when the kernel has BTF.
	HaveBTF bool
	// Arch is the GOARCH whose architecture macro is predefined
	// (amd64: __x86_64__, arm64: __aarch64__, ...); empty means
	// runtime.GOARCH.
	Arch string
	// Defines are extra macros in the spelling of cc -D: "NAME" defines
	// NAME as 1 and "NAME=BODY" as BODY.
	Defines []string

	// Resolve resolves a typedef name ("u64", "pid_t", "atomic_t"). It is
	// asked before bt's table of common kernel typedefs.
	Resolve func(name string) (types.Type, bool)
	// ResolveStruct resolves "struct NAME" (union false) or "union NAME"
	// (union true) that the script does not define.
	ResolveStruct func(name string, union bool) (*types.Struct, bool)
	// ResolveEnum resolves "enum NAME" that the script does not define.
	ResolveEnum func(name string) (*types.Enum, bool)
	// ResolveConst resolves an enumerator that the script does not define,
	// for use in C constant expressions ("char buf[TASK_COMM_LEN_ENUM]").
	ResolveConst func(name string) (int64, *types.Enum, bool)
}

// Kernel is the part of kernel.Info that [Options.UseKernel] needs.
type Kernel interface {
	Struct(name string, union bool) (*types.Struct, error)
	Enum(name string) (*types.Enum, error)
	Typedef(name string) (types.Type, error)
	EnumConst(name string) (value int64, enum *types.Enum, err error)
}

// UseKernel sets HaveBTF and points every resolver of o at k. A nil k
// leaves o unchanged.
func (o *Options) UseKernel(k Kernel) {
	if k == nil {
		return
	}
	o.HaveBTF = true
	o.Resolve = func(name string) (types.Type, bool) {
		t, err := k.Typedef(name)
		return t, err == nil && t != nil
	}
	o.ResolveStruct = func(name string, union bool) (*types.Struct, bool) {
		s, err := k.Struct(name, union)
		return s, err == nil && s != nil
	}
	o.ResolveEnum = func(name string) (*types.Enum, bool) {
		e, err := k.Enum(name)
		return e, err == nil && e != nil
	}
	o.ResolveConst = func(name string) (int64, *types.Enum, bool) {
		v, e, err := k.EnumConst(name)
		return v, e, err == nil
	}
}

// Result is what the prologue defines.
type Result struct {
	// Structs holds the structs and unions the script defines, by tag.
	// C has one tag namespace, so a tag is either a struct or a union
	// (Struct.Union tells which); see [Result.Struct].
	Structs map[string]*types.Struct
	// Enums holds the named enums the script defines, by tag.
	Enums map[string]*types.Enum
	// EnumConsts holds every enumerator the script defines, including
	// those of anonymous enums.
	EnumConsts map[string]EnumConst
	// Defines is the macro table after the last directive: predefined
	// macros, Options.Defines and the constants of included well-known
	// headers (all with Pos NoPos), and the script's.
	Defines map[string]Define
	// Includes lists the active #include directives in order.
	Includes []Include
	// Inactive lists the regions that conditionals skipped, in order.
	Inactive []Span
	// DefPos maps each struct, union and enum the script defines to the
	// position of its tag (or of its keyword, if anonymous).
	DefPos map[types.Type]token.Pos
}

// Struct returns the struct (union false) or union (union true) the
// script defines with the given tag.
func (r *Result) Struct(name string, union bool) (*types.Struct, bool) {
	s, ok := r.Structs[name]
	if !ok || s.Union != union {
		return nil, false
	}
	return s, true
}

// EnumConst is an enumerator.
type EnumConst struct {
	Value int64
	Enum  *types.Enum // Name is empty for an anonymous enum
	Pos   token.Pos   // the enumerator's name
}

// Define is a macro.
type Define struct {
	Name string
	// Body is the replacement text, comments blanked and trimmed; "1" for
	// a -D NAME without a body.
	Body string
	// Pos is the macro name in its #define; NoPos when predefined.
	Pos token.Pos
	// BodyPos is the first byte of Body in the script (NoPos when
	// predefined), so that sema can map errors in the re-parsed body.
	// Interior comments are blanked to spaces, so offsets within Body
	// match the source.
	BodyPos token.Pos
	// FuncLike marks a function-like macro (#define F(x) ...), which bt
	// records but cannot expand; Params are its parameter names.
	FuncLike bool
	Params   []string
}

// Include is an #include directive.
type Include struct {
	Path     string // without delimiters
	System   bool   // <path> rather than "path"
	Hash     token.Pos
	Pos, End token.Pos // the path with its delimiters
}

// Span is a range [Pos, End) of the script.
type Span struct{ Pos, End token.Pos }

// Process runs the preprocessor over the PreprocDecl and CDecl items of
// decls, in order, and parses the active C definitions; other decls are
// ignored. It always returns a Result, and the diagnostics sorted by
// position.
func Process(file *token.File, decls []ast.Decl, opts Options) (*Result, diag.List) {
	p := newProcessor(file, opts)
	for _, d := range decls {
		switch d := d.(type) {
		case *ast.PreprocDecl:
			if d != nil {
				p.directive(d.Text, d.HashPos)
			}
		case *ast.CDecl:
			if d != nil {
				p.cdecl(d.Text, d.StartPos)
			}
		}
	}
	p.finish()
	p.errs.Sort()
	return p.res, p.errs
}

// predefined returns the macros defined before the script, as NAME=BODY.
func predefined(opts Options) []string {
	defs := []string{
		"__linux__", "__linux", "__unix__", "__LP64__", "_LP64",
		"__CHAR_BIT__=8", "__SIZEOF_INT__=4", "__SIZEOF_LONG__=8", "__SIZEOF_POINTER__=8",
		"__ORDER_LITTLE_ENDIAN__=1234", "__ORDER_BIG_ENDIAN__=4321",
		"__KERNEL__", "__BPF_TRACING__",
	}
	arch := opts.Arch
	if arch == "" {
		arch = runtime.GOARCH
	}
	defs = append(defs, archMacros(arch)...)
	if arch == "s390x" || arch == "ppc64" {
		defs = append(defs, "__BYTE_ORDER__=__ORDER_BIG_ENDIAN__")
	} else {
		defs = append(defs, "__BYTE_ORDER__=__ORDER_LITTLE_ENDIAN__")
	}
	if opts.HaveBTF {
		defs = append(defs, "BPFTRACE_HAVE_BTF", "_LINUX_TYPES_H")
	}
	return defs
}

// archMacros returns the architecture macros of a GOARCH bt may run on.
func archMacros(arch string) []string {
	switch arch {
	case "amd64":
		return []string{"__x86_64__", "__x86_64", "__amd64__", "__amd64"}
	case "arm64":
		return []string{"__aarch64__"}
	case "riscv64":
		return []string{"__riscv", "__riscv_xlen=64"}
	case "s390x":
		return []string{"__s390x__", "__s390__"}
	case "ppc64le":
		return []string{"__powerpc64__", "__PPC64__", "__LITTLE_ENDIAN__"}
	case "ppc64":
		return []string{"__powerpc64__", "__PPC64__", "__BIG_ENDIAN__"}
	case "loong64":
		return []string{"__loongarch64", "__loongarch__"}
	}
	return nil
}

// splitDefine splits a -D spelling into name and body.
func splitDefine(s string) (name, body string) {
	name, body, ok := strings.Cut(s, "=")
	if !ok {
		body = "1"
	}
	return strings.TrimSpace(name), strings.TrimSpace(body)
}
