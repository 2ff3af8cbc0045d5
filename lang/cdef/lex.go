package cdef

import (
	"strconv"
	"strings"

	"github.com/bt-tools/bt/lang/token"
)

// kind is the kind of a C token.
type kind int

// The kinds of C tokens.
const (
	tEOF       kind = iota
	tIdent          // identifiers and keywords
	tNumber         // a preprocessing number: 42, 0x1fUL, 1.5
	tChar           // a character constant: 'a', '\n'
	tString         // a string literal: "abc"
	tPunct          // an operator or punctuator
	tDirective      // a whole '#' line inside C text
	tIllegal        // a byte that starts no token
)

// ctoken is one C token. pos and end are positions in the script.
type ctoken struct {
	kind     kind
	text     string
	pos, end token.Pos
}

// is reports whether t is the punctuator or identifier s.
func (t ctoken) is(s string) bool {
	return (t.kind == tPunct || t.kind == tIdent) && t.text == s
}

// lexer splits C text into tokens. It reports nothing: malformed tokens
// are returned as such, and the parser words the error.
type lexer struct {
	src  string
	base token.Pos // position of src[0]
	off  int
	// lines makes a '#' at the start of a line a tDirective token, as in
	// the text of a CDecl; in a '#' line itself it is plain punctuation.
	lines bool
	bol   bool // only white space since the last newline
}

func newLexer(src string, base token.Pos, lines bool) *lexer {
	return &lexer{src: src, base: base, lines: lines, bol: lines}
}

const singlePuncts = "{}()[];,:?.*&+-~!/%<>^|=#"

// next returns the next token.
func (l *lexer) next() ctoken {
	l.skipSpace()
	start := l.off
	if start >= len(l.src) {
		return l.tok(tEOF, start)
	}
	c := l.src[start]
	bol := l.bol
	l.bol = false
	switch {
	case c == '#' && bol && l.lines:
		l.off = lineEnd(l.src, start)
		return l.tok(tDirective, start)
	case isIdentStart(c):
		l.off = identEnd(l.src, start)
		return l.tok(tIdent, start)
	case isDigit(c) || c == '.' && start+1 < len(l.src) && isDigit(l.src[start+1]):
		l.off = numberEnd(l.src, start)
		return l.tok(tNumber, start)
	case c == '\'':
		l.off = quotedEnd(l.src, start)
		return l.tok(tChar, start)
	case c == '"':
		l.off = quotedEnd(l.src, start)
		return l.tok(tString, start)
	}
	if n := punctLen(l.src[start:]); n > 1 {
		l.off = start + n
		return l.tok(tPunct, start)
	}
	l.off = start + 1
	if strings.IndexByte(singlePuncts, c) >= 0 {
		return l.tok(tPunct, start)
	}
	return l.tok(tIllegal, start)
}

// punctLen returns the length of the multi-byte punctuator s starts
// with, or 0.
func punctLen(s string) int {
	if strings.HasPrefix(s, "...") {
		return 3
	}
	if len(s) < 2 {
		return 0
	}
	switch s[:2] {
	case "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "->", "##":
		return 2
	}
	return 0
}

func (l *lexer) tok(k kind, start int) ctoken {
	return ctoken{kind: k, text: l.src[start:l.off], pos: l.base + token.Pos(start), end: l.base + token.Pos(l.off)}
}

// skipSpace skips white space and comments, noting line starts. An
// unterminated block comment runs to the end of the text.
func (l *lexer) skipSpace() {
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case c == '\n':
			l.bol = l.lines
			l.off++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			l.off++
		case strings.HasPrefix(l.src[l.off:], "//"):
			l.off = lineEnd(l.src, l.off)
		case strings.HasPrefix(l.src[l.off:], "/*"):
			end := strings.Index(l.src[l.off+2:], "*/")
			if end < 0 {
				l.off = len(l.src)
			} else {
				l.off += end + 4
			}
		default:
			return
		}
	}
}

// rest returns the text from the current offset to the end, and its
// position.
func (l *lexer) rest() (string, token.Pos) {
	return l.src[l.off:], l.base + token.Pos(l.off)
}

func lineEnd(s string, i int) int {
	if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(s)
}

func identEnd(s string, i int) int {
	for i < len(s) && (isIdentStart(s[i]) || isDigit(s[i])) {
		i++
	}
	return i
}

