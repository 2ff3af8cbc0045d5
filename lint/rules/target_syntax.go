package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/builtins"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/probes"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
	"github.com/bt-tools/bt/lint"
)

// TargetSyntax is BT011.
var TargetSyntax = &lint.Rule{
	Code:     "BT011",
	Name:     "unavailable-in-target",
	Severity: diag.Error,
	Fixable:  true,
	Doc: `the program uses syntax or builtins that a targeted bpftrace version lacks

With --target (or "target" in .btlint.json) naming older bpftrace
releases, for instance 0.17 as Debian 12 ships it, every construct newer
than the oldest targeted release is reported: args.x (0.19; before, args
was a pointer: args->x), config blocks and fentry/fexit names (0.20), for
loops over maps (0.21), let and two-argument delete (0.22), lower-case
begin/end, bool literals, durations, range loops, conditions without
parentheses and comm()-style calls (0.24), macros, records, map
declarations, automatic dereference with '.' (0.25), imports, ?: and &
(0.26), and builtins and probe types newer than the target. Where a
rewrite means the same thing in the older syntax (args->x, BEGIN, kfunc,
1 for true, 1000000 for 1ms, delete(@m[k]), let $x = 1 to $x = 1), the
fix applies it.

Bad:

	// btlint --target 0.17
	begin { @start = nsecs; }
	tracepoint:syscalls:sys_enter_openat
	{
	  let $f = args.filename;
	  @[str($f)] = count();
	}

Good:

	// btlint --target 0.17
	BEGIN { @start = nsecs; }
	tracepoint:syscalls:sys_enter_openat
	{
	  $f = args->filename;
	  @[str($f)] = count();
	}
`,
	Run: runTargetSyntax,
}

// feature is one construct with the release that introduced it.
type feature struct {
	since string
	what  string // "let", "args.x"
}

func runTargetSyntax(pass *lint.Pass) error {
	t := &targetCheck{pass: pass, info: pass.Prog.Info, seen: map[[2]token.Pos]bool{}}
	t.attachPoints()
	pass.Index.Preorder(func(n ast.Node, p *sema.Probe) { t.node(n) })
	return nil
}

type targetCheck struct {
	pass *lint.Pass
	info *sema.Info
	seen map[[2]token.Pos]bool // one finding per span (retval() is a call and an ident)
}

// report reports a construct the target lacks, with an optional fix.
func (t *targetCheck) report(n ast.Node, f feature, fix string, edits ...diag.TextEdit) *diag.Diagnostic {
	span := [2]token.Pos{n.Pos(), n.End()}
	if !t.pass.Target.Lacks(f.since) || t.seen[span] {
		return nil
	}
	t.seen[span] = true
	d := t.pass.Reportf(n, "%s needs bpftrace %s or later (target %s)", f.what, f.since, t.pass.Target)
	if fix != "" {
		d.Fixes = lint.FixOf(fix, edits...)
	}
	return d
}

