// Package parser implements an error-tolerant recursive-descent parser for
// bpftrace programs of both language eras (0.17 and 0.26).
//
// The parser always returns a tree: a broken line yields diagnostics and
// Bad nodes, not a failure, so that the language server can still hover
// and complete in the rest of the file. Half-typed code (args., @m[,
// tracepoint:sched:) parses to nodes with empty names that completion
// understands.
package parser

import (
	"fmt"
	"strings"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/scanner"
	"github.com/bt-tools/bt/lang/token"
)

// ParseFile parses a whole program. It always returns a tree, and the
// diagnostics sorted by position.
func ParseFile(file *token.File) (*ast.File, diag.List) {
	p := newParser(file)
	f := p.parseFile()
	p.errs.Sort()
	return f, removeMultiples(file, p.errs)
}

// removeMultiples drops the generic syntax errors (E100) that follow
// another error on the same line, or share the line with an error of the
// scanner: on one line the first error is the one to fix, and the rest
// are usually its consequences (as go/scanner's ErrorList.RemoveMultiples
// keeps one error per line). l must be sorted.
func removeMultiples(file *token.File, l diag.List) diag.List {
	lexical := map[int]bool{}
	for _, d := range l {
		switch d.Code {
		case "E101", "E102", "E103", "E104", "E105":
			lexical[file.Position(d.Pos).Line] = true
		}
	}
	seen := map[int]bool{}
	out := l[:0]
	for _, d := range l {
		line := file.Position(d.Pos).Line
		if d.Code == "E100" && (seen[line] || lexical[line]) {
			continue
		}
		seen[line] = true
		out = append(out, d)
	}
	return out
}

// ParseExpr parses a single expression, such as the body of a C #define.
func ParseExpr(file *token.File) (ast.Expr, diag.List) {
	p := newParser(file)
	p.next()
	x := p.parseExpr()
	if p.tok != token.EOF {
		p.errorExpected(p.pos, "end of expression")
	}
	p.errs.Sort()
	return x, p.errs
}

type parser struct {
	file     *token.File
	sc       scanner.Scanner
	errs     diag.List
	comments []*ast.Comment

	// The current token.
	pos token.Pos
	tok token.Token
	lit string
	// prevEnd is the end of the previous token, where a missing ';' goes.
	prevEnd token.Pos

	inPred   bool // a '/' followed by '{' closes the predicate
	seenMain bool // a probe, macro, fn or map declaration has been seen
	lastErr  token.Pos
	// errPos is the position of the last error reported, by the parser or
	// the scanner, and stmtStart the start of the statement being parsed:
	// a statement that already has an error is not also told that its ';'
	// is missing, nor a group that its closing bracket is.
	errPos    token.Pos
	stmtStart token.Pos
	depth     int // expression nesting, bounded by maxDepth
	// casts memoises isCast by position: nested speculation would
	// otherwise take time exponential in the nesting depth.
	casts map[token.Pos]bool
}

func newParser(file *token.File) *parser {
	p := &parser{file: file}
	p.sc.Init(file, func(pos, end token.Pos, code, msg string) {
		p.errs.Errorf(pos, end, code, "%s", msg)
		p.errPos = max(p.errPos, pos)
	})
	return p
}

// ----------------------------------------------------------------------------
// Tokens and errors

func (p *parser) next() {
	if p.tok != token.EOF || p.pos == token.NoPos {
		p.prevEnd = p.pos + token.Pos(len(p.lit))
	}
	for {
		p.pos, p.tok, p.lit = p.sc.Scan()
		if p.tok != token.COMMENT {
			return
		}
		p.comments = append(p.comments, &ast.Comment{Slash: p.pos, Text: p.lit})
	}
}

// nextMode scans the next token in the given scanner mode.
func (p *parser) nextMode(m scanner.Mode) {
	p.sc.Mode = m
	p.next()
}

type state struct {
	sc              scanner.State
	pos             token.Pos
	tok             token.Token
	lit             string
	prevEnd         token.Pos
	errs            int
	comments        int
	lastErr, errPos token.Pos
}

func (p *parser) save() state {
	return state{p.sc.Save(), p.pos, p.tok, p.lit, p.prevEnd, len(p.errs), len(p.comments), p.lastErr, p.errPos}
}

func (p *parser) restore(s state) {
	p.sc.Restore(s.sc)
	p.pos, p.tok, p.lit, p.prevEnd = s.pos, s.tok, s.lit, s.prevEnd
	p.errs = p.errs[:s.errs]
	p.comments = p.comments[:s.comments]
	p.lastErr, p.errPos = s.lastErr, s.errPos
}

func (p *parser) error(pos, end token.Pos, code, format string, args ...any) {
	// One error per position: later ones are usually consequences.
	if pos == p.lastErr && len(p.errs) > 0 {
		return
	}
	p.lastErr = pos
	p.errPos = max(p.errPos, pos)
	if end < pos {
		end = pos
	}
	p.errs.Errorf(pos, end, code, format, args...)
}

// found describes the current token for "expected X, found Y" messages.
func (p *parser) found() string {
	switch p.tok {
	case token.EOF:
		return "end of file"
	case token.IDENT, token.INT, token.VAR, token.MAP, token.PARAM, token.ATTACHPOINT:
		return fmt.Sprintf("%q", p.lit)
	case token.STRING:
		return "string " + p.lit
	}
	if p.tok.IsKeyword() {
		return "keyword '" + p.lit + "'"
	}
	return "'" + p.lit + "'"
}

func (p *parser) errorExpected(pos token.Pos, what string) {
	end := pos + token.Pos(len(p.lit))
	if pos == p.pos && p.prevEnd.IsValid() && p.tok == token.EOF {
		end = pos
	}
	p.error(pos, end, "E100", "expected %s, found %s", what, p.found())
}

// expect consumes tok and returns its position, or reports an error and
// returns NoPos without consuming anything.
func (p *parser) expect(tok token.Token) token.Pos {
	pos := p.pos
	if p.tok != tok {
		p.errorExpected(pos, "'"+tok.String()+"'")
		return token.NoPos
	}
	p.next()
	return pos
}

