package sema

import (
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
)

// block checks a block in its own scope and returns its value type (the
// trailing expression's, or void).
func (c *checker) block(b *ast.Block) types.Type {
	if b == nil {
		return types.Void
	}
	if sc := c.argScope(b, c.scope); sc != c.scope {
		// A block passed to a macro: its scope descends from the caller's.
		saved := c.scope
		c.scope = sc
		defer func() { c.scope = saved }()
	}
	c.push()
	defer c.pop()
	terminated := false
	for _, s := range b.Stmts {
		if terminated {
			c.warnf(s, "W205", "unreachable statement")
			terminated = false // one warning per run of dead code
		}
		c.stmt(s)
		terminated = terminates(s)
	}
	t := types.Type(types.Void)
	if b.Value != nil {
		if terminated {
			c.warnf(b.Value, "W205", "unreachable statement")
		}
		t = c.expr(b.Value)
	} else if n := len(b.Stmts); n > 0 {
		// A trailing if/else or block without ';' is the block's value
		// (macro bodies end with "if comptime ... { a } else { b }").
		switch last := b.Stmts[n-1].(type) {
		case *ast.IfExpr:
			if last.Else != nil && !last.Semi.IsValid() {
				t = c.info.Types[last]
			}
		case *ast.Block:
			if !last.Semi.IsValid() {
				t = c.info.Types[last]
			}
		}
		if t == nil {
			t = types.Void
		}
	}
	c.info.Types[b] = t
	return t
}

// terminates reports whether control never continues after s.
func terminates(s ast.Stmt) bool {
	switch s := s.(type) {
	case *ast.ReturnStmt, *ast.BranchStmt:
		return true
	case *ast.ExprStmt:
		if call, ok := s.X.(*ast.CallExpr); ok && call.Fun.Name == "exit" {
			return true
		}
	}
	return false
}

func (c *checker) stmt(s ast.Stmt) {
	switch s := s.(type) {
	case *ast.ExprStmt:
		c.exprStmt(s)
	case *ast.AssignStmt:
		c.assign(s)
	case *ast.LetStmt:
		c.let(s)
	case *ast.IfExpr:
		c.ifExpr(s)
	case *ast.Block:
		c.block(s)
	case *ast.ForStmt:
		c.forStmt(s)
	case *ast.WhileStmt:
		c.warnAt(s.While, s.While+5, "W206", "while loops are deprecated").Hints = []string{"use a range loop: for $i : 0..N { ... }"}
		c.cond(s.Cond, "while condition")
		c.loop(s.Body)
	case *ast.UnrollStmt:
		c.unroll(s)
	case *ast.BranchStmt:
		if c.loops == 0 {
			c.errorf(s, "E322", "'%s' used outside of a loop", s.Tok)
		}
	case *ast.ReturnStmt:
		if s.Result != nil {
			if t := c.expr(s.Result); !types.IsInvalid(t) && !types.IsInt(t) && t != types.Bool {
				c.errorf(s.Result, "E307", "probe return values can only be integers, found %s", t)
			}
		}
	case *ast.ImportDecl:
		c.warnf(s, "W202", "import is not supported by bt yet; %s is not read", s.Path.Lit)
	case *ast.BadStmt:
	}
}

func (c *checker) exprStmt(s *ast.ExprStmt) {
	t := c.expr(s.X)
	if c.discardable(s.X) && !types.IsInvalid(t) && t != types.Void {
		hint := "assign it, or write _ = ... to discard it explicitly"
		if b, ok := ast.Unparen(s.X).(*ast.BinaryExpr); ok && b.Op == token.EQL {
			hint = "'==' compares; did you mean '=' to assign?"
		}
		c.warnf(s.X, "W207", "value of type %s is discarded", t).Hints = []string{hint}
	}
}

// discardable reports whether x is a pure expression whose value, when
// unused, is a mistake: not a call with effects, not ++/--.
func (c *checker) discardable(x ast.Expr) bool {
	switch x := ast.Unparen(x).(type) {
	case *ast.CallExpr:
		if callee := c.info.Calls[x]; callee != nil && callee.Builtin != nil {
			switch callee.Builtin.Name {
			case "str", "buf", "strlen", "strncmp", "strcontains", "strstr", "ksym", "usym",
				"ntop", "bswap", "kaddr", "uaddr", "cgroupid", "reg", "sizeof", "len":
				return true
			}
		}
		return false
	case *ast.IncDecExpr, *ast.IfExpr, *ast.Block, *ast.BadExpr:
		return false
	}
	return true
}

func (c *checker) cond(x ast.Expr, what string) {
	t := c.expr(x)
	if types.IsInvalid(t) {
		return
	}
	switch tt := t.(type) {
	case *types.Int, *types.Enum, *types.Pointer:
		return
	case *types.Basic:
		if tt == types.Bool {
			return
		}
	case *types.Agg:
		if tt.Castable() {
			return
		}
	}
	c.errorf(x, "E301", "invalid %s: %s is not a condition (need an integer, bool or pointer)", what, t)
}

