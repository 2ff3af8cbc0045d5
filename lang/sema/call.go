package sema

import (
	"fmt"
	"strings"

	"github.com/bt-tools/bt/lang/token"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/builtins"
	"github.com/bt-tools/bt/lang/types"
)

// Callee is what a call resolved to: a builtin, a macro or a fn.
type Callee struct {
	Builtin *builtins.Builtin
	Macro   *ast.MacroDecl
	Fn      *ast.FnDecl
}

// call checks a call. agg says the call is the value of a map assignment,
// the only place aggregations (count(), hist() ...) may appear.
func (c *checker) call(x *ast.CallExpr, agg bool) types.Type {
	name := x.Fun.Name
	if decls := c.prog.Macros[name]; len(decls) > 0 {
		_, isBuiltin := builtins.Lookup(name)
		if d := c.pickMacro(x, decls, !isBuiltin); d != nil {
			c.info.Calls[x] = &Callee{Macro: d}
			return c.expandMacro(x, d, x.Args)
		}
		if !isBuiltin {
			return types.Invalid
		}
		// No overload fits: a user macro only overrides the builtin it
		// has the signature of (cpu(x) leaves cpu() alone).
	}
	name = strings.TrimPrefix(name, "__builtin_") // the stdlib's spelling of the builtins
	if fn := c.prog.Fns[name]; fn != nil {
		c.info.Calls[x] = &Callee{Fn: fn}
		return c.callFn(x, fn)
	}
	b, ok := builtins.Lookup(name)
	if ok && b.Kind == builtins.Var && x.Fun.Name != name && len(x.Args) == 0 {
		return c.builtinVar(x.Fun, b) // __builtin_comm()
	}
	if !ok {
		for _, a := range x.Args {
			c.arg(a)
		}
		d := c.errorf(x.Fun, "E205", "unknown function '%s'", name)
		if m := closest(name, funcCandidates()); m != "" {
			d.Hints = []string{"did you mean " + m + "()?"}
		}
		return types.Invalid
	}
	c.info.Calls[x] = &Callee{Builtin: b}
	if b.Kind == builtins.Agg && !agg {
		c.errorf(x, "E320", "%s() must be assigned to a map, as in @x = %s(...)", name, name)
	}
	if b.Context {
		// args(), retval(), ... with parens: the same as the bare name.
		if len(x.Args) == 0 {
			return c.expr(x.Fun)
		}
	}
	if name == "delete" && len(x.Args) == 1 {
		if _, ok := ast.Unparen(x.Args[0]).(*ast.MapAccess); ok {
			c.warnf(x, "W402", "delete(@m[key]) is deprecated").Hints = []string{"write delete(@m, key)"}
		}
	}
	c.outParams(x, b)
	cc := c.newCallCtx(x)
	c.checkMapArgs(x, cc)
	t := c.runCheck(x, b, cc)
	if t == nil {
		t = types.Invalid
	}
	c.foldMeta(x, name)
	return t
}

// foldMeta computes the compile-time value of the stdlib's type
// predicates (is_str ...) and kfunc_exist/kfunc_allowed, so that
// "if comptime is_str(x)" picks its branch.
func (c *checker) foldMeta(x *ast.CallExpr, name string) {
	if len(x.Args) != 1 {
		return
	}
	a := x.Args[0]
	t := c.info.Types[a]
	var v bool
	switch name {
	case "is_str":
		v = types.IsString(t)
	case "is_ptr":
		v = isPtr(t)
	case "is_array":
		_, v = t.(*types.Array)
	case "is_integer":
		v = types.IsInt(t)
	case "is_unsigned_integer":
		v = types.IsInt(t) && !isSigned(t)
	case "is_literal":
		switch u := ast.Unparen(a).(type) {
		case *ast.IntLit, *ast.StringLit, *ast.BoolLit:
			v = true
		case *ast.UnaryExpr:
			_, v = ast.Unparen(u.X).(*ast.IntLit)
			v = v && u.Op == token.SUB
		}
	case "kfunc_exist", "kfunc_allowed":
		s, ok := c.stringConst(a)
		if !ok || c.opts.Kernel == nil {
			return
		}
		_, err := c.opts.Kernel.Func(s)
		v = err == nil
	default:
		return
	}
	if types.IsInvalid(t) && name != "kfunc_exist" && name != "kfunc_allowed" {
		return
	}
	c.info.Consts[x] = Const{Int: b2i(v)}
}

func funcCandidates() []string {
	var names []string
	for _, b := range builtins.All() {
		if b.Kind != builtins.Var {
			names = append(names, b.Name)
		}
	}
	return names
}

// runCheck runs the table's checks for a builtin use; cc is nil for a
// bare builtin variable.
func (c *checker) runCheck(x ast.Node, b *builtins.Builtin, cc *callCtx) types.Type {
	if cc == nil {
		cc = &callCtx{c: c, node: x}
	}
	return b.CheckCall(cc)
}

