package rules

import (
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lint"
)

// LiteralPid is BT010.
var LiteralPid = &lint.Rule{
	Code:     "BT010",
	Name:     "literal-pid",
	Severity: diag.Info,
	Doc: `a probe filters on a PID written into the script

A comparison like /pid == 1234/ ties the script to one run of one
process: it must be edited for the next one. Pass the PID when running
instead: -p PID filters in the kernel (bpftrace 0.24 and later apply it
to every probe; before, only to uprobes and USDT) and also scopes
uprobes, USDT and perf events to that process; or take it as a
positional parameter, /pid == $1/.

Bad:

	tracepoint:syscalls:sys_enter_openat
	/pid == 1234/
	{
	  @[str(args.filename)] = count();
	}

Good:

	tracepoint:syscalls:sys_enter_openat
	/pid == $1/
	{
	  @[str(args.filename)] = count();
	}
`,
	Run: runLiteralPid,
}

func runLiteralPid(pass *lint.Pass) error {
	info := pass.Prog.Info
	for _, b := range lint.Nodes[*ast.BinaryExpr](pass.Index) {
		if b.Op != token.EQL || pass.Index.Probe(b) == nil {
			continue
		}
		var lit *ast.IntLit
		switch {
		case builtinRef(info, b.X) == "pid":
			lit, _ = unwrap(b.Y).(*ast.IntLit)
		case builtinRef(info, b.Y) == "pid":
			lit, _ = unwrap(b.X).(*ast.IntLit)
		}
		// pid 0 is the idle task, which -p cannot select.
		if lit == nil || lit.Value == 0 {
			continue
		}
		d := pass.Reportf(b, "the script only traces pid %s; pass the PID when running instead of editing the script", lit.Lit)
		if pass.Target.Lacks("0.24") {
			d.Hints = []string{"use a positional parameter: pid == $1 (bpftrace before 0.24 applies -p only to uprobes and USDT)"}
		} else {
			d.Hints = []string{"run with -p " + lit.Lit + ", or use a positional parameter: pid == $1"}
		}
	}
	return nil
}
