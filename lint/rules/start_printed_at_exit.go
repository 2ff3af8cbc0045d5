package rules

import (
	"strings"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lint"
)

// StartPrintedAtExit is BT015.
var StartPrintedAtExit = &lint.Rule{
	Code:     "BT015",
	Name:     "start-map-printed-at-exit",
	Severity: diag.Info,
	Fixable:  true,
	Doc: `a start-timestamp map is left to be printed when the program exits

bpftrace prints every map that still holds entries at exit. A start map
keeps the entries of operations in flight (and of those whose end was
never seen), so the output ends with a list of raw nanosecond timestamps
that mean nothing to the reader. Clear it in an end probe. The fix adds
clear(@start) to the END probe, or adds one.

Bad:

	kprobe:vfs_read { @start[tid] = nsecs; }
	kretprobe:vfs_read
	/@start[tid]/
	{
	  @ns = hist(nsecs - @start[tid]);
	  delete(@start, tid);
	}

Good:

	kprobe:vfs_read { @start[tid] = nsecs; }
	kretprobe:vfs_read
	/@start[tid]/
	{
	  @ns = hist(nsecs - @start[tid]);
	  delete(@start, tid);
	}
	END { clear(@start); }
`,
	Run: runStartPrintedAtExit,
}

func runStartPrintedAtExit(pass *lint.Pass) error {
	if c := pass.Prog.Config; c != nil && !c.PrintMapsOnExit {
		return nil
	}
	for _, m := range startMaps(pass) {
		if m.endCleared || len(m.uses) == 0 {
			continue
		}
		w := m.writes[0].LHS.(*ast.MapAccess)
		d := pass.Reportf(w.Map, "%s is printed at exit: its leftover start timestamps are noise in the output", m.name)
		stmt := "clear(" + m.name + ")"
		d.Hints = []string{"add " + stmt + " to an END probe"}
		if edits := addToEnd(pass, stmt); edits != nil {
			d.Fixes = lint.FixOf("add "+stmt+" to the END probe", edits...)
		}
	}
	return nil
}

// addToEnd returns the edits that add stmt to the file's last end probe,
// or that append an end probe holding it.
func addToEnd(pass *lint.Pass, stmt string) []diag.TextEdit {
	var end *ast.Probe
	name := "END"
	for _, p := range pass.Prog.Probes {
		if isEnd(p) && len(p.Decl.Attach) == 1 {
			end = p.Decl
		}
		if isBegin(p) || isEnd(p) {
			// Spell a new probe as the file spells its special probes.
			raw := p.Decl.Attach[0].Raw
			if raw == strings.ToLower(raw) && pass.Target.Has("0.24") {
				name = "end"
			}
		}
	}
	if end != nil {
		return lint.AppendStmt(pass.File, end.Body, stmt)
	}
	f := pass.File
	src := f.Src
	text := "\n" + name + "\n{\n" + indentUnit(pass) + stmt + ";\n}\n"
	if len(src) > 0 && src[len(src)-1] != '\n' {
		text = "\n" + text
	}
	return []diag.TextEdit{lint.Insert(f.Pos(len(src)), text)}
}

// indentUnit returns the file's indentation: a tab if its probe bodies
// are indented with tabs, else two spaces.
func indentUnit(pass *lint.Pass) string {
	for _, p := range pass.Prog.Probes {
		if b := p.Decl.Body; len(b.Stmts) > 0 {
			line := pass.File.Line(pass.File.Position(b.Stmts[0].Pos()).Line)
			if len(line) > 0 && line[0] == '\t' {
				return "\t"
			}
		}
	}
	return "  "
}
