package builtins

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/bt-tools/bt/lang/types"
)

// Verb is one piece of a printf-style format string: either literal text
// or one conversion.
//
// The grammar is bpftrace's: '%', then the flags in this fixed order,
// each optional: '-', '+', ' ', '#', '0'; a width (digits or '*'); a
// precision ('.' then digits or '*'); any run of the length modifiers
// h l L j z t; and a conversion. A '%' that does not start a complete
// conversion is literal text, as is "%%" (which stands for '%').
type Verb struct {
	// Text is the literal text (with "%%" already turned into "%"), or the
	// conversion as written ("%-8lld").
	Text string
	// Conv is "" for literal text; otherwise the conversion: d i u o x X c
	// p s r rx rh gr, or one bt recognises but does not support
	// (e E f F g G a A n).
	Conv string
	// Flags.
	Minus, Plus, Space, Sharp, Zero bool
	// Width and Prec are -1 when absent; WidthStar and PrecStar are set
	// for '*', which bpftrace accepts and ignores (it takes no argument).
	Width, Prec         int
	WidthStar, PrecStar bool
	Length              string // the length modifiers as written: "", "l", "ll", "hh", ...
	Off                 int    // byte offset of the piece in the format string
}

// IsLiteral reports whether v is literal text.
func (v Verb) IsLiteral() bool { return v.Conv == "" }

// maxWidth bounds widths and precisions; larger ones are surely mistakes.
const maxWidth = 1 << 16

// convs are the conversions, longest first where one is a prefix of
// another ("gr" before "g", "rh"/"rx" before "r").
var convs = []string{"gr", "rh", "rx", "d", "i", "o", "u", "x", "X", "e", "E", "f", "F", "G", "a", "A",
	"c", "s", "p", "n", "%", "g", "r"}

