package format

import (
	"strings"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/parser"
	"github.com/bt-tools/bt/lang/scanner"
	"github.com/bt-tools/bt/lang/token"
)

// Every method renders one node into a new box for a given width w, the
// room left for the node when it starts a line; the caller places the box.

// ----------------------------------------------------------------------------
// The file and declarations

func (p *printer) printFile(f *ast.File) *box {
	b := newBox()
	if f.Shebang != nil {
		b.exact(lineText(f.Shebang.Text))
		p.lastEnd = p.offset(f.Shebang.End())
	}
	for _, d := range f.Decls {
		p.startLine(b, d.Pos())
		b.append(p.decl(d))
	}
	p.flushAll(b)
	return b
}

func (p *printer) decl(d ast.Decl) *box {
	switch d := d.(type) {
	case *ast.PreprocDecl:
		return p.verbatim(d.HashPos, d.End(), lineText(d.Text))
	case *ast.CDecl:
		return p.verbatim(d.StartPos, d.End(), d.Text)
	case *ast.ConfigDecl:
		return p.config(d)
	case *ast.ImportDecl:
		return p.importDecl(d)
	case *ast.MapDecl:
		return p.mapDecl(d)
	case *ast.MacroDecl:
		return p.macro(d)
	case *ast.FnDecl:
		return p.fn(d)
	case *ast.Probe:
		return p.probe(d)
	case *ast.BadDecl:
		return p.verbatim(d.From, d.To, p.file.Text(d.From, d.To))
	}
	return newBox()
}

// lineText returns the text to print for a # line or the shebang, whose
// Text the scanner gives without the '\r' of a "\r\n" line end: a text
// that still ends in '\r' had one more, which must be written back for
// the line to read the same.
func lineText(text string) string {
	if strings.HasSuffix(text, "\r") {
		return text + "\r"
	}
	return text
}

// verbatim renders text that the formatter keeps byte for byte.
func (p *printer) verbatim(pos, end token.Pos, text string) *box {
	b := newBox()
	p.flush(b, pos)
	b.exact(text)
	p.lastEnd = p.offset(end)
	return b
}

func (p *printer) config(d *ast.ConfigDecl) *box {
	b := newBox()
	p.token(b, d.Config, "config")
	b.text(" = ")
	p.token(b, d.Lbrace, "{")
	body := newBox()
	for _, e := range d.Entries {
		p.startLine(body, e.Pos())
		body.append(p.configEntry(e))
	}
	p.flush(body, d.Rbrace)
	b.block(body, indentWidth)
	p.token(b, d.Rbrace, "}")
	return b
}

func (p *printer) configEntry(e *ast.ConfigEntry) *box {
	b := newBox()
	p.ident(b, e.Name)
	b.text(" ")
	p.token(b, e.Assign, "=")
	b.text(" ")
	b.append(p.expr(e.Value, maxWidth, true))
	p.token(b, e.Semi, ";")
	return b
}

func (p *printer) importDecl(d *ast.ImportDecl) *box {
	b := newBox()
	p.token(b, d.Import, "import")
	b.text(" ")
	b.append(p.stringLit(d.Path))
	p.token(b, d.Semi, ";")
	return b
}

func (p *printer) mapDecl(d *ast.MapDecl) *box {
	b := newBox()
	p.token(b, d.Let, "let")
	b.text(" ")
	b.append(p.exprInner(d.Map, maxWidth))
	b.text(" = ")
	p.ident(b, d.Kind)
	p.token(b, d.Lparen, "(")
	b.append(p.expr(d.Size, maxWidth, true))
	p.token(b, d.Rparen, ")")
	p.token(b, d.Semi, ";")
	return b
}

func (p *printer) macro(d *ast.MacroDecl) *box {
	b := newBox()
	p.token(b, d.Macro, "macro")
	b.text(" ")
	p.ident(b, d.Name)
	// The paren-less form of the stale docs gets its "()": upstream's
	// parser requires them, and the tree is the same.
	p.token(b, d.Lparen, "(")
	items := make([]listItem, len(d.Params))
	for i, x := range d.Params {
		items[i] = p.exprItem(x, true)
	}
	b.append(p.list(items, ", ", maxWidth-10))
	p.token(b, d.Rparen, ")")
	p.body(b, d.Body, maxWidth)
	return b
}

