package output

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/bt-tools/bt/lang/types"
)

// Text renders v as print() does in text mode and as printf's %s does.
// Aggregation values print as in a map: min/max/avg as one integer, stats
// as its record (0.26) or "count N, average N, total N" (0.17).
func (p *Printer) Text(v Value) string {
	var b strings.Builder
	p.writeText(&b, v, false)
	return b.String()
}

// keyText renders a map key element. 0.17 prints keys its own way: every
// integer signed, pointers in hex, records without spaces, stacks indented
// by 4.
func (p *Printer) keyText(v Value) string {
	var b strings.Builder
	p.writeText(&b, v, true)
	return b.String()
}

func (p *Printer) writeText(b *strings.Builder, v Value, key bool) {
	switch v := v.(type) {
	case Int:
		b.WriteString(intText(v, key && p.old()))
	case Bool:
		b.WriteString(strconv.FormatBool(bool(v)))
	case String:
		b.WriteString(p.stringText(v))
	case Buffer:
		b.WriteString(hexBuffer(v, true, true))
	case Pointer:
		b.WriteString(p.pointerText(v, key))
	case Array:
		p.writeList(b, "[", ",", "]", v, key)
	case Tuple:
		p.writeList(b, "(", ", ", ")", v, key)
	case Record:
		p.writeRecord(b, v, key)
	case statsRecord:
		b.WriteString(p.statsText(v))
	case Hist, Lhist:
		p.writeHistRows(b, v, 1)
	default:
		b.WriteString(p.scalarText(v, key))
	}
}

// scalarText renders the values that print as one word.
func (p *Printer) scalarText(v Value, key bool) string {
	switch v := v.(type) {
	case Inet:
		return inetText(v)
	case Enum:
		return p.enumText(v)
	case Ksym:
		return p.ksymText(uint64(v), false)
	case Usym:
		return p.usymText(v.Pid, v.Addr, false, false)
	case Stack:
		return p.stackText(v, key)
	case Username:
		name, _ := p.users().Username(uint64(v))
		return name
	case Timestamp:
		return p.timestampText(v)
	case Macaddr:
		return p.macText(v)
	case CgroupPath:
		if p.Cgroups == nil {
			return ""
		}
		return p.Cgroups.CgroupPath(v.ID, v.Filter)
	case None:
		return "null"
	case MinMax, Avg, Stats:
		var b strings.Builder
		p.writeText(&b, divide(v, 1, p.old()), key)
		return b.String()
	}
	return fmt.Sprintf("%v", v)
}

// intText renders an integer in its signedness; 0.17's map keys are always
// read as int64.
func intText(v Int, asSigned bool) string {
	if v.Signed || asSigned {
		return strconv.FormatInt(int64(v.V), 10)
	}
	return strconv.FormatUint(v.V, 10)
}

func (p *Printer) stringText(s String) string {
	if s.Truncated && !p.old() {
		return s.S + p.TruncTrailer
	}
	return s.S
}

// pointerText: 0.26 prints pointers in hex; 0.17 printed map values in
// decimal and map keys in hex.
func (p *Printer) pointerText(v Pointer, key bool) string {
	if p.old() && !key {
		return strconv.FormatInt(int64(v), 10)
	}
	return "0x" + strconv.FormatUint(uint64(v), 16)
}

func (p *Printer) writeList(b *strings.Builder, open, sep, close string, vs []Value, key bool) {
	b.WriteString(open)
	for i, v := range vs {
		if i > 0 {
			b.WriteString(sep)
		}
		p.writeText(b, v, key)
	}
	b.WriteString(close)
}

// writeRecord prints "{ .a = 1, .b = x }"; 0.17 printed an empty struct as
// "{  }" and struct keys as "{.a=1,.b=x}"; 0.26 prints "{}".
func (p *Printer) writeRecord(b *strings.Builder, r Record, key bool) {
	open, sep, eq, close := "{ ", ", ", " = ", " }"
	switch {
	case p.old() && key:
		open, sep, eq, close = "{", ",", "=", "}"
	case !p.old() && len(r.Values) == 0:
		b.WriteString("{}")
		return
	}
	b.WriteString(open)
	for i, v := range r.Values {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString("." + r.Names[i] + eq)
		p.writeText(b, v, key)
	}
	b.WriteString(close)
}

// enumText prints the enumerator's name (0.26) or the number. An
// unnamed value prints as the unsigned number of the enum's width.
func (p *Printer) enumText(e Enum) string {
	if p.old() {
		return intText(e.V, false)
	}
	if e.Name != "" {
		return e.Name
	}
	return strconv.FormatUint(enumNumeric(e), 10)
}

// enumNumeric is the value bpftrace reads for an enum: unsigned, of the
// enum's width.
func enumNumeric(e Enum) uint64 {
	if e.V.Bits > 0 && e.V.Bits < 64 {
		return e.V.V & (1<<e.V.Bits - 1)
	}
	return e.V.V
}

// voidPtr prints an address as a C++ ostream prints a void*: "0" for
// null, else 0x and lower-case hex.
func voidPtr(addr uint64) string {
	if addr == 0 {
		return "0"
	}
	return "0x" + strconv.FormatUint(addr, 16)
}

func (p *Printer) ksymText(addr uint64, offset bool) string {
	var s Symbol
	if p.Symbols != nil {
		s = p.Symbols.Kernel(addr)
	}
	if s.Name == "" {
		return voidPtr(addr)
	}
	if offset {
		return s.Name + "+" + strconv.FormatUint(s.Offset, 10)
	}
	return s.Name
}

