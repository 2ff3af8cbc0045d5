package output

import (
	"fmt"
	"testing"
)

func TestSprintf026(t *testing.T) {
	p := NewPrinter(Era026, Text)
	p.Symbols = StaticSymbols{Kern: map[uint64]Symbol{0xffff1000: {Name: "do_sys_open", Offset: 4}}}
	x := i64(0x12345678abcdef)
	enum := func(v int64, name string) Enum { return Enum{V: Int{V: uint64(v), Bits: 32, Signed: true}, Name: name} }
	tests := []struct {
		name   string
		format string
		args   []Value
		want   string
	}{
		{"call printf_argument", "value: %dms100\n", []Value{i64(100)}, "value: 100ms100\n"},
		{"call printf_llu", "Elapsed time: %llus\n", []Value{u64(1)}, "Elapsed time: 1s\n"},
		{"call printf_gr", "GFPFlags: %gr\n", []Value{i64(1)}, "GFPFlags: GFP_DMA\n"},
		{"call printf_more_arguments", "%dst: %sa; %dnd: %sb;; %drd: %sc;;; %dth: %sd;;;;\n",
			[]Value{i64(1), s("a"), i64(2), s("ab"), i64(3), s("abc"), i64(4), s("abcd")}, "1st: aa; 2nd: abb;; 3rd: abcc;;; 4th: abcdd;;;;\n"},
		{"call printf_length_modifiers", "%hhx %hx %x %jx\n", []Value{x, x, x, x}, "ef cdef 78abcdef 12345678abcdef\n"},
		{"call printf_char", "%c%c%c%c\n", []Value{i64(0x41), i64(0x42), i64(0x43), i64(0x44)}, "ABCD\n"},
		{"call printf_enum_symbolize", "%d %s %d %s\n", []Value{enum(1, "ONE"), enum(1, "ONE"), enum(99999, "OTHER"), enum(99999, "OTHER")},
			"1 ONE 99999 OTHER\n"},
		{"call printf_enum_symbolize_width", "%-5s %5s %s\n", []Value{enum(0, "A"), enum(1, "B"), enum(2, "C")}, "A         B C\n"},
		{"call printf_invalid_enum_symbolize_cast", "%d %s\n", []Value{enum(1, "ONE"), enum(100, "")}, "1 100\n"},
		{"call printf_lead_zeros", "%5s %04x", []Value{s("ba"), i64(2)}, "   ba 0002"},
		{"GFP compound", "%gr|%gr|%gr", []Value{u64(gfpKernel), u64(gfpKernel | gfpZero | 1<<40), u64(0)},
			"GFP_KERNEL|GFP_KERNEL|__GFP_ZERO|0x10000000000|0"},
		{"zero pad before sign", "[%05d] [%-05d] [%05s]", []Value{i64(-42), i64(42), s("ab")}, "[00-42] [42000] [000ab]"},
		{"precision ignored", "[%.3d] [%.2s] [%5.1s]", []Value{i64(42), s("hello"), s("hello")}, "[42] [hello] [hello]"},
		{"plus", "[%+d] [%+d] [%+u] [%+s] [%+s]", []Value{i64(5), i64(-5), i64(5), i64(7), u64(7)}, "[+5] [-5] [5] [+7] [7]"},
		{"alternate form", "[%#x] [%#X] [%#o] [%#x] [%#08x]", []Value{i64(255), i64(255), i64(8), i64(0), i64(255)},
			"[0xff] [0XFF] [010] [0] [00000xff]"},
		{"space flag does nothing", "[% d]", []Value{i64(5)}, "[5]"},
		{"star consumes no argument", "[%*d] [%.*d]", []Value{i64(5), i64(6)}, "[5] [6]"},
		{"pointers", "[%p] [%p] [%8p] [%s] [%x] [%d]", []Value{i64(0), i64(4096), i64(1), Pointer(0x10), Pointer(0x10), Pointer(0x10)},
			"[0] [0x1000] [     0x1] [0x10] [10] [16]"},
		{"percent", "100%% %d%%", []Value{i64(5)}, "100% 5%"},
		{"unknown conversions stay", "%y %5.z 100%", nil, "%y %5.z 100%"},
		{"flag order matters", "%0-5d|%d", []Value{i64(1)}, "%0-5d|1"},
		{"bools", "%d %s %x", []Value{Bool(true), Bool(false), Bool(true)}, "1 false 1"},
		{"not an integer", "%d|%x", []Value{s("abc"), tup(i64(1))}, "!{invalid integer conversion: abc}|!{invalid integer conversion: (1)}"},
		{"composite width pads the first token", "[%8s] [%-8s] [%6s]", []Value{tup(i64(1), i64(2)), Array{i64(1)}, Record{Names: []string{"a"}, Values: []Value{i64(1)}}},
			"[       (1, 2)] [[       1]] [    { .a = 1 }]"},
		{"strings of everything", "%s|%s|%s|%s", []Value{i64(-3), u64(3), Ksym(0xffff1000), Inet{Family: afInet, Addr: [16]byte{10, 0, 0, 1}}},
			"-3|3|do_sys_open|10.0.0.1"},
		{"buffers", "[%r] [%rx] [%rh] [%s] [%r]", []Value{Buffer("a\x01 "), Buffer("a\x01 "), Buffer("a\x01 "), Buffer("\xff"), s("str")},
			`[a\x01 ] [\x61\x01\x20] [61 01 20] [\xff] [str]`},
		{"char of zero", "a%cb", []Value{i64(0)}, "a\x00b"},
		{"hh and h signed", "%hhd %hd %hhu %hu %ld %d %u", []Value{i64(300), i64(70000), i64(-1), i64(-1), i64(5000000000), i64(5000000000), i64(-1)},
			"44 4464 255 65535 5000000000 705032704 4294967295"},
		{"missing args print nothing", "[%d] [%d]", []Value{i64(1)}, "[1] []"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.Sprintf(tt.format, tt.args); got != tt.want {
				t.Errorf("Sprintf(%q) = %q, want %q", tt.format, got, tt.want)
			}
		})
	}
}

