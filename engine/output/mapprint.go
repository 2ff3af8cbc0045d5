package output

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/bt-tools/bt/lang/types"
)

// Entry is one element of a map.
type Entry struct {
	Key   Value // nil for a scalar map
	Value Value
	// Raw is the key as the kernel stores it, if known. bpftrace gathers
	// hist maps (and 0.17 stats maps) in a container ordered by these
	// bytes, so they order entries with equal totals.
	Raw []byte
}

// MapDump is the content of a map when it is printed.
type MapDump struct {
	Name    string     // "@name", or "@" for the anonymous map
	Key     types.Type // nil for a scalar map
	Value   types.Type
	Entries []Entry // in the kernel's iteration order
}

// MapOptions are print()'s optional arguments.
type MapOptions struct {
	Top int    // print only the Top last (largest) entries; 0 prints all
	Div uint64 // divide printed values by Div; 0 means 1
}

// PrintMap writes m as print(@m, top, div) and the exit-time dump do.
func (p *Printer) PrintMap(w io.Writer, m MapDump, opts MapOptions) error {
	s, err := p.FormatMap(m, opts)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, s)
	return err
}

// FormatMap returns what [Printer.PrintMap] writes.
func (p *Printer) FormatMap(m MapDump, opts MapOptions) (string, error) {
	kind, err := classify(m.Value)
	if err != nil {
		return "", fmt.Errorf("print %s: %w", m.Name, err)
	}
	if opts.Div == 0 {
		opts.Div = 1
	}
	entries := p.order(m, kind)
	if opts.Top > 0 && len(entries) > opts.Top && p.topApplies(kind) {
		entries = entries[len(entries)-opts.Top:]
	}
	var b strings.Builder
	switch {
	case p.Format == JSON:
		p.mapJSON(&b, m, kind, entries, opts.Div)
	case p.old():
		p.mapText017(&b, m, kind, entries, opts.Div)
	default:
		p.mapText026(&b, m, entries, opts.Div)
	}
	return b.String(), nil
}

// ---------------------------------------------------------------------------
// Ordering

// valueKind groups value types by how bpftrace sorts and prints them.
type valueKind int

const (
	kindOther  valueKind = iota // sorted by key
	kindInt                     // count, sum, integers: by value
	kindShort                   // integers narrower than 64 bits (see order)
	kindMinMax                  // min, max
	kindAvg
	kindStats
	kindHist // hist, lhist: by total count
	kindStack
)

func classify(t types.Type) (valueKind, error) {
	switch t := t.(type) {
	case *types.Agg:
		return aggKind(t)
	case *types.Int:
		if t.Bits < 64 {
			return kindShort, nil
		}
		return kindInt, nil
	case *types.Enum:
		if t.Size() < 8 {
			return kindShort, nil
		}
		return kindInt, nil
	case *types.Stack:
		return kindStack, nil
	case *types.Basic:
		if t.Kind == types.KsymKind || t.Kind == types.UsymKind {
			return kindStack, nil
		}
	case *types.Inet:
		return kindStack, nil
	}
	return kindOther, nil
}

func aggKind(t *types.Agg) (valueKind, error) {
	switch t.Kind {
	case types.Count, types.Sum:
		return kindInt, nil
	case types.Min, types.Max:
		return kindMinMax, nil
	case types.Avg:
		return kindAvg, nil
	case types.Stats:
		return kindStats, nil
	case types.Hist, types.Lhist:
		return kindHist, nil
	}
	return 0, fmt.Errorf("%s maps: %w", t, ErrUnsupported)
}

// topApplies: 0.17 ignored top for stats maps.
func (p *Printer) topApplies(k valueKind) bool { return !(p.old() && k == kindStats) }

// order returns the entries in bpftrace's print order: ascending by value
// for integers and aggregations, by total for histograms, else by key.
// Sorts are stable, so ties keep the kernel's order as bpftrace's sorts
// keep it for the small maps where they run as insertion sorts.
func (p *Printer) order(m MapDump, kind valueKind) []Entry {
	es := slices.Clone(m.Entries)
	switch kind {
	case kindInt:
		signed := isSigned(m.Value)
		slices.SortStableFunc(es, func(a, b Entry) int { return cmpInt(intOf(a.Value), intOf(b.Value), signed) })
	case kindShort:
		// 0.26 reads every value as 64 bits wide; a narrower one reads as
		// no number at all, so all compare equal and nothing moves.
		if p.old() {
			slices.SortStableFunc(es, func(a, b Entry) int { return cmpInt(intOf(a.Value), intOf(b.Value), isSigned(m.Value)) })
		}
	case kindMinMax:
		slices.SortStableFunc(es, p.cmpMinMax)
	case kindAvg, kindStats:
		if p.old() {
			sortByRaw(es)
		}
		slices.SortStableFunc(es, p.cmpAverage)
	case kindHist:
		sortByRaw(es)
		slices.SortStableFunc(es, func(a, b Entry) int { return cmp.Compare(histTotal(a.Value), histTotal(b.Value)) })
	default:
		p.sortByKey(es, m.Key)
	}
	return es
}