func (p *printer) fn(d *ast.FnDecl) *box {
	b := newBox()
	p.token(b, d.Fn, "fn")
	b.text(" ")
	p.ident(b, d.Name)
	p.token(b, d.Lparen, "(")
	items := make([]listItem, len(d.Params))
	for i, fp := range d.Params {
		items[i] = listItem{pos: fp.Pos(), render: func(int) *box { return p.fnParam(fp) }}
	}
	params := p.list(items, ", ", maxWidth-len(d.Name.Name)-5)
	if params.nlines() > 1 {
		b.block(params, indentWidth)
	} else {
		b.append(params)
	}
	p.token(b, d.Rparen, ")")
	if d.Result != nil {
		b.text(" : ")
		b.append(p.typeExpr(d.Result))
	}
	p.body(b, d.Body, maxWidth)
	return b
}

func (p *printer) fnParam(fp *ast.FnParam) *box {
	b := newBox()
	b.append(p.exprInner(fp.Var, maxWidth))
	b.text(" ")
	p.token(b, fp.Colon, ":")
	b.text(" ")
	if fp.Type != nil {
		b.append(p.typeExpr(fp.Type))
	}
	return b
}

func (p *printer) probe(d *ast.Probe) *box {
	b := newBox()
	for i, ap := range d.Attach {
		if i > 0 {
			p.startLine(b, ap.Pos())
		}
		p.tokenEnd(b, ap.RawPos, ap.End(), ap.Raw)
		if i < len(d.Attach)-1 {
			p.token(b, ap.Comma, ",")
		}
	}
	if d.Pred != nil {
		p.flush(b, d.Pred.Lslash)
		if !b.lineEmpty() {
			b.newline()
		}
		p.token(b, d.Pred.Lslash, "/")
		b.append(p.expr(d.Pred.Cond, maxWidth, true))
		p.token(b, d.Pred.Rslash, "/")
	}
	p.body(b, d.Body, maxWidth)
	return b
}

// body writes the '{' of a probe, macro or fn on a line of its own, the
// statements indented, and the '}'.
func (p *printer) body(b *box, blk *ast.Block, w int) {
	p.flush(b, blk.Lbrace)
	if !b.lineEmpty() {
		b.newline()
	}
	p.token(b, blk.Lbrace, "{")
	b.block(p.stmts(blk, w-indentWidth), indentWidth)
	p.token(b, blk.Rbrace, "}")
}

// ----------------------------------------------------------------------------
// Blocks and statements

// stmts renders the inside of a block: one statement per line, then the
// block's value, then the comments before the '}'.
func (p *printer) stmts(blk *ast.Block, w int) *box {
	b := newBox()
	for _, s := range blk.Stmts {
		p.startLine(b, s.Pos())
		b.append(p.stmt(s, w))
	}
	if blk.Value != nil {
		p.startLine(b, blk.Value.Pos())
		b.append(p.stmtExpr(blk.Value, w))
	}
	p.flush(b, blk.Rbrace)
	p.blankBefore(b, blk.Rbrace)
	return b
}

func (p *printer) stmt(s ast.Stmt, w int) *box {
	switch s := s.(type) {
	case *ast.ExprStmt:
		b := p.stmtExpr(s.X, w)
		p.token(b, s.Semi, ";")
		return b
	case *ast.AssignStmt:
		return p.assign(s, w)
	case *ast.LetStmt:
		return p.let(s, w)
	case *ast.ForStmt:
		return p.forStmt(s, w)
	case *ast.WhileStmt:
		return p.loop(s.While, "while", s.Lparen, s.Cond, s.Rparen, s.Body, w)
	case *ast.UnrollStmt:
		return p.loop(s.Unroll, "unroll", s.Lparen, s.Count, s.Rparen, s.Body, w)
	case *ast.BranchStmt:
		b := newBox()
		p.token(b, s.TokPos, s.Tok.String())
		p.token(b, s.Semi, ";")
		return b
	case *ast.ReturnStmt:
		return p.returnStmt(s, w)
	case *ast.ImportDecl:
		return p.importDecl(s)
	case *ast.IfExpr:
		return p.ifExpr(s, w)
	case *ast.Block:
		return p.blockExpr(s, w)
	case *ast.BadStmt:
		return p.verbatim(s.From, s.To, p.file.Text(s.From, s.To))
	}
	return newBox()
}

// stmtExpr renders an expression that starts a statement or is a block's
// value. A block or if there is parenthesized: bare, it would parse back
// as a statement.
func (p *printer) stmtExpr(x ast.Expr, w int) *box {
	switch ast.Unparen(x).(type) {
	case *ast.Block, *ast.IfExpr:
		return p.paren(x, w, true)
	}
	return p.expr(x, w, true)
}

