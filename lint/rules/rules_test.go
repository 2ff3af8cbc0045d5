package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/kernel/kerneltest"
	"github.com/bt-tools/bt/lint"
	"github.com/bt-tools/bt/lint/linttest"
)

// testdata is the module's shared test data directory.
const testdata = "../../testdata/lint"

func TestValidate(t *testing.T) {
	if err := lint.Validate(All()); err != nil {
		t.Fatal(err)
	}
	for i, r := range All() {
		if i > 0 && All()[i-1].Code >= r.Code {
			t.Errorf("All is not in code order at %s", r)
		}
	}
}

// onlyRule returns a configuration that runs r alone, with every rule
// known (so that suppressions can name them).
func onlyRule(t *testing.T, r *lint.Rule) *lint.Config {
	cfg := lint.NewConfig(All())
	if err := cfg.Disable("all"); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Enable(r.Code); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestExamples runs each rule's doc examples: the bad one must trigger
// the rule, the good one must not, and both must check without errors.
func TestExamples(t *testing.T) {
	k := kerneltest.Fixture(t)
	for _, r := range All() {
		t.Run(r.Code, func(t *testing.T) {
			bad, good := r.Examples()
			for _, ex := range []struct {
				name, src string
				want      bool
			}{{"bad", bad, true}, {"good", good, false}} {
				cfg := onlyRule(t, r)
				if err := linttest.ParseFlags(cfg, []byte(ex.src)); err != nil {
					t.Fatalf("%s example: %v", ex.name, err)
				}
				res := lint.Lint(r.Code+"-"+ex.name+".bt", []byte(ex.src), lint.Options{Config: cfg, Kernel: k})
				// A bad example may be wrong in a way the checker sees too
				// (BT001's missing field); a good one must be clean.
				errs := res.Syntax
				if !ex.want {
					errs = append(errs, res.Errors...)
				}
				for _, d := range errs {
					t.Errorf("%s example does not check:\n%s", ex.name, diag.Format(res.Unit.Tok, d))
				}
				for _, err := range res.Failures {
					t.Error(err)
				}
				got := 0
				for _, d := range res.Findings {
					if d.Code == r.Code {
						got++
					}
				}
				switch {
				case ex.want && got == 0:
					t.Errorf("the bad example does not trigger %s:\n%s", r, ex.src)
				case !ex.want && got > 0:
					var b strings.Builder
					for _, d := range res.Findings {
						b.WriteString(diag.Format(res.Unit.Tok, d))
					}
					t.Errorf("the good example triggers %s:\n%s", r, b.String())
				}
			}
		})
	}
}

// TestRules runs each rule over testdata/lint/NAME/*.bt.
func TestRules(t *testing.T) {
	for _, r := range All() {
		t.Run(r.Name, func(t *testing.T) {
			dir := filepath.Join(testdata, r.Name)
			if _, err := os.Stat(dir); err != nil {
				t.Fatalf("rule %s has no tests: %v", r, err)
			}
			rules := []*lint.Rule{r}
			if r == lint.SuppressionRule {
				rules = All()
			}
			linttest.Run(t, dir, rules...)
		})
	}
}