func (t *targetCheck) node(n ast.Node) {
	switch n := n.(type) {
	case *ast.FieldExpr:
		t.field(n)
	case *ast.LetStmt:
		if n.Type == nil && n.Value != nil {
			t.report(n, feature{"0.22", "let"}, "assign without let",
				diag.TextEdit{Pos: n.Let, End: n.Var.Pos()})
		} else {
			t.report(n, feature{"0.22", "let"}, "")
		}
	case *ast.MapDecl:
		t.report(n, feature{"0.25", "a map declaration (let @m = " + n.Kind.Name + "(...))"}, "")
	case *ast.ForStmt:
		if _, ok := n.Iter.(*ast.RangeExpr); ok {
			t.report(n, feature{"0.24", "a range loop (for $i : a..b)"}, "")
		} else {
			t.report(n, feature{"0.21", "a loop over a map (for $kv : @m)"}, "")
		}
	case *ast.BoolLit:
		v := "0"
		if n.Value {
			v = "1"
		}
		t.report(n, feature{"0.24", n.String()}, "write "+v, lint.Replace(n, v))
	case *ast.IntLit:
		if isDuration(n.Lit) {
			v := strconv.FormatUint(n.Value, 10)
			t.report(n, feature{"0.24", "the duration " + n.Lit}, "write "+v+" (nanoseconds)", lint.Replace(n, v))
		}
	case *ast.ConfigDecl:
		t.report(n, feature{"0.20", "a config block"}, "")
	case *ast.MacroDecl:
		t.report(n.Name, feature{"0.25", "macro"}, "")
	case *ast.FnDecl:
		t.report(n.Name, feature{"0.22", "fn"}, "")
	case *ast.ImportDecl:
		t.report(n, feature{"0.26", "import"}, "")
	case *ast.RecordExpr:
		t.report(n, feature{"0.25", "a record"}, "")
	case *ast.ComptimeExpr:
		t.report(n, feature{"0.25", "comptime"}, "")
	case *ast.TernaryExpr:
		if n.Then == nil {
			t.report(n, feature{"0.26", "?:"}, "")
		}
	case *ast.UnaryExpr:
		if n.Op == token.AND {
			t.report(n, feature{"0.26", "the address-of operator &"}, "")
		}
	case *ast.AssignStmt:
		if id, ok := n.LHS.(*ast.Ident); ok && id.Name == "_" {
			t.report(n, feature{"0.25", "_ = expr"}, "")
		}
	case *ast.IndexExpr:
		switch t.info.TypeOf(n.X).(type) {
		case *types.Tuple, *types.Record:
			t.report(n, feature{"0.25", "indexing a tuple with []"}, "")
		case *types.String:
			t.report(n, feature{"0.25", "indexing a string"}, "")
		}
	case *ast.IfExpr:
		t.parens(n.Lparen, n.Cond, "if")
	case *ast.WhileStmt:
		t.parens(n.Lparen, n.Cond, "while")
	case *ast.UnrollStmt:
		t.parens(n.Lparen, n.Count, "unroll")
	case *ast.TypeofExpr:
		name := "typeof"
		if n.Info {
			name = "typeinfo"
		}
		if b, ok := builtins.Lookup(name); ok {
			t.report(n, feature{b.Since, name}, "")
		}
	case *ast.OffsetofExpr:
		if b, ok := builtins.Lookup("offsetof"); ok {
			t.report(n, feature{b.Since, "offsetof"}, "")
		}
	case *ast.CallExpr:
		t.call(n)
	case *ast.Ident:
		if o := t.info.Idents[n]; o != nil && o.Kind == sema.ObjBuiltin {
			t.builtin(n, n.Name)
		}
	}
}

// field checks x.f: args.f needs 0.19, '.' through a pointer 0.25.
func (t *targetCheck) field(n *ast.FieldExpr) {
	if n.Arrow || n.Sel == nil || n.Sel.Name == "" {
		return
	}
	arrow := diag.TextEdit{Pos: n.OpPos, End: n.OpPos + 1, NewText: "->"}
	x := t.pass.File.Text(n.X.Pos(), n.X.End())
	if id, ok := ast.Unparen(n.X).(*ast.Ident); ok && id.Name == "args" && builtinRef(t.info, id) == "args" {
		if d := t.report(n, feature{"0.19", "args." + n.Sel.Name}, "write args->"+n.Sel.Name, arrow); d != nil {
			d.Hints = []string{"args was a pointer before bpftrace 0.19"}
		}
		return
	}
	if _, ok := t.info.TypeOf(n.X).(*types.Pointer); ok {
		t.report(n, feature{"0.25", "'.' through a pointer"}, "write "+x+"->"+n.Sel.Name, arrow)
	}
}

// parens checks a condition written without parentheses.
func (t *targetCheck) parens(lparen token.Pos, cond ast.Expr, kw string) {
	if lparen.IsValid() || cond == nil {
		return
	}
	t.report(cond, feature{"0.24", kw + " without parentheses"}, "add parentheses",
		lint.Insert(cond.Pos(), "("), lint.Insert(cond.End(), ")"))
}

