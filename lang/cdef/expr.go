package cdef

import (
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
)

// maxDepth bounds the nesting of expressions, declarators and member
// structs, so that no input can exhaust the stack.
const maxDepth = 200

// cparser parses either the condition of an #if line (pp) or the C text of
// one CDecl, reading tokens from a stream with one token of lookahead.
type cparser struct {
	p  *processor
	s  *stream
	pp bool // an #if condition: identifiers are 0, "defined" works

	tok     ctoken    // the current token
	prevEnd token.Pos // end of the previous token
	count   int       // tokens consumed, to check that loops progress

	failed bool // an error was reported
	noEval int  // > 0 inside an operand that is not evaluated (0 && x)
	depth  int
}

func newCParser(p *processor, s *stream, pp bool) *cparser {
	return &cparser{p: p, s: s, pp: pp}
}

// next moves to the next token, expanding macros.
func (c *cparser) next() { c.advance(true) }

// nextRaw moves to the next token without expanding it (the operand of
// "defined").
func (c *cparser) nextRaw() { c.advance(false) }

func (c *cparser) advance(expand bool) {
	if c.tok.kind != tEOF || c.count == 0 {
		c.prevEnd = c.tok.end
	}
	c.tok = c.s.next(expand)
	c.count++
}

// ----------------------------------------------------------------------------
// Errors

func (c *cparser) errorf(pos, end token.Pos, code, format string, args ...any) {
	c.failed = true
	c.s.errorf(pos, end, code, format, args...)
}

// errorExpected reports that what was expected at the current token.
func (c *cparser) errorExpected(code, what string) {
	c.errorf(c.tok.pos, c.tok.end, code, "expected %s, found %s", what, c.found())
}

func (c *cparser) found() string {
	if c.pp {
		return describe(c.tok, "newline")
	}
	return describe(c.tok, "end of definition")
}

// expect consumes the punctuator s or reports it missing; context ends
// the message ("expected ']' after array size").
func (c *cparser) expect(code, s, context string) bool {
	if c.tok.is(s) {
		c.next()
		return true
	}
	what := "'" + s + "'"
	if context != "" {
		what += " " + context
	}
	c.errorExpected(code, what)
	return false
}

// enter guards recursion; callers defer c.leave() when it returns true.
func (c *cparser) enter() bool {
	if c.depth >= maxDepth {
		c.errorf(c.tok.pos, c.tok.end, "E156", "nesting is too deep")
		return false
	}
	c.depth++
	return true
}

func (c *cparser) leave() { c.depth-- }

// ----------------------------------------------------------------------------
// Constant expressions

// value is an integer constant: C evaluates in intmax_t or uintmax_t.
type value struct {
	v        int64
	unsigned bool
}

func boolValue(b bool) value {
	if b {
		return value{v: 1}
	}
	return value{}
}

// parseExpr parses a conditional expression (C's constant-expression).
func (c *cparser) parseExpr() value {
	if !c.enter() {
		c.skipExpr()
		return value{}
	}
	defer c.leave()
	x := c.parseBinary(1)
	if !c.tok.is("?") {
		return x
	}
	c.next()
	a := c.evalUnless(x.v == 0, c.parseExpr)
	c.expect("E152", ":", "in conditional expression")
	b := c.evalUnless(x.v != 0, c.parseExpr)
	r := b
	if x.v != 0 {
		r = a
	}
	r.unsigned = a.unsigned || b.unsigned
	return r
}

// skipExpr skips the rest of a too deeply nested expression.
func (c *cparser) skipExpr() {
	for c.tok.kind != tEOF && !c.tok.is(";") && !c.tok.is("}") {
		c.next()
	}
}

// evalUnless parses with f, not evaluating it if skip is set: division
// by zero there is no error.
func (c *cparser) evalUnless(skip bool, f func() value) value {
	if skip {
		c.noEval++
		defer func() { c.noEval-- }()
	}
	return f()
}

// binaryPrec returns the precedence of a binary operator, or 0.
func binaryPrec(t ctoken) int {
	if t.kind != tPunct {
		return 0
	}
	switch t.text {
	case "||":
		return 1
	case "&&":
		return 2
	case "|":
		return 3
	case "^":
		return 4
	case "&":
		return 5
	case "==", "!=":
		return 6
	case "<", ">", "<=", ">=":
		return 7
	case "<<", ">>":
		return 8
	case "+", "-":
		return 9
	case "*", "/", "%":
		return 10
	}
	return 0
}

