package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lint"
)

// StringNeverEqual is BT013.
var StringNeverEqual = &lint.Rule{
	Code:     "BT013",
	Name:     "string-never-equal",
	Severity: diag.Warning,
	Fixable:  true,
	Doc: `a string is compared with a literal longer than it can hold

Strings have a fixed capacity that includes the terminating NUL: comm and
the comm fields of tracepoints hold 15 characters (string[16]), str(p, 8)
holds 8. A comparison with a longer literal is never equal (and != is
always true), because the kernel truncates the names it stores: a process
called "systemd-journald" has the comm "systemd-journal". Compare with the
text as stored. For task names the fix truncates the literal.

Bad:

	tracepoint:syscalls:sys_enter_write
	/comm == "systemd-journald"/
	{
	  @bytes = sum(args.count);
	}

Good:

	tracepoint:syscalls:sys_enter_write
	/comm == "systemd-journal"/
	{
	  @bytes = sum(args.count);
	}
`,
	Run: runStringNeverEqual,
}

func runStringNeverEqual(pass *lint.Pass) error {
	info := pass.Prog.Info
	for _, b := range lint.Nodes[*ast.BinaryExpr](pass.Index) {
		if b.Op != token.EQL && b.Op != token.NEQ {
			continue
		}
		x, lit := b.X, ast.Unparen(b.Y)
		if _, ok := ast.Unparen(x).(*ast.StringLit); ok {
			x, lit = b.Y, ast.Unparen(b.X)
		}
		s, ok := lit.(*ast.StringLit)
		if !ok {
			continue
		}
		if _, isConst := info.Consts[x]; isConst || !fixedCapacity(info, x) {
			continue
		}
		n := stringLen(info.TypeOf(x))
		if n == 0 || int64(len(s.Value)) <= n-1 {
			continue
		}
		verb := "never equals"
		if b.Op == token.NEQ {
			verb = "always differs from"
		}
		d := pass.Reportf(b, "%s holds at most %d characters, so it %s the %d-character %s",
			lint.ExprText(pass.File, x), n-1, verb, len(s.Value), s.Lit)
		if isTaskName(info, x) {
			short := quote(s.Value[:n-1])
			d.Hints = []string{"the kernel truncates task names to " + strconv.FormatInt(n-1, 10) + " characters"}
			d.Fixes = lint.FixOf("compare with "+short, lint.Replace(s, short))
		}
	}
	return nil
}

// fixedCapacity reports whether x's capacity is fixed where it is made:
// comm, a char array field of a C struct or tracepoint, str(p, N) or
// buf(p, N). Variables, maps and records take the size of what is
// assigned to them, which may be larger elsewhere, so they are left alone.
func fixedCapacity(info *sema.Info, x ast.Expr) bool {
	switch builtinRef(info, x) {
	case "comm", "pcomm", "leader_comm":
		return true
	case "str", "buf":
		c := ast.Unparen(x).(*ast.CallExpr)
		_, isConst := info.Consts[c.Args[len(c.Args)-1]]
		return len(c.Args) == 2 && isConst
	}
	if f, ok := ast.Unparen(x).(*ast.FieldExpr); ok {
		fi := info.Fields[f]
		return fi != nil && fi.Struct != nil
	}
	return false
}

// isTaskName reports whether x is a task name: comm, or a comm field
// (args.comm, args.next_comm, $task->comm).
func isTaskName(info *sema.Info, x ast.Expr) bool {
	switch builtinRef(info, x) {
	case "comm", "pcomm", "leader_comm":
		return true
	}
	f, ok := ast.Unparen(x).(*ast.FieldExpr)
	return ok && f.Sel != nil && strings.HasSuffix(f.Sel.Name, "comm")
}

// quote spells s as a bpftrace string literal.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