func (p *printer) assign(s *ast.AssignStmt, w int) *box {
	b := newBox()
	lhs := p.expr(s.LHS, w, true)
	b.append(lhs)
	b.text(" ")
	op := s.Tok.String()
	p.token(b, s.TokPos, op)
	b.text(" ")
	p.value(b, s.RHS, w-(lhs.width()+2+len(op)))
	p.token(b, s.Semi, ";")
	return b
}

// value places the right-hand side of an assignment or let: aligned after
// the '=', except a block or if, whose lines keep the statement's
// indentation.
func (p *printer) value(b *box, x ast.Expr, w int) {
	v := p.expr(x, w, true)
	switch ast.Unparen(x).(type) {
	case *ast.Block, *ast.IfExpr:
		b.appendUnaligned(v)
	default:
		b.append(v)
	}
}

func (p *printer) let(s *ast.LetStmt, w int) *box {
	b := newBox()
	p.token(b, s.Let, "let")
	b.text(" ")
	b.append(p.exprInner(s.Var, w))
	if s.Type != nil {
		b.text(" ")
		p.token(b, s.Colon, ":")
		b.text(" ")
		b.append(p.typeExpr(s.Type))
	}
	if s.Value != nil {
		b.text(" ")
		p.token(b, s.Assign, "=")
		b.text(" ")
		p.value(b, s.Value, w-b.width()-1)
	}
	p.token(b, s.Semi, ";")
	return b
}

func (p *printer) returnStmt(s *ast.ReturnStmt, w int) *box {
	b := newBox()
	p.token(b, s.Return, "return")
	if s.Result != nil {
		b.text(" ")
		b.append(p.expr(s.Result, w-7, true))
	}
	p.token(b, s.Semi, ";")
	return b
}

// cond writes the condition of if, while and unroll, in parentheses exactly
// when the source had them: bpftrace 0.17 requires them, 0.26 does not.
func (p *printer) cond(b *box, lparen token.Pos, x ast.Expr, rparen token.Pos, w int) {
	if !lparen.IsValid() {
		b.append(p.expr(x, w, true))
		return
	}
	p.token(b, lparen, "(")
	b.append(p.expr(x, w-2, true))
	p.token(b, rparen, ")")
}

func (p *printer) loop(kw token.Pos, name string, lparen token.Pos, x ast.Expr, rparen token.Pos, body *ast.Block, w int) *box {
	b := newBox()
	p.token(b, kw, name)
	b.text(" ")
	p.cond(b, lparen, x, rparen, w-len(name)-3)
	b.text(" ")
	p.braces(b, body, w)
	return b
}

func (p *printer) forStmt(s *ast.ForStmt, w int) *box {
	b := newBox()
	p.token(b, s.For, "for")
	b.text(" ")
	if s.Lparen.IsValid() {
		p.token(b, s.Lparen, "(")
	}
	b.append(p.exprInner(s.Var, w))
	b.text(" ")
	p.token(b, s.Colon, ":")
	b.text(" ")
	b.append(p.expr(s.Iter, w, true))
	if s.Lparen.IsValid() {
		p.token(b, s.Rparen, ")")
	}
	b.text(" ")
	p.braces(b, s.Body, w)
	return b
}

// braces writes a block that is always laid out on lines of its own:
// "{", the statements indented, "}".
func (p *printer) braces(b *box, blk *ast.Block, w int) {
	p.token(b, blk.Lbrace, "{")
	b.block(p.stmts(blk, w-indentWidth), indentWidth)
	p.token(b, blk.Rbrace, "}")
}

// ifBranch is one "if cond { then }" of an if/else-if chain, rendered.
type ifBranch struct {
	gap  *box // comments between the previous '}' and this branch
	cond *box // "if" and the condition, with its parentheses
	then *box // the inside of the block
}

// ifChain is an if/else-if/else chain, rendered, before its layout is
// chosen.
type ifChain struct {
	branches []ifBranch
	elsGap   *box // comments between the last '}' and the else block
	els      *box // the inside of the else block, or nil
	width    int  // of the branches, laid out on one line
}