// expectClosing is expect for a closing token; mode is the scanner mode for
// the token after it. A missing closer is reported at the current token,
// naming the opener, and the position returned for it is the last byte of
// the previous token, so that the group ends where its text does.
func (p *parser) expectClosing(tok token.Token, open token.Pos, mode scanner.Mode) token.Pos {
	pos := p.pos
	if p.tok != tok {
		pos = max(open, p.prevEnd-1, 1)
	}
	if p.tok != tok && open.IsValid() && p.errPos > open {
		// An error inside the group is the likely cause: do not pile on.
		p.sc.Mode = mode
		return pos
	}
	if p.tok != tok {
		d := &diag.Diagnostic{Pos: p.pos, End: p.pos + token.Pos(len(p.lit)), Severity: diag.Error, Code: "E100",
			Message: fmt.Sprintf("expected '%s', found %s", tok, p.found())}
		if open.IsValid() {
			d.Related = []diag.Related{{Pos: open, End: open + 1, Message: "unclosed '" + opener(tok) + "' is here"}}
		}
		if p.pos != p.lastErr || len(p.errs) == 0 {
			p.lastErr = p.pos
			p.errPos = max(p.errPos, p.pos)
			p.errs.Add(d)
		}
		p.sc.Mode = mode
		return pos
	}
	p.nextMode(mode)
	return pos
}

func opener(tok token.Token) string {
	switch tok {
	case token.RBRACE:
		return "{"
	case token.RPAREN:
		return "("
	case token.RBRACK:
		return "["
	}
	return tok.String()
}

// ----------------------------------------------------------------------------
// Files and declarations

func (p *parser) parseFile() *ast.File {
	f := &ast.File{}
	p.nextMode(scanner.TopLevel)
	if p.tok == token.SHEBANG {
		f.Shebang = &ast.Shebang{HashPos: p.pos, Text: p.lit}
		p.nextMode(scanner.TopLevel)
	}
	var config *ast.ConfigDecl
	for p.tok != token.EOF {
		start := p.pos
		d := p.parseDecl()
		if c, ok := d.(*ast.ConfigDecl); ok {
			if config != nil {
				p.error(c.Config, c.Config+6, "E114", "duplicate config block")
			}
			config = c
		}
		if d != nil {
			f.Decls = append(f.Decls, d)
		}
		if p.pos == start && p.tok != token.EOF {
			// Always consume a token so that recovery makes progress.
			p.nextMode(scanner.TopLevel)
		}
	}
	f.EOF = p.pos
	f.Comments = p.comments
	return f
}

func (p *parser) parseDecl() ast.Decl {
	switch p.tok {
	case token.HASHLINE:
		d := &ast.PreprocDecl{HashPos: p.pos, Text: p.lit}
		p.checkPrologue(d.Pos(), d.End())
		p.nextMode(scanner.TopLevel)
		return d
	case token.CTEXT:
		d := &ast.CDecl{StartPos: p.pos, Text: p.lit}
		p.checkPrologue(d.Pos(), d.End())
		p.nextMode(scanner.TopLevel)
		return d
	case token.CONFIG:
		return p.parseConfig()
	case token.IMPORT:
		d := p.parseImport()
		p.rescanTopLevel()
		return d
	case token.LET:
		p.seenMain = true
		return p.parseMapDecl()
	case token.MACRO:
		p.seenMain = true
		return p.parseMacro()
	case token.FN:
		p.seenMain = true
		return p.parseFn()
	case token.ATTACHPOINT, token.LBRACE:
		p.seenMain = true
		return p.parseProbe()
	}
	pos := p.pos
	if pos != p.lastErr {
		d := p.errs.Errorf(pos, pos+token.Pos(len(p.lit)), "E100", "expected probe, found %s", p.found())
		p.lastErr, p.errPos = pos, max(p.errPos, pos)
		switch p.tok {
		case token.VAR, token.MAP, token.IF, token.FOR, token.WHILE, token.RETURN:
			d.Hints = []string{"statements go inside a probe's body: begin { ... }"}
		case token.RBRACE:
			d.Hints = []string{"this '}' closes nothing"}
		}
	}
	p.nextMode(scanner.TopLevel)
	return &ast.BadDecl{From: pos, To: max(pos, p.prevEnd)}
}

// rescanTopLevel rescans the current token, which was scanned in normal
// mode, as the start of a top-level item.
func (p *parser) rescanTopLevel() {
	if p.tok == token.EOF {
		return
	}
	prevEnd := p.prevEnd
	p.sc.Seek(p.file.Offset(p.pos))
	p.nextMode(scanner.TopLevel)
	p.prevEnd = prevEnd
}

func (p *parser) checkPrologue(pos, end token.Pos) {
	if p.seenMain {
		p.error(pos, end, "E108", "C definitions and preprocessor lines must appear before probes, macros, functions and map declarations")
	}
}

func (p *parser) parseConfig() *ast.ConfigDecl {
	d := &ast.ConfigDecl{Config: p.pos}
	p.next()
	p.expect(token.ASSIGN)
	d.Lbrace = p.expect(token.LBRACE)
	for p.tok != token.RBRACE && p.tok != token.EOF {
		start := p.pos
		if e := p.parseConfigEntry(); e != nil {
			d.Entries = append(d.Entries, e)
		}
		if p.pos == start {
			p.next()
		}
	}
	d.Rbrace = p.expectClosing(token.RBRACE, d.Lbrace, scanner.Normal)
	if p.tok == token.SEMI {
		p.next()
	}
	p.rescanTopLevel()
	return d
}

func (p *parser) parseConfigEntry() *ast.ConfigEntry {
	if p.tok != token.IDENT && !p.tok.IsKeyword() {
		p.errorExpected(p.pos, "config key")
		return nil
	}
	e := &ast.ConfigEntry{Name: &ast.Ident{NamePos: p.pos, Name: p.lit}}
	p.next()
	e.Assign = p.expect(token.ASSIGN)
	switch p.tok {
	case token.INT:
		e.Value = p.parseIntLit()
	case token.STRING:
		e.Value = p.parseStringLit()
	case token.TRUE, token.FALSE:
		e.Value = &ast.BoolLit{ValuePos: p.pos, Value: p.tok == token.TRUE}
		p.next()
	case token.IDENT:
		e.Value = &ast.Ident{NamePos: p.pos, Name: p.lit}
		p.next()
	default:
		p.errorExpected(p.pos, "config value (integer, string, true, false or name)")
		e.Value = &ast.BadExpr{From: p.pos, To: p.pos}
	}
	if p.tok == token.SEMI {
		e.Semi = p.pos
		p.next()
	} else if p.tok != token.RBRACE {
		p.errorExpected(p.pos, "';'")
	}
	return e
}

