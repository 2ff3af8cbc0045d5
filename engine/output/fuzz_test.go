package output

import (
	"testing"
	"time"

	"github.com/bt-tools/bt/lang/types"
)

// FuzzSprintf: any format with any arguments formats without panicking in
// both eras.
func FuzzSprintf(f *testing.F) {
	for _, s := range []string{"%d", "%-+ #05.3lld|%s", "%%%r%rx%rh%gr", "%*.*s %p %c", "100%", "%", "%5.", "%0-5d"} {
		f.Add(s, int64(-42), "str", []byte("a\x00\xff"))
	}
	f.Fuzz(func(t *testing.T, format string, n int64, str string, buf []byte) {
		args := []Value{i64(n), s(str), Buffer(buf), tup(i64(n), s(str)), Pointer(n), Bool(n&1 == 0), Record{}}
		for _, era := range []Era{Era026, Era017} {
			_ = NewPrinter(era, Text).Sprintf(format, args)
		}
	})
}

// FuzzStrftime: any strftime format renders without panicking.
func FuzzStrftime(f *testing.F) {
	for _, s := range []string{"%H:%M:%S.%f", "%-_0^#12Ec%", "%k%l%%f"} {
		f.Add(s, int64(1700000000))
	}
	f.Fuzz(func(t *testing.T, format string, sec int64) {
		p := NewPrinter(Era026, Text)
		p.Location = time.UTC
		p.BootToWall = func(ns uint64) time.Time { return time.Unix(sec, int64(ns)) }
		_ = p.Text(Timestamp{NS: 123, Format: format})
	})
}

// FuzzDecode: decoding arbitrary bytes never panics.
func FuzzDecode(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24})
	tys := []types.Type{types.Int32, &types.String{Len: 4}, &types.Buffer{Len: 4}, &types.Inet{}, types.Usym,
		&types.Stack{User: true, Limit: 1}, &types.Array{Elem: types.Int16, Len: 2}, tupleIS, countT, minT, statsT}
	f.Fuzz(func(t *testing.T, raw []byte) {
		for _, ty := range tys {
			if v, err := Decode(ty, raw); err == nil {
				_ = NewPrinter(Era026, Text).Text(v)
				_ = NewPrinter(Era017, JSON).JSON(v)
			}
		}
	})
}
