package lint

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/bt-tools/bt/lang"
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/kernel"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lang/token"
)

// Rule is one lint check, like analysis.Analyzer.
type Rule struct {
	// Code is the stable code findings carry: "BT003". Codes are never
	// reused for another meaning.
	Code string
	// Name is a short kebab-case name: "unguarded-start-lookup". It can
	// stand for the code in --enable, --disable, config files and
	// suppressions.
	Name string
	// Doc is the documentation: a one-line summary, a blank line, one or
	// more paragraphs, then "Bad:" and "Good:" each followed by an example
	// indented by a tab or four spaces. An example may start with a
	// comment line "// btlint --target 0.17" giving the flags it needs.
	// --explain, the rules list and hovers show it.
	Doc string
	// Severity is the default severity of the rule's findings.
	Severity diag.Severity
	// Fixable says the rule attaches fixes to (some of) its findings.
	Fixable bool
	// Off: the rule does not run unless enabled.
	Off bool
	// Run reports the findings for one file. Nil only for rules whose
	// findings the driver makes (BT000, about suppressions).
	Run func(*Pass) error
}

// Summary returns the first line of the doc.
func (r *Rule) Summary() string {
	s, _, _ := strings.Cut(r.Doc, "\n")
	return strings.TrimSpace(s)
}

// Explanation returns the doc between the summary and the examples.
func (r *Rule) Explanation() string {
	d := parseDoc(r.Doc)
	return d.text
}

// Examples returns the bad and the good example, without indentation.
func (r *Rule) Examples() (bad, good string) {
	d := parseDoc(r.Doc)
	return d.bad, d.good
}

// String returns "BT003 (unguarded-start-lookup)".
func (r *Rule) String() string { return r.Code + " (" + r.Name + ")" }

type doc struct {
	summary, text, bad, good string
}

// parseDoc splits a rule doc into its parts.
func parseDoc(s string) doc {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	var d doc
	if len(lines) == 0 {
		return d
	}
	d.summary = strings.TrimSpace(lines[0])
	var text []string
	section := &text
	var bad, good []string
	for _, l := range lines[1:] {
		switch strings.TrimSpace(l) {
		case "Bad:":
			section = &bad
			continue
		case "Good:":
			section = &good
			continue
		}
		*section = append(*section, l)
	}
	d.text = strings.TrimSpace(strings.Join(text, "\n"))
	d.bad = dedent(bad)
	d.good = dedent(good)
	return d
}

// dedent removes the example's indentation (a tab or four spaces) and
// the blank lines around it.
func dedent(lines []string) string {
	var out []string
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "\t"):
			l = l[1:]
		case strings.HasPrefix(l, "    "):
			l = l[4:]
		default:
			l = strings.TrimSpace(l)
		}
		out = append(out, l)
	}
	s := strings.Trim(strings.Join(out, "\n"), "\n")
	if s == "" {
		return ""
	}
	return s + "\n"
}

var (
	codeRE = regexp.MustCompile(`^BT[0-9]{3}$`)
	nameRE = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
)

// Validate checks a set of rules, as done at start-up: codes and names
// unique and well-formed, a doc with a summary, an explanation and two
// examples that parse, a known severity, and a Run function (except
// BT000). That the bad example triggers the rule and the good one does
// not needs kernel information; lint/rules' tests check it.
func Validate(rules []*Rule) error {
	var errs []error
	seen := map[string]*Rule{}
	for _, r := range rules {
		bad := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("rule %s: %s", r, fmt.Sprintf(format, args...)))
		}
		if !codeRE.MatchString(r.Code) {
			bad("code %q is not BTnnn", r.Code)
		}
		if !nameRE.MatchString(r.Name) {
			bad("name %q is not kebab-case", r.Name)
		}
		for _, k := range []string{r.Code, r.Name} {
			if prev := seen[k]; prev != nil {
				bad("%q is also used by %s", k, prev)
			}
			seen[k] = r
		}
		d := parseDoc(r.Doc)
		switch {
		case d.summary == "":
			bad("doc has no summary line")
		case strings.HasSuffix(d.summary, "."):
			bad("summary ends with a period")
		case d.text == "":
			bad("doc has no explanation")
		case d.bad == "" || d.good == "":
			bad("doc lacks a Bad: or a Good: example")
		}
		for _, ex := range []string{d.bad, d.good} {
			if errs := lang.Parse(r.Code+".bt", []byte(ex)).Diags.Errors(); len(errs) > 0 {
				bad("an example does not parse: %v", errs[0])
			}
		}
		if r.Severity < diag.Error || r.Severity > diag.Hint {
			bad("unknown severity %d", r.Severity)
		}
		if r.Run == nil && r.Code != SuppressionRule.Code {
			bad("no Run function")
		}
	}
	return errors.Join(errs...)
}

// Pass is what a rule sees of one file.
type Pass struct {
	Rule   *Rule
	Unit   *lang.Unit
	Prog   *sema.Program
	File   *token.File
	Kernel kernel.Info // nil when no kernel information is available
	Target Target      // the bpftrace versions the program must run on
	Index  *Index      // the shared traversal of the tree

	report func(*diag.Diagnostic)
}

// Report records a finding. Code is set to the rule's; a zero severity
// (Error) is kept, so rules that want another severity than the default
// should use [Pass.Reportf] or set it explicitly.
func (p *Pass) Report(d *diag.Diagnostic) {
	d.Code = p.Rule.Code
	p.report(d)
}

// Reportf records a finding on n with the rule's default severity and
// returns it, so that the caller can add hints, related spans and fixes.
func (p *Pass) Reportf(n ast.Node, format string, args ...any) *diag.Diagnostic {
	return p.ReportRangef(n.Pos(), n.End(), format, args...)
}

// ReportRangef is [Pass.Reportf] for a span.
func (p *Pass) ReportRangef(pos, end token.Pos, format string, args ...any) *diag.Diagnostic {
	d := &diag.Diagnostic{
		Pos: pos, End: end, Severity: p.Rule.Severity,
		Message: fmt.Sprintf(format, args...),
	}
	p.Report(d)
	return d
}

// Text returns the source text of n.
func (p *Pass) Text(n ast.Node) string { return p.File.Text(n.Pos(), n.End()) }