func (p *parser) parseImport() *ast.ImportDecl {
	d := &ast.ImportDecl{Import: p.pos}
	p.next()
	if p.tok != token.STRING {
		p.errorExpected(p.pos, "import path string")
		d.Path = &ast.StringLit{ValuePos: p.pos} // empty: no text to span
	} else {
		d.Path = p.parseStringLit()
	}
	if p.tok == token.SEMI {
		d.Semi = p.pos
		p.next()
	} else {
		p.error(p.prevEnd, p.prevEnd, "E100", "expected ';' after import, found %s", p.found())
	}
	return d
}

func (p *parser) parseMapDecl() ast.Decl {
	d := &ast.MapDecl{Let: p.pos}
	p.next()
	if p.tok != token.MAP {
		p.error(d.Let, p.pos+token.Pos(len(p.lit)), "E109", "top-level let must declare a map (let @m = hash(N);)")
		p.skipTo(token.SEMI, token.RBRACE)
		if p.tok == token.SEMI {
			p.next()
		}
		p.rescanTopLevel()
		return &ast.BadDecl{From: d.Let, To: max(d.Let, p.prevEnd)}
	}
	d.Map = p.parseMap()
	p.expect(token.ASSIGN)
	if p.tok == token.IDENT {
		d.Kind = &ast.Ident{NamePos: p.pos, Name: p.lit}
		p.next()
	} else {
		p.errorExpected(p.pos, "map kind (hash, lruhash, percpuhash, percpulruhash)")
		d.Kind = &ast.Ident{NamePos: p.pos}
	}
	d.Lparen = p.expect(token.LPAREN)
	d.Size = p.parseExpr()
	d.Rparen = p.expectClosing(token.RPAREN, d.Lparen, scanner.Normal)
	if p.tok == token.SEMI {
		d.Semi = p.pos
		p.next()
	}
	p.rescanTopLevel()
	return d
}

func (p *parser) parseMacro() *ast.MacroDecl {
	d := &ast.MacroDecl{Macro: p.pos}
	p.next()
	if p.tok.IsKeyword() {
		// Keywords are contextual: upstream's stdlib has macro config().
		p.tok = token.IDENT
	}
	d.Name = p.parseIdent()
	if p.tok == token.LPAREN {
		d.Lparen = p.pos
		p.next()
		for p.tok != token.RPAREN && p.tok != token.EOF && p.tok != token.LBRACE {
			switch p.tok {
			case token.VAR:
				d.Params = append(d.Params, p.parseVar())
			case token.MAP:
				d.Params = append(d.Params, p.parseMap())
			case token.IDENT:
				d.Params = append(d.Params, p.parseIdent())
			default:
				p.errorExpected(p.pos, "macro parameter ($var, @map or name)")
				p.next()
			}
			if p.tok != token.COMMA {
				break
			}
			p.next()
		}
		d.Rparen = p.expectClosing(token.RPAREN, d.Lparen, scanner.Normal)
	}
	d.Body = p.parseBlock(scanner.TopLevel)
	return d
}

func (p *parser) parseFn() *ast.FnDecl {
	d := &ast.FnDecl{Fn: p.pos}
	p.next()
	d.Name = p.parseIdent()
	d.Lparen = p.expect(token.LPAREN)
	for p.tok == token.VAR {
		fp := &ast.FnParam{Var: p.parseVar()}
		fp.Colon = p.expect(token.COLON)
		fp.Type = p.parseType()
		d.Params = append(d.Params, fp)
		if p.tok != token.COMMA {
			break
		}
		p.next()
	}
	d.Rparen = p.expectClosing(token.RPAREN, d.Lparen, scanner.Normal)
	if p.tok == token.COLON {
		p.next()
		d.Result = p.parseType()
	}
	d.Body = p.parseBlock(scanner.TopLevel)
	return d
}

func (p *parser) parseProbe() *ast.Probe {
	pr := &ast.Probe{}
	if p.tok == token.LBRACE {
		p.error(p.pos, p.pos+1, "E121", "expected attach point before '{'")
	}
	for p.tok == token.ATTACHPOINT {
		ap := &ast.AttachPoint{RawPos: p.pos, Raw: p.lit}
		pr.Attach = append(pr.Attach, ap)
		p.next()
		if p.tok != token.COMMA {
			break
		}
		ap.Comma = p.pos
		p.nextMode(scanner.Attach)
	}
	if p.tok == token.QUO {
		pr.Pred = p.parsePredicate()
	}
	if p.tok != token.LBRACE {
		if p.tok == token.ATTACHPOINT || p.tok == token.IDENT {
			p.error(p.prevEnd, p.pos+token.Pos(len(p.lit)), "E100", "expected '{' or ',' after attach point, found %s", p.found())
		} else {
			p.errorExpected(p.pos, "'{'")
		}
		// Recover: skip to the body if it is near, else give up on this probe.
		p.skipTo(token.LBRACE)
	}
	pr.Body = p.parseBlock(scanner.TopLevel)
	return pr
}

func (p *parser) parsePredicate() *ast.Predicate {
	pred := &ast.Predicate{Lslash: p.pos}
	p.next()
	p.inPred = true
	pred.Cond = p.parseExpr()
	p.inPred = false
	pred.Rslash = p.pos
	if p.tok == token.QUO {
		p.next()
	} else {
		pred.Rslash = max(pred.Lslash, p.prevEnd-1)
		p.error(p.pos, p.pos+token.Pos(len(p.lit)), "E100", "expected '/' to close the predicate, found %s", p.found())
	}
	return pred
}

// skipTo advances to the next of the given tokens (or EOF).
func (p *parser) skipTo(toks ...token.Token) {
	for p.tok != token.EOF {
		for _, t := range toks {
			if p.tok == t {
				return
			}
		}
		p.next()
	}
}

// ----------------------------------------------------------------------------
// Blocks and statements