// ifExpr renders an if/else-if/else chain. A value-producing if with one
// branch and an else that fit on one line stays on one line
// ("if c { a } else { b }"), as upstream does; everything else is laid out
// on lines.
func (p *printer) ifExpr(x *ast.IfExpr, w int) *box {
	c := p.ifChain(x, w)
	first := c.branches[0]
	oneLine := x.Then.Value != nil && c.els != nil && len(c.branches) == 1 && c.width <= w &&
		first.cond.nlines() <= 1 && first.then.nlines() <= 1 && c.els.nlines() <= 1
	b := newBox()
	for i, br := range c.branches {
		if i > 0 {
			b.append(br.gap)
			b.text(" else ")
		}
		b.append(br.cond)
		b.text(" ")
		wrap(b, br.then, oneLine)
	}
	if c.els != nil {
		b.append(c.elsGap)
		b.text(" else ")
		wrap(b, c.els, oneLine)
	}
	return b
}

// ifChain renders the conditions and blocks of an if/else chain in source
// order.
func (p *printer) ifChain(x *ast.IfExpr, w int) ifChain {
	var c ifChain
	for it := x; it != nil; {
		br := ifBranch{gap: newBox(), cond: newBox()}
		if len(c.branches) > 0 {
			p.flush(br.gap, it.If)
		}
		p.token(br.cond, it.If, "if")
		br.cond.text(" ")
		p.cond(br.cond, it.Lparen, it.Cond, it.Rparen, w-5)
		br.then = p.inside(br.cond, it.Then, w)
		c.width += br.cond.width() + 2 + br.then.width() + 3
		c.branches = append(c.branches, br)
		if blk, ok := it.Else.(*ast.Block); ok {
			c.elsGap = newBox()
			c.els = p.inside(c.elsGap, blk, w)
		}
		it, _ = it.Else.(*ast.IfExpr)
	}
	return c
}

// inside renders the statements of a block whose braces are written later,
// once the layout is chosen. The comments before its '{' go into before.
func (p *printer) inside(before *box, blk *ast.Block, w int) *box {
	p.flush(before, blk.Lbrace)
	p.consume(blk.Lbrace, 1)
	in := p.stmts(blk, w-indentWidth)
	p.consume(blk.Rbrace, 1)
	return in
}

// wrap writes braces around the rendered inside of a block, on one line
// ("{ x }") or on lines.
func wrap(b, inside *box, oneLine bool) {
	b.text("{")
	switch {
	case inside.blankOnly():
	case oneLine:
		b.text(" ")
		b.append(inside)
		b.text(" ")
	default:
		b.block(inside, indentWidth)
	}
	b.text("}")
}

// blockExpr renders a block statement or block value: on one line when its
// inside is one line that fits, else on lines.
func (p *printer) blockExpr(blk *ast.Block, w int) *box {
	b := newBox()
	in := p.inside(b, blk, w)
	wrap(b, in, in.nlines() <= 1 && in.width() <= w)
	return b
}

// ----------------------------------------------------------------------------
// Expressions

// expr renders x; unless bare is set or x is primitive, in parentheses.
func (p *printer) expr(x ast.Expr, w int, bare bool) *box {
	inner := ast.Unparen(x)
	return p.paren(x, w, !bare && !isPrimitive(inner) && !selfDelimited(inner))
}

// paren renders x in parentheses if need is set, else without. The
// source's own parentheses around x are dropped (any needed ones are
// printed anew), but their positions still order the comments near them.
func (p *printer) paren(x ast.Expr, w int, need bool) *box {
	var lparens, rparens []token.Pos
	for {
		px, ok := x.(*ast.ParenExpr)
		if !ok {
			break
		}
		lparens, rparens = append(lparens, px.Lparen), append(rparens, px.Rparen)
		x = px.X
	}
	b := newBox()
	outerL, outerR := token.NoPos, token.NoPos
	if need && len(lparens) > 0 {
		outerL, outerR = lparens[0], rparens[0]
		lparens, rparens = lparens[1:], rparens[1:]
	}
	if need {
		p.token(b, outerL, "(")
		w -= 2
	}
	for _, pos := range lparens {
		p.flush(b, pos)
		p.consume(pos, 1)
	}
	b.append(p.exprInner(x, w))
	for i := len(rparens) - 1; i >= 0; i-- {
		p.dropClose(rparens[i])
	}
	if need {
		p.token(b, outerR, ")")
	}
	return b
}

// exprItem is a list item that renders x.
func (p *printer) exprItem(x ast.Expr, bare bool) listItem {
	return listItem{pos: x.Pos(), render: func(w int) *box { return p.expr(x, w, bare) }}
}