// parseBinary parses operators of precedence minPrec and above.
func (c *cparser) parseBinary(minPrec int) value {
	x := c.parseUnary()
	for {
		op := c.tok
		prec := binaryPrec(op)
		if prec == 0 || prec < minPrec {
			return x
		}
		c.next()
		operand := func() value { return c.parseBinary(prec + 1) }
		var y value
		switch op.text {
		case "&&":
			y = c.evalUnless(x.v == 0, operand)
		case "||":
			y = c.evalUnless(x.v != 0, operand)
		default:
			y = operand()
		}
		x = c.binary(op, x, y)
	}
}

// binary applies op with C's usual arithmetic conversions on 64 bits.
func (c *cparser) binary(op ctoken, x, y value) value {
	u := x.unsigned || y.unsigned
	switch op.text {
	case "||":
		return boolValue(x.v != 0 || y.v != 0)
	case "&&":
		return boolValue(x.v != 0 && y.v != 0)
	case "==":
		return boolValue(x.v == y.v)
	case "!=":
		return boolValue(x.v != y.v)
	case "<", ">", "<=", ">=":
		return compare(op.text, x, y, u)
	case "+":
		return value{x.v + y.v, u}
	case "-":
		return value{x.v - y.v, u}
	case "*":
		return value{x.v * y.v, u}
	case "&":
		return value{x.v & y.v, u}
	case "|":
		return value{x.v | y.v, u}
	case "^":
		return value{x.v ^ y.v, u}
	case "/", "%":
		return c.divide(op, x, y, u)
	}
	return c.shift(op, x, y)
}

func compare(op string, x, y value, unsigned bool) value {
	cmp := 0
	switch {
	case unsigned && uint64(x.v) < uint64(y.v), !unsigned && x.v < y.v:
		cmp = -1
	case x.v != y.v:
		cmp = 1
	}
	switch op {
	case "<":
		return boolValue(cmp < 0)
	case ">":
		return boolValue(cmp > 0)
	case "<=":
		return boolValue(cmp <= 0)
	}
	return boolValue(cmp >= 0)
}

func (c *cparser) divide(op ctoken, x, y value, u bool) value {
	if y.v == 0 {
		c.evalError(op, "division by zero in constant expression")
		return value{0, u}
	}
	switch {
	case u && op.text == "/":
		return value{int64(uint64(x.v) / uint64(y.v)), u}
	case u:
		return value{int64(uint64(x.v) % uint64(y.v)), u}
	case op.text == "/":
		return value{x.v / y.v, u} // MinInt64 / -1 wraps in Go, as on x86 it would trap
	}
	return value{x.v % y.v, u}
}

// shift applies << or >>; the result has the type of the left operand.
func (c *cparser) shift(op ctoken, x, y value) value {
	if (!y.unsigned && y.v < 0) || uint64(y.v) >= 64 {
		c.evalError(op, "shift count %d is out of range", y.v)
		return value{0, x.unsigned}
	}
	n := uint(y.v)
	switch {
	case op.text == "<<":
		return value{int64(uint64(x.v) << n), x.unsigned}
	case x.unsigned:
		return value{int64(uint64(x.v) >> n), true}
	}
	return value{x.v >> n, false}
}

// evalError reports an error of evaluation, unless the operand is not
// evaluated.
func (c *cparser) evalError(at ctoken, format string, args ...any) {
	if c.noEval == 0 {
		c.errorf(at.pos, at.end, "E152", format, args...)
	}
}

// parseUnary parses unary operators, casts and sizeof.
func (c *cparser) parseUnary() value {
	if !c.enter() {
		c.skipExpr()
		return value{}
	}
	defer c.leave()
	t := c.tok
	switch {
	case t.is("-"), t.is("+"), t.is("!"), t.is("~"):
		c.next()
		return unary(t.text, c.parseUnary())
	case t.is("("):
		return c.parseParen()
	case !c.pp && (t.is("sizeof") || isAlignof(t.text)):
		return c.parseSizeof()
	}
	return c.parsePrimary()
}

func unary(op string, x value) value {
	switch op {
	case "-":
		return value{-x.v, x.unsigned}
	case "!":
		return boolValue(x.v == 0)
	case "~":
		return value{^x.v, x.unsigned}
	}
	return x
}

func isAlignof(s string) bool {
	return s == "_Alignof" || s == "__alignof__" || s == "__alignof" || s == "alignof"
}

// parseParen parses a parenthesized expression or, in C text, a cast.
func (c *cparser) parseParen() value {
	lp := c.tok
	c.next()
	if !c.pp && c.isTypeStart() {
		t := c.parseTypeName()
		c.expectClose(lp)
		return c.convert(lp, c.parseUnary(), t)
	}
	x := c.parseExpr()
	c.expectClose(lp)
	return x
}

// expectClose consumes the closer of the bracket open.
func (c *cparser) expectClose(open ctoken) bool {
	closer := map[string]string{"(": ")", "[": "]", "{": "}"}[open.text]
	return c.expect(c.code(), closer, "to match '"+open.text+"'")
}

