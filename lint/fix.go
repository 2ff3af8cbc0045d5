package lint

import (
	"bytes"
	"fmt"
	"sort"

	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/token"
)

// ApplyEdits applies text edits to src. Edits must not overlap; two
// insertions at the same place are applied in the given order.
func ApplyEdits(f *token.File, src []byte, edits []diag.TextEdit) ([]byte, error) {
	es := append([]diag.TextEdit(nil), edits...)
	sort.SliceStable(es, func(i, j int) bool { return es[i].Pos < es[j].Pos })
	var b bytes.Buffer
	last := 0
	for _, e := range es {
		from, to := f.Offset(e.Pos), f.Offset(e.End)
		if to < from || from < last {
			return nil, fmt.Errorf("overlapping or inverted edit at %s", f.Position(e.Pos))
		}
		b.Write(src[last:from])
		b.WriteString(e.NewText)
		last = to
	}
	b.Write(src[last:])
	return b.Bytes(), nil
}

// chooseFixes picks the first fix of each finding, skipping fixes whose
// edits overlap or touch the edits already picked (a later round applies
// them to the changed text). It returns the edits and how many fixes they
// make.
func chooseFixes(findings diag.List) ([]diag.TextEdit, int) {
	var picked []diag.TextEdit
	n := 0
	for _, d := range findings {
		if len(d.Fixes) == 0 {
			continue
		}
		fix := d.Fixes[0]
		if conflicts(picked, fix.Edits) {
			continue
		}
		picked = append(picked, fix.Edits...)
		n++
	}
	return picked, n
}

func conflicts(picked, edits []diag.TextEdit) bool {
	for _, a := range edits {
		for _, b := range picked {
			// Touching counts: two insertions at one place, or an insertion
			// at the edge of a replacement, have no defined order.
			if a.Pos <= b.End && b.Pos <= a.End {
				return true
			}
		}
	}
	return false
}

// maxFixRounds bounds the lint-and-fix loop: fixes that conflict in one
// round are applied in the next.
const maxFixRounds = 8

// Fix lints src and applies the findings' fixes until none is left that
// can be applied. It returns the fixed source (src itself if nothing
// changed), the result of linting it, and the number of fixes applied.
// It fails, leaving src alone, when a round of fixes breaks the syntax.
func Fix(name string, src []byte, opts Options) ([]byte, *Result, int, error) {
	res := Lint(name, src, opts)
	total := 0
	for round := 0; round < maxFixRounds; round++ {
		if len(res.Syntax) > 0 {
			break
		}
		edits, n := chooseFixes(res.Findings)
		if n == 0 {
			break
		}
		out, err := ApplyEdits(res.Unit.Tok, src, edits)
		if err != nil {
			return src, res, total, err
		}
		next := Lint(name, out, opts)
		if len(next.Syntax) > 0 {
			return src, res, total, fmt.Errorf("%s: fixes would break the syntax: %s",
				name, diag.Format(next.Unit.Tok, next.Syntax[0]))
		}
		src, res, total = out, next, total+n
	}
	return src, res, total, nil
}
