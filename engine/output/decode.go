package output

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/bt-tools/bt/lang/types"
)

// ErrUnsupported is returned for types this package cannot decode or print
// yet (tseries).
var ErrUnsupported = errors.New("not supported")

var le = binary.LittleEndian

// Decode turns the kernel bytes of a value of type t into a [Value].
//
// For aggregation types (*types.Agg) raw holds one value per CPU, back to
// back, as a per-CPU map lookup returns them; the CPUs are merged (count
// and sum add, min and max keep their slots, avg and stats add total and
// count). hist and lhist values are spread over one map entry per bucket:
// collect them with a [BucketCollector] instead.
//
// Layouts beyond types.Type's own: a buffer is a u32 length and the data; an
// inet is a u64 family and 16 address bytes; a usym is the u64 address and
// the s32 pid; a kstack is a u64 frame count and the frames, a ustack has
// the s32 pid (and 4 spare bytes) between count and frames; username,
// timestamp and cgroup_path are u64 (uid, boot-clock ns, cgroup id).
func Decode(t types.Type, raw []byte) (Value, error) {
	if agg, ok := t.(*types.Agg); ok {
		return decodeAgg(agg, raw)
	}
	if need := t.Size(); int64(len(raw)) < need {
		return nil, fmt.Errorf("decode %s: need %d bytes, have %d", t, need, len(raw))
	}
	return decode(t, raw)
}

// Zero returns the value of type t whose bytes are all zero: what 0.26's
// print() shows for a scalar map that has no element yet ("@: 0",
// "@: { .count = 0, .average = 0, .total = 0 }").
func Zero(t types.Type) (Value, error) {
	if agg, ok := t.(*types.Agg); ok {
		switch agg.Kind {
		case types.Hist:
			return Hist{Bits: agg.Bits}, nil
		case types.Lhist:
			return Lhist{Min: agg.Min, Max: agg.Max, Step: agg.Step}, nil
		}
	}
	return Decode(t, make([]byte, max(t.Size(), 1)))
}

func decode(t types.Type, raw []byte) (Value, error) {
	switch t := t.(type) {
	case *types.Int:
		return decodeInt(t.Bits, t.Signed, raw), nil
	case *types.Basic:
		return decodeBasic(t, raw)
	case *types.String:
		return decodeString(raw[:t.Len]), nil
	case *types.Buffer:
		return decodeBuffer(t, raw), nil
	case *types.Inet:
		v := Inet{Family: le.Uint64(raw)}
		copy(v.Addr[:], raw[8:24])
		return v, nil
	case *types.Pointer:
		return Pointer(le.Uint64(raw)), nil
	case *types.Array:
		return decodeArray(t, raw)
	case *types.Struct:
		return decodeStruct(t, raw)
	case *types.Enum:
		return decodeEnum(t, raw), nil
	case *types.Tuple:
		vs, err := decodeElems(t.Elems, t.Offset, raw)
		return Tuple(vs), err
	case *types.Record:
		tup := &types.Tuple{Elems: t.Elems}
		vs, err := decodeElems(t.Elems, tup.Offset, raw)
		return Record{Names: t.Names, Values: vs}, err
	case *types.Stack:
		return decodeStack(t, raw), nil
	}
	return nil, fmt.Errorf("decode %s: %w", t, ErrUnsupported)
}

// decodeInt reads a little-endian integer of the given width and extends
// it to 64 bits.
func decodeInt(bits int, signed bool, raw []byte) Int {
	var v uint64
	switch bits {
	case 8:
		v = uint64(raw[0])
		if signed {
			v = uint64(int8(raw[0]))
		}
	case 16:
		v = uint64(le.Uint16(raw))
		if signed {
			v = uint64(int16(le.Uint16(raw)))
		}
	case 32:
		v = uint64(le.Uint32(raw))
		if signed {
			v = uint64(int32(le.Uint32(raw)))
		}
	default:
		v, bits = le.Uint64(raw), 64
	}
	return Int{V: v, Bits: bits, Signed: signed}
}

