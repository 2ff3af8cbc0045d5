package format

import (
	"fmt"
	"io"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/parser"
	"github.com/bt-tools/bt/lang/token"
)

// Source formats a bpftrace program. If src does not parse, Source returns
// no output and the parse diagnostics as the error (a diag.List, whose
// positions refer to a token.File made from filename and src).
func Source(filename string, src []byte) ([]byte, error) {
	file := token.NewFile(filename, src)
	f, diags := parser.ParseFile(file)
	if err := diags.Err(); err != nil {
		return nil, err
	}
	return File(file, f), nil
}

// File returns the canonical text of f, a tree parsed from file, with all
// of f's comments.
func File(file *token.File, f *ast.File) []byte {
	p := newPrinter(file, f.Comments)
	return p.printFile(f).bytes()
}

// Fprint writes the canonical text of node to w. A *ast.File is printed
// with its comments; any other node (a declaration, statement or
// expression, say for a quick fix or a hover) is printed without comments,
// as if it started a line at the left margin. file is the source the node
// was parsed from.
func Fprint(w io.Writer, file *token.File, node ast.Node) error {
	var out []byte
	switch n := node.(type) {
	case *ast.File:
		out = File(file, n)
	case ast.Decl:
		out = newPrinter(file, nil).decl(n).bytes()
	case ast.Stmt:
		out = newPrinter(file, nil).stmt(n, maxWidth).bytes()
	case ast.Expr:
		out = newPrinter(file, nil).expr(n, maxWidth, true).bytes()
	default:
		return fmt.Errorf("format: unsupported node %T", node)
	}
	_, err := w.Write(out)
	return err
}