func (c *checker) ifExpr(x *ast.IfExpr) types.Type {
	c.cond(x.Cond, "condition")
	if live, ok := c.comptimeBranch(x); ok {
		// if comptime: the other branch is not compiled, so it is not
		// checked either (that is what lets a macro call fail() or use
		// a type-specific operation in a branch for other types).
		var t types.Type = types.Void
		switch b := live.(type) {
		case *ast.Block:
			t = c.block(b)
		case *ast.IfExpr:
			t = c.ifExpr(b)
		}
		if x.Else == nil {
			t = types.Void
		}
		c.info.Types[x] = t
		return t
	}
	then := c.block(x.Then)
	var els types.Type = types.Void
	switch e := x.Else.(type) {
	case *ast.Block:
		els = c.block(e)
	case *ast.IfExpr:
		els = c.ifExpr(e)
	}
	t := types.Type(types.Void)
	if x.Else != nil && then != types.Void && els != types.Void {
		t = c.unifyBranches(x, then, els)
	}
	c.info.Types[x] = t
	return t
}

func (c *checker) loop(body *ast.Block) {
	c.loops++
	c.block(body)
	c.loops--
}

func (c *checker) unroll(s *ast.UnrollStmt) {
	c.expr(s.Count)
	if k, ok := c.info.Consts[s.Count]; !ok || k.IsStr {
		c.errorf(s.Count, "E308", "unroll count must be a compile-time integer")
	} else if k.Int < 1 || k.Int > 100 {
		c.errorf(s.Count, "E308", "unroll count must be between 1 and 100, found %d", k.Int)
	}
	c.block(s.Body)
}

func (c *checker) forStmt(s *ast.ForStmt) {
	var elem types.Type = types.Invalid
	switch it := s.Iter.(type) {
	case *ast.MapExpr:
		m := c.nameMap(it)
		if m != nil {
			if m.Scalar {
				c.errorf(it, "E309", "scalar map %s cannot be iterated over", m.Name)
			} else if m.Key != nil && m.Value != nil {
				elem = &types.Tuple{Elems: []types.Type{m.Key, readType(m.Value)}}
			}
		}
	case *ast.RangeExpr:
		lo, hi := c.expr(it.Lo), c.expr(it.Hi)
		for _, x := range []struct {
			e ast.Expr
			t types.Type
		}{{it.Lo, lo}, {it.Hi, hi}} {
			if !types.IsInvalid(x.t) && !types.IsInt(x.t) {
				c.errorf(x.e, "E302", "range bounds must be integers, found %s", x.t)
			}
		}
		if types.IsInt(lo) && types.IsInt(hi) {
			elem = arith(token.ADD, lo, hi, false, false)
		}
		c.info.Types[it] = elem
	}
	c.push()
	if c.scope.lookup(s.Var.Name) != nil {
		c.errorf(s.Var, "E203", "loop variable $%s shadows an existing variable", s.Var.Name)
	}
	v := &Var{Name: s.Var.Name, Type: elem, Decl: s.Var, Let: true, Probe: c.probe}
	v.Refs = append(v.Refs, s.Var)
	c.scope.declare(v)
	c.info.Vars[s.Var] = v
	c.info.Types[s.Var] = elem
	c.forDepth++ // the body is a callback (bpf_loop, for_each_map_elem) without the probe's context
	c.loop(s.Body)
	c.forDepth--
	c.pop()
}

// readType is the type an aggregation reads as in the kernel or in a for
// loop over the map: the integer of castable aggregations.
func readType(t types.Type) types.Type {
	if a, ok := t.(*types.Agg); ok {
		if a.Castable() {
			return types.IntOf(64, a.Signed || a.Kind != types.Count && a.Signed)
		}
		return t
	}
	return t
}

func (c *checker) let(s *ast.LetStmt) {
	var declared types.Type
	if s.Type != nil {
		declared = c.resolveType(s.Type)
	}
	if existing := c.scope.lookup(s.Var.Name); existing != nil && (existing.Let || existing.scope.encloses(c.scope)) {
		// A variable first assigned in a block that does not enclose this
		// one is, in the new era, local to that block: no conflict.
		c.errorf(s.Var, "E202", "variable $%s is already declared; shadowing is not allowed", s.Var.Name).
			Related = relatedAt(existing.Decl, "previous declaration")
	}
	v := &Var{Name: s.Var.Name, Type: declared, Decl: s.Var, Let: true, Probe: c.probe}
	v.Refs = append(v.Refs, s.Var)
	c.scope.declare(v)
	c.info.Vars[s.Var] = v
	if s.Value == nil {
		if c.scope.unassigned == nil {
			c.scope.unassigned = map[*Var]bool{}
		}
		c.scope.unassigned[v] = true
		c.info.Types[s.Var] = declared
		return
	}
	t := c.expr(s.Value)
	c.assignVar(v, s.Var, s.Value, t)
}

// comptimeBranch returns the branch of an "if comptime" whose condition
// is known: Then or Else (nil when there is none). ok is false for other
// conditions.
func (c *checker) comptimeBranch(x *ast.IfExpr) (live ast.Node, ok bool) {
	ct, isComptime := ast.Unparen(x.Cond).(*ast.ComptimeExpr)
	if !isComptime {
		return nil, false
	}
	k, known := c.intConst(ct)
	if !known {
		return nil, false
	}
	if k != 0 {
		return x.Then, true
	}
	if x.Else == nil {
		return nil, true
	}
	return x.Else, true
}
