package lint

import (
	"errors"
	"strings"
	"testing"

	"github.com/bt-tools/bt/lang"
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lang/token"
)

func TestParseTarget(t *testing.T) {
	for _, c := range []struct {
		in, want string
		err      bool
	}{
		{"0.17", "0.17", false},
		{"v0.24.2", "0.24", false},
		{"0.17..0.24", "0.17..0.24", false},
		{"0.24..0.17", "", true},
		{"0.9", "", true},
		{"0.30", "", true},
		{"x", "", true},
	} {
		got, err := ParseTarget(c.in)
		if (err != nil) != c.err || err == nil && got.String() != c.want {
			t.Errorf("ParseTarget(%q) = %v, %v; want %q (error %v)", c.in, got, err, c.want, c.err)
		}
	}
	tg, _ := ParseTarget("0.17..0.24")
	if !tg.Lacks("0.19") || tg.Lacks("0.17") || !tg.Has("0.17") || !tg.Reaches("0.24") || tg.Reaches("0.25") {
		t.Errorf("Lacks/Has/Reaches wrong for %v", tg)
	}
}

// ruleFunc makes a rule that reports at every node its callback picks.
func ruleFunc(code, name string, sev diag.Severity, pick func(ast.Node) bool) *Rule {
	return &Rule{
		Code: code, Name: name, Severity: sev,
		Doc: "summary\n\nExplanation.\n\nBad:\n\n\tBEGIN { exit(); }\n\nGood:\n\n\tBEGIN { exit(); }\n",
		Run: func(p *Pass) error {
			p.Index.Preorder(func(n ast.Node, _ *sema.Probe) {
				if pick(n) {
					p.Reportf(n, "found %s", p.Text(n))
				}
			})
			return nil
		},
	}
}

func TestDriver(t *testing.T) {
	isMap := func(n ast.Node) bool { _, ok := n.(*ast.MapExpr); return ok }
	maps := ruleFunc("BT900", "maps", diag.Warning, isMap)
	boom := &Rule{Code: "BT901", Name: "boom", Severity: diag.Error, Doc: maps.Doc,
		Run: func(*Pass) error { panic("boom") }}
	fails := &Rule{Code: "BT902", Name: "fails", Severity: diag.Error, Doc: maps.Doc,
		Run: func(*Pass) error { return errors.New("no") }}
	cfg := NewConfig([]*Rule{maps, boom, fails})
	if err := cfg.SetSeverity("maps", "error"); err != nil {
		t.Fatal(err)
	}
	src := `BEGIN {
  @a = 1; // btlint:ignore BT900 the first map is fine
  @b = 2;
  /* btlint:ignore maps, BT901 both */
  @c = 3;
}
`
	res := Lint("x.bt", []byte(src), Options{Config: cfg})
	var got []string
	for _, d := range res.Findings {
		got = append(got, d.Severity.String()+" "+d.Code+" "+d.Message)
	}
	want := []string{"error BT900 found @b", "warning BT000 btlint:ignore BT901 suppresses nothing on this line or the next"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(res.Suppressed) != 2 || res.Suppressed[0].Reason != "the first map is fine" {
		t.Errorf("suppressed: %+v", res.Suppressed)
	}
	if len(res.Failures) != 2 || !strings.Contains(res.Failures[0].Error(), "panicked") {
		t.Errorf("failures: %v", res.Failures)
	}

	// A file that does not parse is not linted.
	res = Lint("y.bt", []byte("BEGIN { @x = ; }"), Options{Config: cfg})
	if len(res.Syntax) == 0 || len(res.Findings) != 0 {
		t.Errorf("syntax error: %+v", res)
	}
}

func TestValidate(t *testing.T) {
	good := ruleFunc("BT900", "maps", diag.Warning, nil)
	dup := ruleFunc("BT900", "other", diag.Warning, nil)
	bad := &Rule{Code: "X1", Name: "Bad_Name", Doc: "ends with a period.\n", Severity: 9}
	unparsable := ruleFunc("BT903", "unparsable", diag.Warning, nil)
	unparsable.Doc = strings.Replace(unparsable.Doc, "exit(); }\n\nGood", "exit( }\n\nGood", 1)
	err := Validate([]*Rule{good, dup, bad, unparsable})
	for _, want := range []string{
		`"BT900" is also used`, `code "X1"`, `name "Bad_Name"`, "period", "unknown severity", "no Run",
		"does not parse",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate error lacks %q: %v", want, err)
		}
	}
	if err := Validate([]*Rule{good, SuppressionRule}); err != nil {
		t.Error(err)
	}
}