// parseBlock parses { stmts [value] }; after is the scanner mode for the
// token after the closing brace.
func (p *parser) parseBlock(after scanner.Mode) *ast.Block {
	b := &ast.Block{Lbrace: p.pos}
	if p.tok != token.LBRACE {
		p.errorExpected(p.pos, "'{'")
		// An empty block on the last byte of the previous token.
		b.Lbrace = max(p.prevEnd-1, 1)
		b.Rbrace = b.Lbrace
		p.sc.Mode = after
		return b
	}
	if p.depth >= maxDepth {
		p.error(p.pos, p.pos+1, "E122", "blocks nested too deeply (more than %d levels)", maxDepth)
		p.next()
		p.skipNested()
		b.Rbrace = p.expectClosing(token.RBRACE, b.Lbrace, after)
		return b
	}
	p.depth++
	defer func() { p.depth-- }()
	p.next()
	outer := p.stmtStart
	defer func() { p.stmtStart = outer }()
	for p.tok != token.RBRACE && p.tok != token.EOF {
		start := p.pos
		p.stmtStart = start
		s, value := p.parseStmt()
		p.stmtStart = start
		if value != nil {
			if p.tok == token.RBRACE {
				b.Value = value
				break
			}
			s = &ast.ExprStmt{X: value}
			p.expectSemi(value)
		}
		if s != nil {
			b.Stmts = append(b.Stmts, s)
		}
		if p.pos == start {
			p.next()
		}
	}
	b.Rbrace = p.expectClosing(token.RBRACE, b.Lbrace, after)
	return b
}

// parseStmt parses a statement. An expression statement that is not
// followed by ';' is returned as value, so that the block can keep it as
// its trailing expression.
func (p *parser) parseStmt() (s ast.Stmt, value ast.Expr) {
	switch p.tok {
	case token.LET:
		return p.parseLet(), nil
	case token.IF:
		x := p.parseIf()
		if p.tok == token.SEMI {
			x.Semi = p.pos
			p.next()
		}
		return x, nil
	case token.LBRACE:
		b := p.parseBlock(scanner.Normal)
		if p.tok == token.SEMI {
			b.Semi = p.pos
			p.next()
		}
		return b, nil
	case token.FOR:
		return p.parseFor(), nil
	case token.WHILE:
		return p.parseWhile(), nil
	case token.UNROLL:
		return p.parseUnroll(), nil
	case token.BREAK, token.CONTINUE:
		s := &ast.BranchStmt{TokPos: p.pos, Tok: p.tok}
		p.next()
		s.Semi = p.expectSemi(nil)
		return s, nil
	case token.RETURN:
		s := &ast.ReturnStmt{Return: p.pos}
		p.next()
		if p.tok != token.SEMI && p.tok != token.RBRACE {
			s.Result = p.parseExpr()
		}
		s.Semi = p.expectSemi(nil)
		return s, nil
	case token.IMPORT:
		return p.parseImport(), nil
	case token.SEMI:
		p.error(p.pos, p.pos+1, "E118", "unexpected ';' (empty statements are not allowed)")
		p.next()
		return nil, nil
	case token.HASHLINE, token.CTEXT:
		p.error(p.pos, p.pos+token.Pos(len(p.lit)), "E108", "C definitions and preprocessor lines must appear before probes")
		p.next()
		return nil, nil
	}
	x := p.parseExpr()
	if p.tok.IsAssignOp() {
		return p.parseAssign(x), nil
	}
	if _, bad := x.(*ast.BadExpr); bad {
		p.syncStmt()
		return &ast.BadStmt{From: x.Pos(), To: max(x.End(), p.prevEnd)}, nil
	}
	if p.tok == token.SEMI {
		s := &ast.ExprStmt{X: x, Semi: p.pos}
		p.next()
		return s, nil
	}
	return nil, x
}

// syncStmt skips to the end of a broken statement: past a ';', or to a
// '}' or a token that starts a statement on a later line.
func (p *parser) syncStmt() {
	line := p.file.Position(p.prevEnd).Line
	for p.tok != token.EOF && p.tok != token.RBRACE {
		if p.tok == token.SEMI {
			p.next()
			return
		}
		if p.file.Position(p.pos).Line > line && startsStmt(p.tok) {
			return
		}
		p.next()
	}
}

func startsStmt(t token.Token) bool {
	switch t {
	case token.LET, token.IF, token.FOR, token.WHILE, token.UNROLL, token.BREAK,
		token.CONTINUE, token.RETURN, token.VAR, token.MAP, token.IDENT, token.LBRACE:
		return true
	}
	return false
}

// expectSemi consumes the ';' that ends a statement, allows it to be
// omitted before '}', and returns its position (NoPos if omitted).
func (p *parser) expectSemi(x ast.Expr) token.Pos {
	switch p.tok {
	case token.SEMI:
		pos := p.pos
		p.next()
		return pos
	case token.RBRACE, token.EOF:
		return token.NoPos
	}
	if p.stmtStart.IsValid() && p.errPos >= p.stmtStart {
		// The statement is already broken; just find its end.
		p.syncStmt()
		return token.NoPos
	}
	if p.tok.IsAssignOp() {
		p.error(p.pos, p.pos+token.Pos(len(p.lit)), "E117", "assignments are statements, not expressions: '%s' cannot be used here", p.lit)
	} else {
		p.error(p.prevEnd, p.prevEnd, "E100", "expected ';' after statement, found %s", p.found())
	}
	p.syncStmt()
	return token.NoPos
}

