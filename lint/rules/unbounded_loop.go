package rules

import (
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lint"
)

// UnboundedLoop is BT017.
var UnboundedLoop = &lint.Rule{
	Code:     "BT017",
	Name:     "unbounded-loop",
	Severity: diag.Warning,
	Doc: `a loop has no bound the BPF verifier can see, or more iterations than BPF allows

The kernel's verifier loads a program only if it can prove that every
loop ends: it walks a while loop iteration by iteration, so the loop
needs a counter compared with a constant (while ($i < 100) { $i++ }), and
even then a large bound exhausts the verifier's budget of a million
instructions. A while loop whose condition has no such counter (while
(1), while ($p != 0) walking a list) is rejected. Range loops run through
the bpf_loop helper, which stops after 8388608 (2^23) iterations. Bound
the loop with a counter or use a range loop with a constant bound, and
walk lists with unroll or a range loop and a break.

Bad:

	kprobe:do_exit
	{
	  $t = curtask;
	  while ($t->pid != 1) {
	    $t = $t->real_parent;
	  }
	}

Good:

	kprobe:do_exit
	{
	  $t = curtask;
	  $i = 0;
	  while ($i < 16 && $t->pid != 1) {
	    $t = $t->real_parent;
	    $i++;
	  }
	}
`,
	Run: runUnboundedLoop,
}

// bpfLoopMax is the most iterations bpf_loop runs (BPF_MAX_LOOPS).
const bpfLoopMax = 1 << 23

func runUnboundedLoop(pass *lint.Pass) error {
	info := pass.Prog.Info
	for _, w := range lint.Nodes[*ast.WhileStmt](pass.Index) {
		// while ($i-- > 0) updates its counter in the condition.
		counters := updatedVars(info, w.Body)
		for v := range updatedVars(info, w.Cond) {
			counters[v] = true
		}
		if bounded(info, w.Cond, counters) || breakBounded(info, w.Body, counters) {
			continue
		}
		span := &ast.Ident{NamePos: w.While, Name: token.WHILE.String()}
		pass.Reportf(span, "the verifier cannot prove that this loop ends: its condition compares no counter that the body updates with a constant").
			Hints = []string{"add a counter: while ($i < N && ...) { ...; $i++ }, or use a range loop (for $i : 0..N, bpftrace 0.24+)"}
	}
	for _, f := range lint.Nodes[*ast.ForStmt](pass.Index) {
		r, ok := f.Iter.(*ast.RangeExpr)
		if !ok {
			continue
		}
		lo, okLo := info.Consts[r.Lo]
		hi, okHi := info.Consts[r.Hi]
		if okLo && okHi && !lo.IsStr && !hi.IsStr && hi.Int-lo.Int > bpfLoopMax {
			pass.Reportf(r, "this range has %d iterations, but bpf_loop stops after %d", hi.Int-lo.Int, bpfLoopMax)
		}
	}
	return nil
}

// updatedVars returns the variables the body changes by a step:
// $i++, $i += n, $i = $i + n.
func updatedVars(info *sema.Info, body ast.Node) map[*sema.Var]bool {
	out := map[*sema.Var]bool{}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.IncDecExpr:
			if v, ok := n.X.(*ast.VarExpr); ok && info.Vars[v] != nil {
				out[info.Vars[v]] = true
			}
		case *ast.AssignStmt:
			v, ok := n.LHS.(*ast.VarExpr)
			if !ok || info.Vars[v] == nil {
				break
			}
			switch n.Tok {
			case token.ADDASSIGN, token.SUBASSIGN, token.MULASSIGN, token.SHLASSIGN, token.SHRASSIGN, token.QUOASSIGN:
				out[info.Vars[v]] = true
			case token.ASSIGN:
				if b, ok := ast.Unparen(n.RHS).(*ast.BinaryExpr); ok && mentionsVar(info, b, info.Vars[v]) {
					out[info.Vars[v]] = true
				}
			}
		}
		return true
	})
	return out
}

func mentionsVar(info *sema.Info, n ast.Node, v *sema.Var) bool {
	return mentions(n, info, "", map[*sema.Var]bool{v: true})
}

// bounded reports whether cond compares a counter with a value the loop
// does not change (a constant, a parameter, another variable), possibly
// as one operand of &&.
func bounded(info *sema.Info, cond ast.Expr, counters map[*sema.Var]bool) bool {
	switch c := ast.Unparen(cond).(type) {
	case *ast.BinaryExpr:
		switch c.Op {
		case token.LAND:
			return bounded(info, c.X, counters) || bounded(info, c.Y, counters)
		case token.LSS, token.LEQ, token.GTR, token.GEQ, token.NEQ, token.EQL:
			return counterVs(info, c.X, c.Y, counters) || counterVs(info, c.Y, c.X, counters)
		}
	case *ast.VarExpr:
		// while ($n) { $n-- }
		return counters[info.Vars[c]]
	case *ast.IncDecExpr:
		// while ($n--)
		v, ok := c.X.(*ast.VarExpr)
		return ok && counters[info.Vars[v]]
	}
	return false
}

func counterVs(info *sema.Info, x, y ast.Expr, counters map[*sema.Var]bool) bool {
	x = unwrap(x)
	if id, ok := x.(*ast.IncDecExpr); ok {
		x = id.X // ($i--) > 0
	}
	v, ok := x.(*ast.VarExpr)
	if !ok || !counters[info.Vars[v]] {
		return false
	}
	for c := range counters {
		if mentionsVar(info, y, c) {
			return false
		}
	}
	return true
}

// breakBounded reports whether the body breaks out under a bounded
// condition: if ($i >= 10) { break; }.
func breakBounded(info *sema.Info, body *ast.Block, counters map[*sema.Var]bool) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if found {
			return false
		}
		if _, ok := n.(*ast.WhileStmt); ok {
			return false // an inner loop's breaks are its own
		}
		if x, ok := n.(*ast.IfExpr); ok && bounded(info, x.Cond, counters) && exits(x.Then) {
			found = true
		}
		return true
	})
	return found
}

// exits reports whether a block ends the loop: break or return.
func exits(b *ast.Block) bool {
	for _, s := range b.Stmts {
		switch s := s.(type) {
		case *ast.BranchStmt:
			if s.Tok == token.BREAK {
				return true
			}
		case *ast.ReturnStmt:
			return true
		}
	}
	return false
}