func TestEdits(t *testing.T) {
	for _, c := range []struct {
		src, want string
		edit      func(f *token.File, p *ast.Probe) []diag.TextEdit
	}{
		{
			"kprobe:f\n{\n  @x = 1;\n}\n", "kprobe:f\n/@s[tid]/\n{\n  @x = 1;\n}\n",
			func(f *token.File, p *ast.Probe) []diag.TextEdit { return AddPredicate(f, p, "@s[tid]") },
		},
		{
			"kprobe:f { @x = 1; }\n", "kprobe:f /@s[tid]/ { @x = 1; }\n",
			func(f *token.File, p *ast.Probe) []diag.TextEdit { return AddPredicate(f, p, "@s[tid]") },
		},
		{
			"kprobe:f /a || b/ { @x = 1; }\n", "kprobe:f /(a || b) && c/ { @x = 1; }\n",
			func(f *token.File, p *ast.Probe) []diag.TextEdit { return AddPredicate(f, p, "c") },
		},
		{
			"kprobe:f /a && b/ { @x = 1; }\n", "kprobe:f /a && b && c/ { @x = 1; }\n",
			func(f *token.File, p *ast.Probe) []diag.TextEdit { return AddPredicate(f, p, "c") },
		},
		{
			"kprobe:f\n{\n\t@x = 1\n}\n", "kprobe:f\n{\n\t@x = 1;\n\tdelete(@x);\n}\n",
			func(f *token.File, p *ast.Probe) []diag.TextEdit { return AppendStmt(f, p.Body, "delete(@x)") },
		},
		{
			"kprobe:f {}\n", "kprobe:f { clear(@x); }\n",
			func(f *token.File, p *ast.Probe) []diag.TextEdit { return AppendStmt(f, p.Body, "clear(@x)") },
		},
		{
			"kprobe:f\n{\n}\n", "kprobe:f\n{\n  clear(@x);\n}\n",
			func(f *token.File, p *ast.Probe) []diag.TextEdit { return AppendStmt(f, p.Body, "clear(@x)") },
		},
	} {
		u := lang.Parse("x.bt", []byte(c.src))
		p := u.AST.Probes()[0]
		out, err := ApplyEdits(u.Tok, []byte(c.src), c.edit(u.Tok, p))
		if err != nil || string(out) != c.want {
			t.Errorf("edit of %q = %q, %v; want %q", c.src, out, err, c.want)
		}
	}
	f := token.NewFile("x", []byte("abcdef"))
	if _, err := ApplyEdits(f, f.Src, []diag.TextEdit{{Pos: 1, End: 4}, {Pos: 3, End: 5}}); err == nil {
		t.Error("overlapping edits were applied")
	}
	a := diag.TextEdit{Pos: 2, End: 2, NewText: "x"}
	if !conflicts([]diag.TextEdit{a}, []diag.TextEdit{a}) || conflicts([]diag.TextEdit{a}, []diag.TextEdit{{Pos: 4, End: 5}}) {
		t.Error("conflicts is wrong")
	}
}

func TestGitHubEscapes(t *testing.T) {
	if got := ghProp("a:b,c%\n"); got != "a%3Ab%2Cc%25%0A" {
		t.Errorf("ghProp = %q", got)
	}
	if got := ghData("a:b,c%\r\n"); got != "a:b,c%25%0D%0A" {
		t.Errorf("ghData = %q", got)
	}
}

func TestRuneColumn(t *testing.T) {
	f := token.NewFile("x", []byte("// é\nprintf(\"é\", x)\n"))
	line, col := runeColumn(f, f.Pos(6+13)) // the x: byte column 14
	if line != 2 || col != 13 {
		t.Errorf("runeColumn = %d:%d, want 2:13", line, col)
	}
}

func TestIsSyntax(t *testing.T) {
	for code, want := range map[string]bool{"E100": true, "E121": true, "E150": false, "E204": false, "W205": false} {
		if IsSyntax(code) != want {
			t.Errorf("IsSyntax(%s) = %v", code, !want)
		}
	}
}
