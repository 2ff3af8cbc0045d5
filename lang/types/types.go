// Package types represents the types of bpftrace values: integers, strings,
// pointers with an address space, C structs from BTF or the script, tuples,
// records, and the print-only and aggregation types of maps.
//
// Struct fields may be loaded lazily (see [NewLazyStruct]) so that a BTF
// struct such as task_struct costs nothing until a field is accessed.
package types

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Type is a bpftrace type.
type Type interface {
	// String spells the type as bpftrace's diagnostics do ("uint64",
	// "string[16]", "struct task_struct *").
	String() string
	// Size is the size in bytes of a value of the type (0 if unsized).
	Size() int64
}

// ---------------------------------------------------------------------------
// Basic types

// BasicKind enumerates the types without parameters.
type BasicKind int

// Basic kinds.
const (
	InvalidKind BasicKind = iota // the type of an expression that failed to check
	VoidKind                     // functions that return nothing
	NoneKind                     // an empty tuple
	BoolKind
	KsymKind       // ksym(addr), func in kernel probes
	UsymKind       // usym(addr), func in user probes
	UsernameKind   // username
	TimestampKind  // strftime(...)
	MacaddrKind    // macaddr(...)
	CgroupPathKind // cgroup_path(...)
	CtxKind        // the raw probe context pointer is modelled as a Pointer; this is its untyped form
)

// Basic is a type without parameters.
type Basic struct{ Kind BasicKind }

var basicNames = [...]string{
	InvalidKind: "invalid", VoidKind: "void", NoneKind: "none", BoolKind: "bool",
	KsymKind: "ksym_t", UsymKind: "usym_t", UsernameKind: "username_t",
	TimestampKind: "timestamp", MacaddrKind: "macaddr_t", CgroupPathKind: "cgroup_path_t",
	CtxKind: "ctx",
}

func (b *Basic) String() string { return basicNames[b.Kind] }

// Size returns the runtime size of the value.
func (b *Basic) Size() int64 {
	switch b.Kind {
	case BoolKind:
		return 1
	case KsymKind, TimestampKind, CgroupPathKind, CtxKind:
		return 8
	case UsymKind:
		return 16 // address + pid
	case UsernameKind:
		return 8 // uid, resolved in user space
	case MacaddrKind:
		return 6
	}
	return 0
}

// The basic types.
var (
	Invalid    = &Basic{InvalidKind}
	Void       = &Basic{VoidKind}
	None       = &Basic{NoneKind}
	Bool       = &Basic{BoolKind}
	Ksym       = &Basic{KsymKind}
	Usym       = &Basic{UsymKind}
	Username   = &Basic{UsernameKind}
	Timestamp  = &Basic{TimestampKind}
	Macaddr    = &Basic{MacaddrKind}
	CgroupPath = &Basic{CgroupPathKind}
)

// ---------------------------------------------------------------------------
// Integers

// Int is an integer of 8, 16, 32 or 64 bits.
type Int struct {
	Bits   int
	Signed bool
}

func (t *Int) String() string {
	if t.Signed {
		return "int" + strconv.Itoa(t.Bits)
	}
	return "uint" + strconv.Itoa(t.Bits)
}

// Size returns Bits/8.
func (t *Int) Size() int64 { return int64(t.Bits / 8) }

// The integer types.
var (
	Int8   = &Int{8, true}
	Int16  = &Int{16, true}
	Int32  = &Int{32, true}
	Int64  = &Int{64, true}
	Uint8  = &Int{8, false}
	Uint16 = &Int{16, false}
	Uint32 = &Int{32, false}
	Uint64 = &Int{64, false}
)

// IntOf returns the canonical integer type with the given width and sign.
func IntOf(bits int, signed bool) *Int {
	switch bits {
	case 8:
		if signed {
			return Int8
		}
		return Uint8
	case 16:
		if signed {
			return Int16
		}
		return Uint16
	case 32:
		if signed {
			return Int32
		}
		return Uint32
	}
	if signed {
		return Int64
	}
	return Uint64
}

// ---------------------------------------------------------------------------
// Strings, buffers, addresses

// String is a NUL-terminated string of at most Len bytes including the NUL.
type String struct{ Len int64 }

func (t *String) String() string { return fmt.Sprintf("string[%d]", t.Len) }

// Size returns Len.
func (t *String) Size() int64 { return t.Len }

// Buffer is raw bytes from buf(): a length and Len bytes of data.
type Buffer struct{ Len int64 }

func (t *Buffer) String() string { return fmt.Sprintf("buffer[%d]", t.Len) }

// Size returns the size of the length prefix plus the data.
func (t *Buffer) Size() int64 { return 4 + t.Len }

// Inet is an address from ntop(): an address family and 16 bytes.
type Inet struct{}

func (t *Inet) String() string { return "inet" }

// Size returns 24: 8 bytes of family and 16 of address.
func (t *Inet) Size() int64 { return 24 }

// AddrSpace is where a pointer points.
type AddrSpace int