func (p *parser) parseAssign(lhs ast.Expr) ast.Stmt {
	s := &ast.AssignStmt{LHS: lhs, TokPos: p.pos, Tok: p.tok}
	p.next()
	switch l := ast.Unparen(lhs).(type) {
	case *ast.VarExpr, *ast.MapExpr, *ast.MapAccess:
	case *ast.Ident:
		if l.Name != "_" || s.Tok != token.ASSIGN {
			p.error(lhs.Pos(), lhs.End(), "E115", "cannot assign to %s: only variables and maps can be assigned", describe(lhs))
		}
	case *ast.IndexExpr:
		if id, ok := ast.Unparen(l.X).(*ast.Ident); ok {
			// x[k] = v: a map without its '@'.
			p.error(lhs.Pos(), lhs.End(), "E115", "cannot assign to %s[...]: only variables and maps can be assigned", id.Name)
			p.errs[len(p.errs)-1].Hints = []string{"map names start with '@': @" + id.Name + "[...]"}
			break
		}
		p.error(lhs.Pos(), lhs.End(), "E115", "cannot assign to a field or element: tuples, records and struct fields are immutable")
	case *ast.FieldExpr:
		p.error(lhs.Pos(), lhs.End(), "E115", "cannot assign to a field or element: tuples, records and struct fields are immutable")
	case *ast.BadExpr:
	default:
		p.error(lhs.Pos(), lhs.End(), "E115", "cannot assign to %s: only variables and maps can be assigned", describe(lhs))
	}
	s.RHS = p.parseExpr()
	s.Semi = p.expectSemi(s.RHS)
	return s
}

func describe(x ast.Expr) string {
	switch x := ast.Unparen(x).(type) {
	case *ast.Ident:
		return "'" + x.Name + "'"
	case *ast.CallExpr:
		return "the result of " + x.Fun.Name + "()"
	case *ast.IntLit, *ast.StringLit, *ast.BoolLit:
		return "a literal"
	case *ast.ParamExpr:
		return "positional parameter " + x.Lit
	}
	return "this expression"
}

func (p *parser) parseLet() ast.Stmt {
	s := &ast.LetStmt{Let: p.pos}
	p.next()
	if p.tok == token.MAP {
		p.error(s.Let, p.pos+token.Pos(len(p.lit)), "E109", "map declarations (let @m = hash(N)) must be at top level")
		p.syncStmt()
		return &ast.BadStmt{From: s.Let, To: max(s.Let, p.prevEnd)}
	}
	if p.tok != token.VAR {
		p.errorExpected(p.pos, "variable after 'let'")
		p.syncStmt()
		return &ast.BadStmt{From: s.Let, To: max(s.Let, p.prevEnd)}
	}
	s.Var = p.parseVar()
	if p.tok == token.COLON {
		s.Colon = p.pos
		p.next()
		s.Type = p.parseType()
	}
	if p.tok == token.ASSIGN {
		s.Assign = p.pos
		p.next()
		s.Value = p.parseExpr()
	}
	s.Semi = p.expectSemi(s.Value)
	return s
}

// parseCond parses the condition of if/while/unroll: "(expr)" or, in the
// new era, a unary expression. It returns the parentheses' positions.
func (p *parser) parseCond() (lparen token.Pos, cond ast.Expr, rparen token.Pos) {
	if p.tok == token.LPAREN {
		lparen = p.pos
		p.next()
		cond = p.parseExpr()
		rparen = p.expectClosing(token.RPAREN, lparen, scanner.Normal)
		return lparen, cond, rparen
	}
	cond = p.parseUnary()
	if p.tok.Precedence() > token.LowestPrec || p.tok == token.QUESTION {
		// "if $x > 1 {": only a single operand may go without
		// parentheses. Parse the whole condition anyway, so that the
		// block after it is still found.
		cond = p.parseTernaryFrom(p.parseBinaryFrom(cond, 1))
		p.errPos = max(p.errPos, cond.Pos())
		d := p.errs.Errorf(cond.Pos(), cond.End(), "E100",
			"a condition without parentheses must be a single operand; write (%s)", p.file.Text(cond.Pos(), cond.End()))
		d.Fixes = []diag.Fix{{Message: "add parentheses", Edits: []diag.TextEdit{
			{Pos: cond.Pos(), End: cond.Pos(), NewText: "("}, {Pos: cond.End(), End: cond.End(), NewText: ")"}}}}
		p.lastErr = cond.Pos()
	}
	return token.NoPos, cond, token.NoPos
}

func (p *parser) parseIf() *ast.IfExpr {
	x := &ast.IfExpr{If: p.pos}
	p.next()
	x.Lparen, x.Cond, x.Rparen = p.parseCond()
	x.Then = p.parseBlock(scanner.Normal)
	if p.tok == token.ELSE {
		p.next()
		switch p.tok {
		case token.IF:
			x.Else = p.parseIf()
		case token.LBRACE:
			x.Else = p.parseBlock(scanner.Normal)
		default:
			p.errorExpected(p.pos, "'if' or '{' after 'else'")
		}
	}
	return x
}

func (p *parser) parseFor() ast.Stmt {
	s := &ast.ForStmt{For: p.pos}
	p.next()
	if p.tok == token.LPAREN {
		s.Lparen = p.pos
		p.next()
	}
	if p.tok != token.VAR {
		p.errorExpected(p.pos, "loop variable ($name)")
		s.Var = &ast.VarExpr{Dollar: p.pos}
	} else {
		s.Var = p.parseVar()
	}
	s.Colon = p.expect(token.COLON)
	if p.tok == token.MAP {
		s.Iter = p.parseMap()
		if p.tok == token.LBRACK {
			p.error(p.pos, p.pos+1, "E100", "expected a map to iterate over, found a map element")
			p.parsePostfix(s.Iter)
		}
	} else {
		lo := p.parseBinary(1)
		r := &ast.RangeExpr{Lo: lo, DotDot: p.pos}
		if p.tok != token.DOTDOT {
			p.errorExpected(p.pos, "'..' in range or a map")
			r.Hi = &ast.BadExpr{From: p.pos, To: p.pos}
		} else {
			p.next()
			r.Hi = p.parseBinary(1)
		}
		s.Iter = r
	}
	if s.Lparen.IsValid() {
		s.Rparen = p.expectClosing(token.RPAREN, s.Lparen, scanner.Normal)
	}
	s.Body = p.parseBlock(scanner.Normal)
	return s
}

func (p *parser) parseWhile() ast.Stmt {
	s := &ast.WhileStmt{While: p.pos}
	p.next()
	s.Lparen, s.Cond, s.Rparen = p.parseCond()
	s.Body = p.parseBlock(scanner.Normal)
	return s
}

func (p *parser) parseUnroll() ast.Stmt {
	s := &ast.UnrollStmt{Unroll: p.pos}
	p.next()
	s.Lparen, s.Count, s.Rparen = p.parseCond()
	s.Body = p.parseBlock(scanner.Normal)
	return s
}

// ----------------------------------------------------------------------------
// Expressions