func isSigned(t types.Type) bool {
	switch t := t.(type) {
	case *types.Int:
		return t.Signed
	case *types.Agg:
		return t.Signed
	case *types.Enum:
		return t.Signed
	}
	return false
}

func intOf(v Value) Int {
	switch v := v.(type) {
	case Int:
		return v
	case Enum:
		return v.V
	case MinMax:
		return v.Int()
	}
	return Int{}
}

func cmpInt(a, b Int, signed bool) int {
	if signed {
		return cmp.Compare(int64(a.V), int64(b.V))
	}
	return cmp.Compare(a.V, b.V)
}

// cmpMinMax: 0.26 compares an unsigned merge of the per-CPU slots; 0.17
// compared min signed and max unsigned.
func (p *Printer) cmpMinMax(a, b Entry) int {
	x, _ := a.Value.(MinMax)
	y, _ := b.Value.(MinMax)
	if p.old() {
		return cmpInt(x.Int(), y.Int(), !x.IsMax)
	}
	return cmp.Compare(x.merge(false), y.merge(false))
}

// cmpAverage compares averages, in the argument's signedness (0.26) or
// always signed (0.17).
func (p *Printer) cmpAverage(a, b Entry) int {
	x, xs := averageOf(a.Value)
	y, _ := averageOf(b.Value)
	return cmpInt(x, y, xs || p.old())
}

func averageOf(v Value) (Int, bool) {
	switch v := v.(type) {
	case Avg:
		return average(v.Total, v.Count, v.Signed), v.Signed
	case Stats:
		return average(v.Total, v.Count, v.Signed), v.Signed
	}
	return Int{}, false
}

func histTotal(v Value) uint64 {
	switch v := v.(type) {
	case Hist:
		return v.Total()
	case Lhist:
		return v.Total()
	}
	return 0
}

func sortByRaw(es []Entry) {
	slices.SortStableFunc(es, func(a, b Entry) int { return bytes.Compare(a.Raw, b.Raw) })
}

// sortByKey orders by integer and string keys; for tuples by each element
// that is one, the first element most significant. 0.26 compares integers
// signed at their width, 0.17 unsigned at 64 bits.
func (p *Printer) sortByKey(es []Entry, key types.Type) {
	tup, ok := key.(*types.Tuple)
	if !ok {
		p.sortByKeyElem(es, key, func(e Entry) Value { return e.Key })
		return
	}
	for i := len(tup.Elems) - 1; i >= 0; i-- {
		p.sortByKeyElem(es, tup.Elems[i], func(e Entry) Value { return tupleElem(e.Key, i) })
	}
}

func tupleElem(v Value, i int) Value {
	if t, ok := v.(Tuple); ok && i < len(t) {
		return t[i]
	}
	return nil
}

func (p *Printer) sortByKeyElem(es []Entry, t types.Type, get func(Entry) Value) {
	switch t.(type) {
	case *types.Int, *types.Enum:
		slices.SortStableFunc(es, func(a, b Entry) int {
			x, y := intOf(get(a)), intOf(get(b))
			if p.old() {
				return cmp.Compare(x.V, y.V)
			}
			return cmp.Compare(signExtend(x), signExtend(y))
		})
	case *types.String:
		slices.SortStableFunc(es, func(a, b Entry) int {
			x, _ := get(a).(String)
			y, _ := get(b).(String)
			return strings.Compare(x.S, y.S)
		})
	}
}

// signExtend reads an integer's bits as a signed number of its width.
func signExtend(v Int) int64 {
	if v.Bits <= 0 || v.Bits >= 64 {
		return int64(v.V)
	}
	shift := 64 - v.Bits
	return int64(v.V<<shift) >> shift
}

// ---------------------------------------------------------------------------
// Text

