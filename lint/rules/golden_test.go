package rules

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/bt-tools/bt/lang"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/kernel/kerneltest"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lint"
	"github.com/bt-tools/bt/lint/linttest"
)

// debianTools are the tools Debian's bpftrace package installs.
const debianTools = "/usr/sbin/*.bt"

func debianFiles(t testing.TB) []string {
	files, _ := filepath.Glob(debianTools)
	if len(files) == 0 {
		t.Skipf("no %s: install Debian's bpftrace package to lint its tools", debianTools)
	}
	return files
}

// testdataFiles are the .bt files of the shared test data that the
// linter owns or reads: the rule tests and the grammar samples.
func testdataFiles(t testing.TB) []string {
	var files []string
	for _, dir := range []string{testdata, "../../testdata/grammar"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".bt") {
				files = append(files, path)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	sort.Strings(files)
	return files
}

// TestGolden lints whole sets of files with every rule and compares the
// findings (as btlint prints them) with golden files: Debian's tools as
// a user of today's bpftrace sees them, the same tools for the 0.17
// they were written for, and the test data. A rule that crashes fails.
func TestGolden(t *testing.T) {
	for _, c := range []struct {
		name   string
		files  func(testing.TB) []string
		target string
	}{
		{"debian", debianFiles, ""},
		{"debian-0.17", debianFiles, "0.17"},
		{"testdata", testdataFiles, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			files := c.files(t)
			cfg := lint.NewConfig(All())
			if c.target != "" {
				tgt, err := lint.ParseTarget(c.target)
				if err != nil {
					t.Fatal(err)
				}
				cfg.Target = tgt
			}
			var b bytes.Buffer
			for _, f := range files {
				src, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				fcfg := cfg
				if c.name == "testdata" {
					// Rule tests carry their own flags.
					fcfg = cfg.Clone()
					if err := linttest.ParseFlags(fcfg, src); err != nil {
						t.Fatal(err)
					}
				}
				res := lint.Lint(f, src, lint.Options{Config: fcfg, Kernel: kerneltest.Fixture(t)})
				for _, err := range res.Failures {
					t.Error(err)
				}
				for _, d := range res.Syntax {
					fmt.Fprintf(&b, "syntax error: %s", diag.Format(res.Unit.Tok, d))
				}
				if err := lint.WriteText(&b, &lint.Report{Results: []*lint.Result{res}}); err != nil {
					t.Fatal(err)
				}
			}
			compareGolden(t, filepath.Join(testdata, "golden", c.name+".golden"), b.Bytes())
		})
	}
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *linttest.Update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("findings differ from %s (go test -update rewrites it):\n%s", path, lineDiff(string(want), string(got)))
	}
}

// lineDiff lists the lines only one side has.
func lineDiff(want, got string) string {
	count := map[string]int{}
	for _, l := range strings.Split(want, "\n") {
		count[l]++
	}
	for _, l := range strings.Split(got, "\n") {
		count[l]--
	}
	var b strings.Builder
	for _, l := range strings.Split(want, "\n") {
		if count[l] > 0 {
			fmt.Fprintf(&b, "- %s\n", l)
			count[l]--
		}
	}
	for _, l := range strings.Split(got, "\n") {
		if count[l] < 0 {
			fmt.Fprintf(&b, "+ %s\n", l)
			count[l]++
		}
	}
	return b.String()
}

// TestFixDebian applies every fix to Debian's tools: the result must
// parse and, linted again, offer no fix.
func TestFixDebian(t *testing.T) {
	for _, f := range debianFiles(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		opts := lint.Options{Config: lint.NewConfig(All()), Kernel: kerneltest.Fixture(t)}
		fixed, _, _, err := lint.Fix(f, src, opts)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		again := lint.Lint(f, fixed, opts)
		for _, d := range again.Syntax {
			t.Errorf("%s: fixed file does not parse: %s", f, diag.Format(again.Unit.Tok, d))
		}
		for _, d := range again.Findings {
			if len(d.Fixes) > 0 {
				t.Errorf("%s: after --fix a finding still offers a fix: %s", f, diag.Format(again.Unit.Tok, d))
			}
		}
	}
}

// BenchmarkDebian lints all of Debian's tools with every rule: the
// front end's check and the rules, the kernel fixture already loaded.
func BenchmarkDebian(b *testing.B) {
	benchmarkDebian(b, func(name string, src []byte, opts lint.Options) { lint.Lint(name, src, opts) })
}

// BenchmarkDebianRules times the rules alone on Debian's tools, checked
// once beforehand: the linter's own cost on top of the front end.
func BenchmarkDebianRules(b *testing.B) {
	units := map[string]*lang.Unit{}
	benchmarkDebian(b, func(name string, src []byte, opts lint.Options) {
		u := units[name]
		if u == nil {
			u = lang.Check(name, src, sema.Options{Kernel: opts.Kernel, Unsafe: true})
			units[name] = u
		}
		lint.LintUnit(u, opts)
	})
}

func benchmarkDebian(b *testing.B, run func(string, []byte, lint.Options)) {
	files := debianFiles(b)
	srcs := make([][]byte, len(files))
	for i, f := range files {
		var err error
		if srcs[i], err = os.ReadFile(f); err != nil {
			b.Fatal(err)
		}
	}
	opts := lint.Options{Config: lint.NewConfig(All()), Kernel: kerneltest.Fixture(b)}
	for i := range files {
		run(files[i], srcs[i], opts) // warm the kernel fixture's caches
	}
	b.ResetTimer()
	for b.Loop() {
		for i := range files {
			run(files[i], srcs[i], opts)
		}
	}
}
