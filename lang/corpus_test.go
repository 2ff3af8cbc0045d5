package lang

import (
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/builtins"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lang/token"
)

// The corpus of testdata/lang:
//
//	ok/{old,new,common}/NAME.bt  valid scripts of the 0.17 era, the 0.26 era
//	                             and both; each has NAME.ast (ast.DumpString)
//	                             and, if it draws warnings, NAME.diag
//	bad/NAME.bt                  invalid scripts; NAME.diag holds every
//	                             diagnostic (diag.Format)
//
// Every script is checked against the kernel fixture (testKernel). A
// comment "// check: FLAGS" in the first lines sets options: "unsafe"
// (--unsafe), "params=A,B" (the positional parameters, given), "noparams"
// (positional parameters given, none). Scripts may also carry go/parser
// style expectations, /* ERROR "regexp" */ or /* WARNING "regexp" */, right
// after the offending token: each must match a diagnostic of that severity
// on its line that starts before the comment, and, in a file that has
// them, every error must be matched by one.

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

const corpusDir = "../testdata/lang"

// corpusFiles returns the .bt files under testdata/lang/dir, relative to
// testdata/lang, sorted.
func corpusFiles(tb testing.TB, dir string) []string {
	tb.Helper()
	var files []string
	err := filepath.WalkDir(filepath.Join(corpusDir, dir), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".bt") {
			rel, err := filepath.Rel(corpusDir, path)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	sort.Strings(files)
	return files
}

var checkFlagsRE = regexp.MustCompile(`(?m)^\s*//\s*check:(.*)$`)

// corpusOptions reads the "// check:" line of a script.
func corpusOptions(tb testing.TB, src []byte, k testKernel) sema.Options {
	opts := sema.Options{Kernel: k}
	m := checkFlagsRE.FindSubmatch(src)
	if m == nil {
		return opts
	}
	for _, f := range strings.Fields(string(m[1])) {
		switch {
		case f == "unsafe":
			opts.Unsafe = true
		case f == "noparams":
			opts.ParamsGiven = true
		case strings.HasPrefix(f, "params="):
			opts.ParamsGiven = true
			opts.Params = strings.Split(strings.TrimPrefix(f, "params="), ",")
		default:
			tb.Fatalf("unknown check flag %q", f)
		}
	}
	return opts
}

// checkCorpusFile checks one script of the corpus.
func checkCorpusFile(tb testing.TB, rel string, k testKernel) *Unit {
	tb.Helper()
	src, err := os.ReadFile(filepath.Join(corpusDir, rel))
	if err != nil {
		tb.Fatal(err)
	}
	return Check(rel, src, corpusOptions(tb, src, k))
}

// formatDiags renders every diagnostic as bt check prints it.
func formatDiags(u *Unit) string {
	var b strings.Builder
	for _, d := range u.Diags {
		b.WriteString(diag.Format(u.Tok, d))
	}
	return b.String()
}

// golden compares got with the file at path (relative to testdata/lang),
// or rewrites it with -update. An empty got means the file must not
// exist.
func golden(t *testing.T, rel, got string) {
	t.Helper()
	path := filepath.Join(corpusDir, rel)
	if *update {
		if got == "" {
			if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			return
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if os.IsNotExist(err) && got == "" {
		return
	}
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (go test -update rewrites it)\n--- got:\n%s\n--- want:\n%s", rel, got, want)
	}
}

func TestCorpusOK(t *testing.T) {
	k := newTestKernel(t)
	files := corpusFiles(t, "ok")
	if len(files) < 200 {
		t.Errorf("the valid corpus has %d scripts, want at least 200", len(files))
	}
	for _, rel := range files {
		t.Run(strings.TrimSuffix(rel, ".bt"), func(t *testing.T) {
			u := checkCorpusFile(t, rel, k)
			base := strings.TrimSuffix(rel, ".bt")
			golden(t, base+".ast", ast.DumpString(u.AST))
			golden(t, base+".diag", formatDiags(u))
			if u.Diags.HasErrors() {
				t.Errorf("valid script has errors:\n%s", formatDiags(u))
			}
			checkExpectations(t, u)
		})
	}
}

func TestCorpusBad(t *testing.T) {
	k := newTestKernel(t)
	files := corpusFiles(t, "bad")
	if len(files) < 100 {
		t.Errorf("the invalid corpus has %d scripts, want at least 100", len(files))
	}
	for _, rel := range files {
		t.Run(strings.TrimSuffix(rel, ".bt"), func(t *testing.T) {
			u := checkCorpusFile(t, rel, k)
			golden(t, strings.TrimSuffix(rel, ".bt")+".diag", formatDiags(u))
			if len(u.Diags) == 0 {
				t.Errorf("invalid script has no diagnostics")
			}
			checkExpectations(t, u)
		})
	}
}

// TestCorpusCodes requires every registered diagnostic code to be
// produced by some script of the corpus.
func TestCorpusCodes(t *testing.T) {
	k := newTestKernel(t)
	seen := map[string]string{}
	for _, rel := range append(corpusFiles(t, "bad"), corpusFiles(t, "ok")...) {
		for _, d := range checkCorpusFile(t, rel, k).Diags {
			if _, ok := seen[d.Code]; !ok {
				seen[d.Code] = rel
			}
		}
	}
	registered := map[string]bool{}
	for _, c := range diag.Codes() {
		if registered[c.Code] {
			t.Errorf("code %s is registered twice", c.Code)
		}
		registered[c.Code] = true
		if _, ok := seen[c.Code]; !ok {
			t.Errorf("no script of testdata/lang produces %s (%s: %s)", c.Code, c.Name, c.Summary)
		}
	}
	for code, rel := range seen {
		if !registered[code] {
			t.Errorf("%s produces %s, which no codes_*.go registers", rel, code)
		}
	}
}

// TestCorpusBuiltins requires every entry of the builtins table to be
// used by some valid script.
func TestCorpusBuiltins(t *testing.T) {
	used := map[string]bool{}
	for _, rel := range corpusFiles(t, "ok") {
		src, err := os.ReadFile(filepath.Join(corpusDir, rel))
		if err != nil {
			t.Fatal(err)
		}
		u := Parse(rel, src)
		ast.Inspect(u.AST, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.Ident:
				used[n.Name] = true
			case *ast.CallExpr:
				used[n.Fun.Name] = true
			case *ast.SizeofExpr:
				used["sizeof"] = true
			case *ast.OffsetofExpr:
				used["offsetof"] = true
			case *ast.TypeofExpr:
				if n.Info {
					used["typeinfo"] = true
				} else {
					used["typeof"] = true
				}
			}
			return true
		})
	}
	for _, b := range builtins.All() {
		if !used[b.Name] {
			t.Errorf("no valid script of testdata/lang uses %s (%s)", b.Name, b.Signature)
		}
	}
}

