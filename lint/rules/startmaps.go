package rules

import (
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lint"
)

// A start map holds the time an operation started, per key, to be
// subtracted from the time it ends: @start[tid] = nsecs in one probe,
// nsecs - @start[tid] in another. Several rules (BT004, BT005, BT006,
// BT014, BT015) look at the same maps, so the facts are computed once per
// file and shared through the Index.

// startMap is what the program does with one start map.
type startMap struct {
	name    string
	writes  []*ast.AssignStmt // @m[k] = nsecs
	writers map[*sema.Probe]bool
	// uses are reads of the map subtracted from a later time
	// (nsecs - @m[k]), directly or through a variable.
	uses []*startUse
	// reversed are reads from which the current time is subtracted
	// (@m[k] - nsecs).
	reversed []*startUse
	// cleanups are delete()s and clear()s outside end probes; endCleared
	// says an end probe clears or deletes the map.
	cleanups   []*ast.CallExpr
	endCleared bool
	// resets are other writes (@m[k] = 0) outside end probes.
	resets []*ast.AssignStmt
}

// startUse is one read of a start map in an arithmetic use.
type startUse struct {
	read  *ast.MapAccess
	sub   *ast.BinaryExpr // the subtraction
	probe *sema.Probe
	via   *sema.Var // the variable the value went through, or nil
}

type startMapsKey struct{}

// startMaps returns the file's start maps in order of first write.
func startMaps(pass *lint.Pass) []*startMap {
	return pass.Index.Fact(startMapsKey{}, func() any { return findStartMaps(pass) }).([]*startMap)
}

func findStartMaps(pass *lint.Pass) []*startMap {
	ix, info := pass.Index, pass.Prog.Info
	byName := map[string]*startMap{}
	var order []*startMap
	for _, s := range lint.Nodes[*ast.AssignStmt](ix) {
		a, ok := s.LHS.(*ast.MapAccess)
		p := ix.Probe(s)
		if !ok || s.Tok != token.ASSIGN || p == nil || isBegin(p) || !isTimestamp(info, s.RHS) {
			continue
		}
		name := "@" + a.Map.Name
		m := byName[name]
		if m == nil {
			m = &startMap{name: name, writers: map[*sema.Probe]bool{}}
			byName[name] = m
			order = append(order, m)
		}
		m.writes = append(m.writes, s)
		m.writers[p] = true
	}
	if len(order) == 0 {
		return nil
	}
	for _, a := range lint.Nodes[*ast.MapAccess](ix) {
		if m := byName["@"+a.Map.Name]; m != nil {
			m.addRead(ix, info, a)
		}
	}
	calls := func(yield func(c *ast.CallExpr, p *sema.Probe)) {
		for _, fn := range []string{"delete", "clear"} {
			for _, c := range ix.Calls(fn) {
				yield(c, ix.Probe(c))
			}
		}
		// Macro bodies are checked per call site, with map parameters
		// replaced by the maps passed in.
		for site, exp := range info.Expansions {
			ast.Inspect(exp.Body, func(n ast.Node) bool {
				if c, ok := n.(*ast.CallExpr); ok {
					if name := builtinRef(info, c); name == "delete" || name == "clear" {
						yield(c, ix.Probe(site))
					}
				}
				return true
			})
		}
	}
	calls(func(c *ast.CallExpr, p *sema.Probe) {
		if len(c.Args) == 0 {
			return
		}
		name := ""
		switch x := ast.Unparen(c.Args[0]).(type) {
		case *ast.MapExpr:
			name = "@" + x.Name
		case *ast.MapAccess:
			name = "@" + x.Map.Name
		}
		m := byName[name]
		if m == nil {
			return
		}
		switch {
		case p == nil:
			// In a macro or fn body: where it runs is unknown, so count
			// it as both rather than report what may be fine.
			m.endCleared = true
			m.cleanups = append(m.cleanups, c)
		case isEnd(p):
			m.endCleared = true
		default:
			m.cleanups = append(m.cleanups, c)
		}
	})
	for _, s := range lint.Nodes[*ast.AssignStmt](ix) {
		a, ok := s.LHS.(*ast.MapAccess)
		if !ok {
			continue
		}
		if m := byName["@"+a.Map.Name]; m != nil && !isTimestamp(info, s.RHS) {
			if p := ix.Probe(s); p != nil && !isEnd(p) {
				m.resets = append(m.resets, s)
			}
		}
	}
	return order
}

