package sema

import (
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/builtins"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
)

func (c *checker) assign(s *ast.AssignStmt) {
	switch lhs := ast.Unparen(s.LHS).(type) {
	case *ast.Ident:
		c.info.Idents[lhs] = &Object{Kind: ObjDiscard, Name: "_"}
		c.expr(s.RHS)
	case *ast.VarExpr:
		c.assignToVar(s, lhs)
	case *ast.MapExpr, *ast.MapAccess:
		c.assignToMap(s, lhs)
	default:
		c.expr(s.RHS)
	}
}

func (c *checker) assignToVar(s *ast.AssignStmt, lhs *ast.VarExpr) {
	v := c.scope.lookup(lhs.Name)
	if s.Tok != token.ASSIGN {
		if v == nil {
			c.errorf(lhs, "E201", "undefined variable $%s", lhs.Name)
			c.expr(s.RHS)
			return
		}
		v.Refs = append(v.Refs, lhs)
		c.info.Vars[lhs] = v
		rt := c.expr(s.RHS)
		c.compound(s, v.Type, rt)
		c.info.Types[lhs] = v.Type
		return
	}
	t := c.expr(s.RHS)
	if v != nil && !v.Let && !v.scope.encloses(c.scope) && v.Type != nil && !types.IsInvalid(t) {
		if _, ok := unify(v.Type, storable(t, c.isFlexible(s.RHS))); !ok {
			// Another block's variable of another type: in the new era
			// each block has its own.
			v = nil
		}
	}
	if v == nil {
		// A plain assignment introduces a probe-scoped variable (0.17
		// scoping) that the new era scopes to its block (see let).
		v = &Var{Name: lhs.Name, Decl: lhs, Probe: c.probe, scope: c.scope}
		c.scope.root().declare(v)
	}
	v.Refs = append(v.Refs, lhs)
	c.info.Vars[lhs] = v
	c.assignVar(v, lhs, s.RHS, t)
}

// assignVar checks that a value of type t may be stored in v and learns
// or widens v's type.
func (c *checker) assignVar(v *Var, at *ast.VarExpr, rhs ast.Expr, t types.Type) {
	for s := c.scope; s != nil; s = s.parent {
		delete(s.unassigned, v)
	}
	defer func() { c.info.Types[at] = v.Type }()
	if types.IsInvalid(t) {
		if v.Type == nil {
			v.Type = types.Invalid
		}
		return
	}
	switch tt := t.(type) {
	case *types.Agg:
		if call, ok := ast.Unparen(rhs).(*ast.CallExpr); ok && c.isAgg(call) {
			return // E320: the aggregation belongs in a map
		}
		if !tt.Castable() {
			c.errorf(rhs, "E314", "a value of type %s cannot be assigned to a variable", t)
			return
		}
		t = readType(t)
	case *types.Basic:
		if t == types.Void {
			c.errorf(rhs, "E314", "the expression has no value to assign")
			return
		}
	}
	if rhs != nil && c.signedOperand(rhs, t) {
		v.signed = true
	}
	t = storable(t, c.isFlexible(rhs))
	if v.Type == nil || types.IsInvalid(v.Type) {
		v.Type = t
		return
	}
	u, ok := unify(v.Type, t)
	if !ok {
		c.errorf(rhs, "E303", "type mismatch for $%s: assigning %s, but the variable has type %s", v.Name, t, v.Type).
			Related = relatedAt(v.Decl, "the variable's type comes from here")
		return
	}
	if intLike(t) && isSigned(t) != isSigned(v.Type) && !c.isFlexible(rhs) {
		c.warnf(rhs, "W301", "assigning %s to $%s of type %s changes its sign; $%s becomes %s", t, v.Name, v.Type, v.Name, u)
	}
	v.Type = u
}

func (c *checker) compound(s *ast.AssignStmt, lt, rt types.Type) {
	if types.IsInvalid(lt) || types.IsInvalid(rt) {
		return
	}
	if isPtr(lt) && intLike(rt) && (s.Tok == token.ADDASSIGN || s.Tok == token.SUBASSIGN) {
		return // pointer arithmetic: $p += 1
	}
	if !intLike(lt) || !intLike(rt) {
		c.errorf(s, "E305", "the '%s' operator cannot be used on %s and %s", s.Tok, lt, rt)
	}
}

func (c *checker) assignToMap(s *ast.AssignStmt, lhs ast.Expr) {
	m, keys := c.mapTarget(lhs)
	var vt types.Type
	if call := c.aggValue(s.RHS); call != nil && s.Tok == token.ASSIGN {
		// @m = count(), or a block whose value is one: { ...; avg($a) }.
		if c.aggCalls == nil {
			c.aggCalls = map[*ast.CallExpr]bool{}
		}
		c.aggCalls[call] = true
		vt = c.expr(s.RHS)
	} else {
		vt = c.expr(s.RHS)
		if s.Tok != token.ASSIGN {
			cur := types.Type(types.Int64)
			if m.Value != nil {
				cur = readType(m.Value)
			}
			c.compound(s, cur, vt)
			vt = cur
		} else if a, ok := vt.(*types.Agg); ok {
			// @a = @b where @b counts: the value is read as an integer.
			vt = readType(a)
		}
		vt = storable(vt, c.isFlexible(s.RHS))
	}
	c.assignMap(m, lhs, keys, vt, s.RHS)
	if ma, ok := lhs.(*ast.MapAccess); ok {
		c.info.Types[ma] = vt
	}
}

func (c *checker) isAgg(call *ast.CallExpr) bool {
	if len(c.prog.Macros[call.Fun.Name]) > 0 {
		return false
	}
	b, ok := builtins.Lookup(call.Fun.Name)
	return ok && b.Kind == builtins.Agg
}

// aggValue returns the aggregation call that is the value of x: x itself,
// or the trailing expression of a block.
func (c *checker) aggValue(x ast.Expr) *ast.CallExpr {
	switch x := ast.Unparen(x).(type) {
	case *ast.CallExpr:
		if c.isAgg(x) {
			return x
		}
	case *ast.Block:
		if x.Value != nil {
			return c.aggValue(x.Value)
		}
	}
	return nil
}
