package lint

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/token"
)

// Report is the outcome of a run over many files, in the order the files
// were given; every output format writes one.
type Report struct {
	Results []*Result
	// Errors are files that could not be read or linted.
	Errors []FileError
	// Rules are every known rule (SARIF lists them; others show names).
	Rules []*Rule
	// Version is the tool's version, for SARIF.
	Version string
}

func (r *Report) rule(code string) *Rule {
	for _, x := range r.Rules {
		if x.Code == code {
			return x
		}
	}
	return nil
}

// FileError is a file that could not be read, or whose configuration is
// broken.
type FileError struct {
	File string
	Err  error
}

// Findings returns the number of findings in the report.
func (r *Report) Findings() int {
	n := 0
	for _, res := range r.Results {
		n += len(res.Findings)
	}
	return n
}

// Formats lists the output formats.
var Formats = []string{"text", "json", "sarif", "github"}

// Write writes the report in a format: "text", "json", "sarif" or
// "github".
func Write(w io.Writer, format string, r *Report) error {
	switch format {
	case "text":
		return WriteText(w, r)
	case "json":
		return WriteJSON(w, r)
	case "sarif":
		return WriteSARIF(w, r)
	case "github":
		return WriteGitHub(w, r)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

// ---------------------------------------------------------------------------
// text

// WriteText writes findings as a compiler does, with the source line, a
// caret underline, hints, related notes and the fixes on offer.
func WriteText(w io.Writer, r *Report) error {
	var b strings.Builder
	for _, res := range r.Results {
		for _, d := range res.Findings {
			b.WriteString(diag.Format(res.Unit.Tok, d))
			for _, f := range d.Fixes {
				fmt.Fprintf(&b, "  = fix: %s\n", f.Message)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ---------------------------------------------------------------------------
// json

// JSONVersion is the version of the JSON schema below; it changes only
// when a field changes meaning or goes away.
const JSONVersion = 1

// JSONReport is the --format json document. Lines and columns are 1-based
// and count bytes; ends are exclusive. Offsets are 0-based bytes.
type JSONReport struct {
	Version  int           `json:"version"`
	Findings []JSONFinding `json:"findings"`
	Errors   []JSONError   `json:"errors"`
}

// JSONFinding is one finding.
type JSONFinding struct {
	JSONRange
	Severity string        `json:"severity"`
	Code     string        `json:"code"`
	Message  string        `json:"message"`
	Hints    []string      `json:"hints,omitempty"`
	Related  []JSONRelated `json:"related,omitempty"`
	Fixes    []JSONFix     `json:"fixes,omitempty"`
}

// JSONRange is a span of a file.
type JSONRange struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"endLine"`
	EndColumn int    `json:"endColumn"`
}

// JSONRelated is a related span.
type JSONRelated struct {
	JSONRange
	Message string `json:"message"`
}

// JSONFix is a fix: a message and its edits.
type JSONFix struct {
	Message string     `json:"message"`
	Edits   []JSONEdit `json:"edits"`
}

// JSONEdit replaces [offset, endOffset) of the file with newText.
type JSONEdit struct {
	JSONRange
	Offset    int    `json:"offset"`
	EndOffset int    `json:"endOffset"`
	NewText   string `json:"newText"`
}

// JSONError is a file that could not be linted: unreadable, or not
// parsable (then with a position).
type JSONError struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message"`
}

func jsonRange(f *token.File, pos, end token.Pos) JSONRange {
	p, e := f.Position(pos), f.Position(end)
	return JSONRange{File: f.Name, Line: p.Line, Column: p.Column, EndLine: e.Line, EndColumn: e.Column}
}

// ToJSON converts a report.
func ToJSON(r *Report) JSONReport {
	out := JSONReport{Version: JSONVersion, Findings: []JSONFinding{}, Errors: []JSONError{}}
	for _, res := range r.Results {
		f := res.Unit.Tok
		for _, d := range res.Findings {
			out.Findings = append(out.Findings, jsonFinding(f, d))
		}
		for _, d := range res.Syntax {
			p := f.Position(d.Pos)
			out.Errors = append(out.Errors, JSONError{File: f.Name, Line: p.Line, Column: p.Column, Code: d.Code, Message: d.Message})
		}
	}
	for _, e := range r.Errors {
		out.Errors = append(out.Errors, JSONError{File: e.File, Message: e.Err.Error()})
	}
	return out
}

func jsonFinding(f *token.File, d *diag.Diagnostic) JSONFinding {
	j := JSONFinding{
		JSONRange: jsonRange(f, d.Pos, d.End),
		Severity:  d.Severity.String(), Code: d.Code, Message: d.Message, Hints: d.Hints,
	}
	for _, rel := range d.Related {
		j.Related = append(j.Related, JSONRelated{JSONRange: jsonRange(f, rel.Pos, rel.End), Message: rel.Message})
	}
	for _, fx := range d.Fixes {
		jf := JSONFix{Message: fx.Message, Edits: []JSONEdit{}}
		for _, e := range fx.Edits {
			jf.Edits = append(jf.Edits, JSONEdit{
				JSONRange: jsonRange(f, e.Pos, e.End),
				Offset:    f.Offset(e.Pos), EndOffset: f.Offset(e.End), NewText: e.NewText,
			})
		}
		j.Fixes = append(j.Fixes, jf)
	}
	return j
}

// WriteJSON writes the report as one indented JSON document.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(ToJSON(r))
}

// ---------------------------------------------------------------------------
// github

// WriteGitHub writes GitHub Actions workflow commands, which annotate the
// lines of a pull request:
//
//	::warning file=tools/x.bt,line=3,col=5,endLine=3,endColumn=9,title=BT004 (unguarded-start-lookup)::message
func WriteGitHub(w io.Writer, r *Report) error {
	var b strings.Builder
	for _, res := range r.Results {
		f := res.Unit.Tok
		for _, d := range res.Findings {
			p, e := f.Position(d.Pos), f.Position(d.End)
			title := d.Code
			if rule := r.rule(d.Code); rule != nil {
				title += " (" + rule.Name + ")"
			}
			msg := d.Message
			for _, h := range d.Hints {
				msg += "\nhint: " + h
			}
			for _, fx := range d.Fixes {
				msg += "\nfix: " + fx.Message
			}
			fmt.Fprintf(&b, "::%s file=%s,line=%d,col=%d,endLine=%d,endColumn=%d,title=%s::%s\n",
				githubLevel(d.Severity), ghProp(f.Name), p.Line, p.Column, e.Line, e.Column,
				ghProp(title), ghData(msg))
		}
		for _, d := range res.Syntax {
			p := f.Position(d.Pos)
			fmt.Fprintf(&b, "::error file=%s,line=%d,col=%d,title=%s::%s\n",
				ghProp(f.Name), p.Line, p.Column, ghProp(d.Code), ghData(d.Message))
		}
	}
	for _, e := range r.Errors {
		fmt.Fprintf(&b, "::error file=%s::%s\n", ghProp(e.File), ghData(e.Err.Error()))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func githubLevel(s diag.Severity) string {
	switch s {
	case diag.Error:
		return "error"
	case diag.Warning:
		return "warning"
	}
	return "notice"
}

// ghData escapes a workflow command's message.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProp escapes a workflow command's property value.
func ghProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// runeColumn converts a byte position to a 1-based line and a 1-based
// column counted in Unicode code points.
func runeColumn(f *token.File, pos token.Pos) (int, int) {
	p := f.Position(pos)
	line := f.Line(p.Line)
	n := p.Column - 1
	if n > len(line) {
		n = len(line)
	}
	return p.Line, utf8.RuneCount(line[:n]) + 1
}
