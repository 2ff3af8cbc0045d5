package output

import (
	"encoding/binary"
	"net/netip"
	"strings"
	"testing"

	"github.com/bt-tools/bt/lang/types"
)

// Shared fixtures for the tests.

var (
	str64  = &types.String{Len: 64}
	countT = &types.Agg{Kind: types.Count}
	sumT   = &types.Agg{Kind: types.Sum, Signed: true}
	minT   = &types.Agg{Kind: types.Min, Signed: true}
	maxT   = &types.Agg{Kind: types.Max, Signed: true}
	avgT   = &types.Agg{Kind: types.Avg, Signed: true}
	statsT = &types.Agg{Kind: types.Stats, Signed: true}
	histT  = &types.Agg{Kind: types.Hist}
	lhistT = func(min, max, step int64) *types.Agg {
		return &types.Agg{Kind: types.Lhist, Min: min, Max: max, Step: step}
	}
	tupleIS = &types.Tuple{Elems: []types.Type{types.Int64, str64}}
)

func i64(v int64) Int       { return IntOf(v) }
func u64(v uint64) Int      { return UintOf(v) }
func s(v string) String     { return Str(v) }
func tup(vs ...Value) Tuple { return Tuple(vs) }

// rawKey is the kernel bytes of an int64 key.
func rawKey(v int64) []byte { return binary.LittleEndian.AppendUint64(nil, uint64(v)) }

// hist builds a hist(v, k) value from samples.
func hist(k int, samples ...int64) Hist {
	h := Hist{Bits: k}
	for _, v := range samples {
		i := HistIndex(v, k)
		for uint64(len(h.Counts)) <= i {
			h.Counts = append(h.Counts, 0)
		}
		h.Counts[i]++
	}
	return h
}

// lhist builds an lhist(v, min, max, step) value from samples.
func lhist(min, max, step int64, samples ...int64) Lhist {
	l := Lhist{Min: min, Max: max, Step: step}
	for _, v := range samples {
		i := LhistIndex(v, min, max, step)
		for uint64(len(l.Counts)) <= i {
			l.Counts = append(l.Counts, 0)
		}
		l.Counts[i]++
	}
	return l
}

func minmax(isMax bool, vals ...int64) MinMax {
	m := MinMax{IsMax: isMax, Signed: true}
	for _, v := range vals {
		m.CPUs = append(m.CPUs, MinMaxCPU{V: uint64(v), Set: true})
	}
	return m
}

// stats builds a stats or avg value from samples.
func statsOf2(samples ...int64) (total, count uint64) {
	for _, v := range samples {
		total += uint64(v)
		count++
	}
	return total, count
}

func avgOf(samples ...int64) Avg {
	t, c := statsOf2(samples...)
	return Avg{Total: t, Count: c, Signed: true}
}

func statsVal(samples ...int64) Stats {
	t, c := statsOf2(samples...)
	return Stats{Total: t, Count: c, Signed: true}
}

func scalar(name string, vt types.Type, v Value) MapDump {
	return MapDump{Name: name, Value: vt, Entries: []Entry{{Value: v}}}
}

func keyed(name string, kt, vt types.Type, kvs ...Value) MapDump {
	m := MapDump{Name: name, Key: kt, Value: vt}
	for i := 0; i+1 < len(kvs); i += 2 {
		e := Entry{Key: kvs[i], Value: kvs[i+1]}
		if k, ok := kvs[i].(Int); ok {
			e.Raw = rawKey(int64(k.V))
		}
		m.Entries = append(m.Entries, e)
	}
	return m
}

// session records what a bpftrace run writes to stdout.
type session struct {
	t *testing.T
	p *Printer
	b strings.Builder
}

func newSession(t *testing.T, p *Printer) *session { return &session{t: t, p: p} }

func (r *session) msg(m Message) {
	if m.Stream == Stdout {
		r.b.WriteString(m.Text)
	}
}

func (r *session) printf(format string, args ...Value) {
	r.msg(r.p.Printf(r.p.Sprintf(format, args)))
}

func (r *session) print(m MapDump, top int, div uint64) {
	r.t.Helper()
	out, err := r.p.FormatMap(m, MapOptions{Top: top, Div: div})
	if err != nil {
		r.t.Fatal(err)
	}
	r.b.WriteString(out)
}

func (r *session) value(v Value) { r.msg(r.p.PrintValue(v)) }

// exit prints the END separator and then the maps, as at exit.
func (r *session) exit(maps ...MapDump) {
	r.msg(r.p.End())
	for _, m := range maps {
		r.print(m, 0, 0)
	}
}

// mustAddr parses an IPv6 address into its 16 bytes.
func mustAddr(s string) [16]byte { return netip.MustParseAddr(s).As16() }
