package sema

import (
	"errors"
	"strconv"
	"strings"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/builtins"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/parser"
	"github.com/bt-tools/bt/lang/probes"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
)

// ident resolves a bare identifier: the probe's context (args, argN,
// retval, ctx, func, probe), builtin variables, zero-argument macros, C
// #defines and enum constants, in that order.
func (c *checker) ident(x *ast.Ident) types.Type {
	// A user macro without parameters overrides the builtin of its name.
	if decls := c.prog.Macros[x.Name]; len(decls) > 0 {
		for _, d := range decls {
			if len(d.Params) == 0 {
				c.info.Idents[x] = &Object{Kind: ObjMacro, Name: x.Name, Macro: d, Pos: d.Name.Pos()}
				return c.expandMacro(x, d, nil)
			}
		}
	}
	// __builtin_comm is the stdlib's name for comm.
	name := strings.TrimPrefix(x.Name, "__builtin_")
	if t, ok := c.contextIdent(x, name); ok {
		return t
	}
	if b, ok := builtins.Lookup(name); ok && b.Kind == builtins.Var {
		c.info.Idents[x] = &Object{Kind: ObjBuiltin, Name: b.Name}
		return c.builtinVar(x, b)
	}
	if t, ok := c.define(x); ok {
		return t
	}
	if t, ok := c.enumConst(x); ok {
		return t
	}
	if x.Name == "_" {
		c.errorf(x, "E204", "'_' can only be assigned to (_ = expr)")
		return types.Invalid
	}
	if b, ok := builtins.Lookup(name); ok && b.Kind != builtins.Var && !b.Keyword {
		c.errorf(x, "E204", "%s is a function, not a value", x.Name).Hints = []string{"call it: " + b.Signature}
		return types.Invalid
	}
	d := c.errorf(x, "E204", "unknown identifier '%s'", x.Name)
	if m := closest(x.Name, identCandidates()); m != "" {
		d.Hints = []string{"did you mean " + m + "?"}
	}
	return types.Invalid
}

func identCandidates() []string {
	var names []string
	for _, b := range builtins.All() {
		if b.Kind == builtins.Var {
			names = append(names, b.Name)
		}
	}
	return append(names, "args", "retval", "ctx", "func", "probe")
}