func TestSprintf017(t *testing.T) {
	p := NewPrinter(Era017, Text)
	tests := []struct {
		format string
		args   []Value
		want   string
	}{
		{"%% [%s] %d%%\n", []Value{s("x"), i64(5)}, "% [x] 5%%\n"},
		{"100%%\n", nil, "100%%\n"},
		{"%%d [%d]\n", []Value{i64(7), i64(8)}, "%d [8]\n"},
		{"x%cy%s\n", []Value{i64(0), s("z")}, "xyz\n"},
		{"[%p] [%p] [%5p]", []Value{i64(0), i64(4096), i64(1)}, "[(nil)] [0x1000] [  0x1]"},
		{"[%05s] [%5.1s] [%.2s]", []Value{s("ab"), s("hello"), s("hello")}, "[   ab] [    h] [he]"},
		{"%r %r", []Value{Buffer("\x01"), Buffer("a")}, `\x01 a`},
		{"[%5r]", []Value{Buffer("a")}, "[%5r]"},
		// 0.17 knew no + flag and no %i: the piece "%+d|%d" went to
		// snprintf whole and its first conversion took the argument (the
		// second read garbage; bt leaves it as written).
		{"%+d|%d", []Value{i64(1)}, "+1|%d"},
		{"%i|%d", []Value{i64(1)}, "1|%d"},
	}
	for _, tt := range tests {
		if got := p.Sprintf(tt.format, tt.args); got != tt.want {
			t.Errorf("Sprintf(%q) = %q, want %q", tt.format, got, tt.want)
		}
	}
	// C semantics where Go's fmt differs.
	for f, want := range map[string]string{"%#08x": "0x000001", "%#x": "0x1", "%#o": "01", "%#5o": "   01", "%+.3d": "+001"} {
		if got := p.cprintf(f, i64(1)); got != want {
			t.Errorf("cprintf(%q, 1) = %q, want %q", f, got, want)
		}
	}
	if got := p.cprintf("%#x %#o", i64(0)); got != "0 %#o" {
		t.Errorf("cprintf(%%#x, 0) = %q", got)
	}
}

// TestSprintfLikeGo checks the conversions where C's printf (0.17) and, for
// a subset, C++ streams (0.26) agree with Go's fmt.
func TestSprintfLikeGo(t *testing.T) {
	ints := []int64{0, 1, 7, 42, -42, 255, 65535, 1 << 30, -(1 << 31)}
	strs := []string{"", "a", "hello", "hello world"}
	common := []string{"%d", "%5d", "%-5d", "%x", "%X", "%o", "%12x", "%-12X|", "%#x", "%#o", "%+d"}
	// Go differs from C on %#x of 0 ("0x0") and counts 0x outside a zero
	// padded width; those cases are in TestSprintf017.
	cOnly := []string{"%05d", "%.3d", "%5.3d", "%-05d", "%08x", "%.0d", "%3.0d", "%.5x", "% d", "%+05d"}
	strFormats := []string{"%s", "%8s", "%-8s|", "%.2s", "%6.3s", "%-6.1s|", "%.0s"}
	for _, era := range []Era{Era017, Era026} {
		p := NewPrinter(era, Text)
		formats := common
		if era == Era017 {
			formats = append(formats, cOnly...)
		}
		for _, f := range formats {
			for _, v := range ints {
				if v < 0 && (f[len(f)-1] == 'x' || f[len(f)-1] == 'X' || f[len(f)-1] == 'o' || f[len(f)-1] == '|') {
					continue // Go prints negative hex with a sign
				}
				if v == 0 && f == "%#x" {
					continue
				}
				want := fmt.Sprintf(f, v)
				if got := p.cprintfOrNew(f, i64(v)); got != want {
					t.Errorf("%s: %q of %d = %q, Go says %q", era, f, v, got, want)
				}
			}
		}
		for _, f := range strFormats {
			if era == Era026 && (f == "%.2s" || f == "%6.3s" || f == "%-6.1s|" || f == "%.0s") {
				continue // 0.26 ignores precision
			}
			for _, v := range strs {
				want := fmt.Sprintf(f, v)
				if got := p.cprintfOrNew(f, s(v)); got != want {
					t.Errorf("%s: %q of %q = %q, Go says %q", era, f, v, got, want)
				}
			}
		}
	}
}

// cprintfOrNew formats one conversion in the printer's era; 0.17's own
// grammar lacks the flags, so its C layer is exercised directly.
func (p *Printer) cprintfOrNew(format string, v Value) string {
	if p.old() {
		return p.cprintf(format, v)
	}
	return p.Sprintf(format, []Value{v})
}