// isPrimitive reports whether x never needs parentheses as an operand:
// upstream's is_primitive.
func isPrimitive(x ast.Expr) bool {
	switch x := ast.Unparen(x).(type) {
	case *ast.IntLit, *ast.StringLit, *ast.BoolLit, *ast.ParamExpr, *ast.Ident,
		*ast.VarExpr, *ast.MapExpr, *ast.MapAccess, *ast.CallExpr, *ast.SizeofExpr,
		*ast.OffsetofExpr, *ast.TypeofExpr, *ast.IndexExpr, *ast.FieldExpr,
		*ast.TypeExpr, *ast.BadExpr:
		return true
	case *ast.ComptimeExpr:
		return isPrimitive(x.X)
	}
	return false
}

// selfDelimited reports whether x prints its own parentheses. A record
// does too, but upstream parenthesizes it once more where an operand that
// is not primitive gets parentheses ("a=((x=1))"), and so do we.
func selfDelimited(x ast.Expr) bool {
	_, ok := x.(*ast.TupleExpr)
	return ok
}

// exprInner renders x itself, without deciding about parentheses around it.
func (p *printer) exprInner(x ast.Expr, w int) *box {
	switch x := x.(type) {
	case *ast.Ident:
		return p.word(x.NamePos, x.Name)
	case *ast.VarExpr:
		return p.word(x.Dollar, "$"+x.Name)
	case *ast.MapExpr:
		return p.word(x.At, "@"+x.Name)
	case *ast.ParamExpr:
		return p.word(x.Dollar, x.Lit)
	case *ast.IntLit:
		return p.word(x.ValuePos, x.Lit)
	case *ast.StringLit:
		return p.stringLit(x)
	case *ast.BoolLit:
		return p.word(x.ValuePos, x.String())
	case *ast.CallExpr:
		return p.call(x, w)
	case *ast.BinaryExpr:
		return p.binary(x, w)
	case *ast.UnaryExpr:
		return p.unary(x, w)
	case *ast.IncDecExpr:
		return p.incDec(x, w)
	case *ast.TernaryExpr:
		return p.ternary(x, w)
	case *ast.FieldExpr:
		return p.field(x, w)
	case *ast.IndexExpr:
		return p.index(x, w)
	case *ast.MapAccess:
		return p.mapAccess(x, w)
	case *ast.CastExpr:
		return p.cast(x, w)
	case *ast.ParenExpr:
		return p.paren(x, w, false)
	case *ast.TupleExpr:
		return p.tuple(x, w)
	case *ast.RecordExpr:
		return p.record(x, w)
	case *ast.SizeofExpr:
		return p.typeCall(x.Sizeof, "sizeof", x.Lparen, x.Arg, nil, x.Rparen, w)
	case *ast.OffsetofExpr:
		return p.typeCall(x.Offsetof, "offsetof", x.Lparen, x.Arg, x.Fields, x.Rparen, w)
	case *ast.TypeofExpr:
		name := "typeof"
		if x.Info {
			name = "typeinfo"
		}
		return p.typeCall(x.Typeof, name, x.Lparen, x.Arg, nil, x.Rparen, w)
	case *ast.ComptimeExpr:
		b := newBox()
		p.token(b, x.Comptime, "comptime")
		b.text(" ")
		b.append(p.expr(x.X, w-9, false))
		return b
	case *ast.IfExpr:
		return p.ifExpr(x, w)
	case *ast.Block:
		return p.blockExpr(x, w)
	case *ast.RangeExpr:
		return p.rangeExpr(x, w)
	case *ast.TypeExpr:
		return p.typeExpr(x)
	case *ast.BadExpr:
		return p.verbatim(x.From, x.To, p.file.Text(x.From, x.To))
	}
	return newBox()
}

func (p *printer) word(pos token.Pos, text string) *box {
	b := newBox()
	p.token(b, pos, text)
	return b
}

func (p *printer) ident(b *box, id *ast.Ident) {
	p.token(b, id.NamePos, id.Name)
}

// stringLit writes a string re-escaped canonically.
func (p *printer) stringLit(x *ast.StringLit) *box {
	b := newBox()
	p.tokenEnd(b, x.ValuePos, x.End(), scanner.Quote(x.Value))
	return b
}

func (p *printer) call(x *ast.CallExpr, w int) *box {
	b := newBox()
	p.ident(b, x.Fun)
	p.token(b, x.Lparen, "(")
	items := make([]listItem, len(x.Args))
	for i, a := range x.Args {
		items[i] = p.exprItem(a, true)
	}
	p.args(b, p.list(items, ", ", w-len(x.Fun.Name)-2), x.Rparen, w)
	return b
}

