package output

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/bt-tools/bt/lang/types"
)

// The cases below replay the scripts in testdata/bpftrace017 (captured
// from Debian's bpftrace 0.17 by capture.sh) through an Era017 Printer and
// compare stdout byte for byte, in text (NAME.txt) and JSON (NAME.json).
// Each case feeds the Printer the values the script's BPF side produced.

var golden017 = map[string]func(r *session){
	"hist_basic": func(r *session) {
		r.exit(scalar("@h", histT, hist(0, -1, 2, 3, 7, 20)))
	},
	"lhist_basic": func(r *session) {
		r.exit(scalar("@l", lhistT(0, 10, 2), lhist(0, 10, 2, -1, 2, 3, 7, 11)))
	},
	"lhist_step1": func(r *session) {
		r.exit(scalar("@a", lhistT(0, 10, 1), lhist(0, 10, 1, 5, 6, 6)),
			scalar("@b", lhistT(0, 3, 1), lhist(0, 3, 1, 0, 3)))
	},
	"lhist_suffix": func(r *session) {
		r.exit(scalar("@b", lhistT(0, 4096, 512), lhist(0, 4096, 512, 1500, 3000, 5000)),
			scalar("@k", lhistT(0, 4194304, 1048576), lhist(0, 4194304, 1048576, 3145728, 2048, 5000000)),
			scalar("@u", lhistT(0, 10, 3), lhist(0, 10, 3, 9, 2)))
	},
	"hist_large": func(r *session) {
		// 0.17's BPF side caps hist at 32 bits: 3000000000 lands in
		// bucket 33, printed [2G, 4G).
		h := hist(0, 1000, 1500000)
		h.Counts = append(h.Counts, make([]uint64, 34-len(h.Counts))...)
		h.Counts[33] = 1
		r.exit(scalar("@g", histT, hist(0, 0, 0, 1)), scalar("@h", histT, h))
	},
	"hist_keys": func(r *session) {
		h := keyed("@h", types.Int64, histT,
			i64(3), hist(0, 5), i64(2), hist(0, 100, 1000), i64(1), hist(0, 2))
		z := scalar("@z", histT, Hist{Counts: make([]uint64, 4)})
		r.print(h, 0, 0)
		r.print(h, 1, 0)
		r.print(z, 0, 0)
		r.exit(h, z)
	},
	"stats": func(r *session) {
		st := keyed("@st", types.Int64, statsT, i64(1), statsVal(5), i64(2), statsVal(1), i64(3), statsVal(-9))
		av := keyed("@av", str64, avgT, s("x"), avgOf(4), s("y"), avgOf(-4), s("z"), avgOf(40))
		r.print(av, 2, 0)
		r.print(av, 0, 3)
		r.print(st, 1, 0)
		r.exit(scalar("@a", avgT, avgOf(10, 3)), av, scalar("@s", statsT, statsVal(5, 1)), st)
	},
	"count": func(r *session) {
		c := keyed("@c", str64, countT, s("a"), u64(2), s("b"), u64(1), s("c"), u64(3))
		sm := keyed("@s", str64, sumT, s("b"), i64(3), s("a"), i64(30), s("c"), i64(-1))
		r.print(c, 0, 0)
		r.print(c, 2, 0)
		r.print(c, 0, 2)
		r.print(sm, 0, 0)
		r.exit(c, sm)
	},
	"keys": func(r *session) {
		i8p := &types.Pointer{Elem: types.Int8}
		r.exit(
			keyed("@i", types.Int64, types.Int64, i64(0), i64(4), i64(10), i64(3), i64(-5), i64(1), i64(3), i64(2)),
			keyed("@m", tupleIS, types.Int64, tup(i64(1), s("x")), i64(5), tup(i64(0), s("z")), i64(7), tup(i64(1), s("a")), i64(6)),
			keyed("@p", i8p, i8p, Pointer(0x10), Pointer(0x20)),
			keyed("@str", str64, str64, s("zz"), s("v1"), s("mm"), s("v3"), s("aa"), s("v2")),
			keyed("@t", types.Int64, tupleIS, i64(-1), tup(i64(3), s("c")), i64(2), tup(i64(1), s("b")), i64(1), tup(i64(2), s("a"))),
			keyed("@u", types.Uint64, types.Int64, u64(5), i64(2), u64(1<<64-1), i64(1)))
	},
	"values": func(r *session) {
		t := scalar("@t", &types.Tuple{Elems: []types.Type{types.Int64, str64, &types.Tuple{Elems: []types.Type{types.Int64, types.Int64}}}},
			tup(i64(1), s("two"), tup(i64(3), i64(4))))
		r.print(t, 0, 0)
		r.value(tup(i64(1), s("a")))
		r.value(i64(5))
		r.value(s("str"))
		r.value(Int{V: uint64(0xfffffffffffffffd), Bits: 8, Signed: true})
		r.exit(scalar("@mn", minT, minmax(false, 5, -3)), scalar("@mx", maxT, minmax(true, 9, 2)),
			scalar("@neg", types.Int32, Int{V: uint64(1<<64 - 123), Bits: 32, Signed: true}),
			scalar("@ptr", &types.Pointer{Elem: types.Int16}, Pointer(0x1234)),
			scalar("@str", str64, s("hello world")),
			scalar("@sum", sumT, i64(-5)), t,
			scalar("@u8", types.Uint8, Int{V: 200, Bits: 8}))
	},
	"minmax": func(r *session) {
		r.exit(keyed("@mn", str64, minT, s("a"), minmax(false, 5), s("b"), minmax(false, -3), s("c"), minmax(false, 0)),
			keyed("@mx", str64, maxT, s("a"), minmax(true, 9), s("c"), minmax(true, 3)))
	},
	"printf_int": func(r *session) {
		r.printf("[%d] [%5d] [%-5d] [%05d] [%.3d] [%5.3d] [%-05d]\n", i64(42), i64(42), i64(42), i64(42), i64(42), i64(42), i64(42))
		r.printf("[%d] [%5d] [%-5d] [%05d] [%.3d] [%5.3d]\n", i64(-42), i64(-42), i64(-42), i64(-42), i64(-42), i64(-42))
		r.printf("[%x] [%X] [%o] [%u] [%08x] [%-8X|]\n", i64(255), i64(255), i64(8), i64(-1), i64(255), i64(255))
		r.printf("[%d] [%ld] [%lld] [%u] [%lu] [%x] [%lx]\n", i64(5000000000), i64(5000000000), i64(-5000000000),
			i64(5000000000), i64(-1), i64(0x123456789), i64(0x123456789))
		x := i64(0x12345678abcdef)
		r.printf("[%hhd] [%hd] [%hhu] [%hu] [%hhx] [%hx] [%jx] [%zd] [%td]\n", i64(300), i64(70000), i64(-1), i64(-1), x, x, x, i64(-7), i64(-7))
		r.printf("[%.0d] [%.0x] [%5.0d|] [%3d] [%-3d|] [%03d]\n", i64(0), i64(0), i64(0), i64(12345), i64(12345), i64(-12345))
		r.exit()
	},
	"printf_str": func(r *session) {
		r.printf("[%s] [%10s] [%-10s] [%.2s] [%5.1s] [%c] [%c%c]\n", s("hello"), s("hi"), s("hi"), s("hello"), s("hello"), i64(65), i64(66), i64(67))
		r.printf("[%05s] [%-05s] [%c] [%5c] [%-3c|]\n", s("ab"), s("ab"), i64(0x263a), i64(65), i64(66))
		r.printf("[%p] [%p] [%5p] [%-20p|]\n", i64(0), i64(4096), i64(1), i64(0xffff))
		r.printf("%% [%s] %d%%\n", s("x"), i64(5))
		r.printf("100%%\n")
		r.printf("a %% b %d c %% d\n", i64(1))
		r.printf("%%d [%d]\n", i64(7), i64(8))
		r.printf("x%cy%s\n", i64(0), s("z"))
		r.printf("[%s] [%s] [%s] [%s]\n", Ksym(0), Ksym(1), Usym{}, Inet{Family: afInet, Addr: [16]byte{127, 0, 0, 1}})
		r.exit()
	},
	"printf_buf": func(r *session) {
		b := Buffer("ab\x01\xff\n~ ")
		r.printf("[%r] [%rx] [%rh]\n", b, b, b)
		r.printf("%r|%rh\n", Buffer(""), Buffer("A"))
		r.exit(scalar("@b", &types.Buffer{Len: 3}, Buffer("a\x00b")))
	},
	"symbols": func(r *session) {
		inet := &types.Inet{}
		v6 := func(s string) Inet { return Inet{Family: afInet6, Addr: mustAddr(s)} }
		v4 := func(a, b, c, d byte) Inet { return Inet{Family: afInet, Addr: [16]byte{a, b, c, d}} }
		r.exit(scalar("@cpt", inet, v6("::102:304")), scalar("@mid", inet, v6("1:0:0:2:0:0:0:3")),
			keyed("@n", types.Int64, inet, i64(1), v4(127, 0, 0, 1), i64(2), v4(127, 0, 0, 2)),
			scalar("@one", inet, v6("::1")), scalar("@s", types.Ksym, Ksym(0)),
			keyed("@u", types.Int64, types.Usym, i64(1), Usym{}),
			scalar("@v4m", inet, v6("::ffff:102:304")), scalar("@v6", inet, v6("fe80::1:0:0:2")),
			keyed("@x", types.Int64, types.Ksym, i64(1), Ksym(0), i64(2), Ksym(1)),
			scalar("@z6", inet, v6("::")))
	},
	"empty": func(r *session) {
		cl := MapDump{Name: "@cl", Key: types.Int64, Value: countT}
		h := MapDump{Name: "@h", Key: types.Int64, Value: histT}
		st := MapDump{Name: "@s", Key: types.Int64, Value: statsT}
		r.print(cl, 0, 0)
		r.print(h, 0, 0)
		r.print(st, 0, 0)
		r.exit(cl, h, st, scalar("@x", types.Int64, i64(1)))
	},
	"div": func(r *session) {
		h := scalar("@h", histT, hist(0, 2, 2, 2, 9, 100, 100))
		l := scalar("@l", lhistT(0, 10, 5), lhist(0, 10, 5, 1, 1, 7))
		st := scalar("@s", statsT, statsVal(10, 20))
		k := keyed("@k", tupleIS, histT, tup(i64(0), s("b")), hist(0, 5, 6), tup(i64(1), s("a")), hist(0, 5))
		r.print(h, 0, 2) // 0.17 divided the counts but not the bars
		r.print(l, 0, 2)
		r.print(st, 0, 2)
		r.print(k, 1, 0)
		r.exit(h, k, l, st)
	},
	"escape": func(r *session) {
		r.printf("é\x01\x7f\t\"\\ \r\n")
		r.exit(keyed("@", str64, types.Int64, s("q\"t"), i64(3), s("é"), i64(1), s("a b"), i64(2)))
	},
}

func TestGolden017(t *testing.T) {
	for name, run := range golden017 {
		for _, f := range []Format{Text, JSON} {
			file := filepath.Join("testdata", "bpftrace017", name+map[Format]string{Text: ".txt", JSON: ".json"}[f])
			t.Run(filepath.Base(file), func(t *testing.T) {
				want, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				p := NewPrinter(Era017, f)
				r := newSession(t, p)
				r.msg(p.AttachedProbes(1))
				run(r)
				if got := r.b.String(); got != string(want) {
					t.Errorf("output differs from bpftrace 0.17\n--- got\n%s\n--- want\n%s", got, want)
				}
			})
		}
	}
}

// TestGolden017Scripts checks that every captured script has a case.
func TestGolden017Scripts(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "bpftrace017", "*.bt"))
	for _, f := range files {
		name := filepath.Base(f[:len(f)-3])
		if golden017[name] == nil {
			t.Errorf("%s has no case in golden017", f)
		}
	}
}