// maxDepth bounds the nesting of expressions and blocks, so that the
// parser and every recursive pass over the tree stay within the stack.
const maxDepth = 1000

func (p *parser) parseExpr() ast.Expr {
	if p.depth >= maxDepth {
		pos := p.pos
		p.error(pos, pos+token.Pos(len(p.lit)), "E122", "expression nested too deeply (more than %d levels)", maxDepth)
		p.skipNested()
		return &ast.BadExpr{From: pos, To: max(pos, p.prevEnd)}
	}
	p.depth++
	defer func() { p.depth-- }()
	return p.parseTernary()
}

// skipNested skips the rest of a too-deep expression: up to the bracket
// that closes the current level, or a ';' at this level.
func (p *parser) skipNested() {
	depth := 0
	for p.tok != token.EOF {
		switch p.tok {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			if depth == 0 {
				return
			}
			depth--
		case token.SEMI:
			if depth == 0 {
				return
			}
		}
		p.next()
	}
}

func (p *parser) parseTernary() ast.Expr { return p.parseTernaryFrom(p.parseBinary(1)) }

// parseTernaryFrom parses the rest of a ternary whose condition is x.
func (p *parser) parseTernaryFrom(x ast.Expr) ast.Expr {
	if p.tok != token.QUESTION {
		return x
	}
	t := &ast.TernaryExpr{Cond: x, Question: p.pos}
	p.next()
	if p.tok == token.COLON {
		t.Colon = p.pos
		p.next()
		t.Else = p.parseTernary()
		return t
	}
	t.Then = p.parseTernary()
	t.Colon = p.expect(token.COLON)
	t.Else = p.parseTernary()
	return t
}

func (p *parser) parseBinary(prec int) ast.Expr { return p.parseBinaryFrom(p.parseUnary(), prec) }

// parseBinaryFrom parses the operators of precedence prec and above that
// follow the operand x.
func (p *parser) parseBinaryFrom(x ast.Expr, prec int) ast.Expr {
	for {
		op := p.tok
		oprec := op.Precedence()
		if op == token.QUO && p.inPred && p.sc.PeekNonSpace() == '{' {
			return x // the closing slash of a predicate
		}
		if oprec < prec || oprec == token.LowestPrec {
			return x
		}
		pos := p.pos
		p.next()
		y := p.parseBinary(oprec + 1)
		x = &ast.BinaryExpr{X: x, OpPos: pos, Op: op, Y: y}
	}
}

func (p *parser) parseUnary() ast.Expr {
	switch p.tok {
	case token.NOT, token.TILDE, token.SUB, token.MUL, token.AND:
		pos, op := p.pos, p.tok
		p.next()
		return &ast.UnaryExpr{OpPos: pos, Op: op, X: p.parseUnary()}
	case token.INC, token.DEC:
		pos, tok := p.pos, p.tok
		p.next()
		x := p.parseUnary()
		p.checkIncDec(x)
		return &ast.IncDecExpr{X: x, TokPos: pos, Tok: tok}
	case token.LPAREN:
		if p.isCast() {
			return p.parseCast()
		}
	}
	return p.parsePostfix(p.parsePrimary())
}

func (p *parser) checkIncDec(x ast.Expr) {
	switch ast.Unparen(x).(type) {
	case *ast.VarExpr, *ast.MapExpr, *ast.MapAccess, *ast.BadExpr:
		return
	}
	p.error(x.Pos(), x.End(), "E116", "increment and decrement require a variable or a map")
}

// reserved are builtins that are never type names, so "(pid)*2" is a product.
var reserved = map[string]bool{
	"args": true, "ctx": true, "kstack": true, "nsecs": true, "pid": true, "tid": true,
	"ustack": true, "retval": true, "comm": true, "cpu": true, "elapsed": true, "uid": true,
	"gid": true, "cgroup": true, "rand": true, "curtask": true, "func": true, "probe": true,
}

// IsReserved reports whether name can never be a type name: the builtins
// the parser never reads as a cast.
func IsReserved(name string) bool {
	if reserved[name] {
		return true
	}
	for _, prefix := range []string{"arg", "sarg"} {
		if rest, ok := strings.CutPrefix(name, prefix); ok && rest != "" && strings.Trim(rest, "0123456789") == "" {
			return true
		}
	}
	return false
}

// isCast reports whether the '(' at the current position starts a cast:
// (struct X *), (typeof(x)), or (name suffixes) followed by a token that
// starts an expression, where name is not a reserved builtin.
func (p *parser) isCast() bool {
	if v, ok := p.casts[p.pos]; ok {
		return v
	}
	v := p.isCast1()
	if p.casts == nil {
		p.casts = map[token.Pos]bool{}
	}
	p.casts[p.pos] = v
	return v
}

func (p *parser) isCast1() bool {
	st := p.save()
	defer p.restore(st)
	p.next()
	switch p.tok {
	case token.STRUCT, token.UNION, token.ENUM:
		return true
	case token.TYPEOF, token.IDENT:
		if p.tok == token.IDENT && IsReserved(p.lit) {
			return false
		}
		p.parseType()
		if p.tok != token.RPAREN {
			return false
		}
		p.next()
		return startsOperand(p.tok)
	}
	return false
}

func startsOperand(t token.Token) bool {
	switch t {
	case token.INT, token.STRING, token.VAR, token.PARAM, token.PARAMCOUNT, token.MAP,
		token.LPAREN, token.SUB, token.NOT, token.TILDE, token.MUL, token.AND, token.IDENT,
		token.TRUE, token.FALSE, token.SIZEOF, token.OFFSETOF, token.TYPEOF, token.COMPTIME:
		return true
	}
	return false
}

func (p *parser) parseCast() ast.Expr {
	c := &ast.CastExpr{Lparen: p.pos}
	p.next()
	c.Type = p.parseType()
	c.Rparen = p.expectClosing(token.RPAREN, c.Lparen, scanner.Normal)
	c.X = p.parseUnary()
	return c
}