// arg checks one argument according to its syntactic form, without
// reading maps that are only named (print(@h), clear(@m)).
func (c *checker) arg(a ast.Expr) (types.Type, builtins.Form) {
	switch x := ast.Unparen(a).(type) {
	case *ast.MapExpr:
		m := c.nameMap(x)
		var t types.Type = types.Invalid
		if m != nil && m.Value != nil {
			t = readType(m.Value)
		}
		c.info.Types[a] = t
		c.info.Types[x] = t
		return t, builtins.FormMap
	case *ast.MapAccess:
		kt := c.keyType(x.Keys)
		m := c.useMap(x.Map, true)
		var t types.Type = types.Invalid
		if m != nil && m.Value != nil {
			c.checkKey(x, m, kt)
			t = readType(m.Value)
		}
		c.info.Types[a] = t
		c.info.Types[x] = t
		return t, builtins.FormMapElem
	case *ast.VarExpr:
		return c.expr(a), builtins.FormVar
	case *ast.Ident:
		if !c.identKnown(x.Name) {
			return types.Invalid, builtins.FormIdent
		}
	case *ast.TypeExpr:
		t := c.resolveType(x)
		c.info.Types[a] = t
		return t, builtins.FormType
	case *ast.TypeofExpr:
		t := c.typeArg(x.Arg)
		c.info.Types[a] = t
		return t, builtins.FormType
	}
	return c.expr(a), builtins.FormExpr
}

// identKnown reports whether a bare name refers to a value.
func (c *checker) identKnown(name string) bool {
	switch {
	case name == "args" || name == "retval" || name == "ctx" || name == "func" || name == "probe" || isArgN(name):
		return true
	}
	if b, ok := builtins.Lookup(name); ok && b.Kind == builtins.Var {
		return true
	}
	if len(c.prog.Macros[name]) > 0 {
		return true
	}
	if c.prog.C != nil {
		if _, ok := c.prog.C.Defines[name]; ok {
			return true
		}
		if _, ok := c.prog.C.EnumConsts[name]; ok {
			return true
		}
	}
	if k := c.opts.Kernel; k != nil {
		if _, _, err := k.EnumConst(name); err == nil {
			return true
		}
	}
	return false
}

// callCtx is the checker's implementation of builtins.Call.
type callCtx struct {
	c     *checker
	node  ast.Node
	call  *ast.CallExpr
	types []types.Type
	forms []builtins.Form
}

func (c *checker) newCallCtx(x *ast.CallExpr) *callCtx {
	cc := &callCtx{c: c, node: x, call: x}
	for i, a := range x.Args {
		if i == 0 && x.Fun.Name == "str" {
			if t, ok := c.strParam(a); ok {
				cc.types = append(cc.types, t)
				cc.forms = append(cc.forms, builtins.FormExpr)
				continue
			}
		}
		t, f := c.arg(a)
		cc.types = append(cc.types, t)
		cc.forms = append(cc.forms, f)
	}
	return cc
}

func (cc *callCtx) NArgs() int { return len(cc.types) }

func (cc *callCtx) ArgType(i int) types.Type {
	if i < 0 || i >= len(cc.types) || cc.types[i] == nil {
		return types.Invalid
	}
	return cc.types[i]
}

func (cc *callCtx) argExpr(i int) ast.Expr {
	if cc.call == nil || i < 0 || i >= len(cc.call.Args) {
		return nil
	}
	return cc.call.Args[i]
}

func (cc *callCtx) ArgInt(i int) (int64, bool) {
	if a := cc.argExpr(i); a != nil {
		return cc.c.intConst(ast.Unparen(a))
	}
	return 0, false
}

func (cc *callCtx) ArgString(i int) (string, bool) {
	if a := cc.argExpr(i); a != nil {
		return cc.c.stringConst(a)
	}
	return "", false
}

func (cc *callCtx) ArgIdent(i int) (string, bool) {
	if a := cc.argExpr(i); a != nil {
		if id, ok := ast.Unparen(a).(*ast.Ident); ok {
			cc.c.info.Idents[id] = &Object{Kind: ObjStackMode, Name: id.Name}
			return id.Name, true
		}
	}
	return "", false
}

func (cc *callCtx) MapValue(i int) types.Type {
	a := cc.argExpr(i)
	if a == nil {
		return nil
	}
	var mx *ast.MapExpr
	switch x := ast.Unparen(a).(type) {
	case *ast.MapExpr:
		mx = x
	case *ast.MapAccess:
		mx = x.Map
	default:
		return nil
	}
	if m := cc.c.prog.Maps[mapName(mx)]; m != nil {
		return m.Value
	}
	return nil
}

func (cc *callCtx) ArgForm(i int) builtins.Form {
	if i < 0 || i >= len(cc.forms) {
		return builtins.FormExpr
	}
	return cc.forms[i]
}

func (cc *callCtx) Provider() string {
	if p := cc.c.provider(); p != nil {
		return p.Name
	}
	return ""
}

func (cc *callCtx) Unsafe() bool     { return cc.c.opts.Unsafe }
func (cc *callCtx) MaxStrlen() int64 { return cc.c.opts.MaxStrlen }
func (cc *callCtx) InLoop() bool     { return cc.c.inForLoop() }

