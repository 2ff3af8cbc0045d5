// Package scanner turns bpftrace source into tokens.
//
// Most of the language scans like C. Two parts do not: attach points are
// raw text up to whitespace, ',' or '{' (so "uprobe:/bin/bash:readline" is
// one token), and the prologue holds # lines and C definitions kept
// verbatim. The parser says which it expects by setting [Scanner.Mode]
// before asking for the next token.
package scanner

import (
	"fmt"
	"unicode/utf8"

	"github.com/bt-tools/bt/lang/token"
)

// ErrorHandler is called for each lexical error with a diagnostic code.
type ErrorHandler func(pos, end token.Pos, code, msg string)

// Mode tells the scanner what the parser expects next. It applies to the
// next non-comment token and then reverts to Normal.
type Mode int

// Scanning modes.
const (
	// Normal scans expression and statement tokens.
	Normal Mode = iota
	// TopLevel scans the start of a top-level item: a # line, a C
	// definition, config/import/macro/fn/let, '{', or else an attach point.
	TopLevel
	// Attach scans the next attach point of a list (after a ','), unless a
	// '{' or '/' comes first (a trailing comma).
	Attach
)

// Scanner holds the scanning state. It must be initialised with Init.
type Scanner struct {
	file *token.File
	src  []byte
	err  ErrorHandler

	// Mode applies to the next non-comment token.
	Mode Mode

	offset     int // start of the next token to scan
	ErrorCount int
}

// State is a saved scanner position for speculative parsing.
type State struct {
	offset int
	mode   Mode
	errs   int
}

// Init prepares s to scan file. err may be nil.
func (s *Scanner) Init(file *token.File, err ErrorHandler) {
	s.file = file
	s.src = file.Src
	s.err = err
	s.offset = 0
	s.Mode = Normal
	s.ErrorCount = 0
}

// Save returns the current state.
func (s *Scanner) Save() State { return State{s.offset, s.Mode, s.ErrorCount} }

// Restore resets the scanner to a saved state.
func (s *Scanner) Restore(st State) { s.offset, s.Mode, s.ErrorCount = st.offset, st.mode, st.errs }

// Offset returns the offset where the next token scan starts.
func (s *Scanner) Offset() int { return s.offset }

func (s *Scanner) error(from, to int, code, format string, args ...any) {
	s.ErrorCount++
	if s.err != nil {
		s.err(s.file.Pos(from), s.file.Pos(to), code, fmt.Sprintf(format, args...))
	}
}

func (s *Scanner) peekAt(off int) byte {
	if off < len(s.src) {
		return s.src[off]
	}
	return 0
}