// args places a rendered argument list after "name(": aligned after the
// parenthesis, or, when even the broken lines are too wide, indented on
// lines of their own with ')' on the last line.
func (p *printer) args(b, args *box, rparen token.Pos, w int) {
	if args.width() > w {
		b.block(args, indentWidth)
	} else {
		b.append(args)
	}
	p.token(b, rparen, ")")
}

// binary renders a binary expression as a list of its operands: a chain of
// the same && or || is flattened (only along the left, so that the tree
// stays the same); all other operands are kept pairwise.
func (p *printer) binary(x *ast.BinaryExpr, w int) *box {
	chain := []chainLink{{x: x}}
	if x.Op == token.LAND || x.Op == token.LOR {
		chain = flattenLeft(x, nil)
	}
	// The source's parentheses inside the chain, ((a && b) && c), are
	// dropped; their positions go where they were, to order comments.
	var lparens []token.Pos
	for i := len(chain) - 1; i >= 0; i-- {
		for _, px := range chain[i].parens {
			lparens = append(lparens, px.Lparen)
		}
	}
	items := make([]listItem, 0, len(chain)+1)
	for i, link := range chain {
		if i == 0 {
			it := p.exprItem(link.x.X, bareOperand(link.x.X, x.Op, true))
			it.render = p.framed(lparens, nil, it.render)
			if len(lparens) > 0 {
				it.pos = lparens[0]
			}
			items = append(items, it)
		}
		items[i].sepPos = link.x.OpPos
		it := p.exprItem(link.x.Y, bareOperand(link.x.Y, x.Op, false))
		var rparens []token.Pos
		for j := len(link.parens) - 1; j >= 0; j-- {
			rparens = append(rparens, link.parens[j].Rparen)
		}
		it.render = p.framed(nil, rparens, it.render)
		items = append(items, it)
	}
	return p.list(items, " "+x.Op.String()+" ", w)
}

// chainLink is one operator of a flattened chain, with the source's
// parentheses around the chain up to it, outermost first.
type chainLink struct {
	x      *ast.BinaryExpr
	parens []*ast.ParenExpr
}

// flattenLeft returns the links of a chain of x's operator that leans left
// ((a && b) && c), innermost first; parens are those around x. A right
// operand with the same operator is not flattened, so that the tree stays
// the same.
func flattenLeft(x *ast.BinaryExpr, parens []*ast.ParenExpr) []chainLink {
	var ps []*ast.ParenExpr
	l := x.X
	for {
		px, ok := l.(*ast.ParenExpr)
		if !ok {
			break
		}
		ps, l = append(ps, px), px.X
	}
	if lb, ok := l.(*ast.BinaryExpr); ok && lb.Op == x.Op {
		return append(flattenLeft(lb, ps), chainLink{x, parens})
	}
	return []chainLink{{x, parens}}
}

// framed wraps a list item's rendering: the positions of dropped opening
// parentheses in pre are accounted for before it, those of dropped closing
// ones in post after it.
func (p *printer) framed(pre, post []token.Pos, render func(w int) *box) func(w int) *box {
	if len(pre) == 0 && len(post) == 0 {
		return render
	}
	return func(w int) *box {
		b := newBox()
		for _, pos := range pre {
			p.flush(b, pos)
			p.consume(pos, 1)
		}
		b.append(render(w))
		for _, pos := range post {
			p.dropClose(pos)
		}
		return b
	}
}

// bareOperand reports whether operand o of op needs no parentheses even
// though it is not primitive: upstream leaves comparisons bare inside other
// operators, which is safe only where precedence agrees.
func bareOperand(o ast.Expr, op token.Token, left bool) bool {
	b, ok := ast.Unparen(o).(*ast.BinaryExpr)
	if !ok || !isComparison(b.Op) {
		return false
	}
	po, pp := b.Op.Precedence(), op.Precedence()
	return po > pp || po == pp && left
}

func isComparison(op token.Token) bool {
	switch op {
	case token.EQL, token.NEQ, token.LSS, token.GTR, token.LEQ, token.GEQ:
		return true
	}
	return false
}

func (p *printer) unary(x *ast.UnaryExpr, w int) *box {
	b := newBox()
	op := x.Op.String()
	p.token(b, x.OpPos, op)
	b.append(p.expr(x.X, w-len(op), false))
	return b
}

func (p *printer) incDec(x *ast.IncDecExpr, w int) *box {
	b := newBox()
	op := x.Tok.String()
	if !x.Post {
		p.token(b, x.TokPos, op)
	}
	b.append(p.expr(x.X, w-len(op), false))
	if x.Post {
		p.token(b, x.TokPos, op)
	}
	return b
}

