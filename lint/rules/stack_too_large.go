package rules

import (
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lang/types"
	"github.com/bt-tools/bt/lint"
)

// StackTooLarge is BT018.
var StackTooLarge = &lint.Rule{
	Code:     "BT018",
	Name:     "stack-too-large",
	Severity: diag.Warning,
	Doc: `a probe needs more than the 512 bytes of stack BPF allows, in bpftrace before 0.21

A BPF program has 512 bytes of stack, and bpftrace before 0.21 keeps
everything there: scratch variables, strings (str() is 64 bytes by
default), tuple and string map keys, and the arguments of each printf.
A probe that needs more is rejected by the verifier ("combined stack size
exceeds 512 bytes" or "invalid stack off"). Since 0.21 large values go to
per-CPU scratch buffers. When targeting older releases, print fewer
strings per printf, shorten them with str(p, n), or split the work across
probes. The estimate counts every variable and the largest statement.

Bad:

	// btlint --target 0.17
	tracepoint:syscalls:sys_enter_execve
	{
	  printf("%s %s %s %s %s %s %s %s\n", str(args->argv[0]), str(args->argv[1]),
	    str(args->argv[2]), str(args->argv[3]), str(args->argv[4]),
	    str(args->argv[5]), str(args->argv[6]), str(args->argv[7]));
	}

Good:

	// btlint --target 0.17
	tracepoint:syscalls:sys_enter_execve
	{
	  printf("%s %s %s %s\n", str(args->argv[0]), str(args->argv[1]),
	    str(args->argv[2]), str(args->argv[3]));
	}
`,
	Run: runStackTooLarge,
}

const (
	stackLimit = 512
	oldStrlen  = 64 // BPFTRACE_STRLEN's default before 0.23
)

func runStackTooLarge(pass *lint.Pass) error {
	if !pass.Target.Lacks("0.21") {
		return nil
	}
	info := pass.Prog.Info
	for _, p := range pass.Prog.Probes {
		vars, temps := stackUse(pass, info, p)
		if vars+temps <= stackLimit {
			continue
		}
		pass.ReportRangef(p.Decl.Attach[0].Pos(), p.Decl.Attach[len(p.Decl.Attach)-1].End(),
			"this probe needs about %d bytes of BPF stack (%d for variables, %d for the largest statement); bpftrace before 0.21 has only %d",
			vars+temps, vars, temps, stackLimit).
			Hints = []string{"print fewer strings at once, shorten them with str(p, n), or split the probe"}
	}
	return nil
}

// stackUse estimates a probe's stack as bpftrace before 0.21 lays it
// out: every variable, plus the temporaries of its largest statement
// (printf arguments, map keys, str() buffers).
func stackUse(pass *lint.Pass, info *sema.Info, p *sema.Probe) (vars, temps int64) {
	seen := map[*sema.Var]bool{}
	pass.Index.ProbeNodes(p, func(n ast.Node) {
		x, ok := n.(*ast.VarExpr)
		if v := info.Vars[x]; ok && v != nil && !seen[v] {
			seen[v] = true
			vars += oldSize(v.Type)
		}
	})
	for _, s := range p.Decl.Body.Stmts {
		temps = max(temps, stmtTemps(info, s))
	}
	return vars, temps
}

// stmtTemps estimates the temporaries of one statement: its own
// expressions' sum, or the largest statement of the blocks it holds.
func stmtTemps(info *sema.Info, s ast.Stmt) int64 {
	if b, ok := s.(*ast.Block); ok {
		var most int64
		for _, inner := range b.Stmts {
			most = max(most, stmtTemps(info, inner))
		}
		return most
	}
	var own, nested int64
	counted := map[ast.Node]bool{} // printf arguments, already summed
	ast.Inspect(s, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Block:
			nested = max(nested, stmtTemps(info, n))
			return false
		case *ast.CallExpr:
			switch builtinRef(info, n) {
			case "printf", "system", "cat", "errorf", "warnf":
				own += 8
				for _, a := range n.Args[min(1, len(n.Args)):] {
					own += oldSize(info.TypeOf(a))
					counted[ast.Unparen(a)] = true
				}
			case "str", "buf":
				if !counted[n] {
					own += oldSize(info.TypeOf(n))
				}
			}
		case *ast.MapAccess:
			if len(n.Keys) > 1 {
				for _, k := range n.Keys {
					own += oldSize(info.TypeOf(k))
				}
			} else if len(n.Keys) == 1 && types.IsString(info.TypeOf(n.Keys[0])) {
				own += oldSize(info.TypeOf(n.Keys[0]))
			}
		}
		return true
	})
	return max(own, nested)
}

// oldSize is a type's size in bpftrace before 0.21, 8-byte aligned:
// strings and buffers are at most 64 bytes (BPFTRACE_STRLEN bounded
// both), stacks are 8-byte stack ids.
func oldSize(t types.Type) int64 {
	var n int64
	switch t := t.(type) {
	case nil:
		return 0
	case *types.String:
		n = min(t.Len, oldStrlen)
	case *types.Buffer:
		n = 4 + min(t.Len, oldStrlen)
	case *types.Stack:
		n = 8
	case *types.Tuple:
		for _, e := range t.Elems {
			n += oldSize(e)
		}
	default:
		n = t.Size()
	}
	return (n + 7) &^ 7
}
