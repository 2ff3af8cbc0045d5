package cdef

import "github.com/bt-tools/bt/lang/token"

// Limits that keep a hostile prologue from expanding without end.
const (
	maxExpansionDepth = 200     // macros being expanded at once
	expansionBudget   = 1 << 16 // tokens one stream may produce by expansion
)

// stream is what the parsers read: the tokens of a lexer with object-like
// macros expanded and, in C text, directives run and the tokens of
// inactive regions dropped.
type stream struct {
	p     *processor
	lex   *lexer
	cText bool // the text of a CDecl (not a '#' line)

	stack  []expansion // macro bodies being read, innermost last
	back   []ctoken    // tokens pushed back, read before anything else
	budget int
	// lastErr is the position of the last error reported while reading
	// this stream; a second error at the same place is a cascade.
	lastErr token.Pos
}

// expansion is the rest of one macro's body.
type expansion struct {
	name string
	toks []ctoken
}

func newStream(p *processor, lex *lexer, cText bool) *stream {
	return &stream{p: p, lex: lex, cText: cText, budget: expansionBudget}
}

// next returns the next token, expanding macros if expand is set.
func (s *stream) next(expand bool) ctoken {
	for {
		t := s.raw()
		switch {
		case t.kind == tDirective:
			s.p.directive(t.text, t.pos)
			continue
		case t.kind == tEOF:
			return t
		case s.cText && !s.p.active():
			continue
		case expand && t.kind == tIdent && s.expand(t):
			continue
		}
		return t
	}
}

// raw returns the next token before expansion. An exhausted macro body
// is popped only when the token after it is read, so that the body's
// last token still sees its own macro as being expanded.
func (s *stream) raw() ctoken {
	if n := len(s.back); n > 0 {
		t := s.back[n-1]
		s.back = s.back[:n-1]
		return t
	}
	for n := len(s.stack); n > 0; n = len(s.stack) {
		top := &s.stack[n-1]
		if len(top.toks) > 0 {
			t := top.toks[0]
			top.toks = top.toks[1:]
			return t
		}
		s.stack = s.stack[:n-1]
	}
	return s.lex.next()
}

// hidden reports whether name is being expanded: C does not expand a
// macro inside its own expansion.
func (s *stream) hidden(name string) bool {
	for _, e := range s.stack {
		if e.name == name {
			return true
		}
	}
	return false
}

// expand pushes the body of the macro t names and reports whether it did.
func (s *stream) expand(t ctoken) bool {
	d, ok := s.p.res.Defines[t.text]
	if !ok || s.hidden(t.text) {
		return false
	}
	if d.FuncLike {
		return s.funcLike(t)
	}
	toks := lexAll(d.Body, t)
	if len(s.stack) >= maxExpansionDepth || len(toks) > s.budget {
		s.errorf(t.pos, t.end, "E162", "expansion of macro %q is too large", t.text)
		return false
	}
	s.budget -= len(toks)
	s.stack = append(s.stack, expansion{name: t.text, toks: toks})
	return true
}

// funcLike handles the name of a function-like macro: not followed by
// '(' it is a plain identifier; an invocation, which bt cannot expand, is
// reported and read as 0 so that the error does not cascade.
func (s *stream) funcLike(t ctoken) bool {
	next := s.raw()
	if !next.is("(") {
		s.back = append(s.back, next)
		return false
	}
	s.errorf(t.pos, t.end, "E162", "function-like macro %q cannot be expanded by bt", t.text)
	for depth := 1; depth > 0 && next.kind != tEOF; {
		next = s.raw()
		switch {
		case next.is("("):
			depth++
		case next.is(")"):
			depth--
		}
	}
	s.back = append(s.back, ctoken{kind: tNumber, text: "0", pos: t.pos, end: t.end})
	return true
}

// errorf reports an error unless one was reported at pos already.
func (s *stream) errorf(pos, end token.Pos, code, format string, args ...any) {
	if pos == s.lastErr {
		return
	}
	s.lastErr = pos
	s.p.errs.Errorf(pos, end, code, format, args...)
}

// lexAll returns the tokens of a macro body, placed at the macro name at.
func lexAll(body string, at ctoken) []ctoken {
	l := newLexer(body, at.pos, false)
	var toks []ctoken
	for t := l.next(); t.kind != tEOF; t = l.next() {
		t.pos, t.end = at.pos, at.end
		toks = append(toks, t)
	}
	return toks
}
