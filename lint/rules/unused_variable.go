package rules

import (
	"strings"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lint"
)

// UnusedVariable is BT016.
var UnusedVariable = &lint.Rule{
	Code:     "BT016",
	Name:     "unused-variable",
	Severity: diag.Warning,
	Doc: `a scratch variable is assigned but never read

A variable whose value is never read is either left over from an edit or
a sign that the wrong variable is read somewhere (a typo in $name makes a
new variable). Every assignment still costs the probe time and BPF stack.
Remove it, or read it where it was meant to be read. To call a function
only for its effect, call it as a statement (or, from bpftrace 0.25, write
_ = f(...)). Variables whose name starts with an underscore, and those
that take the result of delete() (the way to silence its warning before
_ = existed), are not reported.

Bad:

	tracepoint:syscalls:sys_exit_read
	{
	  $ret = args.ret;
	  @bytes = hist(args.ret);
	}

Good:

	tracepoint:syscalls:sys_exit_read
	{
	  $ret = args.ret;
	  @bytes = hist($ret);
	}
`,
	Run: runUnusedVariable,
}

func runUnusedVariable(pass *lint.Pass) error {
	ix := pass.Index
	seen := map[*sema.Var]bool{}
	var vars []*sema.Var
	for _, p := range pass.Prog.Probes {
		ix.ProbeNodes(p, func(n ast.Node) {
			x, ok := n.(*ast.VarExpr)
			if !ok {
				return
			}
			v := pass.Prog.Info.Vars[x]
			if v == nil || seen[v] {
				return
			}
			seen[v] = true
			vars = append(vars, v)
		})
	}
	for _, v := range vars {
		if strings.HasPrefix(v.Name, "_") || v.Decl == nil || ix.Probe(v.Decl) == nil || loopVar(ix, v) ||
			read(ix, v) || keepsResult(pass, v) {
			continue
		}
		pass.Reportf(v.Decl, "$%s is assigned but never used", v.Name)
	}
	return nil
}

// keepsResult reports whether v takes the result of delete(): before
// bpftrace 0.25 had _ = ..., $ignore = delete(@m, k) was how a script
// silenced the warning a failed delete prints.
func keepsResult(pass *lint.Pass, v *sema.Var) bool {
	for _, r := range v.Refs {
		var rhs ast.Expr
		switch p := pass.Index.Parent(r).(type) {
		case *ast.AssignStmt:
			rhs = p.RHS
		case *ast.LetStmt:
			rhs = p.Value
		}
		if c, ok := ast.Unparen(rhs).(*ast.CallExpr); ok && builtinRef(pass.Prog.Info, c) == "delete" {
			return true
		}
	}
	return false
}

// loopVar reports whether v is declared by a for loop, whose variable is
// required by the syntax.
func loopVar(ix *lint.Index, v *sema.Var) bool {
	f, ok := ix.Parent(v.Decl).(*ast.ForStmt)
	return ok && f.Var == v.Decl
}

// read reports whether any reference to v reads its value.
func read(ix *lint.Index, v *sema.Var) bool {
	for _, r := range v.Refs {
		if ix.Probe(r) == nil {
			return true // in a macro expansion or elsewhere: assume it is read
		}
		if !written(ix, r) {
			return true
		}
	}
	return false
}

// written reports whether r only stores into the variable: the target of
// =, of a compound assignment, of ++/-- used as a statement, or a let.
func written(ix *lint.Index, r *ast.VarExpr) bool {
	switch p := ix.Parent(r).(type) {
	case *ast.AssignStmt:
		return p.LHS == r && p.Tok.IsAssignOp()
	case *ast.LetStmt:
		return p.Var == r
	case *ast.IncDecExpr:
		_, stmt := ix.Parent(p).(*ast.ExprStmt)
		return stmt
	case *ast.ForStmt:
		return p.Var == r
	}
	return false
}
