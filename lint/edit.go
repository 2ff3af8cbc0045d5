package lint

import (
	"strings"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/token"
)

// Helpers that build the text edits of fixes. They keep the layout of the
// code around them (indentation, one-line bodies) so that fixed files need
// no reformatting.

// Replace returns an edit that replaces n's text.
func Replace(n ast.Node, text string) diag.TextEdit {
	return diag.TextEdit{Pos: n.Pos(), End: n.End(), NewText: text}
}

// Insert returns an edit that inserts text at pos.
func Insert(pos token.Pos, text string) diag.TextEdit {
	return diag.TextEdit{Pos: pos, End: pos, NewText: text}
}

// FixOf returns a one-element fix list.
func FixOf(message string, edits ...diag.TextEdit) []diag.Fix {
	return []diag.Fix{{Message: message, Edits: edits}}
}

// AddPredicate returns the edits that make cond part of a probe's
// predicate: a new /cond/ line before the body, or "&& cond" after an
// existing predicate (parenthesised when it needs to be).
func AddPredicate(f *token.File, p *ast.Probe, cond string) []diag.TextEdit {
	if p.Pred != nil {
		c := p.Pred.Cond
		if needsParens(c) {
			return []diag.TextEdit{Insert(c.Pos(), "("), Insert(c.End(), ") && "+cond)}
		}
		return []diag.TextEdit{Insert(c.End(), " && "+cond)}
	}
	lb := p.Body.Lbrace
	if indent, own := lineIndent(f, lb); own {
		start := lb - token.Pos(len(indent))
		return []diag.TextEdit{Insert(start, indent+"/"+cond+"/\n")}
	}
	return []diag.TextEdit{Insert(lb, "/"+cond+"/ ")}
}

// needsParens reports whether x must be parenthesised as the left operand
// of &&: only || and ?: bind more loosely.
func needsParens(x ast.Expr) bool {
	switch x := x.(type) {
	case *ast.BinaryExpr:
		return x.Op == token.LOR
	case *ast.TernaryExpr:
		return true
	}
	return false
}

// lineIndent returns the white space before pos on its line, and whether
// pos is the first non-blank character of the line.
func lineIndent(f *token.File, pos token.Pos) (string, bool) {
	p := f.Position(pos)
	line := f.Line(p.Line)
	col := p.Column - 1
	if col > len(line) {
		return "", false
	}
	before := string(line[:col])
	return before, strings.TrimLeft(before, " \t") == ""
}

// AppendStmt returns the edits that add stmt (without its ';') as the last
// statement of b, or nil when b ends with a value (a block expression,
// whose value would change).
func AppendStmt(f *token.File, b *ast.Block, stmt string) []diag.TextEdit {
	if b.Value != nil {
		return nil
	}
	var edits []diag.TextEdit
	if n := len(b.Stmts); n > 0 {
		if end, ok := missingSemi(b.Stmts[n-1]); ok {
			edits = append(edits, Insert(end, ";"))
		}
	}
	stmt += ";"
	if _, own := lineIndent(f, b.Rbrace); own && f.Position(b.Lbrace).Line != f.Position(b.Rbrace).Line {
		indent := bodyIndent(f, b)
		start := f.Pos(f.LineStart(f.Position(b.Rbrace).Line))
		return append(edits, Insert(start, indent+stmt+"\n"))
	}
	// A one-line body: { a; b } becomes { a; b; stmt; }.
	text := stmt + " "
	if off := f.Offset(b.Rbrace); off > 0 && f.Src[off-1] != ' ' && f.Src[off-1] != '\t' {
		text = " " + text
	}
	return append(edits, Insert(b.Rbrace, text))
}

// bodyIndent guesses the indentation of b's statements: that of its first
// statement when it starts a line, else the closing brace's plus two
// spaces (the formatter's indent).
func bodyIndent(f *token.File, b *ast.Block) string {
	if len(b.Stmts) > 0 {
		if indent, own := lineIndent(f, b.Stmts[0].Pos()); own {
			return indent
		}
	}
	indent, _ := lineIndent(f, b.Rbrace)
	if strings.Contains(indent, "\t") {
		return indent + "\t"
	}
	return indent + "  "
}

// missingSemi reports whether s ends without the ';' a following
// statement needs, and where to put it.
func missingSemi(s ast.Stmt) (token.Pos, bool) {
	var semi token.Pos
	switch s := s.(type) {
	case *ast.ExprStmt:
		semi = s.Semi
	case *ast.AssignStmt:
		semi = s.Semi
	case *ast.LetStmt:
		semi = s.Semi
	case *ast.BranchStmt:
		semi = s.Semi
	case *ast.ReturnStmt:
		semi = s.Semi
	default:
		return 0, false // if, for, while, blocks end with '}'
	}
	if semi.IsValid() {
		return 0, false
	}
	return s.End(), true
}

// ExprText returns the source text of n.
func ExprText(f *token.File, n ast.Node) string { return f.Text(n.Pos(), n.End()) }