func (p *parser) parsePostfix(x ast.Expr) ast.Expr {
	for {
		switch p.tok {
		case token.DOT, token.ARROW:
			f := &ast.FieldExpr{X: x, OpPos: p.pos, Arrow: p.tok == token.ARROW}
			p.next()
			if p.tok == token.IDENT || p.tok == token.INT || p.tok.IsKeyword() {
				f.Sel = &ast.Ident{NamePos: p.pos, Name: p.lit}
				p.next()
			} else {
				// Half-typed "args." keeps an empty selector for completion.
				p.errorExpected(p.pos, "field name")
				f.Sel = &ast.Ident{NamePos: p.pos}
			}
			x = f
		case token.LBRACK:
			if m, ok := x.(*ast.MapExpr); ok {
				x = p.parseMapAccess(m)
				continue
			}
			ix := &ast.IndexExpr{X: x, Lbrack: p.pos}
			p.next()
			ix.Index = p.parseExpr()
			ix.Rbrack = p.expectClosing(token.RBRACK, ix.Lbrack, scanner.Normal)
			x = ix
		case token.INC, token.DEC:
			p.checkIncDec(x)
			x = &ast.IncDecExpr{X: x, TokPos: p.pos, Tok: p.tok, Post: true}
			p.next()
		default:
			return x
		}
	}
}

func (p *parser) parseMapAccess(m *ast.MapExpr) ast.Expr {
	a := &ast.MapAccess{Map: m, Lbrack: p.pos}
	p.next()
	if p.tok == token.RBRACK {
		p.error(p.pos, p.pos+1, "E100", "expected map key, found ']'")
	}
	for p.tok != token.RBRACK && p.tok != token.EOF {
		a.Keys = append(a.Keys, p.parseExpr())
		if p.tok != token.COMMA {
			break
		}
		p.next()
	}
	a.Rbrack = p.expectClosing(token.RBRACK, a.Lbrack, scanner.Normal)
	return a
}

func (p *parser) parsePrimary() ast.Expr {
	switch p.tok {
	case token.IDENT:
		id := p.parseIdent()
		if p.tok == token.LPAREN {
			return p.parseCall(id)
		}
		return id
	case token.VAR:
		return p.parseVar()
	case token.MAP:
		return p.parseMap()
	case token.PARAM, token.PARAMCOUNT:
		return p.parseParam()
	case token.INT:
		return p.parseIntLit()
	case token.STRING:
		return p.parseStringLit()
	case token.TRUE, token.FALSE:
		x := &ast.BoolLit{ValuePos: p.pos, Value: p.tok == token.TRUE}
		p.next()
		return x
	case token.LPAREN:
		return p.parseParenOrTuple()
	case token.IF:
		return p.parseIf()
	case token.LBRACE:
		return p.parseBlock(scanner.Normal)
	case token.SIZEOF:
		return p.parseSizeof()
	case token.OFFSETOF:
		return p.parseOffsetof()
	case token.TYPEOF, token.TYPEINFO:
		return p.parseTypeof()
	case token.COMPTIME:
		c := &ast.ComptimeExpr{Comptime: p.pos}
		p.next()
		c.X = p.parseUnary()
		return c
	case token.STRUCT, token.UNION, token.ENUM:
		// A type as an argument: container_of(p, struct x, f).
		return p.parseType()
	case token.CONFIG:
		// "config" is a keyword at the top level and the config builtin
		// (a record of the script's settings) in expressions.
		id := &ast.Ident{NamePos: p.pos, Name: p.lit}
		p.next()
		if p.tok == token.LPAREN {
			return p.parseCall(id) // config()
		}
		return id
	}
	pos := p.pos
	p.errorExpected(pos, "expression")
	// Consume the token unless it can end or start something the callers
	// synchronise on.
	switch p.tok {
	case token.SEMI, token.RBRACE, token.RPAREN, token.RBRACK, token.COMMA, token.EOF, token.QUO:
	default:
		p.next()
	}
	return &ast.BadExpr{From: pos, To: max(pos, p.prevEnd)}
}

func (p *parser) parseIdent() *ast.Ident {
	id := &ast.Ident{NamePos: p.pos}
	if p.tok == token.IDENT {
		id.Name = p.lit
		p.next()
	} else {
		p.errorExpected(p.pos, "name")
	}
	return id
}

func (p *parser) parseVar() *ast.VarExpr {
	v := &ast.VarExpr{Dollar: p.pos, Name: strings.TrimPrefix(p.lit, "$")}
	p.next()
	return v
}

func (p *parser) parseMap() *ast.MapExpr {
	m := &ast.MapExpr{At: p.pos, Name: strings.TrimPrefix(p.lit, "@")}
	p.next()
	return m
}

func (p *parser) parseParam() ast.Expr {
	x := &ast.ParamExpr{Dollar: p.pos, Lit: p.lit}
	if p.tok == token.PARAM {
		n := 0
		for _, c := range p.lit[1:] {
			n = n*10 + int(c-'0')
			if n > 1<<20 {
				break
			}
		}
		if n == 0 {
			p.error(p.pos, p.pos+token.Pos(len(p.lit)), "E119", "positional parameter %s is out of range (parameters start at $1)", p.lit)
		}
		x.N = n
	}
	p.next()
	return x
}

func (p *parser) parseIntLit() *ast.IntLit {
	x := &ast.IntLit{ValuePos: p.pos, Lit: p.lit}
	v, err := scanner.ParseInt(p.lit)
	if err != nil {
		code := "E110"
		if le, ok := err.(*scanner.LiteralError); ok {
			code = le.Code
		}
		p.error(p.pos, p.pos+token.Pos(len(p.lit)), code, "%s", err.Error())
	}
	x.Value = v
	p.next()
	return x
}

func (p *parser) parseStringLit() *ast.StringLit {
	x := &ast.StringLit{ValuePos: p.pos, Lit: p.lit}
	v, errs := scanner.Unquote(p.lit)
	for _, e := range errs {
		at := p.pos + token.Pos(e.Offset)
		p.error(at, min(at+2, x.End()), "E104", "%s", e.Msg)
	}
	x.Value = v
	p.next()
	return x
}

func (p *parser) parseCall(fun *ast.Ident) ast.Expr {
	c := &ast.CallExpr{Fun: fun, Lparen: p.pos}
	p.next()
	for p.tok != token.RPAREN && p.tok != token.EOF {
		c.Args = append(c.Args, p.parseExpr())
		if p.tok != token.COMMA {
			break
		}
		p.next()
	}
	c.Rparen = p.expectClosing(token.RPAREN, c.Lparen, scanner.Normal)
	return c
}