// Address spaces.
const (
	AddrNone AddrSpace = iota
	AddrKernel
	AddrUser
)

func (a AddrSpace) String() string {
	switch a {
	case AddrKernel:
		return "kernel"
	case AddrUser:
		return "user"
	}
	return "none"
}

// Pointer is a pointer to Elem in an address space.
type Pointer struct {
	Elem      Type
	AddrSpace AddrSpace
}

func (t *Pointer) String() string {
	s := t.Elem.String()
	if strings.HasSuffix(s, "*") {
		return s + "*"
	}
	return s + " *"
}

// Size returns 8.
func (t *Pointer) Size() int64 { return 8 }

// Array is a fixed-size array.
type Array struct {
	Elem Type
	Len  int64
}

func (t *Array) String() string { return fmt.Sprintf("%s[%d]", t.Elem, t.Len) }

// Size returns Len times the element size.
func (t *Array) Size() int64 { return t.Len * t.Elem.Size() }

// ---------------------------------------------------------------------------
// C structs, unions and enums

// Field is a member of a struct or union.
type Field struct {
	Name      string
	Offset    int64 // bytes
	BitOffset int   // bit offset within the byte at Offset, for bitfields
	BitSize   int   // 0 unless a bitfield
	Type      Type
}

// Struct is a C struct or union from BTF, a header or the script.
type Struct struct {
	Union bool
	Name  string // empty for anonymous structs
	size  int64

	once   sync.Once
	load   func() []Field
	fields []Field
}

// NewStruct returns a struct with its fields known.
func NewStruct(union bool, name string, size int64, fields []Field) *Struct {
	s := &Struct{Union: union, Name: name, size: size, fields: fields}
	s.once.Do(func() {})
	return s
}

// NewLazyStruct returns a struct whose fields are computed by load on first
// use. load is called at most once, even from several goroutines.
func NewLazyStruct(union bool, name string, size int64, load func() []Field) *Struct {
	return &Struct{Union: union, Name: name, size: size, load: load}
}

// Fields returns the struct's fields, loading them if needed.
func (t *Struct) Fields() []Field {
	t.once.Do(func() {
		if t.load != nil {
			t.fields = t.load()
			t.load = nil
		}
	})
	return t.fields
}

// Field looks a field up by name, descending into anonymous members; the
// returned offset is relative to t.
func (t *Struct) Field(name string) (Field, bool) {
	for _, f := range t.Fields() {
		if f.Name == name {
			return f, true
		}
		if f.Name == "" {
			if inner, ok := f.Type.(*Struct); ok {
				if g, ok := inner.Field(name); ok {
					g.Offset += f.Offset
					return g, true
				}
			}
		}
	}
	return Field{}, false
}

func (t *Struct) String() string {
	kw := "struct"
	if t.Union {
		kw = "union"
	}
	if t.Name == "" {
		return kw + " (anonymous)"
	}
	return kw + " " + t.Name
}

// Size returns the struct's size in bytes.
func (t *Struct) Size() int64 { return t.size }

// Enum is a C enum. Its values are integers of the enum's size.
type Enum struct {
	Name   string
	size   int64
	Signed bool
	Values []EnumValue
}

// EnumValue is one enumerator.
type EnumValue struct {
	Name  string
	Value int64
}

// NewEnum returns an enum type.
func NewEnum(name string, size int64, signed bool, values []EnumValue) *Enum {
	return &Enum{Name: name, size: size, Signed: signed, Values: values}
}

func (t *Enum) String() string { return "enum " + t.Name }

// Size returns the enum's size in bytes.
func (t *Enum) Size() int64 { return t.size }

// Lookup returns the name of a value, if it has one.
func (t *Enum) Lookup(v int64) (string, bool) {
	for _, e := range t.Values {
		if e.Value == v {
			return e.Name, true
		}
	}
	return "", false
}

// ---------------------------------------------------------------------------
// Tuples and records

// Tuple is an immutable ordered group of values.
type Tuple struct{ Elems []Type }

