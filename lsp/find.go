package lsp

import (
	"reflect"
	"sort"

	"github.com/bt-tools/bt/lang"
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
)

// pathAt returns the nodes that enclose pos, outermost first: root, then
// the child that holds pos, and so on down. A node holds pos when
// Pos <= pos < End; failing that, a node that ends at pos is taken, so a
// cursor right after an identifier is on it.
func pathAt(root ast.Node, pos token.Pos) []ast.Node {
	path := []ast.Node{root}
	for n := root; ; {
		var next ast.Node
		for _, c := range ast.Children(n) {
			if c.Pos() <= pos && pos < c.End() {
				next = c
				break
			}
			if next == nil && c.End() == pos && c.Pos() < pos {
				next = c
			}
		}
		if next == nil {
			return path
		}
		path = append(path, next)
		n = next
	}
}

// innermost returns the last node of path of type T, and its index.
func innermost[T ast.Node](path []ast.Node) (T, int) {
	for i := len(path) - 1; i >= 0; i-- {
		if n, ok := path[i].(T); ok {
			return n, i
		}
	}
	var zero T
	return zero, -1
}

// parent returns the node before index i of path, or nil.
func parent(path []ast.Node, i int) ast.Node {
	if i <= 0 || i > len(path) {
		return nil
	}
	return path[i-1]
}

// enclosingProbe returns the checked probe whose declaration holds pos.
func enclosingProbe(u *lang.Unit, path []ast.Node) *sema.Probe {
	decl, i := innermost[*ast.Probe](path)
	if i < 0 || u.Prog == nil {
		return nil
	}
	for _, p := range u.Prog.Probes {
		if p.Decl == decl {
			return p
		}
	}
	return nil
}

// views returns the Infos that may hold facts about the nodes of path:
// the program's, then each layout's of the enclosing probe, so that a
// node checked only for some attach points is found too.
func views(u *lang.Unit, path []ast.Node) []*sema.Info {
	p := enclosingProbe(u, path)
	if p == nil {
		// Outside probes (a macro's body): facts are in the copies checked
		// for each call site, in whichever view holds the call.
		return allInfos(u)
	}
	out := []*sema.Info{u.Prog.Info}
	for _, pt := range p.Points {
		if pt.Info != nil && pt.Info != u.Prog.Info {
			out = append(out, pt.Info)
		}
	}
	return out
}

// expansionTwin finds, in the checked copies of macro bodies, the node
// that stands for n (same kind, same span). Macro bodies are checked once
// per call site, on copies that keep the original positions, so a node of
// a macro declaration has no facts of its own: its twins do.
func expansionTwin(info *sema.Info, n ast.Node) ast.Node {
	want := reflect.TypeOf(n)
	for _, exp := range info.Expansions {
		if exp.Body == nil || exp.Body.Pos() > n.Pos() || exp.Body.End() < n.End() {
			continue
		}
		var found ast.Node
		ast.Inspect(exp.Body, func(c ast.Node) bool {
			if c == nil || found != nil || c.Pos() > n.Pos() || c.End() < n.End() {
				return false
			}
			if c.Pos() == n.Pos() && c.End() == n.End() && reflect.TypeOf(c) == want {
				found = c
				return false
			}
			return true
		})
		if found != nil {
			return found
		}
	}
	return nil
}

// lookup finds a fact about a node in the views of path, looking at
// macro expansions when the node itself has none.
func lookup[K ast.Node, V any](infos []*sema.Info, n K, get func(*sema.Info, K) (V, bool)) (V, bool) {
	for _, info := range infos {
		if v, ok := get(info, n); ok {
			return v, true
		}
	}
	for _, info := range infos {
		if twin, ok := expansionTwin(info, n).(K); ok {
			if v, ok := get(info, twin); ok {
				return v, true
			}
		}
	}
	var zero V
	return zero, false
}

func identObj(info *sema.Info, x *ast.Ident) (*sema.Object, bool) {
	o, ok := info.Idents[x]
	return o, ok && o != nil
}

func varOf(info *sema.Info, x *ast.VarExpr) (*sema.Var, bool) {
	v, ok := info.Vars[x]
	return v, ok && v != nil
}

func calleeOf(info *sema.Info, x *ast.CallExpr) (*sema.Callee, bool) {
	c, ok := info.Calls[x]
	return c, ok && c != nil
}

func fieldOf(info *sema.Info, x *ast.FieldExpr) (*sema.FieldInfo, bool) {
	f, ok := info.Fields[x]
	return f, ok && f != nil
}

func typeOf(info *sema.Info, x ast.Expr) (types.Type, bool) {
	t, ok := info.Types[x]
	return t, ok && !types.IsInvalid(t)
}

// allInfos returns every view of the program: the program's and each
// attach point's.
func allInfos(u *lang.Unit) []*sema.Info {
	if u.Prog == nil {
		return nil
	}
	out := []*sema.Info{u.Prog.Info}
	for _, p := range u.Prog.Probes {
		for _, pt := range p.Points {
			if pt.Info != nil && pt.Info != u.Prog.Info {
				out = append(out, pt.Info)
			}
		}
	}
	return out
}

// uniqueVars returns the program's variables, one per declaration (the
// views and the macro copies have their own Var for the same one), in
// source order.
func uniqueVars(u *lang.Unit) []*sema.Var {
	byDecl := map[token.Pos]*sema.Var{}
	for _, info := range allInfos(u) {
		for _, v := range info.Vars {
			if v == nil || v.Decl == nil {
				continue
			}
			if old, ok := byDecl[v.Decl.Pos()]; !ok || types.IsInvalid(old.Type) {
				byDecl[v.Decl.Pos()] = v
			}
		}
	}
	out := make([]*sema.Var, 0, len(byDecl))
	for _, v := range byDecl {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Decl.Pos() < out[j].Decl.Pos() })
	return out
}