// call checks calls of builtins: their version, call-style use of
// builtin variables, the two-argument delete and exit(code).
func (t *targetCheck) call(c *ast.CallExpr) {
	callee := t.info.Calls[c]
	if callee == nil || callee.Builtin == nil {
		return
	}
	b := callee.Builtin
	f := t.pass.File
	switch {
	case b.Kind == builtins.Var && len(c.Args) == 0:
		t.report(c, feature{"0.24", b.Name + "()"}, "write "+b.Name, lint.Replace(c, b.Name))
	case b.Name == "delete" && len(c.Args) == 2:
		m, ok := ast.Unparen(c.Args[0]).(*ast.MapExpr)
		if !ok {
			break
		}
		key := f.Text(c.Args[1].Pos(), c.Args[1].End())
		if tup, ok := ast.Unparen(c.Args[1]).(*ast.TupleExpr); ok && len(tup.Elems) > 0 {
			key = f.Text(tup.Elems[0].Pos(), tup.Elems[len(tup.Elems)-1].End())
		}
		old := "delete(@" + m.Name + "[" + key + "])"
		t.report(c, feature{"0.22", "delete(@map, key)"}, "write "+old, lint.Replace(c, old))
	case b.Name == "exit" && len(c.Args) > 0:
		t.report(c, feature{"0.21", "exit(code)"}, "")
	case b.Name == "print" && len(c.Args) > 0:
		if _, ok := ast.Unparen(c.Args[0]).(*ast.MapAccess); ok {
			t.report(c, feature{"0.21", "print(@map[key])"}, "")
		}
	}
	t.builtin(c.Fun, b.Name)
}

// builtin checks the release that introduced a builtin.
func (t *targetCheck) builtin(n ast.Node, name string) {
	b, ok := builtins.Lookup(name)
	if !ok {
		return
	}
	t.report(n, feature{b.Since, name}, "")
}

// attachPoints checks provider names and probe kinds.
func (t *targetCheck) attachPoints() {
	specials := map[string]int{}
	for _, p := range t.pass.Prog.Probes {
		for _, src := range p.Decl.Attach {
			t.attachPoint(src)
		}
		if prov := providerOf(p); prov != nil && (prov.Name == "begin" || prov.Name == "end") {
			specials[prov.Name]++
			if specials[prov.Name] == 2 {
				t.report(p.Decl.Attach[0], feature{"0.25", "a second " + strings.ToUpper(prov.Name) + " probe"}, "")
			}
		}
	}
}

// fentryAliases maps the 0.20 names to the older ones.
var fentryAliases = map[string]string{"fentry": "kfunc", "f": "kfunc", "fexit": "kretfunc", "fr": "kretfunc"}

func (t *targetCheck) attachPoint(src *ast.AttachPoint) {
	raw := src.Raw
	if name, rest, ok := strings.Cut(raw, "="); ok && !strings.ContainsAny(name, ":\"") {
		t.report(src, feature{"0.25", "a named probe (" + name + "=...)"}, "")
		raw = rest
	}
	tok, _, _ := strings.Cut(raw, ":")
	prov, ok := probes.Lookup(tok)
	if !ok {
		return
	}
	at := src.Pos() + token.Pos(len(src.Raw)-len(raw))
	span := &ast.Ident{NamePos: at, Name: tok}
	replace := func(to string) diag.TextEdit { return lint.Replace(span, to) }
	switch {
	case (prov.Name == "begin" || prov.Name == "end") && tok != strings.ToUpper(tok):
		up := strings.ToUpper(tok)
		t.report(span, feature{"0.24", tok}, "write "+up, replace(up))
	case fentryAliases[tok] != "":
		old := fentryAliases[tok]
		t.report(span, feature{"0.20", tok}, "write "+old, replace(old))
	case !exactName(prov, tok):
		t.report(span, feature{"0.24", fmt.Sprintf("the provider name %q (names are case-sensitive before 0.24)", tok)},
			"write "+prov.Name, replace(prov.Name))
	default:
		t.report(span, feature{prov.Since, prov.Name + " probes"}, "")
	}
}

// exactName reports whether tok is a provider's name or alias as spelled.
func exactName(p *probes.Provider, tok string) bool {
	if p.Name == tok {
		return true
	}
	for _, a := range p.Aliases {
		if a == tok {
			return true
		}
	}
	return false
}

// isDuration reports whether an integer literal has a duration suffix
// (10ms, 1s); hex literals like 0x1d do not.
func isDuration(lit string) bool {
	if strings.HasPrefix(lit, "0x") || strings.HasPrefix(lit, "0X") {
		return false
	}
	for _, suf := range []string{"ns", "us", "ms", "s", "m", "h", "d"} {
		if rest, ok := strings.CutSuffix(lit, suf); ok && rest != "" {
			c := rest[len(rest)-1]
			return c >= '0' && c <= '9' || c == '_'
		}
	}
	return false
}
