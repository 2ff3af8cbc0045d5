package lint

import (
	"fmt"
	"runtime/debug"
	"sort"

	"github.com/bt-tools/bt/lang"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/kernel"
	"github.com/bt-tools/bt/lang/sema"
)

// Options configure a run of the linter over one file.
type Options struct {
	Config *Config
	// Kernel answers BTF and tracepoint questions; nil for none.
	Kernel kernel.Info
}

// Result is what the linter found in one file.
type Result struct {
	Unit *lang.Unit
	// Findings are the reported findings, sorted by position.
	Findings diag.List
	// Suppressed are findings silenced by btlint:ignore comments.
	Suppressed []Suppressed
	// Syntax holds the file's syntax errors. A file that does not parse
	// is not linted: Findings is empty.
	Syntax diag.List
	// Errors holds the checker's other errors: the rules ran on a
	// partially typed program, so they may have missed things.
	Errors diag.List
	// Failures are rules that failed (returned an error or panicked).
	Failures []error
}

// Lint checks src with the front end and runs the enabled rules on it.
func Lint(name string, src []byte, opts Options) *Result {
	// system() and friends are the linter's business (BT002), not errors.
	u := lang.Check(name, src, sema.Options{Kernel: opts.Kernel, Unsafe: true})
	return LintUnit(u, opts)
}

// LintUnit runs the enabled rules on a checked unit. The unit must have
// been checked with sema.Options.Unsafe set, or uses of unsafe functions
// count as errors.
func LintUnit(u *lang.Unit, opts Options) *Result {
	cfg := opts.Config
	if cfg == nil {
		cfg = NewConfig(nil)
	}
	res := &Result{Unit: u}
	for _, d := range u.Diags.Errors() {
		if IsSyntax(d.Code) {
			res.Syntax = append(res.Syntax, d)
		} else {
			res.Errors = append(res.Errors, d)
		}
	}
	if len(res.Syntax) > 0 || u.Prog == nil {
		return res
	}
	ix := NewIndex(u.Prog)
	ran := map[*Rule]bool{}
	var found diag.List
	for _, r := range cfg.Enabled() {
		if r.Run == nil {
			continue
		}
		ran[r] = true
		pass := &Pass{
			Rule: r, Unit: u, Prog: u.Prog, File: u.Tok, Kernel: opts.Kernel,
			Target: cfg.Target, Index: ix,
			report: func(d *diag.Diagnostic) { found = append(found, d) },
		}
		if err := runRule(r, pass); err != nil {
			res.Failures = append(res.Failures, err)
		}
	}
	res.filter(found, cfg, ran)
	return res
}

// runRule runs one rule, turning a panic into an error so that one bad
// rule cannot take the linter down.
func runRule(r *Rule, pass *Pass) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("rule %s panicked on %s: %v\n%s", r, pass.File.Name, v, debug.Stack())
		}
	}()
	if err := r.Run(pass); err != nil {
		return fmt.Errorf("rule %s on %s: %w", r, pass.File.Name, err)
	}
	return nil
}

// filter applies severity overrides and suppressions and adds the
// findings about suppressions themselves.
func (res *Result) filter(found diag.List, cfg *Config, ran map[*Rule]bool) {
	u := res.Unit
	sups := parseSuppressions(u.AST, u.Tok, cfg.byName)
	found.Sort()
	for _, d := range found {
		r := cfg.byName[d.Code]
		if s, ok := cfg.severity[d.Code]; ok {
			d.Severity = s
		}
		line := u.Tok.Position(d.Pos).Line
		if s, sc := findSuppression(sups, r, line); sc != nil {
			sc.used = true
			res.Suppressed = append(res.Suppressed, Suppressed{Finding: d, Comment: s.comment, Reason: s.reason})
			continue
		}
		res.Findings = append(res.Findings, d)
	}
	if cfg.enabled[SuppressionRule.Code] {
		for _, s := range sups {
			for _, d := range s.problems(ran) {
				if sev, ok := cfg.severity[d.Code]; ok {
					d.Severity = sev
				}
				res.Findings = append(res.Findings, d)
			}
		}
	}
	sort.Stable(res.Findings)
}

func findSuppression(sups []*suppression, r *Rule, line int) (*suppression, *suppressedCode) {
	if r == nil {
		return nil, nil
	}
	for _, s := range sups {
		if sc := s.covers(r, line); sc != nil {
			return s, sc
		}
	}
	return nil, nil
}

// IsSyntax reports whether a front-end code is a syntax error (E100 to
// E149, lang/diag's codes_syntax.go) rather than a type or C error.
func IsSyntax(code string) bool {
	return len(code) == 4 && code[0] == 'E' && code[1] == '1' && code[2] >= '0' && code[2] <= '4'
}
