package lint

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/token"
)

// SuppressionRule is BT000: the findings the driver makes about
// suppression comments themselves.
var SuppressionRule = &Rule{
	Code:     "BT000",
	Name:     "invalid-suppression",
	Severity: diag.Warning,
	Doc: `a btlint:ignore comment is malformed, names an unknown rule or suppresses nothing

A comment "// btlint:ignore CODE reason" (or "/* btlint:ignore CODE reason */")
silences the findings of the named rules on its line, or, when it stands
alone on its line, on the next line. Several codes are separated by commas, and rule names may stand for
codes. The reason is required: it tells the next reader why the finding
does not apply. A suppression without a reason, with a code no rule has,
or that silences nothing (the code was fixed, or the comment moved) is
reported, so suppressions do not outlive their purpose.

Bad:

	kprobe:do_nanosleep
	/pid == 1234/ // btlint:ignore BT010
	{
	  @[comm] = count();
	}

Good:

	kprobe:do_nanosleep
	/pid == 1234/ // btlint:ignore BT010 the test fixture always runs as pid 1234
	{
	  @[comm] = count();
	}
`,
}

// Suppressed is a finding silenced by a comment.
type Suppressed struct {
	Finding *diag.Diagnostic
	Comment *ast.Comment
	Reason  string
}

// suppression is one btlint:ignore comment.
type suppression struct {
	comment  *ast.Comment
	codes    []suppressedCode
	reason   string
	from, to int // the lines it covers
}

type suppressedCode struct {
	text string // as written
	rule *Rule  // nil if unknown
	pos  token.Pos
	used bool
}

var ignoreRE = regexp.MustCompile(`^btlint:ignore\b[ \t]*`)

// codeListRE matches "BT003", "BT003,BT004", "BT003, unguarded-start-lookup".
var (
	codeListRE = regexp.MustCompile(`^[A-Za-z0-9_-]+(?:[ \t]*,[ \t]*[A-Za-z0-9_-]+)*`)
	codeRE1    = regexp.MustCompile(`[A-Za-z0-9_-]+`)
)

// parseSuppressions finds the btlint:ignore comments of a file.
func parseSuppressions(f *ast.File, file *token.File, byName map[string]*Rule) []*suppression {
	var out []*suppression
	for _, c := range f.Comments {
		body, off := commentBody(c)
		lead := len(body) - len(strings.TrimLeft(body, " \t"))
		body = body[lead:]
		off += lead
		m := ignoreRE.FindString(body)
		if m == "" {
			continue
		}
		s := &suppression{
			comment: c,
			from:    file.Position(c.Pos()).Line,
			to:      file.Position(c.End()).Line,
		}
		// A comment alone on its line covers the next line; one after
		// code covers its own line only.
		if _, alone := lineIndent(file, c.Pos()); alone {
			s.to++
		}
		rest := body[len(m):]
		off += len(m)
		list := codeListRE.FindString(rest)
		for _, loc := range codeRE1.FindAllStringIndex(list, -1) {
			code := list[loc[0]:loc[1]]
			s.codes = append(s.codes, suppressedCode{text: code, rule: byName[code], pos: c.Pos() + token.Pos(off+loc[0])})
		}
		s.reason = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(rest[len(list):]), "-:"))
		out = append(out, s)
	}
	return out
}

// commentBody returns the text of a comment without its delimiters, and
// the offset of that text in the comment.
func commentBody(c *ast.Comment) (string, int) {
	if c.IsBlock() {
		return strings.TrimSuffix(c.Text[2:], "*/"), 2
	}
	return c.Text[2:], 2
}

// covers reports whether s silences a finding of rule r on line.
func (s *suppression) covers(r *Rule, line int) *suppressedCode {
	if line < s.from || line > s.to {
		return nil
	}
	for i := range s.codes {
		if s.codes[i].rule == r {
			return &s.codes[i]
		}
	}
	return nil
}

// problems returns the BT000 findings about s. ran says which rules ran,
// so that a suppression of a disabled rule is not called unused.
func (s *suppression) problems(ran map[*Rule]bool) diag.List {
	var out diag.List
	add := func(pos, end token.Pos, format string, args ...any) *diag.Diagnostic {
		d := &diag.Diagnostic{Pos: pos, End: end, Severity: SuppressionRule.Severity,
			Code: SuppressionRule.Code, Message: fmt.Sprintf(format, args...)}
		out = append(out, d)
		return d
	}
	c := s.comment
	if len(s.codes) == 0 {
		add(c.Pos(), c.End(), "btlint:ignore names no rule").Hints = []string{"write // btlint:ignore BTnnn reason"}
		return out
	}
	if s.reason == "" {
		add(c.Pos(), c.End(), "btlint:ignore %s gives no reason", s.codes[0].text).Hints =
			[]string{"say why the finding does not apply: // btlint:ignore " + s.codes[0].text + " reason"}
	}
	for _, sc := range s.codes {
		end := sc.pos + token.Pos(len(sc.text))
		switch {
		case sc.rule == nil:
			add(sc.pos, end, "btlint:ignore names an unknown rule %q", sc.text)
		case !sc.used && ran[sc.rule]:
			add(sc.pos, end, "btlint:ignore %s suppresses nothing on this line or the next", sc.text).
				Hints = []string{"remove the comment, or move it above the line with the finding"}
		}
	}
	return out
}