// contextIdent handles the builtins whose meaning depends on the probe.
func (c *checker) contextIdent(x *ast.Ident, name string) (types.Type, bool) {
	p := c.provider()
	obj := &Object{Kind: ObjBuiltin, Name: name}
	if c.probe == nil && isContextName(name) {
		// A fn body runs outside any probe: it has no context.
		c.info.Idents[x] = obj
		c.errorf(x, "E414", "%s cannot be used outside a probe", name).Hints = []string{"pass the value to the fn as a parameter"}
		return types.Invalid, true
	}
	switch {
	case name == "args":
		c.info.Idents[x] = obj
		if p != nil && !p.Args {
			c.contextError(x, p, "args")
			return types.Invalid, true
		}
		if c.point != nil && c.point.Args == nil {
			var pe *probes.ProbeError
			if errors.As(c.point.ArgsErr, &pe) && pe.Code == probes.CodeNoLayout {
				d := c.errorf(x, pe.Code, "%s", pe.Msg)
				if pe.Hint != "" {
					d.Hints = append(d.Hints, pe.Hint)
				}
			}
		}
		if c.point == nil || c.point.Args == nil {
			return types.Invalid, true // unknown layout: not checked
		}
		return c.point.Args, true
	case name == "retval":
		c.info.Idents[x] = obj
		if c.loops > 0 && c.inForLoop() {
			c.errorf(x, "E516", "retval cannot be used inside a for loop body")
		}
		if p != nil && !p.Retval {
			d := c.contextError(x, p, "retval")
			if p.Name == "tracepoint" {
				d.Hints = []string{"in tracepoints the return value is args.ret"}
			}
			return types.Invalid, true
		}
		if c.point != nil && c.point.Retval != nil {
			return c.point.Retval, true
		}
		return types.Uint64, true
	case isArgN(name):
		c.info.Idents[x] = obj
		n, _ := strconv.Atoi(name[3:])
		if c.inForLoop() {
			c.errorf(x, "E516", "%s cannot be used inside a for loop body", name)
		}
		if p != nil && !p.ArgN {
			c.contextError(x, p, "argN")
			return types.Invalid, true
		}
		if p != nil && p.MaxArgN > 0 && n >= p.MaxArgN {
			c.errorf(x, "E515", "%s is out of range: %s probes have arg0 to arg%d", name, p.Name, p.MaxArgN-1)
			return types.Invalid, true
		}
		return types.Uint64, true
	case strings.HasPrefix(name, "sarg") && isDigits(name[4:]):
		c.info.Idents[x] = obj
		c.errorf(x, "E417", "%s was removed in bpftrace 0.25", name).Hints = []string{`read the stack instead: *(uint64 *)(reg("sp") + 8*(N+1))`}
		return types.Invalid, true
	case name == "ctx":
		c.info.Idents[x] = obj
		if p != nil && !p.Ctx {
			d := c.contextError(x, p, "ctx")
			if p.Name == "tracepoint" {
				d.Hints = []string{"use args instead of ctx in tracepoints"}
			}
			return types.Invalid, true
		}
		return &types.Pointer{Elem: c.ctxType(p), AddrSpace: types.AddrKernel}, true
	case name == "func":
		c.info.Idents[x] = obj
		if p != nil && !p.Func {
			c.contextError(x, p, "func")
			return types.Invalid, true
		}
		if p != nil && p.AddrSpace == types.AddrUser {
			return types.Usym, true
		}
		return types.Ksym, true
	case name == "probe" || name == "probetype":
		c.info.Idents[x] = obj
		if c.point != nil {
			s := c.point.AP.ProbeName()
			if name == "probetype" {
				s = c.point.AP.Provider.TypeName
			}
			if len(c.group) == 1 {
				c.info.Consts[x] = Const{IsStr: true, Str: s}
			}
		}
		return &types.String{Len: 256}, true
	}
	return nil, false
}

func (c *checker) ctxType(p *probes.Provider) types.Type {
	if p == nil || p.CtxType == "" || c.opts.Kernel == nil {
		return types.Void
	}
	name := strings.TrimPrefix(p.CtxType, "struct ")
	if c.point != nil {
		name = strings.ReplaceAll(name, "%s", c.point.AP.Func)
	}
	if s, err := c.opts.Kernel.Struct(name, false); err == nil {
		return s
	}
	return types.Void
}

func (c *checker) inForLoop() bool { return c.forDepth > 0 }

func isArgN(name string) bool { return strings.HasPrefix(name, "arg") && isDigits(name[3:]) }

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (c *checker) contextError(x ast.Node, p *probes.Provider, builtin string) *diag.Diagnostic {
	pe := probes.ContextError(p, builtin)
	d := c.errorf(x, pe.Code, "%s", pe.Msg)
	if pe.Hint != "" {
		d.Hints = append(d.Hints, pe.Hint)
	}
	return d
}

// builtinVar types a bare builtin variable (pid, comm, nsecs ...).
func (c *checker) builtinVar(x *ast.Ident, b *builtins.Builtin) types.Type {
	// CheckCall checks where the builtin may be used (usermode only in
	// probes with registers, ...) before it types it.
	if t := c.runCheck(x, b, nil); t != nil {
		return c.complete(t)
	}
	return types.Invalid
}

