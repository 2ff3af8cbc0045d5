package compile

import "github.com/bt-tools/bt/lang/types"

// Timestamp is the type of a strftime() value in an event or a map: the
// boot-clock nanoseconds (8 bytes), with the call's format, which the
// value needs when it is printed (engine/render hands both to
// engine/output).
type Timestamp struct{ Format string }

func (*Timestamp) String() string { return "timestamp" }

// Size returns 8.
func (*Timestamp) Size() int64 { return 8 }

// storage is the type a value has in memory (maps, events, variables):
// integers widen to 64 bits (8-byte slots keep tuples aligned; a bool
// keeps its type and gets a slot of 8 bytes too), strings
// whose length is only known at run time (__data_loc) get max_strlen
// bytes, and the rest is unchanged.
func (c *compiler) storage(t types.Type) types.Type {
	return storageN(t, c.opts.MaxStrlen, c.opts.Era017)
}

func storage(t types.Type) types.Type { return storageN(t, 0, false) }

func storageN(t types.Type, strlen int64, noBool bool) types.Type {
	if t == types.Bool && noBool {
		return types.Uint64 // 0.17 has no booleans
	}
	switch t := t.(type) {
	case *types.Int:
		return types.IntOf(64, t.Signed)
	case *types.Enum:
		return t
	case *types.String:
		if t.Len == 0 && strlen > 0 {
			return &types.String{Len: strlen}
		}
	case *types.Tuple:
		out := &types.Tuple{Elems: make([]types.Type, len(t.Elems))}
		for i, e := range t.Elems {
			out.Elems[i] = storageN(e, strlen, noBool)
		}
		return out
	case *types.Record:
		out := &types.Record{Names: t.Names, Elems: make([]types.Type, len(t.Elems))}
		for i, e := range t.Elems {
			out.Elems[i] = storageN(e, strlen, noBool)
		}
		return out
	}
	return t
}

// slotSize is a value's size rounded up to 8 bytes.
func slotSize(t types.Type) int {
	if t == nil {
		return 8
	}
	n := int(t.Size())
	if n == 0 {
		n = 8
	}
	return (n + 7) &^ 7
}