func decodeBasic(t *types.Basic, raw []byte) (Value, error) {
	switch t.Kind {
	case types.BoolKind:
		return Bool(raw[0] != 0), nil
	case types.KsymKind:
		return Ksym(le.Uint64(raw)), nil
	case types.UsymKind:
		return Usym{Addr: le.Uint64(raw), Pid: int32(le.Uint32(raw[8:]))}, nil
	case types.UsernameKind:
		return Username(le.Uint64(raw)), nil
	case types.TimestampKind:
		return Timestamp{NS: le.Uint64(raw)}, nil
	case types.MacaddrKind:
		var m Macaddr
		copy(m[:], raw)
		return m, nil
	case types.CgroupPathKind:
		return CgroupPath{ID: le.Uint64(raw)}, nil
	case types.NoneKind, types.VoidKind:
		return None{}, nil
	}
	return nil, fmt.Errorf("decode %s: %w", t, ErrUnsupported)
}

// decodeString cuts raw at its first NUL; a string without one filled its
// buffer and was probably truncated.
func decodeString(raw []byte) String {
	if i := bytes.IndexByte(raw, 0); i >= 0 {
		return String{S: string(raw[:i])}
	}
	return String{S: string(raw), Truncated: true}
}

func decodeBuffer(t *types.Buffer, raw []byte) Buffer {
	n := int64(le.Uint32(raw))
	n = min(n, t.Len)
	return Buffer(bytes.Clone(raw[4 : 4+n]))
}

func decodeArray(t *types.Array, raw []byte) (Value, error) {
	size := t.Elem.Size()
	vs := make(Array, t.Len)
	for i := range vs {
		v, err := decode(t.Elem, raw[int64(i)*size:])
		if err != nil {
			return nil, err
		}
		vs[i] = v
	}
	return vs, nil
}

func decodeElems(elems []types.Type, offset func(int) int64, raw []byte) ([]Value, error) {
	vs := make([]Value, len(elems))
	for i, e := range elems {
		v, err := decode(e, raw[offset(i):])
		if err != nil {
			return nil, err
		}
		vs[i] = v
	}
	return vs, nil
}

// decodeStruct decodes every field, unions included (bpftrace prints all
// members of a union); fields of types it cannot print become None.
func decodeStruct(t *types.Struct, raw []byte) (Value, error) {
	fields := t.Fields()
	r := Record{Names: make([]string, len(fields)), Values: make([]Value, len(fields))}
	for i, f := range fields {
		r.Names[i] = f.Name
		if int64(len(raw)) < f.Offset+f.Type.Size() {
			return nil, fmt.Errorf("decode %s: field %s beyond the value", t, f.Name)
		}
		v, err := decodeField(f, raw[f.Offset:])
		if errors.Is(err, ErrUnsupported) {
			v, err = None{}, nil
		}
		if err != nil {
			return nil, err
		}
		r.Values[i] = v
	}
	return r, nil
}

// decodeField decodes a struct member, extracting bitfields.
func decodeField(f types.Field, raw []byte) (Value, error) {
	it, ok := f.Type.(*types.Int)
	if f.BitSize == 0 || !ok {
		return decode(f.Type, raw)
	}
	var buf [8]byte
	copy(buf[:], raw[:min(len(raw), 8)])
	v := le.Uint64(buf[:]) >> f.BitOffset
	v &= 1<<f.BitSize - 1
	if it.Signed && v&(1<<(f.BitSize-1)) != 0 {
		v |= ^uint64(0) << f.BitSize
	}
	return Int{V: v, Bits: it.Bits, Signed: it.Signed}, nil
}

func decodeEnum(t *types.Enum, raw []byte) Enum {
	v := decodeInt(int(t.Size())*8, t.Signed, raw)
	name, _ := t.Lookup(int64(v.V))
	return Enum{V: v, Name: name}
}

// decodeStack reads the frame count, the pid of a user stack and the
// frames; the count is clamped to the frames present.
func decodeStack(t *types.Stack, raw []byte) Stack {
	s := Stack{User: t.User, Mode: t.Mode}
	n := le.Uint64(raw)
	off := 8
	if t.User {
		s.Pid = int32(le.Uint32(raw[8:]))
		off = 16
	}
	n = min(n, uint64(t.Limit), uint64((len(raw)-off)/8))
	s.Frames = make([]uint64, n)
	for i := range s.Frames {
		s.Frames[i] = le.Uint64(raw[off+8*i:])
	}
	return s
}

// ---------------------------------------------------------------------------
// Aggregations