func (cc *callCtx) at(i int) ast.Node {
	if a := cc.argExpr(i); a != nil {
		return a
	}
	return cc.node
}

func (cc *callCtx) Errorf(i int, code, format string, args ...any) {
	cc.c.errorf(cc.at(i), code, "%s", fmt.Sprintf(format, args...))
}

func (cc *callCtx) Warnf(i int, code, format string, args ...any) {
	cc.c.warnf(cc.at(i), code, "%s", fmt.Sprintf(format, args...))
}

// callFn checks a call of a fn declared in the script.
func (c *checker) callFn(x *ast.CallExpr, fn *ast.FnDecl) types.Type {
	for _, a := range x.Args {
		c.expr(a)
	}
	if len(x.Args) != len(fn.Params) {
		c.errorf(x, "E321", "%s() takes %d arguments (%d given)", fn.Name.Name, len(fn.Params), len(x.Args))
	}
	if fn.Result == nil {
		return types.Void
	}
	return c.withInfo(func() types.Type { return c.resolveType(fn.Result) })
}

// strParam types the argument of str($N) and str($N + k): a positional
// parameter read as a string, whatever it holds ("use str($1) to treat
// $1 as a string").
func (c *checker) strParam(a ast.Expr) (types.Type, bool) {
	x := ast.Unparen(a)
	var offset ast.Expr
	bin, _ := x.(*ast.BinaryExpr)
	if bin != nil && bin.Op == token.ADD {
		x, offset = ast.Unparen(bin.X), bin.Y
	}
	p, ok := x.(*ast.ParamExpr)
	if !ok || p.N == 0 {
		return nil, false
	}
	var t types.Type = &types.String{Len: c.opts.MaxStrlen}
	if p.N <= len(c.opts.Params) {
		s := c.opts.Params[p.N-1]
		t = &types.String{Len: int64(len(s)) + 1}
		if offset == nil {
			c.info.Consts[p] = Const{IsStr: true, Str: s}
		}
	} else if c.opts.ParamsGiven {
		c.warnf(p, "W208", "positional parameter %s is empty or not provided", p.Lit)
		t = &types.String{Len: 1}
	}
	c.info.Types[p] = t
	if offset != nil {
		if ot := c.expr(offset); !types.IsInvalid(ot) && !intLike(ot) {
			c.errorf(offset, "E305", "the '+' operator cannot be used on string and %s", ot)
		}
		c.info.Types[bin] = t
	}
	c.info.Types[a] = t
	return t, true
}

// outParams marks the scratch variables a builtin writes (the $value of
// find(@m, key, $value)) as assigned, with the map's value type when the
// variable has none yet.
func (c *checker) outParams(x *ast.CallExpr, b *builtins.Builtin) {
	for i, p := range b.Params {
		if p.Kind != builtins.VarArg || i >= len(x.Args) {
			continue
		}
		ve, ok := ast.Unparen(x.Args[i]).(*ast.VarExpr)
		if !ok {
			continue
		}
		v := c.scope.lookup(ve.Name)
		if v == nil {
			continue // reported as undefined when the argument is checked
		}
		for s := c.scope; s != nil; s = s.parent {
			delete(s.unassigned, v)
		}
		if v.Type == nil && len(x.Args) > 0 {
			if mx, ok := ast.Unparen(x.Args[0]).(*ast.MapExpr); ok {
				if m := c.prog.Maps[mapName(mx)]; m != nil && m.Value != nil {
					v.Type = readType(m.Value)
				}
			}
		}
	}
}

// keyedMapFuncs take a map with keys and, for some, a key of it.
var keyedMapFuncs = map[string]bool{"has_key": true, "len": true, "delete": true, "find": true}

// checkMapArgs checks what the builtins table cannot see: that the map
// given to has_key, len, delete and find has keys (when one is needed),
// and that the key fits the map's keys.
func (c *checker) checkMapArgs(x *ast.CallExpr, cc *callCtx) {
	name := x.Fun.Name
	if !keyedMapFuncs[name] || len(x.Args) == 0 {
		return
	}
	mx, ok := ast.Unparen(x.Args[0]).(*ast.MapExpr)
	if !ok {
		return
	}
	m := c.prog.Maps[mapName(mx)]
	if m == nil {
		return
	}
	if m.Scalar && (name != "delete" || len(x.Args) > 1) {
		c.errorf(x.Args[0], "E402", "%s() expects a map with keys, but %s is a scalar map", name, m.Name)
		return
	}
	if len(x.Args) < 2 || m.Key == nil || name == "len" {
		return
	}
	kt := storable(cc.ArgType(1), c.isFlexible(x.Args[1]))
	if hasInvalid(kt) || hasInvalid(m.Key) {
		return
	}
	if _, ok := unify(m.Key, kt); !ok {
		c.errorf(x.Args[1], "E212", "%s is accessed with a key of type %s, but its keys have type %s", m.Name, kt, m.Key).
			Related = relatedAt(m.First, "first use")
	}
}