// ternary renders c ? a : b on one line, or on three when it does not fit:
// the condition, then "? a" and ": b" under it.
func (p *printer) ternary(x *ast.TernaryExpr, w int) *box {
	cond := p.expr(x.Cond, w, false)
	q := newBox()
	p.token(q, x.Question, "?")
	var then *box
	if x.Then != nil {
		then = p.expr(x.Then, w-2, false)
	}
	colon := newBox()
	p.token(colon, x.Colon, ":")
	els := p.expr(x.Else, w-2, false)

	width := cond.width() + els.width() + 8
	if then != nil {
		width += then.width()
	}
	multi := width > w
	b := newBox()
	b.append(cond)
	sep := func() {
		if multi {
			b.newline()
		} else {
			b.text(" ")
		}
	}
	sep()
	b.append(q)
	if then != nil {
		b.text(" ")
		b.append(then)
		sep()
	}
	b.append(colon)
	b.text(" ")
	b.append(els)
	return b
}

func (p *printer) field(x *ast.FieldExpr, w int) *box {
	b := newBox()
	name := ""
	if x.Sel != nil {
		name = x.Sel.Name
	}
	b.append(p.expr(x.X, w-len(name)-1, false))
	op := "."
	if x.Arrow {
		op = "->"
	}
	p.token(b, x.OpPos, op)
	if x.Sel != nil {
		p.ident(b, x.Sel)
	}
	return b
}

func (p *printer) index(x *ast.IndexExpr, w int) *box {
	b := newBox()
	base := p.expr(x.X, w-1, false)
	b.append(base)
	p.token(b, x.Lbrack, "[")
	idx := p.expr(x.Index, w-indentWidth, false)
	if base.width()+idx.width()+2 > w {
		b.block(idx, indentWidth)
	} else {
		b.append(idx)
	}
	p.token(b, x.Rbrack, "]")
	return b
}

func (p *printer) mapAccess(x *ast.MapAccess, w int) *box {
	b := newBox()
	name := "@" + x.Map.Name
	p.token(b, x.Map.At, name)
	p.token(b, x.Lbrack, "[")
	items := make([]listItem, len(x.Keys))
	for i, k := range x.Keys {
		items[i] = p.exprItem(k, true)
	}
	kw := w - indentWidth
	if len(items) > 1 {
		kw -= indentWidth
	}
	keys := p.list(items, ", ", kw)
	if len(name)+keys.width()+2 > w {
		b.block(keys, indentWidth)
	} else {
		b.append(keys)
	}
	p.token(b, x.Rbrack, "]")
	return b
}

func (p *printer) cast(x *ast.CastExpr, w int) *box {
	b := newBox()
	p.token(b, x.Lparen, "(")
	b.append(p.typeExpr(x.Type))
	p.token(b, x.Rparen, ")")
	b.append(p.expr(x.X, w-b.width(), false))
	return b
}

func (p *printer) tuple(x *ast.TupleExpr, w int) *box {
	b := newBox()
	p.token(b, x.Lparen, "(")
	var elems *box
	if len(x.Elems) == 1 {
		elems = p.expr(x.Elems[0], w-3, true)
		elems.text(",")
	} else {
		items := make([]listItem, len(x.Elems))
		for i, e := range x.Elems {
			items[i] = p.exprItem(e, true)
		}
		elems = p.list(items, ", ", w-indentWidth)
	}
	p.enclose(b, elems, x.Rparen)
	return b
}

// enclose places the inside of parentheses: aligned when it is one line,
// indented on lines of its own when it is several.
func (p *printer) enclose(b, inside *box, rparen token.Pos) {
	p.flush(inside, rparen)
	if inside.nlines() > 1 {
		b.block(inside, indentWidth)
	} else {
		b.append(inside)
	}
	p.token(b, rparen, ")")
}

func (p *printer) record(x *ast.RecordExpr, w int) *box {
	b := newBox()
	p.token(b, x.Lparen, "(")
	items := make([]listItem, len(x.Fields))
	for i, f := range x.Fields {
		items[i] = listItem{pos: f.Pos(), render: func(w int) *box { return p.recordField(f, w) }}
	}
	p.enclose(b, p.list(items, ", ", w-indentWidth), x.Rparen)
	return b
}

func (p *printer) recordField(f *ast.RecordField, w int) *box {
	b := newBox()
	p.ident(b, f.Name)
	p.token(b, f.Assign, "=")
	b.append(p.expr(f.Value, w-len(f.Name.Name)-1, false))
	return b
}

