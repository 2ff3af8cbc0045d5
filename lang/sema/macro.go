package sema

import (
	"strings"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
)

// Expansion is the checked copy of a macro body for one call site.
type Expansion struct {
	Decl *ast.MacroDecl
	Body *ast.Block
}

// pickMacro chooses the overload whose parameters fit the arguments:
// $v parameters take variables, @m parameters take maps, names take any
// expression.
func (c *checker) pickMacro(x *ast.CallExpr, decls []*ast.MacroDecl, report bool) *ast.MacroDecl {
	for _, d := range decls {
		if fits(d, x.Args) {
			return d
		}
	}
	if !report {
		return nil
	}
	d := decls[0]
	for _, a := range x.Args {
		c.arg(a)
	}
	c.errorf(x, "E254", "no macro %s takes these arguments (%s takes %s)", x.Fun.Name, x.Fun.Name, paramList(d))
	return nil
}

func fits(d *ast.MacroDecl, args []ast.Expr) bool {
	if len(d.Params) != len(args) {
		return false
	}
	for i, p := range d.Params {
		switch p.(type) {
		case *ast.VarExpr:
			if _, ok := ast.Unparen(args[i]).(*ast.VarExpr); !ok {
				return false
			}
		case *ast.MapExpr:
			if _, ok := ast.Unparen(args[i]).(*ast.MapExpr); !ok {
				return false
			}
		}
	}
	return true
}

