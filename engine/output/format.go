package output

import (
	"strconv"
	"strings"
)

// This file implements the rendering side of printf (and of errorf, warnf,
// system and cat, which format the same way). The checker's side, which
// matches specifiers against argument types, is lang/builtins; the two
// parsers accept the same grammar and can be unified once both exist.
//
// The eras differ in more than the grammar:
//
//   - 0.26 (src/format_string.cpp) matches
//     %[-][+][ ][#][0][width|*][.prec|*][hlLjzt]*(conv) and formats each
//     argument with a C++ ostream: precision is ignored except for floats,
//     '*' is accepted but consumes no argument, '0' pads any conversion
//     (before a sign or 0x too: %05d of -42 is "00-42"), ' ' does nothing,
//     and %% anywhere is "%".
//   - 0.17 (src/format_string.cpp, printf.cpp) matches
//     %[-][digits][.digits](conv) and hands each piece of the format, up to
//     and including a conversion, to snprintf with one argument: C
//     semantics. The text after the last conversion is printed as is, so a
//     %% there stays "%%"; a piece's output ends at a NUL byte.
//
// Both read an integer argument at the width its length modifier names:
// none is 32 bits, hh 8, h 16, l ll j z t 64.

// Sprintf formats args as bpftrace 0.26's printf does, with no resolvers.
func Sprintf(format string, args []Value) string {
	return NewPrinter(Era026, Text).Sprintf(format, args)
}

// Sprintf formats args as printf does in the printer's era.
func (p *Printer) Sprintf(format string, args []Value) string {
	return p.SprintfParsed(ParsePrintf(format, p.Era), args)
}

// PrintfFormat is a parsed printf format string; parse each call site once.
type PrintfFormat struct {
	era   Era
	lits  []string // text before each spec and after the last (len(specs)+1)
	specs []spec
	raw   string // the format as written
	tail  string // its text after the last spec, as written
}

// spec is one conversion.
type spec struct {
	minus, plus, space, hash, zero bool
	width, prec                    int // -1 when absent (or '*')
	length                         string
	verb                           string
	text                           string // 0.17: the whole piece for snprintf
}

// NumArgs returns the number of arguments the format consumes.
func (f *PrintfFormat) NumArgs() int { return len(f.specs) }

// ParsePrintf parses a printf format string as the given era does.
func ParsePrintf(format string, era Era) *PrintfFormat {
	f := &PrintfFormat{era: era, raw: format}
	var lit strings.Builder
	start := 0 // 0.17: start of the current piece
	for i := 0; i < len(format); {
		if format[i] != '%' {
			lit.WriteByte(format[i])
			i++
			continue
		}
		s, n, ok := matchSpec(format[i+1:], era)
		if !ok {
			lit.WriteByte('%')
			i++
			continue
		}
		i += 1 + n
		if s.verb == "%" {
			lit.WriteByte('%')
			continue
		}
		s.text = format[start:i]
		start = i
		f.lits = append(f.lits, lit.String())
		f.specs = append(f.specs, s)
		lit.Reset()
	}
	f.lits = append(f.lits, lit.String())
	f.tail = format[start:]
	return f
}

func matchSpec(s string, era Era) (spec, int, bool) {
	if era == Era017 {
		return matchSpec017(s)
	}
	return matchSpec026(s)
}

// specScanner reads a conversion specification, the text after a '%'.
type specScanner struct {
	s string
	i int
}

// opt consumes c if it is next.
func (sc *specScanner) opt(c byte) bool {
	if sc.i < len(sc.s) && sc.s[sc.i] == c {
		sc.i++
		return true
	}
	return false
}

// maxWidth bounds widths and precisions: bpftrace would try to print a
// gigabyte of padding for %1000000000d, bt stops at a megabyte.
const maxWidth = 1 << 20

// digits reads a decimal number, -1 if there is none.
func (sc *specScanner) digits() (int, bool) {
	j := sc.i
	for sc.i < len(sc.s) && sc.s[sc.i] >= '0' && sc.s[sc.i] <= '9' {
		sc.i++
	}
	if j == sc.i {
		return -1, false
	}
	n, err := strconv.Atoi(sc.s[j:sc.i])
	if err != nil || n > maxWidth {
		n = maxWidth
	}
	return n, true
}