// mapText026 prints "@name[key]: value" per entry (tuple keys without their
// parentheses) and, for histograms, "@name[key]:" and the rows and a blank
// line. An empty map prints nothing.
func (p *Printer) mapText026(b *strings.Builder, m MapDump, es []Entry, div uint64) {
	for _, e := range es {
		b.WriteString(m.Name)
		if m.Key != nil {
			b.WriteString("[" + stripParens(p.Text(e.Key)) + "]")
		}
		if isHist(e.Value) {
			b.WriteString(":\n")
			p.writeHistRows(b, e.Value, div)
			b.WriteString("\n")
			continue
		}
		b.WriteString(": ")
		p.writeText(b, divide(e.Value, div, false), false)
		b.WriteString("\n")
	}
}

// stripParens drops the outer parentheses of a tuple key, as bpftrace
// does for any key text that starts with '(' and ends with ')'.
func stripParens(s string) string {
	if len(s) >= 2 && s[0] == '(' && s[len(s)-1] == ')' {
		return s[1 : len(s)-1]
	}
	return s
}

func isHist(v Value) bool {
	switch v.(type) {
	case Hist, Lhist:
		return true
	}
	return false
}

// mapText017 prints the entries as "@name[k1, k2]: value" joined by
// newlines, and a newline. Histograms print "@name[k]: " (with a trailing
// space) and their rows; stats and avg maps end with a blank line; maps of
// stacks, symbols and addresses were joined without separator (sic). An
// empty map prints its final newline(s) only.
func (p *Printer) mapText017(b *strings.Builder, m MapDump, kind valueKind, es []Entry, div uint64) {
	parts := make([]string, len(es))
	for i, e := range es {
		var eb strings.Builder
		eb.WriteString(m.Name)
		if m.Key != nil {
			eb.WriteString("[" + p.keyParts017(e.Key, ", ") + "]")
		}
		eb.WriteString(": ")
		if isHist(e.Value) {
			eb.WriteString("\n")
			p.writeHistRows(&eb, e.Value, div)
		} else {
			p.writeText(&eb, divide(e.Value, div, true), false)
		}
		parts[i] = eb.String()
	}
	sep := "\n"
	if kind == kindStack {
		sep = ""
	}
	b.WriteString(strings.Join(parts, sep))
	b.WriteString("\n")
	if kind == kindAvg || kind == kindStats {
		b.WriteString("\n")
	}
}

// keyParts017 prints a key as 0.17's list of key arguments.
func (p *Printer) keyParts017(k Value, sep string) string {
	t, ok := k.(Tuple)
	if !ok {
		return p.keyText(k)
	}
	parts := make([]string, len(t))
	for i, v := range t {
		parts[i] = p.keyText(v)
	}
	return strings.Join(parts, sep)
}

// ---------------------------------------------------------------------------
// JSON

// mapJSON prints {"type": T, "data": {"@name": V}} with T "hist" for
// histograms, "stats" for avg and stats, else "map", and V the value of a
// scalar map or an object of the entries. An empty map prints nothing.
func (p *Printer) mapJSON(b *strings.Builder, m MapDump, kind valueKind, es []Entry, div uint64) {
	if len(es) == 0 {
		return
	}
	typ := "map"
	switch kind {
	case kindHist:
		typ = "hist"
	case kindAvg, kindStats:
		typ = "stats"
	}
	b.WriteString(`{"type": "` + typ + `", "data": {` + quote(m.Name) + ": ")
	if m.Key == nil {
		p.writeMapValueJSON(b, es[0].Value, div)
	} else {
		b.WriteByte('{')
		for i, e := range es {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(quote(p.jsonKey(e.Key)) + ": ")
			p.writeMapValueJSON(b, e.Value, div)
		}
		b.WriteByte('}')
	}
	b.WriteString("}}\n")
}

func (p *Printer) writeMapValueJSON(b *strings.Builder, v Value, div uint64) {
	if isHist(v) {
		p.writeHistJSON(b, v, div)
		return
	}
	p.writeJSON(b, divide(v, div, p.old()))
}

// jsonKey is the text of a key in a JSON object: 0.26 takes the text
// form, drops a tuple's parentheses and every space; 0.17 joined the key
// arguments with ",".
func (p *Printer) jsonKey(k Value) string {
	if p.old() {
		return p.keyParts017(k, ",")
	}
	return strings.ReplaceAll(stripParens(p.Text(k)), " ", "")
}
