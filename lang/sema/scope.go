package sema

import (
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/internal/suggest"
)

// scope is a block of scratch variables.
//
// Both eras are accepted: a variable introduced by plain assignment
// ($x = 1) lives in the probe's outermost scope, as in 0.17 where
// variables were probe-scoped; a variable declared with let lives in its
// block, as in 0.22 and later.
type scope struct {
	parent *scope
	vars   map[string]*Var
	probe  *ast.Probe
	// unassigned holds let-declared variables never assigned.
	unassigned map[*Var]bool
}

func newScope(parent *scope, probe *ast.Probe) *scope {
	return &scope{parent: parent, vars: map[string]*Var{}, probe: probe}
}

func (s *scope) lookup(name string) *Var {
	for ; s != nil; s = s.parent {
		if v, ok := s.vars[name]; ok {
			return v
		}
	}
	return nil
}

func (s *scope) root() *scope {
	for s.parent != nil {
		s = s.parent
	}
	return s
}

func (s *scope) declare(v *Var) { s.vars[v.Name] = v }

// push enters a nested block scope.
func (c *checker) push() { c.scope = newScope(c.scope, c.scope.probe) }

// pop leaves it, reporting let variables that were never assigned.
func (c *checker) pop() {
	c.scope.finish(c)
	c.scope = c.scope.parent
}

func (s *scope) finish(c *checker) {
	for v := range s.unassigned {
		c.warnf(v.Decl, "W203", "variable $%s was never assigned to", v.Name)
	}
}

// useVar resolves a read of a variable.
func (c *checker) useVar(x *ast.VarExpr) *Var {
	sc := c.argScope(x, c.scope) // an argument substituted into a macro body
	v := sc.lookup(x.Name)
	if v == nil {
		c.errorf(x, "E201", "undefined variable $%s", x.Name).Hints = c.varHints(x.Name)
		return nil
	}
	v.Refs = append(v.Refs, x)
	c.info.Vars[x] = v
	if c.scope.unassignedAnywhere(v) {
		c.warnf(x, "W204", "variable $%s is used before it is assigned", x.Name)
	}
	return v
}

func (s *scope) unassignedAnywhere(v *Var) bool {
	for ; s != nil; s = s.parent {
		if s.unassigned[v] {
			return true
		}
	}
	return false
}

func (c *checker) varHints(name string) []string {
	var names []string
	for s := c.scope; s != nil; s = s.parent {
		for n := range s.vars {
			names = append(names, "$"+n)
		}
	}
	if m := closest("$"+name, names); m != "" {
		return []string{"did you mean " + m + "?"}
	}
	return nil
}

// closest returns the candidate within edit distance 2 of name, if any.
func closest(name string, candidates []string) string {
	return suggest.Closest(name, candidates, 3)
}

// encloses reports whether s is t or one of its ancestors. A nil s (a let
// variable's) encloses everything.
func (s *scope) encloses(t *scope) bool {
	if s == nil {
		return true
	}
	for ; t != nil; t = t.parent {
		if t == s {
			return true
		}
	}
	return false
}