// ----------------------------------------------------------------------------
// Inline expectations

// expectRE matches an expectation comment; the text between the quotes
// is the regexp, as written (no unquoting: "\$x" means a literal $x).
var expectRE = regexp.MustCompile(`^/\*\s*(ERROR|WARNING)\s+"(.*)"\s*\*/$`)

type expectation struct {
	pos      token.Pos
	severity diag.Severity
	re       *regexp.Regexp
}

// expectations returns the /* ERROR "re" */ comments of u.
func expectations(t *testing.T, u *Unit) []expectation {
	var out []expectation
	for _, c := range u.AST.Comments {
		m := expectRE.FindStringSubmatch(c.Text)
		if m == nil {
			continue
		}
		re, err := regexp.Compile(m[2])
		if err != nil {
			t.Fatalf("%s: bad expectation %s: %v", u.Tok.Position(c.Pos()), c.Text, err)
		}
		sev := diag.Error
		if m[1] == "WARNING" {
			sev = diag.Warning
		}
		out = append(out, expectation{c.Pos(), sev, re})
	}
	return out
}

// checkExpectations matches the inline expectations of u with its
// diagnostics: each expectation claims the diagnostic of its severity
// that starts last before it on its line and matches its regexp.
func checkExpectations(t *testing.T, u *Unit) {
	t.Helper()
	exps := expectations(t, u)
	if len(exps) == 0 {
		return
	}
	claimed := map[*diag.Diagnostic]bool{}
	for _, e := range exps {
		line := u.Tok.Position(e.pos).Line
		var best *diag.Diagnostic
		for _, d := range u.Diags {
			if claimed[d] || d.Severity != e.severity || d.Pos >= e.pos || u.Tok.Position(d.Pos).Line != line {
				continue
			}
			if e.re.MatchString(d.Message) && (best == nil || d.Pos > best.Pos) {
				best = d
			}
		}
		if best == nil {
			t.Errorf("%s: no %s matching %q before the expectation", u.Tok.Position(e.pos), e.severity, e.re)
			continue
		}
		claimed[best] = true
	}
	for _, d := range u.Diags {
		if d.Severity == diag.Error && !claimed[d] {
			t.Errorf("unexpected error (no /* ERROR */ expectation):\n%s", diag.Format(u.Tok, d))
		}
	}
}
