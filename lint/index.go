package lint

import (
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/sema"
)

// Index is a traversal of one file's tree computed once and shared by
// every rule, as inspect.Analyzer's inspector is: the nodes in source
// order with their parents and enclosing probes, the builtin calls by
// name, and facts that several rules derive (start-timestamp maps, ...)
// computed on first request.
type Index struct {
	Prog  *sema.Program
	nodes []entry
	at    map[ast.Node]int32
	calls map[string][]*ast.CallExpr
	facts map[any]any
}

type entry struct {
	node   ast.Node
	parent int32 // index of the parent entry, -1 for the root
	probe  int32 // index into Prog.Probes, -1 outside probes
}

// NewIndex walks prog's tree.
func NewIndex(prog *sema.Program) *Index {
	ix := &Index{Prog: prog, at: map[ast.Node]int32{}, calls: map[string][]*ast.CallExpr{}}
	probeOf := map[*ast.Probe]int32{}
	for i, p := range prog.Probes {
		probeOf[p.Decl] = int32(i)
	}
	var stack []int32
	probe := int32(-1)
	ast.Inspect(prog.File, func(n ast.Node) bool {
		if n == nil {
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if _, ok := ix.nodes[top].node.(*ast.Probe); ok {
				probe = -1
			}
			return false
		}
		if d, ok := n.(*ast.Probe); ok {
			if i, ok := probeOf[d]; ok {
				probe = i
			}
		}
		parent := int32(-1)
		if len(stack) > 0 {
			parent = stack[len(stack)-1]
		}
		i := int32(len(ix.nodes))
		ix.nodes = append(ix.nodes, entry{node: n, parent: parent, probe: probe})
		ix.at[n] = i
		stack = append(stack, i)
		if c, ok := n.(*ast.CallExpr); ok {
			name := c.Fun.Name
			if callee := prog.Info.Calls[c]; callee != nil && callee.Builtin != nil {
				name = callee.Builtin.Name
			}
			ix.calls[name] = append(ix.calls[name], c)
		}
		return true
	})
	return ix
}

// Preorder calls f for every node of the file in source order, with the
// probe it is in (nil outside probes).
func (ix *Index) Preorder(f func(n ast.Node, p *sema.Probe)) {
	for _, e := range ix.nodes {
		f(e.node, ix.probe(e.probe))
	}
}

// ProbeNodes calls f for every node of a probe (its attach points,
// predicate and body) in source order.
func (ix *Index) ProbeNodes(p *sema.Probe, f func(n ast.Node)) {
	start, ok := ix.at[p.Decl]
	if !ok {
		return
	}
	for _, e := range ix.nodes[start:] {
		if e.probe < 0 || ix.Prog.Probes[e.probe] != p {
			break
		}
		f(e.node)
	}
}

func (ix *Index) probe(i int32) *sema.Probe {
	if i < 0 {
		return nil
	}
	return ix.Prog.Probes[i]
}

// Parent returns n's parent, or nil.
func (ix *Index) Parent(n ast.Node) ast.Node {
	i, ok := ix.at[n]
	if !ok || ix.nodes[i].parent < 0 {
		return nil
	}
	return ix.nodes[ix.nodes[i].parent].node
}

// Ancestors calls f for n's parent, its parent, and so on, until f
// returns false or the file is reached.
func (ix *Index) Ancestors(n ast.Node, f func(ast.Node) bool) {
	i, ok := ix.at[n]
	if !ok {
		return
	}
	for p := ix.nodes[i].parent; p >= 0; p = ix.nodes[p].parent {
		if !f(ix.nodes[p].node) {
			return
		}
	}
}

// Probe returns the probe n is in, or nil.
func (ix *Index) Probe(n ast.Node) *sema.Probe {
	i, ok := ix.at[n]
	if !ok {
		return nil
	}
	return ix.probe(ix.nodes[i].probe)
}

// Calls returns the calls of the builtin (or, if unresolved, of the
// function) with the given name, in source order.
func (ix *Index) Calls(name string) []*ast.CallExpr { return ix.calls[name] }

// Fact returns the value compute returns for key, computing it once per
// file: rules share derived facts through it. The rules of one file run
// one after another, so an Index needs no lock; compute may ask for other
// facts.
func (ix *Index) Fact(key any, compute func() any) any {
	if v, ok := ix.facts[key]; ok {
		return v
	}
	if ix.facts == nil {
		ix.facts = map[any]any{}
	}
	v := compute()
	ix.facts[key] = v
	return v
}

// Nodes returns the nodes of type T in source order.
func Nodes[T ast.Node](ix *Index) []T {
	var out []T
	for _, e := range ix.nodes {
		if n, ok := e.node.(T); ok {
			out = append(out, n)
		}
	}
	return out
}
