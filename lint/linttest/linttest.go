// Package linttest runs lint rules over test files the way
// golang.org/x/tools/go/analysis/analysistest does.
//
// A test file is a bpftrace program whose comments say what to expect: a
// comment `// want "regexp"` (several quoted regexps allowed, /* */ too)
// expects one finding per regexp on the comment's line, matching its
// message. Every finding must be expected and every expectation met.
// A first line `// btlint --target 0.17..0.24` gives the file its flags.
// When NAME.bt.golden exists, the fixes are applied (as btlint --fix does)
// and the result must equal it, and linting it again must offer no fix;
// -update writes the golden files.
package linttest

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/kernel/kerneltest"
	"github.com/bt-tools/bt/lint"
)

// Update makes tests rewrite their golden files.
var Update = flag.Bool("update", false, "rewrite golden files")

// Run lints every *.bt file of dir with rules (and, with them known, BT000)
// and checks the findings against the files' want comments and golden
// files.
func Run(t *testing.T, dir string, rules ...*lint.Rule) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.bt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no test files in %s", dir)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) { runFile(t, file, rules) })
	}
}

func runFile(t *testing.T, file string, rules []*lint.Rule) {
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := Options(t, src, rules)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	res := lint.Lint(file, src, opts)
	for _, d := range res.Syntax {
		t.Errorf("syntax error: %s", diag.Format(res.Unit.Tok, d))
	}
	for _, err := range res.Failures {
		t.Error(err)
	}
	Check(t, res)
	golden := file + ".golden"
	_, statErr := os.Stat(golden)
	if statErr != nil && !*Update {
		return
	}
	fixed, after, n, err := lint.Fix(file, src, opts)
	if err != nil {
		t.Fatalf("fix: %v", err)
	}
	if n == 0 && statErr != nil {
		return
	}
	for _, d := range after.Findings {
		if len(d.Fixes) > 0 {
			t.Errorf("after --fix, a finding still offers a fix: %s", diag.Format(after.Unit.Tok, d))
		}
	}
	if *Update {
		if err := os.WriteFile(golden, fixed, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fixed, want) {
		t.Errorf("fixed %s differs from %s:\n--- got\n%s--- want\n%s", file, golden, fixed, want)
	}
}

// Options returns lint options for a test file: the fixture kernel, the
// rules, and the flags of the file's first line.
func Options(tb testing.TB, src []byte, rules []*lint.Rule) (lint.Options, error) {
	cfg := lint.NewConfig(rules)
	if err := ParseFlags(cfg, src); err != nil {
		return lint.Options{}, err
	}
	return lint.Options{Config: cfg, Kernel: kerneltest.Fixture(tb)}, nil
}

// ParseFlags applies the flags of a "// btlint --flag value ..." first
// line: --target, --enable and --disable.
func ParseFlags(cfg *lint.Config, src []byte) error {
	first, _, _ := bytes.Cut(src, []byte("\n"))
	args, ok := strings.CutPrefix(string(first), "// btlint ")
	if !ok {
		return nil
	}
	f := strings.Fields(args)
	for i := 0; i < len(f); i++ {
		if i+1 >= len(f) {
			return fmt.Errorf("flag %s needs a value", f[i])
		}
		v := f[i+1]
		var err error
		switch f[i] {
		case "--target":
			cfg.Target, err = lint.ParseTarget(v)
		case "--enable":
			err = cfg.Enable(lint.SplitList([]string{v})...)
		case "--disable":
			err = cfg.Disable(lint.SplitList([]string{v})...)
		default:
			err = fmt.Errorf("unknown flag %s", f[i])
		}
		if err != nil {
			return err
		}
		i++
	}
	return nil
}

type expectation struct {
	line int
	re   *regexp.Regexp
	used bool
}

var wantRE = regexp.MustCompile(`\bwant((?:\s+(?:"(?:[^"\\]|\\.)*"|` + "`[^`]*`" + `))+)`)
var quotedRE = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|` + "`[^`]*`")

// Check compares a result's findings with the want comments of its file.
func Check(t *testing.T, res *lint.Result) {
	t.Helper()
	f := res.Unit.Tok
	exps := expectations(t, res.Unit.AST, res)
	for _, d := range res.Findings {
		line := f.Position(d.Pos).Line
		matched := false
		for _, e := range exps {
			if !e.used && e.line == line && e.re.MatchString(d.Message) {
				e.used, matched = true, true
				break
			}
		}
		if !matched {
			t.Errorf("unexpected finding: %s", diag.Format(f, d))
		}
	}
	for _, e := range exps {
		if !e.used {
			t.Errorf("%s:%d: no finding matches %q", f.Name, e.line, e.re)
		}
	}
}

func expectations(t *testing.T, file *ast.File, res *lint.Result) []*expectation {
	var out []*expectation
	for _, c := range file.Comments {
		m := wantRE.FindStringSubmatch(c.Text)
		if m == nil {
			continue
		}
		line := res.Unit.Tok.Position(c.Pos()).Line
		for _, q := range quotedRE.FindAllString(m[1], -1) {
			s, err := strconv.Unquote(q)
			if err != nil {
				t.Fatalf("line %d: bad want %s: %v", line, q, err)
			}
			re, err := regexp.Compile(s)
			if err != nil {
				t.Fatalf("line %d: bad want regexp %s: %v", line, q, err)
			}
			out = append(out, &expectation{line: line, re: re})
		}
	}
	return out
}
