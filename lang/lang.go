// Package lang is the front end's entry point: [Check] reads one program,
// parses it and type-checks it, the same way for every tool (check, fmt,
// lint, lsp, run). The work is done by the packages below it: token,
// scanner, parser, ast, cdef, types, builtins, probes, kernel and sema.
package lang

import (
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/parser"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lang/token"
)

// Unit is one checked source file.
type Unit struct {
	Tok   *token.File
	AST   *ast.File
	Prog  *sema.Program // nil when only parsed
	Diags diag.List     // parse and check diagnostics, sorted
}

// Parse parses src without checking it.
func Parse(name string, src []byte) *Unit {
	tok := token.NewFile(name, src)
	f, errs := parser.ParseFile(tok)
	return &Unit{Tok: tok, AST: f, Diags: errs}
}

// Check parses and type-checks src. The checker runs even when parsing
// failed, on the partial tree, so that editors see type errors in the
// rest of the file.
func Check(name string, src []byte, opts sema.Options) *Unit {
	u := Parse(name, src)
	prog, errs := sema.Check(u.Tok, u.AST, opts)
	u.Prog = prog
	u.Diags = append(u.Diags, errs...)
	u.Diags.Sort()
	return u
}