// addRead classifies a read of the map: subtracted from a later time,
// subtracting it, or stored in a variable that is then used so.
func (m *startMap) addRead(ix *lint.Index, info *sema.Info, a *ast.MapAccess) {
	p := ix.Probe(a)
	if p == nil {
		return
	}
	e := outer(ix, a)
	switch parent := ix.Parent(e).(type) {
	case *ast.BinaryExpr:
		m.classify(info, parent, e, a, p, nil)
	case *ast.AssignStmt:
		if v, ok := parent.LHS.(*ast.VarExpr); ok && parent.RHS == e && parent.Tok == token.ASSIGN {
			m.throughVar(ix, info, info.Vars[v], a, p, parent.End())
		}
	case *ast.LetStmt:
		if parent.Value == e {
			m.throughVar(ix, info, info.Vars[parent.Var], a, p, parent.End())
		}
	}
}

func (m *startMap) classify(info *sema.Info, b *ast.BinaryExpr, e ast.Expr, a *ast.MapAccess, p *sema.Probe, via *sema.Var) {
	if b.Op != token.SUB {
		return
	}
	u := &startUse{read: a, sub: b, probe: p, via: via}
	switch {
	case b.Y == e:
		m.uses = append(m.uses, u)
	case b.X == e && isTimestamp(info, b.Y):
		m.reversed = append(m.reversed, u)
	}
}

// throughVar follows a variable assigned from the map to its uses after
// the assignment.
func (m *startMap) throughVar(ix *lint.Index, info *sema.Info, v *sema.Var, a *ast.MapAccess, p *sema.Probe, after token.Pos) {
	if v == nil {
		return
	}
	for _, r := range v.Refs {
		if r.Pos() < after || ix.Probe(r) != p {
			continue
		}
		e := outer(ix, r)
		if b, ok := ix.Parent(e).(*ast.BinaryExpr); ok {
			m.classify(info, b, e, a, p, v)
		}
	}
}

// tainted returns the variables of a probe that hold the map's value.
func (m *startMap) tainted(p *sema.Probe) map[*sema.Var]bool {
	vars := map[*sema.Var]bool{}
	for _, u := range append(m.uses, m.reversed...) {
		if u.probe == p && u.via != nil {
			vars[u.via] = true
		}
	}
	return vars
}

// guarded reports whether a use only runs when the map holds the key: the
// probe's predicate, or a condition that encloses or precedes the use,
// tests the map (@m[k], has_key(@m, k)) or the variable holding its value.
// A write of the map earlier in the same probe's body, outside any
// condition, guarantees it too.
func (m *startMap) guarded(ix *lint.Index, info *sema.Info, u *startUse) bool {
	vars := m.tainted(u.probe)
	d := u.probe.Decl
	if d.Pred != nil && mentions(d.Pred.Cond, info, m.name, vars) {
		return true
	}
	for _, w := range m.writes {
		if ix.Probe(w) == u.probe && w.Pos() < u.sub.Pos() && ix.Parent(w) == d.Body {
			return true
		}
	}
	guard := false
	ix.ProbeNodes(u.probe, func(n ast.Node) {
		if guard || n.Pos() > u.sub.Pos() {
			return
		}
		var cond ast.Expr
		switch n := n.(type) {
		case *ast.IfExpr:
			cond = n.Cond
		case *ast.TernaryExpr:
			cond = n.Cond
		case *ast.WhileStmt:
			cond = n.Cond
		case *ast.BinaryExpr:
			// @m[k] && nsecs - @m[k] > 10
			if n.Op == token.LAND && n.Y.Pos() <= u.sub.Pos() && u.sub.End() <= n.Y.End() {
				cond = n.X
			}
		}
		if cond != nil && mentions(cond, info, m.name, vars) {
			guard = true
		}
	})
	return guard
}