// code is the code of syntax errors: E152 in #if, E156 in C text.
func (c *cparser) code() string {
	if c.pp {
		return "E152"
	}
	return "E156"
}

// convert casts x to t, truncating as C does.
func (c *cparser) convert(at ctoken, x value, t types.Type) value {
	switch t := t.(type) {
	case *types.Int:
		return truncate(x, t.Bits, t.Signed)
	case *types.Enum:
		return truncate(x, int(t.Size()*8), t.Signed)
	case *types.Pointer:
		return value{x.v, true}
	case *types.Basic:
		if t.Kind == types.BoolKind {
			return boolValue(x.v != 0)
		}
		if t.Kind == types.InvalidKind {
			return x
		}
	}
	c.errorf(at.pos, at.end, "E152", "cannot cast to %s in a constant expression", t)
	return x
}

func truncate(x value, bits int, signed bool) value {
	if bits <= 0 || bits >= 64 {
		return value{x.v, !signed}
	}
	v := uint64(x.v) & (1<<uint(bits) - 1)
	if signed && v&(1<<uint(bits-1)) != 0 {
		v |= ^uint64(0) << uint(bits)
	}
	return value{int64(v), !signed}
}

// parseSizeof parses sizeof(type) and _Alignof(type); the size of an
// expression would need expression types, which C constants here lack.
func (c *cparser) parseSizeof() value {
	kw := c.tok
	c.next()
	lp := c.tok
	if !lp.is("(") {
		c.errorf(kw.pos, kw.end, "E152", "%s of an expression is not supported; use %s(type)", kw.text, kw.text)
		c.parseUnary()
		return value{}
	}
	c.next()
	if !c.isTypeStart() {
		c.errorf(kw.pos, kw.end, "E152", "%s of an expression is not supported; use %s(type)", kw.text, kw.text)
		c.parseExpr()
		c.expectClose(lp)
		return value{}
	}
	t := c.parseTypeName()
	c.expectClose(lp)
	if c.p.c.isIncomplete(t) {
		c.errorf(kw.pos, kw.end, "E152", "invalid application of '%s' to an incomplete type '%s'", kw.text, t)
		return value{unsigned: true}
	}
	if kw.text == "sizeof" {
		return value{t.Size(), true}
	}
	return value{c.p.c.alignOf(t), true}
}

// parsePrimary parses a number, a character constant or an identifier.
func (c *cparser) parsePrimary() value {
	t := c.tok
	switch t.kind {
	case tNumber:
		c.next()
		v, u, ok := parseInt(t.text)
		if !ok {
			c.errorf(t.pos, t.end, "E152", "invalid integer constant %q", t.text)
		}
		return value{v, u}
	case tChar:
		c.next()
		v, ok := parseChar(t.text)
		if !ok {
			c.errorf(t.pos, t.end, "E152", "invalid character constant %s", t.text)
		}
		return value{v: v}
	case tIdent:
		if c.pp {
			return c.ppIdent()
		}
		if !isKeyword(t.text) {
			return c.cIdent()
		}
	}
	c.errorExpected("E152", "expression")
	if t.kind != tEOF && !t.is(")") && !t.is("]") && !t.is(";") && !t.is("}") && !t.is(",") {
		c.next() // always consume a token so that recovery makes progress
	}
	return value{}
}

// ppIdent evaluates an identifier in #if: "defined X" or a name that is
// no macro, which is 0.
func (c *cparser) ppIdent() value {
	if c.tok.text == "defined" {
		return c.parseDefined()
	}
	c.next()
	return value{}
}

// parseDefined parses "defined X" or "defined(X)" without expanding X.
func (c *cparser) parseDefined() value {
	c.nextRaw()
	lp := c.tok
	paren := lp.is("(")
	if paren {
		c.nextRaw()
	}
	name := c.tok
	if name.kind != tIdent {
		c.errorf(name.pos, name.end, "E153", "macro name must be an identifier after 'defined', found %s", c.found())
		return value{}
	}
	_, ok := c.p.res.Defines[name.text]
	if paren {
		c.nextRaw()
		if !c.tok.is(")") {
			c.errorExpected("E152", "')' after 'defined("+name.text+"'")
			return value{}
		}
	}
	c.next()
	return boolValue(ok)
}

// cIdent evaluates an enumerator in C text: the script's, then BTF's.
func (c *cparser) cIdent() value {
	t := c.tok
	c.next()
	if ec, ok := c.p.res.EnumConsts[t.text]; ok {
		return value{v: ec.Value}
	}
	if f := c.p.opts.ResolveConst; f != nil {
		if v, _, ok := f(t.text); ok {
			return value{v: v}
		}
	}
	c.errorf(t.pos, t.end, "E152", "use of undeclared identifier %q", t.text)
	return value{}
}