// matchSpec026 matches 0.26's regular expression; flags must come in the
// order - + space # 0.
func matchSpec026(s string) (spec, int, bool) {
	sc := &specScanner{s: s}
	sp := spec{width: -1, prec: -1}
	sp.minus, sp.plus, sp.space, sp.hash, sp.zero = sc.opt('-'), sc.opt('+'), sc.opt(' '), sc.opt('#'), sc.opt('0')
	if !sc.opt('*') {
		sp.width, _ = sc.digits()
	}
	if sc.i+1 < len(s) && s[sc.i] == '.' && (s[sc.i+1] == '*' || isDigit(s[sc.i+1])) {
		sc.i++
		if !sc.opt('*') {
			sp.prec, _ = sc.digits()
		}
	}
	j := sc.i
	for sc.i < len(s) && strings.IndexByte("hlLjzt", s[sc.i]) >= 0 {
		sc.i++
	}
	sp.length = s[j:sc.i]
	rest := s[sc.i:]
	for _, v := range []string{"gr", "g", "rh", "rx", "r"} {
		if strings.HasPrefix(rest, v) {
			sp.verb = v
			return sp, sc.i + len(v), true
		}
	}
	if rest != "" && strings.IndexByte("diouxXeEfFGaAcspn%", rest[0]) >= 0 {
		sp.verb = rest[:1]
		return sp, sc.i + 1, true
	}
	return spec{}, 0, false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// matchSpec017 matches 0.17's regular expression: an optional '-', digits
// (a leading 0 is the zero flag), an optional precision and one of the
// conversions it knew.
func matchSpec017(s string) (spec, int, bool) {
	sc := &specScanner{s: s}
	sp := spec{width: -1, prec: -1}
	sp.minus = sc.opt('-')
	sp.zero = sc.i < len(s) && s[sc.i] == '0'
	sp.width, _ = sc.digits()
	if sc.i+1 < len(s) && s[sc.i] == '.' && isDigit(s[sc.i+1]) {
		sc.i++
		sp.prec, _ = sc.digits()
	}
	rest := s[sc.i:]
	for _, v := range []string{"rx", "rh", "r", "s", "c"} {
		if strings.HasPrefix(rest, v) {
			sp.verb = v
			return sp, sc.i + len(v), true
		}
	}
	for _, l := range []string{"hh", "h", "ll", "l", "j", "z", "t", ""} {
		if len(rest) > len(l) && strings.HasPrefix(rest, l) && strings.IndexByte("duoxXp", rest[len(l)]) >= 0 {
			sp.length, sp.verb = l, rest[len(l):len(l)+1]
			return sp, sc.i + len(l) + 1, true
		}
	}
	return spec{}, 0, false
}

// SprintfParsed formats args with a parsed format. Missing arguments print
// nothing; extra ones are ignored (the checker rejects both).
func (p *Printer) SprintfParsed(f *PrintfFormat, args []Value) string {
	if f.era == Era017 {
		return p.sprintf017(f, args)
	}
	var b strings.Builder
	for i, s := range f.specs {
		b.WriteString(f.lits[i])
		if i < len(args) {
			b.WriteString(p.apply026(s, args[i]))
		}
	}
	b.WriteString(f.lits[len(f.lits)-1])
	return b.String()
}

// ---------------------------------------------------------------------------
// Arguments as integers

// intArg reads an argument as bpftrace's printf does: integers, bools,
// pointers and enums (by number) qualify.
func intArg(v Value) (uint64, bool) {
	switch v := v.(type) {
	case Int:
		return v.V, true
	case Bool:
		if v {
			return 1, true
		}
		return 0, true
	case Pointer:
		return uint64(v), true
	case Enum:
		return enumNumeric(v), true
	case MinMax:
		return v.Int().V, true
	case Avg:
		return v.Average().V, true
	}
	return 0, false
}

// castSigned narrows n to the width of the length modifier, signed.
func castSigned(n uint64, length string) int64 {
	switch length {
	case "hh":
		return int64(int8(n))
	case "h":
		return int64(int16(n))
	case "l", "ll", "j", "z", "t":
		return int64(n)
	}
	return int64(int32(n))
}

// castUnsigned narrows n to the width of the length modifier, unsigned.
func castUnsigned(n uint64, length string) uint64 {
	switch length {
	case "hh":
		return uint64(uint8(n))
	case "h":
		return uint64(uint16(n))
	case "l", "ll", "j", "z", "t":
		return n
	}
	return uint64(uint32(n))
}

func base(verb string) int {
	switch verb {
	case "o":
		return 8
	case "x", "X", "p":
		return 16
	}
	return 10
}

func digitsOf(n uint64, verb string) string {
	s := strconv.FormatUint(n, base(verb))
	if verb == "X" {
		s = strings.ToUpper(s)
	}
	return s
}

// ---------------------------------------------------------------------------
// 0.26: C++ ostream semantics

func (p *Printer) apply026(s spec, v Value) string {
	body, first, err := p.body026(s, v)
	if err != "" {
		return "!{" + err + "}"
	}
	if first < 0 {
		first = len(body)
	}
	// setw applies to the first insertion only: for tuples, records and
	// arrays that is the opening bracket.
	return pad026(body[:first], s) + body[first:]
}

// body026 renders the argument without padding; first is the length of
// the first stream insertion, or -1 for all of it.
func (p *Printer) body026(s spec, v Value) (body string, first int, err string) {
	switch s.verb {
	case "d", "i", "u", "o", "x", "X", "c":
		n, ok := intArg(v)
		if !ok {
			return "", -1, "invalid integer conversion: " + p.Text(v)
		}
		return int026(s, n), -1, ""
	case "p":
		n, ok := intArg(v)
		if !ok {
			return "", -1, "invalid integer conversion: " + p.Text(v)
		}
		return voidPtr(n), -1, ""
	case "r", "rx", "rh":
		if buf, ok := v.(Buffer); ok {
			return hexBuffer(buf, s.verb == "r", s.verb != "rh"), -1, ""
		}
	case "gr":
		n, ok := intArg(v)
		if !ok {
			return "", -1, "invalid GFP flags conversion: " + p.Text(v)
		}
		return gfpFlags(n), -1, ""
	case "e", "E", "f", "F", "g", "G", "a", "A":
		n, ok := intArg(v)
		if !ok {
			return "", -1, "invalid integer conversion: " + p.Text(v)
		}
		return float026(s, floatArg(v, n)), -1, ""
	}
	return p.string026(s, v)
}

// string026 is %s (and the fallback of every other conversion): the text
// form; a non-negative signed integer gets '+' under the + flag.
func (p *Printer) string026(s spec, v Value) (string, int, string) {
	text := p.Text(v)
	if i, ok := v.(Int); ok && s.plus && i.Signed && int64(i.V) >= 0 {
		text = "+" + text
	}
	switch v := v.(type) {
	case Tuple, Array:
		return text, 1, ""
	case Record:
		if len(v.Values) == 0 {
			return text, -1, ""
		}
		return text, 2, ""
	}
	return text, -1, ""
}

// floatArg converts an integer argument to double in its signedness.
func floatArg(v Value, n uint64) float64 {
	if i, ok := v.(Int); ok && !i.Signed {
		return float64(n)
	}
	return float64(int64(n))
}

// int026 renders an integer conversion: signed decimal with an optional
// '+', or unsigned digits with an optional 0 / 0x base prefix (not for
// zero), or a char.
func int026(s spec, n uint64) string {
	switch s.verb {
	case "d", "i":
		v := castSigned(n, s.length)
		if s.plus && v >= 0 {
			return "+" + strconv.FormatInt(v, 10)
		}
		return strconv.FormatInt(v, 10)
	case "c":
		return string([]byte{byte(castSigned(n, s.length))})
	}
	u := castUnsigned(n, s.length)
	prefix := ""
	if s.hash && u != 0 {
		prefix = map[string]string{"o": "0", "x": "0x", "X": "0X"}[s.verb]
	}
	return prefix + digitsOf(u, s.verb)
}

// float026 prints as an ostream with default float formatting, or fixed /
// scientific with an explicit precision.
func float026(s spec, f float64) string {
	prec := 6
	if s.prec >= 0 {
		prec = s.prec
	}
	format := byte('g')
	if s.prec >= 0 {
		switch s.verb {
		case "f", "F":
			format = 'f'
		case "e", "E":
			format = 'e'
		}
	}
	if format == 'g' && prec == 0 {
		prec = 1
	}
	return strconv.FormatFloat(f, format, prec, 64)
}

// pad026 pads to the width with '0' (0 flag) or spaces, on the right with
// the - flag, else on the left, never between sign and digits.
func pad026(body string, s spec) string {
	if s.width <= len(body) {
		return body
	}
	fill := " "
	if s.zero {
		fill = "0"
	}
	pad := strings.Repeat(fill, s.width-len(body))
	if s.minus {
		return body + pad
	}
	return pad + body
}

// ---------------------------------------------------------------------------
// 0.17: snprintf semantics

func (p *Printer) sprintf017(f *PrintfFormat, args []Value) string {
	if len(args) == 0 {
		return f.raw
	}
	var b strings.Builder
	for i, s := range f.specs {
		if i >= len(args) {
			break
		}
		out := p.piece017(s, args[i])
		if j := strings.IndexByte(out, 0); j >= 0 {
			out = out[:j] // 0.17 wrote each piece as a C string
		}
		b.WriteString(out)
	}
	b.WriteString(f.tail)
	return b.String()
}

// piece017 runs one piece (text and one conversion) through a C printf
// with one argument. For %r, %rx and %rh 0.17 rewrote every %r, %rx, %rh
// (and %r|) of the piece to %s and passed the hex-formatted buffer.
func (p *Printer) piece017(s spec, v Value) string {
	piece := s.text
	last := piece[strings.LastIndexByte(piece, '%'):]
	switch last {
	case "%r", "%rx", "%rh":
		piece = replaceR(piece)
		if buf, ok := v.(Buffer); ok {
			v = String{S: hexBuffer(buf, last == "%r", last != "%rh")}
		}
	}
	return p.cprintf(piece, v)
}

// replaceR rewrites every %r, %rx, %rh and %r| to %s.
func replaceR(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+1 < len(s) && s[i+1] == 'r' {
			b.WriteString("%s")
			i++
			if i+1 < len(s) && strings.IndexByte("xh|", s[i+1]) >= 0 {
				i++
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// cprintf interprets a C format with a single argument: %% is '%', the
// first conversion formats v, later ones (undefined behaviour in C) and
// unknown ones are copied.
func (p *Printer) cprintf(format string, v Value) string {
	var b strings.Builder
	used := false
	for i := 0; i < len(format); i++ {
		if format[i] != '%' || i+1 == len(format) {
			b.WriteByte(format[i])
			continue
		}
		if format[i+1] == '%' {
			b.WriteByte('%')
			i++
			continue
		}
		s, n, ok := matchC(format[i+1:])
		if !ok || used {
			b.WriteString(format[i : i+1+n])
			i += n
			continue
		}
		used = true
		b.WriteString(p.cconv(s, v))
		i += n
	}
	return b.String()
}

// matchC parses a C conversion: flags, width, precision, length, verb. It
// returns the length of the text consumed; ok is false for a verb C
// printf does not know, which glibc copies.
func matchC(s string) (spec, int, bool) {
	sc := &specScanner{s: s}
	sp := spec{width: -1, prec: -1}
	for sc.i < len(s) && strings.IndexByte("-+ #0", s[sc.i]) >= 0 {
		switch s[sc.i] {
		case '-':
			sp.minus = true
		case '+':
			sp.plus = true
		case ' ':
			sp.space = true
		case '#':
			sp.hash = true
		case '0':
			sp.zero = true
		}
		sc.i++
	}
	sp.width, _ = sc.digits()
	if sc.opt('.') {
		sp.prec, _ = sc.digits()
		sp.prec = max(sp.prec, 0)
	}
	j := sc.i
	for sc.i < len(s) && strings.IndexByte("hlLqjzt", s[sc.i]) >= 0 {
		sc.i++
	}
	sp.length = s[j:sc.i]
	if sc.i == len(s) {
		return sp, sc.i, false
	}
	sp.verb = s[sc.i : sc.i+1]
	return sp, sc.i + 1, strings.Contains("diouxXcsp", sp.verb)
}

// cconv formats one C conversion.
func (p *Printer) cconv(s spec, v Value) string {
	switch s.verb {
	case "s":
		return cString(s, p.Text(v))
	case "c":
		n, _ := intArg(v)
		return padC(string([]byte{byte(n)}), s)
	case "p":
		n, _ := intArg(v)
		if n == 0 {
			return padC("(nil)", s)
		}
		return padC("0x"+strconv.FormatUint(n, 16), s)
	}
	n, ok := intArg(v)
	if !ok {
		return cString(s, p.Text(v))
	}
	return cInt(s, n)
}

// cString is %s: precision cuts bytes, width pads with spaces (glibc
// ignores the 0 flag here).
func cString(s spec, text string) string {
	if s.prec >= 0 && s.prec < len(text) {
		text = text[:s.prec]
	}
	return padC(text, s)
}

// cInt is C's integer conversion with sign, base prefix, precision and
// padding.
func cInt(s spec, n uint64) string {
	sign, mag := "", castUnsigned(n, s.length)
	if s.verb == "d" || s.verb == "i" {
		v := castSigned(n, s.length)
		mag = uint64(v)
		switch {
		case v < 0:
			sign, mag = "-", -uint64(v)
		case s.plus:
			sign = "+"
		case s.space:
			sign = " "
		}
	}
	digits := digitsOf(mag, s.verb)
	if s.prec == 0 && mag == 0 {
		digits = ""
	}
	if len(digits) < s.prec {
		digits = strings.Repeat("0", s.prec-len(digits)) + digits
	}
	prefix := sign
	switch {
	case s.hash && s.verb == "o" && !strings.HasPrefix(digits, "0"):
		digits = "0" + digits
	case s.hash && mag != 0 && (s.verb == "x" || s.verb == "X"):
		prefix += "0" + s.verb
	}
	if s.zero && !s.minus && s.prec < 0 && s.width > len(prefix)+len(digits) {
		digits = strings.Repeat("0", s.width-len(prefix)-len(digits)) + digits
	}
	return padC(prefix+digits, s)
}

// padC pads with spaces to the width, on the right under the - flag.
func padC(body string, s spec) string {
	if s.width <= len(body) {
		return body
	}
	pad := strings.Repeat(" ", s.width-len(body))
	if s.minus {
		return body + pad
	}
	return pad + body
}