func (p *parser) parseParenOrTuple() ast.Expr {
	lparen := p.pos
	p.next()
	if p.tok == token.RPAREN {
		t := &ast.TupleExpr{Lparen: lparen, Rparen: p.pos}
		p.next()
		return t
	}
	if p.tok == token.IDENT && p.isRecordStart() {
		return p.parseRecord(lparen)
	}
	x := p.parseExpr()
	if p.tok != token.COMMA {
		rparen := p.expectClosing(token.RPAREN, lparen, scanner.Normal)
		return &ast.ParenExpr{Lparen: lparen, X: x, Rparen: rparen}
	}
	t := &ast.TupleExpr{Lparen: lparen, Elems: []ast.Expr{x}}
	for p.tok == token.COMMA {
		p.next()
		if p.tok == token.RPAREN {
			break // (a,) or a trailing comma
		}
		t.Elems = append(t.Elems, p.parseExpr())
	}
	t.Rparen = p.expectClosing(token.RPAREN, lparen, scanner.Normal)
	return t
}

// isRecordStart reports whether "ident =" (not "==") follows.
func (p *parser) isRecordStart() bool {
	st := p.save()
	defer p.restore(st)
	p.next()
	return p.tok == token.ASSIGN
}

func (p *parser) parseRecord(lparen token.Pos) ast.Expr {
	r := &ast.RecordExpr{Lparen: lparen}
	for p.tok == token.IDENT {
		f := &ast.RecordField{Name: p.parseIdent()}
		f.Assign = p.expect(token.ASSIGN)
		f.Value = p.parseExpr()
		r.Fields = append(r.Fields, f)
		if p.tok != token.COMMA {
			break
		}
		p.next()
	}
	r.Rparen = p.expectClosing(token.RPAREN, lparen, scanner.Normal)
	return r
}

// ----------------------------------------------------------------------------
// Types

// knownTypes are the type names that make a bare identifier in sizeof,
// typeof and offsetof a type rather than an expression.
var knownTypes = map[string]bool{
	"bool": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint8": true, "uint16": true, "uint32": true, "uint64": true,
	"string": true, "buffer": true, "inet": true, "void": true,
	"char": true, "short": true, "int": true, "long": true,
	"usym_t": true, "ksym_t": true, "kstack_t": true, "ustack_t": true,
	"timestamp": true, "macaddr_t": true, "cgroup_path_t": true, "username_t": true,
}

// IsTypeName reports whether name is a builtin type name.
func IsTypeName(name string) bool { return knownTypes[name] }

// parseType parses a type: [struct|union|enum] name or typeof(...),
// followed by '*' and '[N]' suffixes.
func (p *parser) parseType() *ast.TypeExpr {
	t := &ast.TypeExpr{StartPos: p.pos, Keyword: token.IDENT}
	switch p.tok {
	case token.STRUCT, token.UNION, token.ENUM:
		t.Keyword = p.tok
		p.next()
		if p.tok == token.IDENT || p.tok.IsKeyword() {
			t.Name = p.lit
			p.next()
		} else {
			p.errorExpected(p.pos, t.Keyword.String()+" name")
		}
	case token.TYPEOF:
		t.Typeof = p.parseTypeof().(*ast.TypeofExpr)
	case token.IDENT:
		t.Name = p.lit
		p.next()
	default:
		p.errorExpected(p.pos, "type")
	}
	for {
		switch p.tok {
		case token.MUL:
			t.Suffixes = append(t.Suffixes, ast.TypeSuffix{Ptr: true})
			p.next()
			continue
		case token.LBRACK:
			lbrack := p.pos
			p.next()
			var suf ast.TypeSuffix
			if p.tok == token.INT {
				suf.Len = p.parseIntLit()
			}
			p.expectClosing(token.RBRACK, lbrack, scanner.Normal)
			t.Suffixes = append(t.Suffixes, suf)
			continue
		}
		break
	}
	t.EndPos = p.prevEnd
	if t.EndPos < t.StartPos {
		t.EndPos = t.StartPos
	}
	return t
}

// parseTypeOrExpr parses the operand of sizeof, offsetof and typeof.
func (p *parser) parseTypeOrExpr() ast.Node {
	switch p.tok {
	case token.STRUCT, token.UNION, token.ENUM:
		return p.parseType()
	case token.IDENT:
		if IsReserved(p.lit) {
			return p.parseExpr()
		}
		if knownTypes[p.lit] {
			return p.parseType()
		}
		st := p.save()
		p.next()
		next := p.tok
		p.restore(st)
		if next == token.MUL || next == token.LBRACK {
			return p.parseType()
		}
	}
	return p.parseExpr()
}

func (p *parser) parseSizeof() ast.Expr {
	x := &ast.SizeofExpr{Sizeof: p.pos}
	p.next()
	x.Lparen = p.expect(token.LPAREN)
	x.Arg = p.parseTypeOrExpr()
	x.Rparen = p.expectClosing(token.RPAREN, x.Lparen, scanner.Normal)
	return x
}

func (p *parser) parseOffsetof() ast.Expr {
	x := &ast.OffsetofExpr{Offsetof: p.pos}
	p.next()
	x.Lparen = p.expect(token.LPAREN)
	x.Arg = p.parseTypeOrExpr()
	p.expect(token.COMMA)
	for {
		if p.tok == token.IDENT || p.tok.IsKeyword() {
			x.Fields = append(x.Fields, &ast.Ident{NamePos: p.pos, Name: p.lit})
			p.next()
		} else {
			p.errorExpected(p.pos, "field name")
			break
		}
		if p.tok != token.DOT {
			break
		}
		p.next()
	}
	x.Rparen = p.expectClosing(token.RPAREN, x.Lparen, scanner.Normal)
	return x
}

func (p *parser) parseTypeof() ast.Expr {
	x := &ast.TypeofExpr{Typeof: p.pos, Info: p.tok == token.TYPEINFO}
	p.next()
	x.Lparen = p.expect(token.LPAREN)
	x.Arg = p.parseTypeOrExpr()
	x.Rparen = p.expectClosing(token.RPAREN, x.Lparen, scanner.Normal)
	return x
}
