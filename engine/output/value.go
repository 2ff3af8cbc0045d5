package output

import "github.com/bt-tools/bt/lang/types"

// Value is a decoded bpftrace value. The concrete types are the ones
// declared in this file; the interface is closed.
type Value interface{ isValue() }

// Int is an integer of Bits bits. V holds its two's complement bits
// sign-extended (Signed) or zero-extended to 64 bits, so int64(V) and V are
// the signed and unsigned readings.
type Int struct {
	V      uint64
	Bits   int // 8, 16, 32 or 64; 0 means 64
	Signed bool
}

// IntOf returns a signed 64-bit Int.
func IntOf(v int64) Int { return Int{V: uint64(v), Bits: 64, Signed: true} }

// UintOf returns an unsigned 64-bit Int.
func UintOf(v uint64) Int { return Int{V: v, Bits: 64} }

// Int64 returns the value as a signed integer.
func (i Int) Int64() int64 { return int64(i.V) }

// Bool is a bool.
type Bool bool

// String is a string cut at its NUL. Truncated reports that the string
// filled its buffer without a NUL (the 0.26 era then prints the
// str_trunc_trailer after it).
type String struct {
	S         string
	Truncated bool
}

// Str returns a String.
func Str(s string) String { return String{S: s} }

// Buffer is the data of a buf() value.
type Buffer []byte

// Inet is an ntop() address: an address family (AF_INET 2, AF_INET6 10)
// and 16 bytes of address, of which AF_INET uses the first 4.
type Inet struct {
	Family uint64
	Addr   [16]byte
}

// Pointer is a pointer value.
type Pointer uint64

// Array is a fixed-size array.
type Array []Value

// Tuple is a tuple.
type Tuple []Value

// Record is a record (named tuple) or a C struct or union: field names and
// values in declaration order.
type Record struct {
	Names  []string
	Values []Value
}

// Enum is a value of a C enum; Name is its enumerator, or "" when the value
// has none (it then prints as a number).
type Enum struct {
	V    Int
	Name string
}

// Ksym is a kernel address printed as a symbol (ksym(), func).
type Ksym uint64

// Usym is a user address of process Pid printed as a symbol.
type Usym struct {
	Addr uint64
	Pid  int32
}

// Stack is a kernel or user stack: frame addresses, innermost first.
type Stack struct {
	User   bool
	Mode   types.StackMode
	Pid    int32 // user stacks: the process the addresses belong to
	Frames []uint64
}

// Username is a uid printed as a user name.
type Username uint64

// Timestamp is the result of strftime(Format, NS); NS is on the boot clock.
// Decode leaves Format empty: the format string is a literal at the call
// site and the runner fills it in.
type Timestamp struct {
	NS     uint64
	Format string
}

// Macaddr is a MAC address.
type Macaddr [6]byte

// CgroupPath is a cgroup id printed as its path(s); Filter is the optional
// second argument of cgroup_path(), filled in by the runner like
// [Timestamp.Format].
type CgroupPath struct {
	ID     uint64
	Filter string
}

// None is the value of an empty tuple or of a type bpftrace cannot print
// (JSON null).
type None struct{}

// MinMaxCPU is one CPU's slot of a min() or max() map value.
type MinMaxCPU struct {
	V   uint64
	Set bool
}

// MinMax is a min() or max() map value, one slot per CPU. It keeps the
// slots because bpftrace sorts by an unsigned merge of them while it prints
// the merge in the argument's signedness.
type MinMax struct {
	IsMax  bool
	Signed bool
	CPUs   []MinMaxCPU
}

// Avg is an avg() map value summed over CPUs.
type Avg struct {
	Total, Count uint64
	Signed       bool
}

// Stats is a stats() map value summed over CPUs.
type Stats struct {
	Total, Count uint64
	Signed       bool
}

// Hist is a hist() map value: Counts[i] is the count of kernel bucket i
// (see [HistIndex]); Bits is hist's second argument.
type Hist struct {
	Bits   int
	Counts []uint64
}

// Lhist is an lhist(v, Min, Max, Step) map value: Counts[i] is the count of
// kernel bucket i (see [LhistIndex]).
type Lhist struct {
	Min, Max, Step int64
	Counts         []uint64
}

func (Int) isValue()        {}
func (Bool) isValue()       {}
func (String) isValue()     {}
func (Buffer) isValue()     {}
func (Inet) isValue()       {}
func (Pointer) isValue()    {}
func (Array) isValue()      {}
func (Tuple) isValue()      {}
func (Record) isValue()     {}
func (Enum) isValue()       {}
func (Ksym) isValue()       {}
func (Usym) isValue()       {}
func (Stack) isValue()      {}
func (Username) isValue()   {}
func (Timestamp) isValue()  {}
func (Macaddr) isValue()    {}
func (CgroupPath) isValue() {}
func (None) isValue()       {}
func (MinMax) isValue()     {}
func (Avg) isValue()        {}
func (Stats) isValue()      {}
func (Hist) isValue()       {}
func (Lhist) isValue()      {}

// Int returns the merged value as bpftrace prints it: the minimum or
// maximum of the set slots in the argument's signedness, 0 if none is set.
func (m MinMax) Int() Int {
	v := m.merge(m.Signed)
	return Int{V: v, Bits: 64, Signed: m.Signed}
}

// merge folds the set slots, comparing signed or unsigned.
func (m MinMax) merge(signed bool) uint64 {
	var v uint64
	set := false
	for _, c := range m.CPUs {
		if !c.Set {
			continue
		}
		if !set || m.better(c.V, v, signed) {
			v, set = c.V, true
		}
	}
	return v
}

func (m MinMax) better(a, b uint64, signed bool) bool {
	less := a < b
	if signed {
		less = int64(a) < int64(b)
	}
	if m.IsMax {
		return !less && a != b
	}
	return less
}

// Average returns Total/Count in the argument's signedness, 0 without
// samples.
func (a Avg) Average() Int { return average(a.Total, a.Count, a.Signed) }

// Average returns Total/Count in the argument's signedness, 0 without
// samples.
func (s Stats) Average() Int { return average(s.Total, s.Count, s.Signed) }

func average(total, count uint64, signed bool) Int {
	if count == 0 {
		return Int{Bits: 64, Signed: signed}
	}
	if signed {
		return IntOf(int64(total) / int64(count))
	}
	return UintOf(total / count)
}

// Total returns the sum of all bucket counts.
func (h Hist) Total() uint64 { return sum(h.Counts) }

// Total returns the sum of all bucket counts.
func (l Lhist) Total() uint64 { return sum(l.Counts) }

func sum(xs []uint64) uint64 {
	var n uint64
	for _, x := range xs {
		n += x
	}
	return n
}