// ParseFormat splits a format string into literal text and conversions.
// Adjacent literal text is merged. The error reports a width or precision
// too large to be meant.
func ParseFormat(s string) ([]Verb, error) {
	var out []Verb
	lit, litOff := strings.Builder{}, 0
	flush := func() {
		if lit.Len() > 0 {
			out = append(out, Verb{Text: lit.String(), Off: litOff})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); {
		v, n, ok := parseVerb(s, i)
		switch {
		case !ok || v.Conv == "%":
			if lit.Len() == 0 {
				litOff = i
			}
			if ok {
				lit.WriteByte('%')
				i += n
			} else {
				lit.WriteByte(s[i])
				i++
			}
			continue
		case v.Width > maxWidth || v.Prec > maxWidth:
			return nil, fmt.Errorf("width or precision of %s is too large", v.Text)
		}
		flush()
		out = append(out, v)
		i += n
	}
	flush()
	return out, nil
}

// parseVerb parses a conversion at s[i] and returns it and its length;
// ok is false when s[i] does not start one.
func parseVerb(s string, i int) (v Verb, n int, ok bool) {
	if s[i] != '%' {
		return v, 0, false
	}
	v = Verb{Off: i, Width: -1, Prec: -1}
	j := i + 1
	for _, f := range []struct {
		c byte
		p *bool
	}{{'-', &v.Minus}, {'+', &v.Plus}, {' ', &v.Space}, {'#', &v.Sharp}, {'0', &v.Zero}} {
		if j < len(s) && s[j] == f.c {
			*f.p = true
			j++
		}
	}
	j, v.Width, v.WidthStar = parseCount(s, j)
	if j+1 < len(s) && s[j] == '.' && (s[j+1] == '*' || isDigit(s[j+1])) {
		j, v.Prec, v.PrecStar = parseCount(s, j+1)
	}
	start := j
	for j < len(s) && strings.IndexByte("hlLjzt", s[j]) >= 0 {
		j++
	}
	v.Length = s[start:j]
	for _, c := range convs {
		if strings.HasPrefix(s[j:], c) {
			v.Conv = c
			v.Text = s[i : j+len(c)]
			return v, j + len(c) - i, true
		}
	}
	return Verb{}, 0, false
}

// parseCount parses a width or precision: '*' or digits.
func parseCount(s string, j int) (next, n int, star bool) {
	if j < len(s) && s[j] == '*' {
		return j + 1, -1, true
	}
	start := j
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	if j == start {
		return j, -1, false
	}
	n, err := strconv.Atoi(s[start:j])
	if err != nil {
		n = maxWidth + 1
	}
	return j, n, false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// Conversions returns the conversions of a parsed format, in order: one
// per argument.
func Conversions(verbs []Verb) []Verb {
	var out []Verb
	for _, v := range verbs {
		if !v.IsLiteral() {
			out = append(out, v)
		}
	}
	return out
}

// ---------------------------------------------------------------------------
// Checking arguments

// FormatError is a mismatch between a format string and its arguments.
type FormatError struct {
	Arg  int // the offending argument (0 is the first after the format), or -1
	Code string
	Msg  string
}

func (e *FormatError) Error() string { return e.Msg }

// CheckFormat checks argument types against the conversions of a parsed
// format: their number, then each type. Arguments whose type is nil or
// invalid are skipped (their own error has been reported).
func CheckFormat(verbs []Verb, args []types.Type) *FormatError {
	convs := Conversions(verbs)
	switch {
	case len(args) < len(convs):
		return &FormatError{Arg: -1, Code: CodeFormatCount, Msg: fmt.Sprintf(
			"not enough arguments for format string (%d supplied, %d expected)", len(args), len(convs))}
	case len(args) > len(convs):
		return &FormatError{Arg: len(convs), Code: CodeFormatCount, Msg: fmt.Sprintf(
			"too many arguments for format string (%d supplied, %d expected)", len(args), len(convs))}
	}
	for i, v := range convs {
		if err := checkConv(v, args[i]); err != nil {
			err.Arg = i
			return err
		}
	}
	return nil
}

func checkConv(v Verb, t types.Type) *FormatError {
	if types.IsInvalid(t) {
		return nil
	}
	if t == types.Void || t == types.None {
		return &FormatError{Code: CodeFormatType, Msg: fmt.Sprintf("cannot print a value of type %s with %%%s", t, v.Conv)}
	}
	ok := true
	switch v.Conv {
	case "d", "i", "u", "o", "x", "X", "c", "p", "gr":
		ok = isIntegral(t) || t == types.Bool
		if _, isPtr := t.(*types.Pointer); isPtr {
			ok = true
		}
	case "r", "rx", "rh":
		_, ok = t.(*types.Buffer)
	case "s":
	default:
		return &FormatError{Code: CodeFormatInvalid, Msg: fmt.Sprintf("unsupported format specifier: %s", v.Conv)}
	}
	if !ok {
		return &FormatError{Code: CodeFormatType, Msg: fmt.Sprintf("unsupported format specifier for type '%s': %s", t, v.Conv)}
	}
	return nil
}

// isIntegral reports whether t reads as an integer: an integer, an enum,
// or an aggregation that can be read as one (count, sum, min, max, avg).
func isIntegral(t types.Type) bool {
	if types.IsInt(t) {
		return true
	}
	a, ok := t.(*types.Agg)
	return ok && a.Castable()
}

// ---------------------------------------------------------------------------
// Formatting

// Sprintf formats values by a parsed format the way bpftrace prints printf
// output. Integer conversions take any Go integer or a bool and convert it
// as C would for the length modifier (no modifier: 32 bits, h: 16, hh: 8,
// l, ll, j, z, t: 64); %p prints hex with a 0x prefix; %s prints strings,
// integers and fmt.Stringers; %r, %rx and %rh print []byte. Widths pad
// with spaces, or zeros with the 0 flag, left-aligned with '-'; '+' shows
// the sign of signed conversions and '#' the base prefix. Precision and
// the ' ' flag are ignored, as in bpftrace; %gr prints hex for now. A
// missing argument prints as "%!MISSING".
func Sprintf(verbs []Verb, args ...any) string {
	var b strings.Builder
	n := 0
	for _, v := range verbs {
		if v.IsLiteral() {
			b.WriteString(v.Text)
			continue
		}
		if n >= len(args) {
			b.WriteString("%!MISSING")
			continue
		}
		b.WriteString(v.pad(v.format(args[n])))
		n++
	}
	return b.String()
}

func (v Verb) format(arg any) string {
	switch v.Conv {
	case "d", "i":
		return v.sign(strconv.FormatInt(truncSigned(toInt64(arg), v.Length), 10))
	case "u":
		return strconv.FormatUint(truncUnsigned(uint64(toInt64(arg)), v.Length), 10)
	case "o":
		return v.prefix("0", strconv.FormatUint(truncUnsigned(uint64(toInt64(arg)), v.Length), 8))
	case "x":
		return v.prefix("0x", strconv.FormatUint(truncUnsigned(uint64(toInt64(arg)), v.Length), 16))
	case "X":
		return v.prefix("0X", strings.ToUpper(strconv.FormatUint(truncUnsigned(uint64(toInt64(arg)), v.Length), 16)))
	case "c":
		return string(rune(byte(toInt64(arg))))
	case "p":
		if p := uint64(toInt64(arg)); p != 0 {
			return "0x" + strconv.FormatUint(p, 16)
		}
		return "0"
	case "r", "rx", "rh":
		if buf, ok := arg.([]byte); ok {
			return formatBuffer(buf, v.Conv)
		}
	case "gr":
		return "0x" + strconv.FormatUint(uint64(toInt64(arg)), 16) // TODO: GFP flag names
	}
	return fmt.Sprint(arg)
}

func (v Verb) sign(s string) string {
	if v.Plus && !strings.HasPrefix(s, "-") {
		return "+" + s
	}
	return s
}

func (v Verb) prefix(p, s string) string {
	if v.Sharp && s != "0" {
		return p + s
	}
	return s
}

// pad applies the width as C++ streams do: the fill goes before the text
// (or after it with '-'), even for negative numbers.
func (v Verb) pad(s string) string {
	if v.Width <= len(s) {
		return s
	}
	fill := " "
	if v.Zero {
		fill = "0"
	}
	p := strings.Repeat(fill, v.Width-len(s))
	if v.Minus {
		return s + p
	}
	return p + s
}

func toInt64(arg any) int64 {
	switch x := arg.(type) {
	case int:
		return int64(x)
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int64:
		return x
	case uint:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		return int64(x)
	case uintptr:
		return int64(x)
	case bool:
		if x {
			return 1
		}
	}
	return 0
}

func truncSigned(x int64, length string) int64 {
	switch length {
	case "hh":
		return int64(int8(x))
	case "h":
		return int64(int16(x))
	case "l", "ll", "j", "z", "t":
		return x
	}
	return int64(int32(x))
}

func truncUnsigned(x uint64, length string) uint64 {
	switch length {
	case "hh":
		return uint64(uint8(x))
	case "h":
		return uint64(uint16(x))
	case "l", "ll", "j", "z", "t":
		return x
	}
	return uint64(uint32(x))
}

// formatBuffer prints bytes for %r (printable ASCII kept, the rest \xNN),
// %rx (all \xNN) and %rh (hex pairs separated by spaces).
func formatBuffer(buf []byte, conv string) string {
	var b strings.Builder
	for i, c := range buf {
		switch {
		case conv == "rh":
			if i > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%02x", c)
		case conv == "r" && c >= 32 && c <= 126:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "\\x%02x", c)
		}
	}
	return b.String()
}
