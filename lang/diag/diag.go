// Package diag defines the one diagnostic type used by every part of bt:
// parse errors, type errors, lint findings, verifier rejections mapped back
// to source and attach failures.
package diag

import (
	"fmt"
	"sort"
	"strings"

	"github.com/bt-tools/bt/lang/token"
)

// Severity orders diagnostics by importance.
type Severity int

// Severities, most severe first.
const (
	Error Severity = iota
	Warning
	Info
	Hint
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	case Info:
		return "info"
	case Hint:
		return "hint"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// ParseSeverity parses "error", "warning", "info" or "hint".
func ParseSeverity(s string) (Severity, error) {
	for v := Error; v <= Hint; v++ {
		if v.String() == s {
			return v, nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want error, warning, info or hint)", s)
}

// Diagnostic is a message about a span of source.
type Diagnostic struct {
	Pos, End token.Pos // End is the first byte after the span; End may equal Pos
	Severity Severity
	Code     string // stable code: E1xx syntax, E2xx semantic, W2xx warnings, BTxxx lint
	Message  string // lower case, no trailing period
	Hints    []string
	Related  []Related
	Fixes    []Fix
}

// Related is a secondary location that explains a diagnostic.
type Related struct {
	Pos, End token.Pos
	Message  string
}

// Fix is a suggested change: a message and the text edits that make it.
type Fix struct {
	Message string
	Edits   []TextEdit
}

// TextEdit replaces the text in [Pos, End) with NewText.
type TextEdit struct {
	Pos, End token.Pos
	NewText  string
}

// Error implements error with the message and code only; use [Format] for
// positions.
func (d *Diagnostic) Error() string {
	return fmt.Sprintf("%s[%s]: %s", d.Severity, d.Code, d.Message)
}

// List is a list of diagnostics with the manners of go/scanner.ErrorList.
type List []*Diagnostic

// Add appends a diagnostic.
func (l *List) Add(d *Diagnostic) { *l = append(*l, d) }

// Errorf appends an error with a code at [pos, end).
func (l *List) Errorf(pos, end token.Pos, code, format string, args ...any) *Diagnostic {
	d := &Diagnostic{Pos: pos, End: end, Severity: Error, Code: code, Message: fmt.Sprintf(format, args...)}
	l.Add(d)
	return d
}

// Warnf appends a warning with a code at [pos, end).
func (l *List) Warnf(pos, end token.Pos, code, format string, args ...any) *Diagnostic {
	d := &Diagnostic{Pos: pos, End: end, Severity: Warning, Code: code, Message: fmt.Sprintf(format, args...)}
	l.Add(d)
	return d
}

func (l List) Len() int      { return len(l) }
func (l List) Swap(i, j int) { l[i], l[j] = l[j], l[i] }
func (l List) Less(i, j int) bool {
	a, b := l[i], l[j]
	if a.Pos != b.Pos {
		return a.Pos < b.Pos
	}
	if a.End != b.End {
		return a.End < b.End
	}
	if a.Severity != b.Severity {
		return a.Severity < b.Severity
	}
	if a.Code != b.Code {
		return a.Code < b.Code
	}
	return a.Message < b.Message
}

// Sort sorts the list by position, stably.
func (l List) Sort() { sort.Stable(l) }

// HasErrors reports whether any diagnostic has severity Error.
func (l List) HasErrors() bool {
	for _, d := range l {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Errors returns only the diagnostics of severity Error.
func (l List) Errors() List {
	var out List
	for _, d := range l {
		if d.Severity == Error {
			out = append(out, d)
		}
	}
	return out
}

// Err returns l as an error if it holds any error, and nil otherwise.
func (l List) Err() error {
	if !l.HasErrors() {
		return nil
	}
	return l
}

// Error implements error: the first error and a count of the rest.
func (l List) Error() string {
	errs := l.Errors()
	switch len(errs) {
	case 0:
		return "no errors"
	case 1:
		return errs[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", errs[0].Error(), len(errs)-1)
}

// Format writes d as a compiler would: "file:line:col: error[CODE]: msg",
// the source line and a caret underline, then hints and related notes.
func Format(f *token.File, d *Diagnostic) string {
	var b strings.Builder
	pos := f.Position(d.Pos)
	fmt.Fprintf(&b, "%s: %s[%s]: %s\n", pos, d.Severity, d.Code, d.Message)
	if pos.IsValid() {
		writeSnippet(&b, f, d.Pos, d.End)
	}
	for _, h := range d.Hints {
		fmt.Fprintf(&b, "  = hint: %s\n", h)
	}
	for _, r := range d.Related {
		fmt.Fprintf(&b, "%s: note: %s\n", f.Position(r.Pos), r.Message)
	}
	return b.String()
}

func writeSnippet(b *strings.Builder, f *token.File, from, to token.Pos) {
	pos := f.Position(from)
	line := f.Line(pos.Line)
	n := 1
	if to > from {
		endOff := f.Offset(to)
		lineEnd := f.LineStart(pos.Line) + len(line)
		if endOff > lineEnd {
			endOff = lineEnd
		}
		n = endOff - pos.Offset
		if n < 1 {
			n = 1
		}
	}
	b.WriteString(" | ")
	b.Write(line)
	b.WriteString("\n | ")
	// Copy tabs so the caret lines up under tab-indented code.
	for i := 0; i < pos.Column-1 && i < len(line); i++ {
		if line[i] == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	b.WriteString("^")
	if n > 1 {
		b.WriteString(strings.Repeat("~", n-1))
	}
	b.WriteString("\n")
}
