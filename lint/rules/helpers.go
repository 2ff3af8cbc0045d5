package rules

import (
	"strings"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/probes"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
	"github.com/bt-tools/bt/lint"
)

// builtinRef returns the builtin variable or function x names ("comm"
// for comm and comm(), "nsecs" for nsecs(monotonic)), or "". It trusts
// the checker, which records every builtin it resolves; field names,
// record keys and callee names are never builtins.
func builtinRef(info *sema.Info, x ast.Expr) string {
	switch x := ast.Unparen(x).(type) {
	case *ast.Ident:
		if o := info.Idents[x]; o != nil && o.Kind == sema.ObjBuiltin {
			return o.Name
		}
	case *ast.CallExpr:
		if c := info.Calls[x]; c != nil && c.Builtin != nil {
			return c.Builtin.Name
		}
	}
	return ""
}

// unwrap strips parentheses and casts.
func unwrap(x ast.Expr) ast.Expr {
	for {
		switch y := x.(type) {
		case *ast.ParenExpr:
			x = y.X
		case *ast.CastExpr:
			x = y.X
		default:
			return x
		}
	}
}

// outer returns the outermost expression that is x wrapped in
// parentheses and casts.
func outer(ix *lint.Index, x ast.Expr) ast.Expr {
	for {
		switch p := ix.Parent(x).(type) {
		case *ast.ParenExpr:
			x = p
		case *ast.CastExpr:
			if p.X != x {
				return x
			}
			x = p
		default:
			return x
		}
	}
}

// isTimestamp reports whether x reads a clock: nsecs, elapsed, jiffies.
func isTimestamp(info *sema.Info, x ast.Expr) bool {
	switch builtinRef(info, unwrap(x)) {
	case "nsecs", "elapsed", "jiffies":
		return true
	}
	return false
}

// pointsOf returns the attach points of a probe as parsed; when the
// checker could not use a point (not found on this kernel) it is still
// listed.
func pointsOf(p *sema.Probe) []*probes.AttachPoint {
	var out []*probes.AttachPoint
	for _, pt := range p.Points {
		if pt.AP != nil {
			out = append(out, pt.AP)
		}
	}
	return out
}

// providerOf returns the provider of the probe's first attach point, or
// nil.
func providerOf(p *sema.Probe) *probes.Provider {
	for _, ap := range pointsOf(p) {
		return ap.Provider
	}
	return nil
}

// isProvider reports whether every attach point of p is of the provider.
func isProvider(p *sema.Probe, name string) bool {
	aps := pointsOf(p)
	for _, ap := range aps {
		if ap.Provider.Name != name {
			return false
		}
	}
	return len(aps) > 0
}

// mentions reports whether n refers to the map or to one of the
// variables.
func mentions(n ast.Node, info *sema.Info, mapName string, vars map[*sema.Var]bool) bool {
	found := false
	ast.Inspect(n, func(m ast.Node) bool {
		switch m := m.(type) {
		case *ast.MapExpr:
			if "@"+m.Name == mapName {
				found = true
			}
		case *ast.VarExpr:
			if v := info.Vars[m]; v != nil && vars[v] {
				found = true
			}
		}
		return !found
	})
	return found
}

// enclosingBlock returns the innermost block that contains n.
func enclosingBlock(ix *lint.Index, n ast.Node) *ast.Block {
	var b *ast.Block
	ix.Ancestors(n, func(a ast.Node) bool {
		if x, ok := a.(*ast.Block); ok {
			b = x
			return false
		}
		return true
	})
	return b
}

// keyText spells a map key for delete() and predicates: "tid" or
// "(a, b)" as a tuple.
func keyText(f *token.File, keys []ast.Expr) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = f.Text(k.Pos(), k.End())
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// accessText spells @m[k1, k2].
func accessText(f *token.File, a *ast.MapAccess) string {
	return f.Text(a.Pos(), a.End())
}

// usesVars reports whether n reads a scratch variable, which cannot be
// moved into a predicate or to another block.
func usesVars(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(m ast.Node) bool {
		if _, ok := m.(*ast.VarExpr); ok {
			found = true
		}
		return !found
	})
	return found
}

// deleteText spells a delete of @m[keys] in the form the target allows:
// delete(@m, k) from 0.22 on, delete(@m[k]) before.
func deleteText(pass *lint.Pass, a *ast.MapAccess) string {
	if pass.Target.Lacks("0.22") {
		return "delete(" + accessText(pass.File, a) + ")"
	}
	return "delete(@" + a.Map.Name + ", " + keyText(pass.File, a.Keys) + ")"
}

// stringLen returns the capacity of a string-like type (string[N], a
// char array), or 0.
func stringLen(t types.Type) int64 {
	switch t := t.(type) {
	case *types.String:
		return t.Len
	case *types.Array:
		if e, ok := t.Elem.(*types.Int); ok && e.Bits == 8 {
			return t.Len
		}
	}
	return 0
}

// isEnd reports whether p is an end probe.
func isEnd(p *sema.Probe) bool { return isProvider(p, "end") }

// isBegin reports whether p is a begin probe.
func isBegin(p *sema.Probe) bool { return isProvider(p, "begin") }
