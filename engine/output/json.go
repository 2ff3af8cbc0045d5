package output

import (
	"math/bits"
	"strconv"
	"strings"
)

// JSON renders v as the "data" of a JSON "value" event.
func (p *Printer) JSON(v Value) string {
	var b strings.Builder
	p.writeJSON(&b, v)
	return b.String()
}

func (p *Printer) writeJSON(b *strings.Builder, v Value) {
	if p.old() {
		p.writeJSON017(b, v)
		return
	}
	switch v := v.(type) {
	case Int:
		b.WriteString(intJSON(v))
	case Bool:
		b.WriteString(strconv.FormatBool(bool(v)))
	case String:
		b.WriteString(quote(p.stringText(v)))
	case Buffer:
		writeBufferJSON(b, v)
	case Pointer:
		b.WriteString(jsonUint(uint64(v)))
	case Enum:
		// JSON keeps enums numeric for the programs that parse it.
		b.WriteString(jsonUint(enumNumeric(v)))
	case Array:
		p.writeJSONList(b, v)
	case Tuple:
		p.writeJSONList(b, v)
	case Record:
		p.writeJSONRecord(b, v.Names, v.Values, "{", "}")
	case statsRecord:
		p.writeJSONRecord(b, statsNames, []Value{v.Count, v.Average, v.Total}, "{", "}")
	case None:
		b.WriteString("null")
	default:
		p.writeJSONCommon(b, v)
	}
}

var statsNames = []string{"count", "average", "total"}

// writeJSON017 follows 0.17's JsonOutput: numbers unquoted and never
// checked for precision, pointers as decimal numbers, records as
// "{ "a": 1 }" with inner spaces, buffers as escaped text, and timestamps,
// MAC addresses and cgroup paths left unquoted (sic).
func (p *Printer) writeJSON017(b *strings.Builder, v Value) {
	switch v := v.(type) {
	case Int:
		b.WriteString(intText(v, false))
	case Pointer:
		b.WriteString(strconv.FormatInt(int64(v), 10))
	case String, Buffer:
		b.WriteString(quote(p.Text(v)))
	case Array:
		p.writeJSONList(b, v)
	case Tuple:
		p.writeJSONList(b, v)
	case Record:
		p.writeJSONRecord(b, v.Names, v.Values, "{ ", " }")
	case statsRecord:
		p.writeJSONRecord(b, statsNames, []Value{v.Count, v.Average, v.Total}, "{", "}")
	case Timestamp, Macaddr, CgroupPath:
		b.WriteString(p.Text(v))
	case Bool, Enum, None:
		b.WriteString(p.Text(v))
	default:
		p.writeJSONCommon(b, v)
	}
}

// writeJSONCommon renders what both eras print alike: resolved names as
// strings, aggregations as their printed value, histograms as buckets.
func (p *Printer) writeJSONCommon(b *strings.Builder, v Value) {
	switch v := v.(type) {
	case MinMax, Avg, Stats:
		p.writeJSON(b, divide(v, 1, p.old()))
	case Hist, Lhist:
		p.writeHistJSON(b, v, 1)
	default:
		b.WriteString(quote(p.Text(v)))
	}
}

func (p *Printer) writeJSONList(b *strings.Builder, vs []Value) {
	b.WriteByte('[')
	for i, v := range vs {
		if i > 0 {
			b.WriteByte(',')
		}
		p.writeJSON(b, v)
	}
	b.WriteByte(']')
}

func (p *Printer) writeJSONRecord(b *strings.Builder, names []string, vs []Value, open, close string) {
	b.WriteString(open)
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quote(names[i]) + ": ")
		p.writeJSON(b, v)
	}
	b.WriteString(close)
}

// writeBufferJSON prints a buffer as 0.26 does: an array of the bytes as
// signed chars.
func writeBufferJSON(b *strings.Builder, data []byte) {
	b.WriteByte('[')
	for i, c := range data {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(int(int8(c))))
	}
	b.WriteByte(']')
}

// intJSON prints an integer, as a string when a double cannot hold it.
func intJSON(v Int) string {
	if v.Signed {
		return jsonInt(int64(v.V))
	}
	return jsonUint(v.V)
}

// jsonInt prints n, quoted when it does not survive a round trip through
// a double (RFC 8259's interoperable range), as 0.26 does.
func jsonInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	mag := uint64(n)
	if n < 0 {
		mag = -mag
	}
	if !fitsDouble(mag) {
		return `"` + s + `"`
	}
	return s
}

// jsonUint is jsonInt for unsigned numbers.
func jsonUint(n uint64) string {
	s := strconv.FormatUint(n, 10)
	if !fitsDouble(n) {
		return `"` + s + `"`
	}
	return s
}

// fitsDouble reports whether a double holds n exactly: its significant
// bits span at most 53.
func fitsDouble(n uint64) bool {
	if n == 0 {
		return true
	}
	return bits.Len64(n)-bits.TrailingZeros64(n) <= 53
}

// quote escapes s as bpftrace's JSON emitter does: quote, backslash, \n,
// \r and \t by name, other bytes up to 0x1f as \u00XX, and, because the
// byte is compared as a signed char and printed as an int in hex, every
// byte from 0x80 as \uffffffXX.
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	const hexdigits = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			switch {
			case c >= 0x80:
				b.WriteString(`\uffffff`)
				b.WriteByte(hexdigits[c>>4])
				b.WriteByte(hexdigits[c&15])
			case c <= 0x1f:
				b.WriteString(`\u00`)
				b.WriteByte(hexdigits[c>>4])
				b.WriteByte(hexdigits[c&15])
			default:
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