// complete replaces a placeholder struct the builtins table uses (curtask
// is a struct task_struct *) with the kernel's definition.
func (c *checker) complete(t types.Type) types.Type {
	p, ok := t.(*types.Pointer)
	if !ok {
		return t
	}
	s, ok := p.Elem.(*types.Struct)
	if !ok || s.Name == "" || len(s.Fields()) > 0 {
		return t
	}
	if c.prog.C != nil {
		// A definition in the script replaces the kernel's.
		if ss, ok := c.prog.C.Struct(s.Name, s.Union); ok {
			return &types.Pointer{Elem: ss, AddrSpace: p.AddrSpace}
		}
	}
	if c.opts.Kernel == nil {
		return t
	}
	ks, err := c.opts.Kernel.Struct(s.Name, s.Union)
	if err != nil {
		return t
	}
	return &types.Pointer{Elem: ks, AddrSpace: p.AddrSpace}
}

// define expands a C object-like #define used as an expression.
func (c *checker) define(x *ast.Ident) (types.Type, bool) {
	if c.prog.C == nil {
		return nil, false
	}
	d, ok := c.prog.C.Defines[x.Name]
	if !ok {
		return nil, false
	}
	for _, name := range c.defines {
		if name == x.Name {
			c.errorf(x, "E251", "macro recursion: %s -> %s", strings.Join(c.defines, " -> "), x.Name)
			return types.Invalid, true
		}
	}
	body, ok := c.defineExpr(d.Name, d.Body, d.BodyPos)
	obj := &Object{Kind: ObjDefine, Name: x.Name, Expr: body, Pos: d.Pos}
	c.info.Idents[x] = obj
	if !ok {
		c.errorf(x, "E252", "cannot expand macro %s as an expression: %q", x.Name, d.Body)
		return types.Invalid, true
	}
	c.defines = append(c.defines, x.Name)
	t := c.expr(body)
	c.defines = c.defines[:len(c.defines)-1]
	if k, ok := c.info.Consts[body]; ok {
		c.info.Consts[x] = k
	}
	obj.Type = t
	return t, true
}

// defineExpr parses a #define body as a bpftrace expression. The body is
// parsed in a copy of the file with everything before it blanked, so that
// positions in it point into the real source.
func (c *checker) defineExpr(name, body string, pos token.Pos) (ast.Expr, bool) {
	if e, ok := c.defineCache[name]; ok {
		return e, e != nil
	}
	if c.defineCache == nil {
		c.defineCache = map[string]ast.Expr{}
	}
	off := 0
	if pos.IsValid() {
		off = c.file.Offset(pos)
	}
	src := make([]byte, off+len(body))
	for i := 0; i < off; i++ {
		if c.file.Src[i] == '\n' {
			src[i] = '\n'
		} else {
			src[i] = ' '
		}
	}
	copy(src[off:], body)
	x, errs := parser.ParseExpr(token.NewFile(c.file.Name, src))
	if len(errs) > 0 {
		x = nil
	}
	c.defineCache[name] = x
	return x, x != nil
}

// enumConst resolves an enumerator from the script's C definitions or
// from kernel BTF.
func (c *checker) enumConst(x *ast.Ident) (types.Type, bool) {
	if c.prog.C != nil {
		if e, ok := c.prog.C.EnumConsts[x.Name]; ok {
			c.info.Idents[x] = &Object{Kind: ObjEnumConst, Name: x.Name, Value: e.Value, Enum: e.Enum, Type: e.Enum}
			c.info.Consts[x] = Const{Int: e.Value}
			return e.Enum, true
		}
	}
	if k := c.opts.Kernel; k != nil {
		if v, enum, err := k.EnumConst(x.Name); err == nil {
			c.info.Idents[x] = &Object{Kind: ObjEnumConst, Name: x.Name, Value: v, Enum: enum, Type: enum}
			c.info.Consts[x] = Const{Int: v}
			return enum, true
		}
	}
	return nil, false
}

// isContextName reports whether name is a builtin whose value comes from
// the probe's context.
func isContextName(name string) bool {
	switch name {
	case "args", "retval", "ctx", "func", "probe", "probetype":
		return true
	}
	return isArgN(name)
}