// typeCall renders sizeof, offsetof, typeof and typeinfo, whose argument is
// a type or an expression.
func (p *printer) typeCall(kw token.Pos, name string, lparen token.Pos, arg ast.Node, fields []*ast.Ident, rparen token.Pos, w int) *box {
	b := newBox()
	p.token(b, kw, name)
	p.token(b, lparen, "(")
	if arg != nil {
		b.append(p.typeArg(arg, w-len(name)-2))
	}
	for i, f := range fields {
		if i == 0 {
			b.text(", ")
		} else {
			b.text(".")
		}
		p.ident(b, f)
	}
	p.token(b, rparen, ")")
	return b
}

// typeArg renders the operand of sizeof and its kin. An expression that
// would read back as a type (int, x[0], x * 2) is parenthesized.
func (p *printer) typeArg(arg ast.Node, w int) *box {
	if t, ok := arg.(*ast.TypeExpr); ok {
		return p.typeExpr(t)
	}
	x, ok := arg.(ast.Expr)
	if !ok {
		return newBox()
	}
	b := p.expr(x, w, true)
	if readsAsType(b.String()) {
		out := newBox()
		out.text("(")
		out.append(b)
		out.text(")")
		return out
	}
	return b
}

// readsAsType reports whether text, an expression printed for a type
// context, would be parsed as a type: its first token is a type name, or a
// name followed by '*' or '['. Comments are skipped.
func readsAsType(text string) bool {
	i := skipSpaceComments(text, 0)
	j := i
	for j < len(text) && (text[j] == '_' || 'a' <= text[j] && text[j] <= 'z' ||
		'A' <= text[j] && text[j] <= 'Z' || j > i && '0' <= text[j] && text[j] <= '9') {
		j++
	}
	name := text[i:j]
	if name == "" || parser.IsReserved(name) || token.Lookup(name) != token.IDENT {
		return false
	}
	rest := text[skipSpaceComments(text, j):]
	return parser.IsTypeName(name) || strings.HasPrefix(rest, "*") || strings.HasPrefix(rest, "[")
}

// skipSpaceComments returns the offset of the first byte at or after i
// that is neither white space nor part of a comment.
func skipSpaceComments(text string, i int) int {
	for i < len(text) {
		switch {
		case strings.IndexByte(" \t\r\n", text[i]) >= 0:
			i++
		case strings.HasPrefix(text[i:], "//"):
			n := strings.IndexByte(text[i:], '\n')
			if n < 0 {
				return len(text)
			}
			i += n
		case strings.HasPrefix(text[i:], "/*"):
			n := strings.Index(text[i+2:], "*/")
			if n < 0 {
				return len(text)
			}
			i += n + 4
		default:
			return i
		}
	}
	return i
}

func (p *printer) rangeExpr(x *ast.RangeExpr, w int) *box {
	b := newBox()
	b.append(p.rangeBound(x.Lo, w))
	p.token(b, x.DotDot, "..")
	b.append(p.rangeBound(x.Hi, w))
	return b
}

// rangeBound renders a bound of a range: bare if it is a literal, else in
// parentheses, as upstream does.
func (p *printer) rangeBound(x ast.Expr, w int) *box {
	switch ast.Unparen(x).(type) {
	case *ast.IntLit, *ast.StringLit, *ast.BoolLit:
		return p.paren(x, w, false)
	}
	return p.paren(x, w, true)
}

// typeExpr renders a type as upstream spells it: "struct sock*", "uint8[4]".
func (p *printer) typeExpr(t *ast.TypeExpr) *box {
	b := newBox()
	if t.Typeof != nil {
		b.append(p.exprInner(t.Typeof, maxWidth))
	} else {
		name := t.Name
		if t.Keyword == token.STRUCT || t.Keyword == token.UNION || t.Keyword == token.ENUM {
			name = t.Keyword.String() + " " + name
		}
		p.token(b, t.StartPos, name)
	}
	var s strings.Builder
	for _, suf := range t.Suffixes {
		switch {
		case suf.Ptr:
			s.WriteString("*")
		case suf.Len != nil:
			s.WriteString("[" + suf.Len.Lit + "]")
		default:
			s.WriteString("[]")
		}
	}
	b.text(s.String())
	if t.EndPos.IsValid() && t.EndPos > t.StartPos {
		p.lastEnd = max(p.lastEnd, p.offset(t.EndPos))
	}
	return b
}