func (t *Tuple) String() string {
	parts := make([]string, len(t.Elems))
	for i, e := range t.Elems {
		parts[i] = e.String()
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// Size returns the sum of the element sizes, each aligned to 8 bytes.
func (t *Tuple) Size() int64 {
	var n int64
	for _, e := range t.Elems {
		n += align8(e.Size())
	}
	return n
}

// Offset returns the byte offset of element i in the tuple's layout.
func (t *Tuple) Offset(i int) int64 {
	var n int64
	for _, e := range t.Elems[:i] {
		n += align8(e.Size())
	}
	return n
}

// Record is a tuple with named fields.
type Record struct {
	Names []string
	Elems []Type
}

func (t *Record) String() string {
	parts := make([]string, len(t.Elems))
	for i, e := range t.Elems {
		parts[i] = t.Names[i] + " = " + e.String()
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// Size returns the size of the record's layout.
func (t *Record) Size() int64 { return (&Tuple{Elems: t.Elems}).Size() }

// Index returns the position of field name, or -1.
func (t *Record) Index(name string) int {
	for i, n := range t.Names {
		if n == name {
			return i
		}
	}
	return -1
}

func align8(n int64) int64 { return (n + 7) &^ 7 }

// ---------------------------------------------------------------------------
// Stacks

// StackMode is how a stack prints.
type StackMode int

// Stack modes.
const (
	StackBpftrace StackMode = iota
	StackPerf
	StackRaw
	StackBuildID
)

func (m StackMode) String() string {
	return [...]string{"bpftrace", "perf", "raw", "build_id"}[m]
}

// Stack is kstack or ustack with a mode and a frame limit.
type Stack struct {
	User  bool
	Mode  StackMode
	Limit int
}

func (t *Stack) String() string {
	if t.User {
		return "ustack_t"
	}
	return "kstack_t"
}

// Size returns the by-value layout: frame count, (pid, for ustack) and the frames.
func (t *Stack) Size() int64 {
	n := 8 + int64(t.Limit)*8
	if t.User {
		n += 8
	}
	return n
}

// ---------------------------------------------------------------------------
// Aggregations

// AggKind enumerates the aggregation functions.
type AggKind int

// Aggregation kinds.
const (
	Count AggKind = iota
	Sum
	Min
	Max
	Avg
	Stats
	Hist
	Lhist
	Tseries
)

var aggNames = [...]string{"count", "sum", "min", "max", "avg", "stats", "hist", "lhist", "tseries"}

func (k AggKind) String() string { return aggNames[k] }

// Agg is the value type of a map assigned an aggregation (@x = count()).
type Agg struct {
	Kind   AggKind
	Signed bool // for sum, min, max, avg, stats: the argument's sign
	// Hist: Bits (0..5). Lhist: Min, Max, Step.
	Bits           int
	Min, Max, Step int64
}

func (t *Agg) String() string {
	s := aggNames[t.Kind] + "_t"
	if t.Signed && (t.Kind == Sum || t.Kind == Min || t.Kind == Max || t.Kind == Avg) {
		s = "s" + s
	}
	return s
}

// Size returns the per-CPU value size in the kernel map.
func (t *Agg) Size() int64 {
	switch t.Kind {
	case Count, Sum:
		return 8
	case Min, Max, Avg, Stats:
		return 16
	}
	return 8 // hist/lhist: one counter per (key, bucket)
}

// Castable reports whether the aggregation can be read as an integer in
// the kernel ((int64)@c, @c > 10).
func (t *Agg) Castable() bool {
	switch t.Kind {
	case Count, Sum, Min, Max, Avg:
		return true
	}
	return false
}

// ---------------------------------------------------------------------------
// Predicates and identity

// IsInt reports whether t is an integer or an enum.
func IsInt(t Type) bool {
	switch t.(type) {
	case *Int, *Enum:
		return true
	}
	return false
}

// IsInvalid reports whether t is nil or the invalid type; checks skip such
// operands to avoid cascades of errors.
func IsInvalid(t Type) bool { return t == nil || t == Invalid }

// IsString reports whether t is a string.
func IsString(t Type) bool { _, ok := t.(*String); return ok }

// Identical reports whether a and b are the same type. Strings of any
// length are identical to each other (they unify to the longer one).
func Identical(a, b Type) bool {
	if a == b {
		return true
	}
	switch a := a.(type) {
	case *Basic:
		b, ok := b.(*Basic)
		return ok && a.Kind == b.Kind
	case *Int:
		b, ok := b.(*Int)
		return ok && *a == *b
	case *String:
		_, ok := b.(*String)
		return ok
	case *Buffer:
		b, ok := b.(*Buffer)
		return ok && a.Len == b.Len
	case *Inet:
		_, ok := b.(*Inet)
		return ok
	case *Pointer:
		b, ok := b.(*Pointer)
		return ok && Identical(a.Elem, b.Elem)
	case *Array:
		b, ok := b.(*Array)
		return ok && a.Len == b.Len && Identical(a.Elem, b.Elem)
	case *Struct:
		b, ok := b.(*Struct)
		return ok && a.Union == b.Union && a.Name != "" && a.Name == b.Name
	case *Enum:
		b, ok := b.(*Enum)
		return ok && a.Name == b.Name
	case *Tuple:
		b, ok := b.(*Tuple)
		if !ok || len(a.Elems) != len(b.Elems) {
			return false
		}
		for i := range a.Elems {
			if !Identical(a.Elems[i], b.Elems[i]) {
				return false
			}
		}
		return true
	case *Record:
		b, ok := b.(*Record)
		if !ok || len(a.Elems) != len(b.Elems) {
			return false
		}
		for i := range a.Elems {
			if a.Names[i] != b.Names[i] || !Identical(a.Elems[i], b.Elems[i]) {
				return false
			}
		}
		return true
	case *Stack:
		b, ok := b.(*Stack)
		return ok && a.User == b.User
	case *Agg:
		b, ok := b.(*Agg)
		return ok && a.Kind == b.Kind
	}
	return false
}