func paramList(d *ast.MacroDecl) string {
	if len(d.Params) == 0 {
		return "no arguments"
	}
	parts := make([]string, len(d.Params))
	for i, p := range d.Params {
		switch p := p.(type) {
		case *ast.VarExpr:
			parts[i] = "$" + p.Name
		case *ast.MapExpr:
			parts[i] = "@" + p.Name
		case *ast.Ident:
			parts[i] = p.Name
		}
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// expandMacro checks a copy of the macro's body for this call site.
// Macros are hygienic: the body sees only its own variables and what is
// passed in: $v parameters alias the caller's variables, @m parameters
// the caller's maps, and name parameters stand for the argument
// expressions, which are evaluated in the caller's scope.
func (c *checker) expandMacro(site ast.Expr, d *ast.MacroDecl, args []ast.Expr) types.Type {
	// A call written in an argument of another macro belongs to the
	// argument's caller: its own expansions stack and scope apply.
	stack, caller := c.macros, c.scope
	if o, ok := c.args[site]; ok {
		stack = stack[:min(o.depth, len(stack))]
		caller = c.argScope(site, caller)
	}
	for _, name := range stack {
		if name == d.Name.Name {
			c.errorf(site, "E250", "macro recursion: %s -> %s", strings.Join(stack, " -> "), d.Name.Name)
			return types.Invalid
		}
	}
	if len(c.macros) > 64 {
		c.errorf(site, "E250", "macro expansion is too deep")
		return types.Invalid
	}
	inner := newScope(nil, c.probe)
	maps := map[string]string{}
	exprs := map[string]ast.Expr{}
	for i, p := range d.Params {
		switch p := p.(type) {
		case *ast.VarExpr:
			arg := ast.Unparen(args[i]).(*ast.VarExpr)
			if v := caller.lookup(arg.Name); v != nil {
				v.Refs = append(v.Refs, arg)
				c.info.Vars[arg] = v
				inner.declare(&Var{Name: p.Name, Type: v.Type, Decl: v.Decl, Probe: v.Probe})
				inner.vars[p.Name] = v
			} else {
				c.errorf(arg, "E201", "undefined variable $%s", arg.Name)
			}
		case *ast.MapExpr:
			maps[p.Name] = ast.Unparen(args[i]).(*ast.MapExpr).Name
		case *ast.Ident:
			exprs[p.Name] = args[i]
		}
	}
	if c.args == nil {
		c.args = map[ast.Node]argOrigin{}
	}
	here := argOrigin{scope: caller, depth: len(stack)}
	body := ast.CloneWith(d.Body, func(n ast.Node) (ast.Node, bool) {
		switch n := n.(type) {
		case *ast.MapExpr:
			if to, ok := maps[n.Name]; ok {
				return &ast.MapExpr{At: n.At, Name: to}, true
			}
		case *ast.TypeExpr:
			if t := substType(n, exprs); t != nil {
				return t, true
			}
		case *ast.Ident:
			if e, ok := exprs[n.Name]; ok {
				cp := ast.Clone(e).(ast.Expr)
				c.markArg(e, cp, here)
				return &ast.ParenExpr{Lparen: n.Pos(), X: cp, Rparen: n.End() - 1}, true
			}
		}
		return nil, false
	}).(*ast.Block)
	c.info.Expansions[site] = &Expansion{Decl: d, Body: body}

	savedMacros := c.macros
	c.macros = append(stack[:len(stack):len(stack)], d.Name.Name)
	savedScope := c.scope
	c.scope = inner
	t := c.block(body)
	c.scope = savedScope
	c.macros = savedMacros
	if body.Value != nil {
		if k, ok := c.info.Consts[body.Value]; ok {
			c.info.Consts[site] = k // a macro that expands to a constant is one
		}
	}
	return t
}

// argOrigin is where an expression passed to a macro comes from: the
// scope its variables live in, and how many expansions were under way.
type argOrigin struct {
	scope *scope
	depth int
}

// markArg records the origin of every node of cp, the clone of the
// argument orig: nodes that came from an outer macro's argument keep
// their origin, the others get here.
func (c *checker) markArg(orig, cp ast.Node, here argOrigin) {
	var from, to []ast.Node
	collect := func(list *[]ast.Node) func(ast.Node) bool {
		return func(n ast.Node) bool {
			if n != nil {
				*list = append(*list, n)
			}
			return true
		}
	}
	ast.Inspect(orig, collect(&from))
	ast.Inspect(cp, collect(&to))
	for i, n := range to {
		o := here
		if i < len(from) {
			if outer, ok := c.args[from[i]]; ok {
				o = outer
			}
		}
		c.args[n] = o
	}
}

// argScope is the scope to resolve the variables of n in: the scope of
// the macro call n's argument was written at, unless the checker is
// already inside a block of that argument (whose scopes descend from it).
func (c *checker) argScope(n ast.Node, cur *scope) *scope {
	o, ok := c.args[n]
	if !ok {
		return cur
	}
	for s := cur; s != nil; s = s.parent {
		if s == o.scope {
			return cur
		}
	}
	return o.scope
}

// macroDecl checks what can be checked of a macro without a call site.
func (c *checker) macroDecl(d *ast.MacroDecl) {
	seen := map[string]bool{}
	for _, p := range d.Params {
		var name string
		switch p := p.(type) {
		case *ast.VarExpr:
			name = "$" + p.Name
		case *ast.MapExpr:
			name = "@" + p.Name
		case *ast.Ident:
			name = p.Name
			if isArgN(name) || name == "args" || name == "ctx" || name == "pid" || name == "tid" || name == "nsecs" || name == "kstack" || name == "ustack" {
				c.errorf(p, "E255", "macro parameter '%s' is the name of a builtin", name)
			}
		}
		if seen[name] {
			c.errorf(p, "E255", "duplicate macro parameter '%s'", name)
		}
		seen[name] = true
	}
}

// fnDecl checks a fn body with its parameters declared.
func (c *checker) fnDecl(d *ast.FnDecl) {
	saved := c.info
	c.info = c.prog.Info
	c.scope = newScope(nil, nil)
	for _, p := range d.Params {
		t := c.resolveType(p.Type)
		v := &Var{Name: p.Var.Name, Type: t, Decl: p.Var, Let: true}
		v.Refs = append(v.Refs, p.Var)
		c.scope.declare(v)
		c.info.Vars[p.Var] = v
	}
	if d.Result != nil {
		c.resolveType(d.Result)
	}
	c.block(d.Body)
	c.scope = nil
	c.info = saved
}

// substType replaces a type named after a macro parameter ("(t)x" in the
// body) with the type the argument names: typeof(T), a written type, or a
// bare type name. Suffixes of the use ("t *") apply on top.
func substType(n *ast.TypeExpr, exprs map[string]ast.Expr) *ast.TypeExpr {
	if n.Keyword != token.IDENT || n.Typeof != nil {
		return nil
	}
	e, ok := exprs[n.Name]
	if !ok {
		return nil
	}
	t := &ast.TypeExpr{StartPos: n.StartPos, EndPos: n.EndPos, Keyword: token.IDENT}
	switch a := ast.Unparen(e).(type) {
	case *ast.TypeofExpr:
		t.Typeof = ast.Clone(a).(*ast.TypeofExpr)
	case *ast.TypeExpr:
		cp := ast.Clone(a).(*ast.TypeExpr)
		t.Keyword, t.Name, t.Typeof = cp.Keyword, cp.Name, cp.Typeof
		t.Suffixes = cp.Suffixes
	case *ast.Ident:
		t.Name = a.Name
	default:
		return nil
	}
	t.Suffixes = append(append([]ast.TypeSuffix(nil), t.Suffixes...), n.Suffixes...)
	return t
}