func (p *Printer) usymText(pid int32, addr uint64, offset, perf bool) string {
	var s Symbol
	if p.Symbols != nil {
		s = p.Symbols.User(int(pid), addr)
	}
	if s.Name == "" {
		if perf {
			return voidPtr(addr) + " ([unknown])"
		}
		return voidPtr(addr)
	}
	name := s.Name
	if offset {
		name += "+" + strconv.FormatUint(s.Offset, 10)
	}
	if perf {
		name += " (" + s.Module + ")"
	}
	return name
}

// stackText prints a newline and then one frame per line: "sym+off"
// indented by 8 (4 for 0.17 map keys), "\taddr sym+off" in perf mode, the
// bare hex address in raw mode (build_id stacks print raw too). 0.26 stops
// at an all-ones "<unwind failure>" frame, 0.17 at a zero frame.
func (p *Printer) stackText(s Stack, key bool) string {
	var b strings.Builder
	pad := "        "
	if key && p.old() {
		pad = "    "
	}
	b.WriteByte('\n')
	for _, addr := range s.Frames {
		if p.old() && addr == 0 {
			break
		}
		if !p.old() && addr == ^uint64(0) {
			b.WriteString(pad + "<unwind failure>\n")
			break
		}
		b.WriteString(p.frameText(s, addr, pad))
	}
	return b.String()
}

func (p *Printer) frameText(s Stack, addr uint64, pad string) string {
	perf := s.Mode == types.StackPerf
	if !p.old() && (s.Mode == types.StackRaw || s.Mode == types.StackBuildID) {
		return strconv.FormatUint(addr, 16) + "\n"
	}
	sym := p.ksymText(addr, true)
	if s.User {
		sym = p.usymText(s.Pid, addr, true, perf)
	}
	if perf {
		return "\t" + strconv.FormatUint(addr, 16) + " " + sym + "\n"
	}
	return pad + sym + "\n"
}

// macText prints "AA:BB:CC:DD:EE:FF". 0.26 passes the bytes to snprintf
// as (signed) char, so a byte above 0x7f prints as FFFFFFxx, and the
// result is cut to 17 characters; 0.17 printed the bytes unsigned.
func (p *Printer) macText(m Macaddr) string {
	var b strings.Builder
	for i, c := range m {
		if i > 0 {
			b.WriteByte(':')
		}
		if p.old() {
			fmt.Fprintf(&b, "%02X", c)
		} else {
			fmt.Fprintf(&b, "%02X", uint32(int32(int8(c))))
		}
	}
	s := b.String()
	return s[:min(len(s), 17)]
}

// hexBuffer renders bytes as bpftrace's hex_format_buffer: printable ASCII
// as is (keepASCII), the rest as \xNN (escape) or as "NN" separated by
// spaces.
func hexBuffer(data []byte, keepASCII, escape bool) string {
	var b strings.Builder
	const hexdigits = "0123456789abcdef"
	for i, c := range data {
		switch {
		case keepASCII && c >= 32 && c <= 126:
			b.WriteByte(c)
		case escape:
			b.WriteString(`\x`)
			b.WriteByte(hexdigits[c>>4])
			b.WriteByte(hexdigits[c&15])
		default:
			b.WriteByte(hexdigits[c>>4])
			b.WriteByte(hexdigits[c&15])
			if i < len(data)-1 {
				b.WriteByte(' ')
			}
		}
	}
	return b.String()
}

// statsRecord is a stats() value as printed: the three numbers after
// print's div was applied.
type statsRecord struct{ Count, Average, Total Int }

func (statsRecord) isValue() {}

// statsText prints "count 3, average 2, total 6" (0.17) or
// "{ .count = 3, .average = 2, .total = 6 }" (0.26).
func (p *Printer) statsText(s statsRecord) string {
	if p.old() {
		return fmt.Sprintf("count %d, average %d, total %d", s.Count.Int64(), s.Average.Int64(), s.Total.Int64())
	}
	return "{ .count = " + intText(s.Count, false) + ", .average = " + intText(s.Average, false) +
		", .total = " + intText(s.Total, false) + " }"
}

// divide applies print()'s div to a map value and turns aggregations into
// what is printed: min/max/avg into an Int, stats into a statsRecord.
// Integers inside tuples, records and arrays are divided too, as bpftrace
// passes div down; hist counts are divided when the rows are built.
func divide(v Value, div uint64, old bool) Value {
	if div == 0 {
		div = 1
	}
	switch v := v.(type) {
	case Int:
		return divInt(v, div)
	case MinMax:
		return divInt(v.Int(), div)
	case Avg:
		// 0.17 computed every average as int64.
		return divInt(average(v.Total, v.Count, v.Signed || old), div)
	case Stats:
		return statsOf(v, div, old)
	case Tuple:
		return Tuple(divideAll(v, div, old))
	case Array:
		return Array(divideAll(v, div, old))
	case Record:
		return Record{Names: v.Names, Values: divideAll(v.Values, div, old)}
	}
	return v
}

func divideAll(vs []Value, div uint64, old bool) []Value {
	out := make([]Value, len(vs))
	for i, v := range vs {
		out[i] = divide(v, div, old)
	}
	return out
}

func divInt(v Int, div uint64) Int {
	if div == 1 {
		return v
	}
	if v.Signed {
		v.V = uint64(int64(v.V) / int64(div))
	} else {
		v.V /= div
	}
	return v
}

// statsOf builds the printed stats: 0.26 divides the average by div, 0.17
// ignored div for stats. In 0.17 all three were int64.
func statsOf(s Stats, div uint64, old bool) statsRecord {
	signed := s.Signed || old
	avg := average(s.Total, s.Count, signed)
	if !old {
		avg = divInt(avg, div)
	}
	return statsRecord{
		Count:   Int{V: s.Count, Bits: 64, Signed: signed},
		Average: avg,
		Total:   Int{V: s.Total, Bits: 64, Signed: signed},
	}
}
