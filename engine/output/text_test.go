package output

import (
	"testing"

	"github.com/bt-tools/bt/lang/types"
)

type fakeUsers map[uint64]string

func (f fakeUsers) Username(uid uint64) (string, bool) { n, ok := f[uid]; return n, ok }

type fakeCgroups struct{}

func (fakeCgroups) CgroupPath(id uint64, filter string) string {
	return "unified:/user.slice" + filter
}

var syms = StaticSymbols{
	Kern: map[uint64]Symbol{
		0xffffffff81000010: {Name: "do_nanosleep", Offset: 16},
		0xffffffff81000100: {Name: "hrtimer_nanosleep", Offset: 0x40},
	},
	Usr: map[uint64]Symbol{
		0x401000: {Name: "main", Offset: 5, Module: "/bin/app"},
	},
}

func TestText(t *testing.T) {
	kstack := Stack{Frames: []uint64{0xffffffff81000010, 0xffffffff81000100, 0xdead}}
	ustack := Stack{User: true, Pid: 7, Frames: []uint64{0x401000, 0x7f00}}
	tests := []struct {
		name     string
		v        Value
		new, old string // old "" means same as new
	}{
		{"int", Int{V: 1<<64 - 5, Bits: 64, Signed: true}, "-5", ""},
		{"uint", u64(1<<64 - 5), "18446744073709551611", ""},
		{"bool", Bool(true), "true", ""},
		{"string", s("hi"), "hi", ""},
		{"truncated string", String{S: "abc", Truncated: true}, "abc..", "abc"},
		{"buffer", Buffer("a\x00~\x7f"), `a\x00~\x7f`, ""},
		{"pointer", Pointer(0x1234), "0x1234", "4660"},
		{"null pointer", Pointer(0), "0x0", "0"},
		{"array", Array{i64(1), i64(2), i64(3)}, "[1,2,3]", ""},
		{"nested array", Array{Array{i64(5), i64(6)}, Array{i64(7), i64(8)}}, "[[5,6],[7,8]]", ""},
		{"tuple", tup(i64(1), s("two"), tup(i64(3), i64(4))), "(1, two, (3, 4))", ""},
		{"empty tuple", Tuple{}, "()", ""},
		{"record", Record{Names: []string{"a", "b"}, Values: []Value{i64(1), s("x")}}, "{ .a = 1, .b = x }", ""},
		{"empty record", Record{}, "{}", "{  }"},
		{"enum", Enum{V: i64(2), Name: "TWO"}, "TWO", "2"},
		{"unnamed enum", Enum{V: Int{V: 1<<64 - 1, Bits: 32, Signed: true}}, "4294967295", "-1"},
		{"ksym", Ksym(0xffffffff81000010), "do_nanosleep", ""},
		{"unknown ksym", Ksym(0x1234), "0x1234", ""},
		{"usym", Usym{Addr: 0x401000, Pid: 7}, "main", ""},
		{"kstack", kstack, "\n        do_nanosleep+16\n        hrtimer_nanosleep+64\n        0xdead\n", ""},
		{"ustack", ustack, "\n        main+5\n        0x7f00\n", ""},
		{"perf kstack", Stack{Mode: types.StackPerf, Frames: kstack.Frames[:1]}, "\n\tffffffff81000010 do_nanosleep+16\n", ""},
		{"perf ustack", Stack{User: true, Mode: types.StackPerf, Frames: ustack.Frames},
			"\n\t401000 main+5 (/bin/app)\n\t7f00 0x7f00 ([unknown])\n", ""},
		{"raw stack", Stack{Mode: types.StackRaw, Frames: kstack.Frames[:2]}, "\nffffffff81000010\nffffffff81000100\n",
			"\n        do_nanosleep+16\n        hrtimer_nanosleep+64\n"},
		{"unwind failure", Stack{Frames: []uint64{0xffffffff81000010, 1<<64 - 1, 5}}, "\n        do_nanosleep+16\n        <unwind failure>\n",
			"\n        do_nanosleep+16\n        0xffffffffffffffff\n        0x5\n"},
		{"zero frame ends 0.17 stacks", Stack{Frames: []uint64{0xffffffff81000010, 0, 5}}, "\n        do_nanosleep+16\n        0\n        0x5\n",
			"\n        do_nanosleep+16\n"},
		{"username", Username(1000), "alice", ""},
		{"unknown user", Username(5), "", ""},
		{"macaddr", Macaddr{0x05, 0x04, 0x03, 0x02, 0x01, 0x02}, "05:04:03:02:01:02", ""},
		{"macaddr high bytes", Macaddr{0xaa, 0xbb, 1, 2, 3, 4}, "FFFFFFAA:FFFFFFBB", "AA:BB:01:02:03:04"},
		{"cgroup", CgroupPath{ID: 1, Filter: "/x"}, "unified:/user.slice/x", ""},
		{"inet4", Inet{Family: afInet, Addr: [16]byte{192, 168, 0, 1}}, "192.168.0.1", ""},
		{"inet6", Inet{Family: afInet6, Addr: mustAddr("2001:db8::1")}, "2001:db8::1", ""},
		{"inet unknown family", Inet{Family: 99}, "", ""},
		{"none", None{}, "null", ""},
		{"min", minmax(false, 4, -2), "-2", ""},
		{"avg", avgOf(-4, -5), "-4", ""},
		{"stats", statsVal(1, 2, 3), "{ .count = 3, .average = 2, .total = 6 }", "count 3, average 2, total 6"},
	}
	for _, tt := range tests {
		for _, era := range []Era{Era026, Era017} {
			want := tt.new
			if era == Era017 && tt.old != "" {
				want = tt.old
			}
			p := NewPrinter(era, Text)
			p.Symbols, p.Users, p.Cgroups = syms, fakeUsers{1000: "alice"}, fakeCgroups{}
			if got := p.Text(tt.v); got != want {
				t.Errorf("%s %s: got %q, want %q", era, tt.name, got, want)
			}
		}
	}
}

