package scanner

import (
	"fmt"
	"math/bits"
	"strings"
)

// LiteralError is a malformed literal: a code and a message.
type LiteralError struct {
	Code string
	Msg  string
}

func (e *LiteralError) Error() string { return e.Msg }

var durations = map[string]uint64{
	"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9, "d": 86400e9,
}

// ParseInt returns the value of an integer literal: decimal, hex (0x),
// octal (leading 0), '_' separators, scientific 1e6, C suffixes (u, l, ul,
// ull, ll) and duration suffixes (ns us ms s m h d, scaled to nanoseconds).
func ParseInt(lit string) (uint64, error) {
	digits, suffix := splitSuffix(lit)
	if strings.HasSuffix(digits, "_") {
		return 0, &LiteralError{"E111", "trailing underscore in integer literal"}
	}
	scale := uint64(1)
	if suffix != "" {
		if d, ok := durations[suffix]; ok {
			scale = d
		} else if !isCSuffix(suffix) {
			return 0, &LiteralError{"E110", fmt.Sprintf("invalid integer suffix %q", suffix)}
		}
	}
	v, err := parseDigits(strings.ReplaceAll(digits, "_", ""))
	if err != nil {
		return 0, err
	}
	hi, lo := bits.Mul64(v, scale)
	if hi != 0 {
		return 0, &LiteralError{"E112", "integer literal out of range (over 2^64-1)"}
	}
	return lo, nil
}

// splitSuffix splits "0x1fu" into "0x1f" and "u", "10ms" into "10", "ms".
func splitSuffix(lit string) (string, string) {
	i := 0
	if len(lit) > 1 && lit[0] == '0' && (lit[1] == 'x' || lit[1] == 'X') {
		i = 2
		for i < len(lit) && (isHex(lit[i]) || lit[i] == '_') {
			i++
		}
		return lit[:i], lit[i:]
	}
	for i < len(lit) && (isDigit(lit[i]) || lit[i] == '_') {
		i++
	}
	// Scientific notation: a digit run, 'e', a digit run.
	if i < len(lit) && lit[i] == 'e' && i+1 < len(lit) && isDigit(lit[i+1]) {
		i++
		for i < len(lit) && (isDigit(lit[i]) || lit[i] == '_') {
			i++
		}
	}
	return lit[:i], lit[i:]
}

func isHex(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func isCSuffix(s string) bool {
	switch strings.ToLower(s) {
	case "u", "l", "ul", "ull", "ll", "lu", "llu":
		return true
	}
	return false
}

func parseDigits(d string) (uint64, error) {
	if d == "" {
		return 0, &LiteralError{"E110", "invalid integer literal"}
	}
	if i := strings.IndexByte(d, 'e'); i > 0 && !strings.HasPrefix(d, "0x") && !strings.HasPrefix(d, "0X") {
		coef, exp := d[:i], d[i+1:]
		if len(coef) != 1 || coef[0] == '0' {
			return 0, &LiteralError{"E113", "coefficient part of scientific literal must be 1-9"}
		}
		v := uint64(coef[0] - '0')
		n, err := parseBase(exp, 10)
		if err != nil {
			return 0, err
		}
		for ; n > 0; n-- {
			hi, lo := bits.Mul64(v, 10)
			if hi != 0 {
				return 0, &LiteralError{"E112", "integer literal out of range (over 2^64-1)"}
			}
			v = lo
		}
		return v, nil
	}
	switch {
	case len(d) > 1 && (d[1] == 'x' || d[1] == 'X'):
		if len(d) == 2 {
			return 0, &LiteralError{"E110", "hexadecimal literal has no digits"}
		}
		return parseBase(d[2:], 16)
	case len(d) > 1 && d[0] == '0':
		return parseBase(d[1:], 8)
	}
	return parseBase(d, 10)
}

func parseBase(d string, base uint64) (uint64, error) {
	var v uint64
	for i := 0; i < len(d); i++ {
		c := d[i]
		var x uint64
		switch {
		case isDigit(c):
			x = uint64(c - '0')
		case 'a' <= c && c <= 'f':
			x = uint64(c-'a') + 10
		case 'A' <= c && c <= 'F':
			x = uint64(c-'A') + 10
		}
		if x >= base {
			return 0, &LiteralError{"E110", fmt.Sprintf("invalid digit %q in base-%d literal", c, base)}
		}
		hi, lo := bits.Mul64(v, base)
		lo, carry := bits.Add64(lo, x, 0)
		if hi != 0 || carry != 0 {
			return 0, &LiteralError{"E112", "integer literal out of range (over 2^64-1)"}
		}
		v = lo
	}
	return v, nil
}

// Unquote returns the value of a string literal (with its quotes). It
// understands \n \t \r \" \\, octal \N \NN \NNN (at most 255) and hex \xH
// \xHH. Bad escapes are reported with their byte offset in lit; the
// returned value keeps the escaped character.
func Unquote(lit string) (string, []EscapeError) {
	if len(lit) < 2 || lit[0] != '"' || lit[len(lit)-1] != '"' {
		lit = strings.TrimPrefix(lit, `"`)
	} else {
		lit = lit[1 : len(lit)-1]
	}
	var b strings.Builder
	var errs []EscapeError
	for i := 0; i < len(lit); i++ {
		c := lit[i]
		if c != '\\' || i+1 >= len(lit) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := lit[i]; e {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '"', '\\':
			b.WriteByte(e)
		case 'x', 'X':
			j, v := i+1, 0
			for ; j < len(lit) && j < i+3 && isHex(lit[j]); j++ {
				v = v*16 + hexVal(lit[j])
			}
			if j == i+1 {
				errs = append(errs, EscapeError{Offset: i, Msg: `invalid escape sequence "\` + string(e) + `": expected hex digits`})
			}
			b.WriteByte(byte(v))
			i = j - 1
		default:
			if '0' <= e && e <= '7' {
				j, v := i, 0
				for ; j < len(lit) && j < i+3 && '0' <= lit[j] && lit[j] <= '7'; j++ {
					v = v*8 + int(lit[j]-'0')
				}
				if v > 255 {
					errs = append(errs, EscapeError{Offset: i, Msg: "octal escape sequence out of range (over \\377)"})
				}
				b.WriteByte(byte(v))
				i = j - 1
				continue
			}
			errs = append(errs, EscapeError{Offset: i, Msg: fmt.Sprintf(`invalid escape character '\%c'`, e)})
			b.WriteByte(e)
		}
	}
	return b.String(), errs
}

// EscapeError is a bad escape at Offset bytes into the literal's contents.
type EscapeError struct {
	Offset int
	Msg    string
}

func hexVal(c byte) int {
	switch {
	case isDigit(c):
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	}
	return int(c-'A') + 10
}

// Quote returns the canonical spelling of a string value: printable ASCII
// as is, \n \t \r \" \\ escaped, other bytes as \xNN.
func Quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		default:
			if c < 0x20 || c == 0x7f {
				fmt.Fprintf(&b, `\x%02x`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
