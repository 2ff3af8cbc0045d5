package rules

import (
	"strings"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lint"
)

// DeprecatedSyntax is BT012.
var DeprecatedSyntax = &lint.Rule{
	Code:     "BT012",
	Name:     "deprecated-syntax",
	Severity: diag.Warning,
	Fixable:  true,
	Doc: `the program uses a form that newer bpftrace deprecates

Some forms still work but have a replacement that every targeted release
understands: delete(@m[key]) is delete(@m, key) since 0.22, the probe
types kfunc and kretfunc are fentry and fexit since 0.20, and while loops
are deprecated since 0.25 in favour of range loops (for $i : 0..N, 0.24).
A form is only reported when all the targeted releases have its
replacement, so scripts that must still run on 0.17 are left alone. The
fix rewrites delete and the probe type names; a while loop needs a human.

Bad:

	kfunc:vfs_read { @start[tid] = nsecs; }
	kretfunc:vfs_read
	/@start[tid]/
	{
	  @ns = hist(nsecs - @start[tid]);
	  delete(@start[tid]);
	}

Good:

	fentry:vfs_read { @start[tid] = nsecs; }
	fexit:vfs_read
	/@start[tid]/
	{
	  @ns = hist(nsecs - @start[tid]);
	  delete(@start, tid);
	}
`,
	Run: runDeprecatedSyntax,
}

// oldFentry maps the probe type names fentry and fexit replaced.
var oldFentry = map[string]string{"kfunc": "fentry", "kretfunc": "fexit"}

func runDeprecatedSyntax(pass *lint.Pass) error {
	t := pass.Target
	f := pass.File
	if t.Has("0.22") {
		for _, c := range pass.Index.Calls("delete") {
			if len(c.Args) != 1 {
				continue
			}
			a, ok := ast.Unparen(c.Args[0]).(*ast.MapAccess)
			if !ok {
				continue
			}
			repl := "delete(@" + a.Map.Name + ", " + keyText(f, a.Keys) + ")"
			pass.Reportf(c, "delete(@map[key]) is deprecated since bpftrace 0.22").
				Fixes = lint.FixOf("write "+repl, lint.Replace(c, repl))
		}
	}
	if t.Has("0.20") {
		for _, p := range pass.Prog.Probes {
			for _, src := range p.Decl.Attach {
				tok := src.Raw
				if i := strings.IndexByte(tok, ':'); i >= 0 {
					tok = tok[:i]
				}
				if repl, ok := oldFentry[tok]; ok {
					span := &ast.Ident{NamePos: src.Pos(), Name: tok}
					pass.Reportf(span, "the probe type %s is called %s since bpftrace 0.20", tok, repl).
						Fixes = lint.FixOf("write "+repl, lint.Replace(span, repl))
				}
			}
		}
	}
	if t.Reaches("0.25") && t.Has("0.24") {
		for _, w := range lint.Nodes[*ast.WhileStmt](pass.Index) {
			span := &ast.Ident{NamePos: w.While, Name: token.WHILE.String()}
			pass.Reportf(span, "while loops are deprecated since bpftrace 0.25").
				Hints = []string{"use a range loop: for $i : 0..N { ... }"}
		}
	}
	return nil
}