// decodeAgg merges the per-CPU values of an aggregation.
func decodeAgg(t *types.Agg, raw []byte) (Value, error) {
	size := int(t.Size())
	if len(raw) == 0 || len(raw)%size != 0 {
		return nil, fmt.Errorf("decode %s: %d bytes is not a whole number of %d-byte per-CPU values", t, len(raw), size)
	}
	switch t.Kind {
	case types.Count:
		return UintOf(sumU64(raw, 0, 8)), nil
	case types.Sum:
		return Int{V: sumU64(raw, 0, 8), Bits: 64, Signed: t.Signed}, nil
	case types.Min, types.Max:
		return decodeMinMax(t, raw), nil
	case types.Avg:
		return Avg{Total: sumU64(raw, 0, 16), Count: sumU64(raw, 8, 16), Signed: t.Signed}, nil
	case types.Stats:
		return Stats{Total: sumU64(raw, 0, 16), Count: sumU64(raw, 8, 16), Signed: t.Signed}, nil
	case types.Hist, types.Lhist:
		return nil, fmt.Errorf("decode %s: hist values span one map entry per bucket, use a BucketCollector", t)
	}
	return nil, fmt.Errorf("decode %s: %w", t, ErrUnsupported)
}

// sumU64 adds the u64 at off of every stride-byte record in raw.
func sumU64(raw []byte, off, stride int) uint64 {
	var n uint64
	for i := off; i+8 <= len(raw); i += stride {
		n += le.Uint64(raw[i:])
	}
	return n
}

// decodeMinMax keeps the {value, is_set} slot of every CPU.
func decodeMinMax(t *types.Agg, raw []byte) MinMax {
	m := MinMax{IsMax: t.Kind == types.Max, Signed: t.Signed}
	for i := 0; i+16 <= len(raw); i += 16 {
		m.CPUs = append(m.CPUs, MinMaxCPU{V: le.Uint64(raw[i:]), Set: le.Uint64(raw[i+8:]) != 0})
	}
	return m
}

// BucketCollector gathers the entries of a hist or lhist map, whose kernel
// key is the user key followed by a u64 bucket index and whose value is one
// u64 counter per CPU, into one [Hist] or [Lhist] per user key.
type BucketCollector struct {
	key   types.Type // nil for a scalar map
	agg   *types.Agg
	order []string
	byKey map[string]*bucketEntry
}

type bucketEntry struct {
	raw    []byte
	counts []uint64
}

// NewBucketCollector returns a collector for a map with the given key type
// (nil for a scalar map) and a hist or lhist value type.
func NewBucketCollector(key types.Type, agg *types.Agg) *BucketCollector {
	return &BucketCollector{key: key, agg: agg, byKey: map[string]*bucketEntry{}}
}

// Add records one kernel map entry: rawKey is the user key and the bucket
// index, rawValue the per-CPU counters.
func (c *BucketCollector) Add(rawKey, rawValue []byte) error {
	if len(rawKey) < 8 {
		return fmt.Errorf("hist key of %d bytes has no bucket index", len(rawKey))
	}
	if len(rawValue) == 0 || len(rawValue)%8 != 0 {
		return fmt.Errorf("hist value of %d bytes is not a list of u64 counters", len(rawValue))
	}
	user := rawKey[:len(rawKey)-8]
	bucket := le.Uint64(rawKey[len(user):])
	if bucket > 1<<20 {
		return fmt.Errorf("hist bucket index %d out of range", bucket)
	}
	e := c.entry(user)
	for uint64(len(e.counts)) <= bucket {
		e.counts = append(e.counts, 0)
	}
	e.counts[bucket] += sumU64(rawValue, 0, 8)
	return nil
}

func (c *BucketCollector) entry(user []byte) *bucketEntry {
	e := c.byKey[string(user)]
	if e == nil {
		e = &bucketEntry{raw: bytes.Clone(user)}
		c.byKey[string(user)] = e
		c.order = append(c.order, string(user))
	}
	return e
}

// Entries returns one entry per user key, in the order the keys were first
// added, with [Entry.Raw] set to the user key bytes.
func (c *BucketCollector) Entries() ([]Entry, error) {
	out := make([]Entry, 0, len(c.order))
	for _, k := range c.order {
		e := c.byKey[k]
		ent := Entry{Raw: e.raw, Value: c.value(e.counts)}
		if c.key != nil {
			kv, err := Decode(c.key, e.raw)
			if err != nil {
				return nil, err
			}
			ent.Key = kv
		}
		out = append(out, ent)
	}
	return out, nil
}

func (c *BucketCollector) value(counts []uint64) Value {
	if c.agg.Kind == types.Lhist {
		return Lhist{Min: c.agg.Min, Max: c.agg.Max, Step: c.agg.Step, Counts: counts}
	}
	return Hist{Bits: c.agg.Bits, Counts: counts}
}