func isLetter(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func (s *Scanner) skipSpace() {
	for s.offset < len(s.src) && isSpace(s.src[s.offset]) {
		s.offset++
	}
}

// PeekNonSpace returns the next byte after whitespace and comments without
// consuming anything, or 0 at the end. The parser uses it to tell a
// closing predicate slash ("/ {") from a division.
func (s *Scanner) PeekNonSpace() byte {
	off := s.offset
	for off < len(s.src) {
		c := s.src[off]
		switch {
		case isSpace(c):
			off++
		case c == '/' && s.peekAt(off+1) == '/':
			for off < len(s.src) && s.src[off] != '\n' {
				off++
			}
		case c == '/' && s.peekAt(off+1) == '*':
			end := indexFrom(s.src, off+2, "*/")
			if end < 0 {
				return 0
			}
			off = end + 2
		default:
			return c
		}
	}
	return 0
}

func indexFrom(src []byte, from int, sub string) int {
	for i := from; i+len(sub) <= len(src); i++ {
		if string(src[i:i+len(sub)]) == sub {
			return i
		}
	}
	return -1
}

// Scan returns the next token. Comments are returned as COMMENT tokens
// with their full text; the parser records them for the formatter.
func (s *Scanner) Scan() (pos token.Pos, tok token.Token, lit string) {
	s.skipSpace()
	start := s.offset
	pos = s.file.Pos(start)
	if start >= len(s.src) {
		s.Mode = Normal
		return pos, token.EOF, ""
	}
	c := s.src[start]
	if c == '/' && (s.peekAt(start+1) == '/' || s.peekAt(start+1) == '*') {
		return pos, token.COMMENT, s.scanComment()
	}
	mode := s.Mode
	s.Mode = Normal
	switch mode {
	case TopLevel:
		if tok, lit, ok := s.scanTopLevel(); ok {
			return pos, tok, lit
		}
	case Attach:
		if c != '{' && c != '/' {
			return pos, token.ATTACHPOINT, s.scanAttachPoint()
		}
	}
	tok, lit = s.scanNormal()
	return pos, tok, lit
}

func (s *Scanner) scanComment() string {
	start := s.offset
	if s.src[start+1] == '/' {
		end := start
		for end < len(s.src) && s.src[end] != '\n' {
			end++
		}
		if end > start && s.src[end-1] == '\r' {
			end--
		}
		s.offset = end
		return string(s.src[start:end])
	}
	end := indexFrom(s.src, start+2, "*/")
	if end < 0 {
		s.error(start, start+2, "E103", "comment not terminated")
		s.offset = len(s.src)
		return string(s.src[start:])
	}
	s.offset = end + 2
	return string(s.src[start:s.offset])
}

// scanTopLevel recognises the items that may start a top-level
// declaration; anything else is an attach point.
func (s *Scanner) scanTopLevel() (token.Token, string, bool) {
	start := s.offset
	c := s.src[start]
	switch {
	case c == '#':
		end := start
		for end < len(s.src) && s.src[end] != '\n' {
			end++
		}
		lit := s.src[start:end]
		if len(lit) > 0 && lit[len(lit)-1] == '\r' {
			lit = lit[:len(lit)-1]
		}
		s.offset = end
		if start == 0 && s.peekAt(1) == '!' {
			return token.SHEBANG, string(lit), true
		}
		return token.HASHLINE, string(lit), true
	case !isLetter(c) && c != '*':
		// An attach point starts with a provider name (or a '*' that
		// matches providers); anything else is scanned as code, for the
		// parser to report "expected probe, found ...".
		return 0, "", false
	case isLetter(c):
		end := start
		for end < len(s.src) && (isLetter(s.src[end]) || isDigit(s.src[end])) {
			end++
		}
		word := string(s.src[start:end])
		switch kw := token.Lookup(word); kw {
		case token.CONFIG, token.IMPORT, token.MACRO, token.FN, token.LET:
			if next := s.peekAt(end); next != ':' {
				s.offset = end
				return kw, word, true
			}
		case token.STRUCT, token.UNION, token.ENUM:
			if n := s.cDefinitionEnd(end); n > 0 {
				s.offset = n
				return token.CTEXT, string(s.src[start:n]), true
			}
		}
	}
	return token.ATTACHPOINT, s.scanAttachPoint(), true
}

// cDefinitionEnd returns the end of a C definition whose keyword ends at
// off: names, (...) and [...] groups, then a balanced {...}, optional
// __attribute__((...)) and ';'. It returns 0 if the text is not one.
func (s *Scanner) cDefinitionEnd(off int) int {
	i := off
	for {
		i = s.skipSpaceComments(i)
		if i >= len(s.src) {
			return 0
		}
		c := s.src[i]
		switch {
		case isLetter(c):
			for i < len(s.src) && (isLetter(s.src[i]) || isDigit(s.src[i])) {
				i++
			}
		case c == '(' || c == '[':
			if i = s.balanced(i); i < 0 {
				return 0
			}
		case c == '{':
			if i = s.balanced(i); i < 0 {
				return 0
			}
			return s.cDefinitionTail(i)
		default:
			return 0
		}
	}
}

func (s *Scanner) cDefinitionTail(i int) int {
	end := i
	j := s.skipSpaceComments(i)
	for indexFrom(s.src[:min(len(s.src), j+13)], j, "__attribute__") == j {
		// Any number of __attribute__((...)) groups.
		k := s.skipSpaceComments(j + 13)
		if s.peekAt(k) != '(' {
			break
		}
		if k = s.balanced(k); k < 0 {
			break
		}
		end = k
		j = s.skipSpaceComments(k)
	}
	// Declarators after the brace (struct x { } y;) are not bpftrace; stop
	// at the brace or take the ';'.
	if s.peekAt(j) == ';' {
		end = j + 1
	}
	return end
}

func (s *Scanner) skipSpaceComments(i int) int {
	for i < len(s.src) {
		switch {
		case isSpace(s.src[i]):
			i++
		case s.src[i] == '/' && s.peekAt(i+1) == '/':
			for i < len(s.src) && s.src[i] != '\n' {
				i++
			}
		case s.src[i] == '/' && s.peekAt(i+1) == '*':
			end := indexFrom(s.src, i+2, "*/")
			if end < 0 {
				return len(s.src)
			}
			i = end + 2
		default:
			return i
		}
	}
	return i
}

// balanced returns the offset after the group opened at i, or -1.
func (s *Scanner) balanced(i int) int {
	open := s.src[i]
	close := map[byte]byte{'(': ')', '[': ']', '{': '}'}[open]
	depth := 0
	for i < len(s.src) {
		i = s.skipSpaceComments(i)
		if i >= len(s.src) {
			break
		}
		switch s.src[i] {
		case open:
			depth++
		case close:
			depth--
			if depth == 0 {
				return i + 1
			}
		}
		i++
	}
	return -1
}

// scanAttachPoint scans raw attach-point text: up to an unquoted '{', ','
// or whitespace; a '/' ends it only before the first ':' (after one it is
// part of a path, so a predicate must be separated by a space).
func (s *Scanner) scanAttachPoint() string {
	start := s.offset
	i := start
	sawColon := false
	for i < len(s.src) {
		c := s.src[i]
		if c == '"' {
			j := i + 1
			for j < len(s.src) && s.src[j] != '"' && s.src[j] != '\n' {
				if s.src[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s.src) || s.src[j] != '"' {
				j = min(j, len(s.src)) // a '\' may have skipped past the end
				s.error(i, j, "E102", "string not terminated")
				i = j
				break
			}
			i = j + 1
			continue
		}
		if c == '{' || c == ',' || c == '}' || c == ';' || isSpace(c) {
			break
		}
		if c == '/' && (!sawColon || s.peekAt(i+1) == '*' || s.peekAt(i+1) == '/' && !sawColon) {
			break
		}
		if c == ':' {
			sawColon = true
		}
		i++
	}
	if i == start {
		// Always consume something so that the parser makes progress.
		i++
		s.error(start, i, "E101", "expected attach point, found %q", s.src[start:i])
	}
	s.offset = i
	return string(s.src[start:i])
}

func (s *Scanner) scanNormal() (token.Token, string) {
	start := s.offset
	c := s.src[start]
	s.offset++
	switch {
	case isLetter(c):
		for s.offset < len(s.src) && (isLetter(s.src[s.offset]) || isDigit(s.src[s.offset])) {
			s.offset++
		}
		lit := string(s.src[start:s.offset])
		return token.Lookup(lit), lit
	case isDigit(c):
		// The whole alphanumeric run is the literal; the parser checks its
		// suffix and reports "invalid integer suffix" with the right span.
		for s.offset < len(s.src) && (isLetter(s.src[s.offset]) || isDigit(s.src[s.offset])) {
			s.offset++
		}
		return token.INT, string(s.src[start:s.offset])
	}
	switch c {
	case '"':
		return token.STRING, s.scanString(start)
	case '$':
		return s.scanDollar(start)
	case '@':
		for s.offset < len(s.src) && (isLetter(s.src[s.offset]) || isDigit(s.src[s.offset])) {
			s.offset++
		}
		return token.MAP, string(s.src[start:s.offset])
	case '#':
		end := start
		for end < len(s.src) && s.src[end] != '\n' {
			end++
		}
		s.offset = end
		return token.HASHLINE, string(s.src[start:end])
	}
	if tok, n := operator(s.src[start:]); tok != token.ILLEGAL {
		s.offset = start + n
		return tok, string(s.src[start:s.offset])
	}
	r, size := utf8.DecodeRune(s.src[start:])
	s.offset = start + size
	if r == utf8.RuneError && size == 1 {
		s.error(start, s.offset, "E101", "invalid byte %#02x (not UTF-8)", c)
	} else {
		s.error(start, s.offset, "E101", "invalid character %q", r)
	}
	return token.ILLEGAL, string(s.src[start:s.offset])
}

func (s *Scanner) scanDollar(start int) (token.Token, string) {
	switch c := s.peekAt(s.offset); {
	case c == '#':
		s.offset++
		return token.PARAMCOUNT, "$#"
	case isDigit(c):
		for s.offset < len(s.src) && isDigit(s.src[s.offset]) {
			s.offset++
		}
		return token.PARAM, string(s.src[start:s.offset])
	case isLetter(c):
		for s.offset < len(s.src) && (isLetter(s.src[s.offset]) || isDigit(s.src[s.offset])) {
			s.offset++
		}
		return token.VAR, string(s.src[start:s.offset])
	}
	s.error(start, start+1, "E105", "'$' must be followed by a variable name, a digit or '#'")
	return token.ILLEGAL, "$"
}

// scanString scans a string literal; escapes are checked by Unquote.
func (s *Scanner) scanString(start int) string {
	for s.offset < len(s.src) {
		c := s.src[s.offset]
		switch c {
		case '"':
			s.offset++
			return string(s.src[start:s.offset])
		case '\\':
			s.offset += 2
			continue
		case '\n':
			s.error(start, s.offset, "E102", "string not terminated")
			return string(s.src[start:s.offset])
		}
		s.offset++
	}
	if s.offset > len(s.src) {
		s.offset = len(s.src)
	}
	s.error(start, s.offset, "E102", "string not terminated")
	return string(s.src[start:s.offset])
}

var operators = []struct {
	lit string
	tok token.Token
}{
	{"<<=", token.SHLASSIGN}, {">>=", token.SHRASSIGN},
	{"+=", token.ADDASSIGN}, {"-=", token.SUBASSIGN}, {"*=", token.MULASSIGN},
	{"/=", token.QUOASSIGN}, {"%=", token.REMASSIGN}, {"&=", token.ANDASSIGN},
	{"|=", token.ORASSIGN}, {"^=", token.XORASSIGN},
	{"&&", token.LAND}, {"||", token.LOR}, {"++", token.INC}, {"--", token.DEC},
	{"==", token.EQL}, {"!=", token.NEQ}, {"<=", token.LEQ}, {">=", token.GEQ},
	{"<<", token.SHL}, {">>", token.SHR}, {"->", token.ARROW}, {"..", token.DOTDOT},
	{"+", token.ADD}, {"-", token.SUB}, {"*", token.MUL}, {"/", token.QUO},
	{"%", token.REM}, {"&", token.AND}, {"|", token.OR}, {"^", token.XOR},
	{"<", token.LSS}, {">", token.GTR}, {"!", token.NOT}, {"~", token.TILDE},
	{"=", token.ASSIGN}, {"(", token.LPAREN}, {")", token.RPAREN},
	{"[", token.LBRACK}, {"]", token.RBRACK}, {"{", token.LBRACE}, {"}", token.RBRACE},
	{",", token.COMMA}, {";", token.SEMI}, {":", token.COLON}, {"?", token.QUESTION},
	{".", token.DOT},
}

// operatorsByByte indexes operators by their first byte, longest first.
var operatorsByByte = func() (idx [256][]int) {
	for i, op := range operators {
		idx[op.lit[0]] = append(idx[op.lit[0]], i)
	}
	return idx
}()

func operator(src []byte) (token.Token, int) {
	for _, i := range operatorsByByte[src[0]] {
		op := operators[i]
		if len(src) >= len(op.lit) && string(src[:len(op.lit)]) == op.lit {
			return op.tok, len(op.lit)
		}
	}
	return token.ILLEGAL, 0
}

// Seek moves the scanner so that the next token starts at offset.
func (s *Scanner) Seek(offset int) {
	if offset < 0 {
		offset = 0
	}
	if offset > len(s.src) {
		offset = len(s.src)
	}
	s.offset = offset
}
