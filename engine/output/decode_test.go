package output

import (
	"encoding/binary"
	"errors"
	"reflect"
	"testing"

	"github.com/bt-tools/bt/lang/types"
)

// le64 concatenates little-endian u64s.
func le64(vs ...uint64) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint64(b, v)
	}
	return b
}

func TestDecode(t *testing.T) {
	neg1 := ^uint64(0)
	pair := &types.Tuple{Elems: []types.Type{types.Int8, &types.String{Len: 3}, types.Uint16}}
	rec := &types.Record{Names: []string{"x", "y"}, Elems: []types.Type{types.Int32, types.Bool}}
	st := types.NewStruct(false, "s", 8, []types.Field{
		{Name: "a", Offset: 0, Type: types.Int16},
		{Name: "lo", Offset: 2, BitOffset: 0, BitSize: 3, Type: types.Int8},
		{Name: "hi", Offset: 2, BitOffset: 3, BitSize: 5, Type: types.Uint8},
		{Name: "v", Offset: 4, Type: types.Void},
	})
	enum := types.NewEnum("e", 4, false, []types.EnumValue{{Name: "A", Value: 1}, {Name: "B", Value: 7}})
	tests := []struct {
		name string
		t    types.Type
		raw  []byte
		want Value
	}{
		{"int8", types.Int8, []byte{0xfe}, Int{V: neg1 - 1, Bits: 8, Signed: true}},
		{"uint8", types.Uint8, []byte{0xfe}, Int{V: 0xfe, Bits: 8}},
		{"int16", types.Int16, []byte{0xfe, 0xff}, Int{V: neg1 - 1, Bits: 16, Signed: true}},
		{"uint32", types.Uint32, []byte{1, 0, 0, 0x80}, Int{V: 0x80000001, Bits: 32}},
		{"int64", types.Int64, le64(neg1), Int{V: neg1, Bits: 64, Signed: true}},
		{"bool", types.Bool, []byte{2}, Bool(true)},
		{"string", &types.String{Len: 6}, []byte("abc\x00de"), String{S: "abc"}},
		{"full string", &types.String{Len: 3}, []byte("abc"), String{S: "abc", Truncated: true}},
		{"buffer", &types.Buffer{Len: 4}, []byte{2, 0, 0, 0, 'h', 'i', 'x', 'x'}, Buffer("hi")},
		{"buffer clamps length", &types.Buffer{Len: 2}, []byte{9, 0, 0, 0, 'h', 'i'}, Buffer("hi")},
		{"inet", &types.Inet{}, append(le64(2), 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
			Inet{Family: 2, Addr: [16]byte{10, 0, 0, 1}}},
		{"pointer", &types.Pointer{Elem: types.Int8}, le64(0x1000), Pointer(0x1000)},
		{"array", &types.Array{Elem: types.Int16, Len: 3}, []byte{1, 0, 2, 0, 0xff, 0xff},
			Array{Int{V: 1, Bits: 16, Signed: true}, Int{V: 2, Bits: 16, Signed: true}, Int{V: neg1, Bits: 16, Signed: true}}},
		{"tuple aligned to 8", pair, append(append(le64(5), 'a', 'b', 0, 0, 0, 0, 0, 0), le64(300)...),
			Tuple{Int{V: 5, Bits: 8, Signed: true}, String{S: "ab"}, Int{V: 300, Bits: 16}}},
		{"record", rec, append(le64(uint64(0xfffffffe)), le64(1)...),
			Record{Names: []string{"x", "y"}, Values: []Value{Int{V: neg1 - 1, Bits: 32, Signed: true}, Bool(true)}}},
		{"struct with bitfields", st, []byte{7, 0, 0b10101_110, 0, 0, 0, 0, 0},
			Record{Names: []string{"a", "lo", "hi", "v"}, Values: []Value{Int{V: 7, Bits: 16, Signed: true},
				Int{V: neg1 - 1, Bits: 8, Signed: true}, Int{V: 0b10101, Bits: 8}, None{}}}},
		{"enum", enum, []byte{7, 0, 0, 0}, Enum{V: Int{V: 7, Bits: 32}, Name: "B"}},
		{"unnamed enum", enum, []byte{3, 0, 0, 0}, Enum{V: Int{V: 3, Bits: 32}}},
		{"ksym", types.Ksym, le64(0xffff), Ksym(0xffff)},
		{"usym", types.Usym, append(le64(0x401000), 42, 0, 0, 0, 1, 0, 0, 0), Usym{Addr: 0x401000, Pid: 42}},
		{"username", types.Username, le64(1000), Username(1000)},
		{"timestamp", types.Timestamp, le64(123), Timestamp{NS: 123}},
		{"macaddr", types.Macaddr, []byte{1, 2, 3, 4, 5, 6}, Macaddr{1, 2, 3, 4, 5, 6}},
		{"cgroup", types.CgroupPath, le64(77), CgroupPath{ID: 77}},
		{"kstack", &types.Stack{Limit: 3}, le64(2, 0xa, 0xb, 0xc), Stack{Frames: []uint64{0xa, 0xb}}},
		{"ustack", &types.Stack{User: true, Limit: 2, Mode: types.StackPerf}, le64(5, 9, 0xa, 0xb),
			Stack{User: true, Mode: types.StackPerf, Pid: 9, Frames: []uint64{0xa, 0xb}}},
		{"count per cpu", countT, le64(1, 2, 3), u64(6)},
		{"sum per cpu", sumT, le64(5, neg1-9), i64(-5)},
		{"min per cpu", minT, le64(5, 1, 0, 0, neg1, 1), MinMax{Signed: true, CPUs: []MinMaxCPU{{5, true}, {0, false}, {neg1, true}}}},
		{"avg per cpu", avgT, le64(10, 2, 5, 1), Avg{Total: 15, Count: 3, Signed: true}},
		{"stats per cpu", statsT, le64(10, 2, 5, 1), Stats{Total: 15, Count: 3, Signed: true}},
	}
	for _, tt := range tests {
		got, err := Decode(tt.t, tt.raw)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %#v, want %#v", tt.name, got, tt.want)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		t    types.Type
		raw  []byte
	}{
		{"short int", types.Int64, []byte{1, 2}},
		{"short string", &types.String{Len: 8}, []byte("ab")},
		{"ragged per-CPU", countT, []byte{1, 2, 3}},
		{"hist", histT, le64(1)},
		{"tseries", &types.Agg{Kind: types.Tseries}, le64(1)},
		{"void pointer elem", types.Invalid, nil},
	} {
		if _, err := Decode(tt.t, tt.raw); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
	if _, err := Decode(&types.Agg{Kind: types.Tseries}, le64(1)); !errors.Is(err, ErrUnsupported) {
		t.Errorf("tseries: %v is not ErrUnsupported", err)
	}
}

func TestMinMaxMerge(t *testing.T) {
	m := MinMax{Signed: true, CPUs: []MinMaxCPU{{V: 3, Set: true}, {V: uint64(1<<64 - 5), Set: true}, {V: 1, Set: false}}}
	if got := m.Int().Int64(); got != -5 {
		t.Errorf("signed min = %d, want -5", got)
	}
	// bpftrace sorts by an unsigned merge, where -5 is huge.
	if got := m.merge(false); got != 3 {
		t.Errorf("unsigned min = %d, want 3", got)
	}
	m.IsMax = true
	if got := m.Int().Int64(); got != 3 {
		t.Errorf("signed max = %d, want 3", got)
	}
	if got := (MinMax{}).Int().V; got != 0 {
		t.Errorf("unset = %d, want 0", got)
	}
}

func TestBucketCollector(t *testing.T) {
	c := NewBucketCollector(types.Int64, histT)
	add := func(key int64, bucket uint64, cpus ...uint64) {
		t.Helper()
		if err := c.Add(le64(uint64(key), bucket), le64(cpus...)); err != nil {
			t.Fatal(err)
		}
	}
	add(2, 3, 1, 1)
	add(1, 0, 0, 4)
	add(2, 1, 5, 0)
	es, err := c.Entries()
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{Key: i64(2), Value: Hist{Counts: []uint64{0, 5, 0, 2}}, Raw: le64(2)},
		{Key: i64(1), Value: Hist{Counts: []uint64{4}}, Raw: le64(1)},
	}
	if !reflect.DeepEqual(es, want) {
		t.Errorf("got %#v\nwant %#v", es, want)
	}
	l := NewBucketCollector(nil, lhistT(0, 10, 2))
	if err := l.Add(le64(0, 2), le64(3)); err != nil {
		t.Fatal(err)
	}
	es, _ = l.Entries()
	if len(es) != 1 || es[0].Key != nil || !reflect.DeepEqual(es[0].Value, Lhist{Min: 0, Max: 10, Step: 2, Counts: []uint64{0, 0, 3}}) {
		t.Errorf("scalar lhist: %#v", es)
	}
	if err := l.Add([]byte{1}, le64(1)); err == nil {
		t.Error("short key accepted")
	}
}

// TestHistIndex checks the kernel bucket formulas of LANGUAGE.md 5.2
// against a direct search of the 0.26 labels: value v must lie in
// [lower, upper) of its bucket.
func TestHistIndex(t *testing.T) {
	for k := 0; k <= 5; k++ {
		for _, v := range []int64{-9, -1, 0, 1, 2, 3, 4, 5, 7, 8, 31, 32, 33, 1000, 1 << 20, 1<<20 + 12345, 1<<62 + 99, 1<<63 - 1} {
			i := int(HistIndex(v, k))
			if v < 0 {
				if i != 0 {
					t.Errorf("HistIndex(%d, %d) = %d, want 0", v, k, i)
				}
				continue
			}
			lo, hi := histLabel(i-1, k).n, histLabel(i, k).n
			if i == 1 {
				lo = 0
			}
			if uint64(v) < lo || (hi > lo && uint64(v) >= hi) {
				t.Errorf("HistIndex(%d, %d) = %d covering [%d, %d)", v, k, i, lo, hi)
			}
		}
	}
	for _, tt := range []struct{ v, want int64 }{{-1, 0}, {0, 1}, {1, 1}, {2, 2}, {9, 5}, {10, 6}, {11, 6}} {
		if got := LhistIndex(tt.v, 0, 10, 2); got != uint64(tt.want) {
			t.Errorf("LhistIndex(%d, 0, 10, 2) = %d, want %d", tt.v, got, tt.want)
		}
	}
}

func TestZero(t *testing.T) {
	p := NewPrinter(Era026, Text)
	rec := &types.Record{Names: []string{"a", "b"}, Elems: []types.Type{types.Int64, &types.Tuple{Elems: []types.Type{types.Int64, str64}}}}
	for _, tt := range []struct {
		t    types.Type
		want string
	}{
		// runtime/call print_empty_scalar_*
		{types.Int64, "@: 0\n"},
		{statsT, "@: { .count = 0, .average = 0, .total = 0 }\n"},
		{rec, "@: { .a = 0, .b = (0, ) }\n"},
		{histT, "@:\n\n"},
		{countT, "@: 0\n"},
	} {
		v, err := Zero(tt.t)
		if err != nil {
			t.Fatal(err)
		}
		got, err := p.FormatMap(scalar("@", tt.t, v), MapOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.t, got, tt.want)
		}
	}
}