func TestStackMaps(t *testing.T) {
	stackT := &types.Stack{Limit: 2}
	st := Stack{Frames: []uint64{0xffffffff81000010, 0xffffffff81000100}}
	keys := keyed("@k", stackT, countT, st, u64(3))
	vals := keyed("@v", types.Int64, stackT, i64(1), st, i64(2), st)
	tests := []struct {
		era  Era
		m    MapDump
		want string
	}{
		{Era026, keys, "@k[\n        do_nanosleep+16\n        hrtimer_nanosleep+64\n]: 3\n"},
		{Era017, keys, "@k[\n    do_nanosleep+16\n    hrtimer_nanosleep+64\n]: 3\n"},
		{Era026, vals, "@v[1]: \n        do_nanosleep+16\n        hrtimer_nanosleep+64\n\n" +
			"@v[2]: \n        do_nanosleep+16\n        hrtimer_nanosleep+64\n\n"},
		// 0.17 joined stack values without a separator.
		{Era017, vals, "@v[1]: \n        do_nanosleep+16\n        hrtimer_nanosleep+64\n" +
			"@v[2]: \n        do_nanosleep+16\n        hrtimer_nanosleep+64\n\n"},
	}
	for _, tt := range tests {
		p := NewPrinter(tt.era, Text)
		p.Symbols = syms
		got, err := p.FormatMap(tt.m, MapOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("%s %s: got\n%q\nwant\n%q", tt.era, tt.m.Name, got, tt.want)
		}
	}
}

func TestJSONValues(t *testing.T) {
	tests := []struct {
		name     string
		v        Value
		new, old string
	}{
		{"json-output print_non_map", i64(5), "5", ""},
		{"json-output print_non_map_tuple", tup(i64(1), i64(2), s("string")), `[1,2,"string"]`, ""},
		{"json-output print_non_map_struct", Record{Names: []string{"m", "n"}, Values: []Value{i64(2), i64(3)}},
			`{"m": 2, "n": 3}`, `{ "m": 2, "n": 3 }`},
		{"json-output print_non_map_nested_struct", Record{Names: []string{"y", "a"}, Values: []Value{
			Record{Names: []string{"m"}, Values: []Value{Array{i64(2)}}}, Record{Names: []string{"n"}, Values: []Value{i64(3)}}}},
			`{"y": {"m": [2]}, "a": {"n": 3}}`, `{ "y": { "m": [2] }, "a": { "n": 3 } }`},
		{"json-output strerror", s("Argument list too long"), `"Argument list too long"`, ""},
		{"pointer", Pointer(0x32), "50", ""},
		{"stack", Stack{Frames: []uint64{0x1}}, `"\n        0x1\n"`, ""},
		{"timestamp unquoted in 0.17", Timestamp{NS: 0, Format: "%Y"}, `"(?)"`, "(?)"},
		{"buffer", Buffer("a\x01"), "[97,1]", `"a\\x01"`},
		{"big uint", u64(1<<64 - 1), `"18446744073709551615"`, "18446744073709551615"},
		{"big int", i64(-(1<<62 + 1)), `"-4611686018427387905"`, "-4611686018427387905"},
		{"min int", i64(-1 << 63), "-9223372036854775808", ""},
		{"escapes", s("\"\\\n\r\t\x01\x7fé"), `"\"\\\n\r\t\u0001` + "\x7f" + `\uffffffc3\uffffffa9"`, ""},
		{"truncated string", String{S: "ab", Truncated: true}, `"ab.."`, `"ab"`},
		{"stats", statsVal(4), `{"count": 1, "average": 4, "total": 4}`, ""},
		{"hist", hist(0, 2), `[{"min": 2, "max": 3, "count": 1}]`, ""},
	}
	for _, tt := range tests {
		for _, era := range []Era{Era026, Era017} {
			want := tt.new
			if era == Era017 && tt.old != "" {
				want = tt.old
			}
			if got := NewPrinter(era, JSON).JSON(tt.v); got != want {
				t.Errorf("%s %s: got %s, want %s", era, tt.name, got, want)
			}
		}
	}
}

func TestInet6(t *testing.T) {
	for _, a := range []struct{ in, want string }{
		{"::", "::"}, {"::1", "::1"}, {"::102:304", "::1.2.3.4"}, {"::ffff:102:304", "::ffff:1.2.3.4"},
		{"1:0:0:2:0:0:0:3", "1:0:0:2::3"}, {"fe80::1:0:0:2", "fe80::1:0:0:2"}, {"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"},
		{"1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"}, {"1:2:3:4:5:6:7:0", "1:2:3:4:5:6:7:0"}, {"1::", "1::"},
		{"0:0:1::", "0:0:1::"}, {"::1:0:0:0", "::1:0:0:0"},
	} {
		if got := ntop6(mustAddr(a.in)); got != a.want {
			t.Errorf("ntop6(%s) = %s, want %s", a.in, got, a.want)
		}
	}
}