// numberEnd scans a preprocessing number: digits, letters, '_', '.' and
// a sign after an exponent letter.
func numberEnd(s string, i int) int {
	for i < len(s) {
		c := s[i]
		switch {
		case isDigit(c) || isIdentStart(c) || c == '.':
			i++
		case (c == '+' || c == '-') && strings.IndexByte("eEpP", s[i-1]) >= 0:
			i++
		default:
			return i
		}
	}
	return i
}

// quotedEnd scans a character constant or string literal that starts at
// i; an unterminated one ends at the end of its line.
func quotedEnd(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			if j+1 < len(s) && s[j+1] != '\n' {
				j++
			}
		case q:
			return j + 1
		case '\n':
			return j
		}
	}
	return len(s)
}

func isIdentStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// blankComments returns s with every comment replaced by spaces of the
// same length, so that offsets into the result still match the source.
func blankComments(s string) string {
	b := []byte(s)
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] == '"' || b[i] == '\'':
			i = quotedEnd(s, i) - 1
		case b[i] == '/' && i+1 < len(b) && b[i+1] == '/':
			for ; i < len(b) && b[i] != '\n'; i++ {
				b[i] = ' '
			}
		case b[i] == '/' && i+1 < len(b) && b[i+1] == '*':
			end := strings.Index(s[i+2:], "*/")
			stop := len(b)
			if end >= 0 {
				stop = i + end + 4
			}
			for ; i < stop; i++ {
				b[i] = ' '
			}
			i--
		}
	}
	return string(b)
}

// ----------------------------------------------------------------------------
// Literal values

// parseInt returns the value of an integer constant and whether it is
// unsigned (a 'u' suffix, or a value above the int64 range).
func parseInt(lit string) (v int64, unsigned bool, ok bool) {
	digits, unsigned, ok := cutIntSuffix(lit)
	if !ok || digits == "" {
		return 0, false, false
	}
	base := 10
	switch {
	case len(digits) > 1 && (digits[:2] == "0x" || digits[:2] == "0X"):
		base, digits = 16, digits[2:]
	case len(digits) > 1 && (digits[:2] == "0b" || digits[:2] == "0B"):
		base, digits = 2, digits[2:]
	case len(digits) > 1 && digits[0] == '0':
		base, digits = 8, digits[1:]
	}
	u, err := strconv.ParseUint(digits, base, 64)
	if err != nil {
		return 0, false, false
	}
	return int64(u), unsigned || u > 1<<63-1, true
}

// cutIntSuffix removes a u/l suffix (any order and case, at most one u
// and two l's).
func cutIntSuffix(lit string) (digits string, unsigned, ok bool) {
	i := len(lit)
	longs := 0
	for i > 0 {
		switch lit[i-1] {
		case 'u', 'U':
			if unsigned {
				return "", false, false
			}
			unsigned = true
		case 'l', 'L':
			longs++
		default:
			if longs > 2 {
				return "", false, false
			}
			return lit[:i], unsigned, true
		}
		i--
	}
	return "", false, false
}

// parseChar returns the value of a character constant such as 'a', '\n',
// '\x41' or '\101'. Multi-character constants are not accepted.
func parseChar(lit string) (int64, bool) {
	if len(lit) < 3 || lit[0] != '\'' || lit[len(lit)-1] != '\'' {
		return 0, false
	}
	body := lit[1 : len(lit)-1]
	if body[0] != '\\' {
		if len(body) != 1 {
			return 0, false
		}
		return int64(int8(body[0])), true
	}
	if len(body) == 2 {
		if v, ok := simpleEscape(body[1]); ok {
			return v, true
		}
	}
	return numericEscape(body[1:])
}

func simpleEscape(c byte) (int64, bool) {
	i := strings.IndexByte(`ntrabfv\'"?`, c)
	if i < 0 {
		return 0, false
	}
	return int64("\n\t\r\a\b\f\v\\'\"?"[i]), true
}

// numericEscape decodes the octal or \x hex escape after the backslash.
func numericEscape(s string) (int64, bool) {
	base, digits := 8, s
	if s[0] == 'x' {
		base, digits = 16, s[1:]
	}
	if digits == "" || base == 8 && len(digits) > 3 {
		return 0, false
	}
	u, err := strconv.ParseUint(digits, base, 64)
	if err != nil || u > 0xff {
		return 0, false
	}
	return int64(int8(u)), true
}
