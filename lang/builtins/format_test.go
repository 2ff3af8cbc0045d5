package builtins

import (
	"strings"
	"testing"

	"github.com/bt-tools/bt/lang/types"
)

// spec spells the conversions of a parsed format compactly, e.g.
// "d|-8.3ll:d|s": flags, width, precision, length, ':', conversion.
func spec(vs []Verb) string {
	var parts []string
	for _, v := range vs {
		if v.IsLiteral() {
			parts = append(parts, "'"+v.Text+"'")
			continue
		}
		var b strings.Builder
		for _, f := range []struct {
			on bool
			c  string
		}{{v.Minus, "-"}, {v.Plus, "+"}, {v.Space, " "}, {v.Sharp, "#"}, {v.Zero, "0"}} {
			if f.on {
				b.WriteString(f.c)
			}
		}
		switch {
		case v.WidthStar:
			b.WriteString("*")
		case v.Width >= 0:
			b.WriteString(itoa(v.Width))
		}
		switch {
		case v.PrecStar:
			b.WriteString(".*")
		case v.Prec >= 0:
			b.WriteString("." + itoa(v.Prec))
		}
		b.WriteString(v.Length + ":" + v.Conv)
		parts = append(parts, b.String())
	}
	return strings.Join(parts, "|")
}

func itoa(n int) string { return Sprintf([]Verb{{Conv: "d", Width: -1, Prec: -1}}, n) }

func TestParseFormat(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"hello\n", "'hello\n'"},
		{"%d", ":d"},
		{"%i %u %o %x %X %c %p %s", ":i|' '|:u|' '|:o|' '|:x|' '|:X|' '|:c|' '|:p|' '|:s"},
		{"%r %rx %rh %gr", ":r|' '|:rx|' '|:rh|' '|:gr"},
		{"pid=%d comm=%s\n", "'pid='|:d|' comm='|:s|'\n'"},
		{"100%%", "'100%'"},
		{"%%d", "'%d'"},
		{"%5%", "'%'"},
		{"%-8d|", "-8:d|'|'"},
		{"%+d", "+:d"},
		{"% d", " :d"},
		{"%#x", "#:x"},
		{"%08x", "08:x"},
		{"%0d", "0:d"},
		{"%-+ #010.5lld", "-+ #010.5ll:d"},
		{"%+-5d", "'%+-5d'"}, // flags in the wrong order: not a conversion
		{"%lu %llu %hhd %hd %ld %jd %zu %td %Lf", "l:u|' '|ll:u|' '|hh:d|' '|h:d|' '|l:d|' '|j:d|' '|z:u|' '|t:d|' '|L:f"},
		{"%*d %.*d %*.*s", "*:d|' '|.*:d|' '|*.*:s"},
		{"%.3s", ".3:s"},
		{"%5.d", "'%5.d'"}, // a '.' needs digits or '*'
		{"%y%d", "'%y'|:d"},
		{"%", "'%'"},
		{"abc%", "'abc%'"},
		{"%l", "'%l'"},
		{"%e %E %f %F %g %G %a %A %n", ":e|' '|:E|' '|:f|' '|:F|' '|:g|' '|:G|' '|:a|' '|:A|' '|:n"},
		{"%grx", ":gr|'x'"},
		{"%rhx", ":rh|'x'"},
		{"%ra", ":r|'a'"},
		{"%sx%d", ":s|'x'|:d"},
		{"%-s", "-:s"},
		{"%5s%-5s", "5:s|-5:s"},
		{"tab\t%d\\n", "'tab\t'|:d|'\\n'"},
	}
	for _, tt := range tests {
		vs, err := ParseFormat(tt.in)
		if err != nil {
			t.Errorf("ParseFormat(%q): %v", tt.in, err)
			continue
		}
		if got := spec(vs); got != tt.want {
			t.Errorf("ParseFormat(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestParseFormatOffsetsAndText(t *testing.T) {
	vs, err := ParseFormat("a%-5dbc%%%s")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		text string
		off  int
	}{{"a", 0}, {"%-5d", 1}, {"bc%", 5}, {"%s", 9}}
	if len(vs) != len(want) {
		t.Fatalf("got %d verbs", len(vs))
	}
	for i, w := range want {
		if vs[i].Text != w.text || vs[i].Off != w.off {
			t.Errorf("verb %d = %q at %d, want %q at %d", i, vs[i].Text, vs[i].Off, w.text, w.off)
		}
	}
	if n := len(Conversions(vs)); n != 2 {
		t.Errorf("Conversions = %d", n)
	}
}

func TestParseFormatErrors(t *testing.T) {
	for _, in := range []string{"%99999999d", "%.1000000s", "%99999999999999999999d"} {
		if _, err := ParseFormat(in); err == nil {
			t.Errorf("ParseFormat(%q) succeeded", in)
		}
	}
}

func TestCheckFormat(t *testing.T) {
	s := &types.String{Len: 8}
	tests := []struct {
		format string
		args   []types.Type
		code   string
		arg    int
		msg    string
	}{
		{"%d %s", []types.Type{types.Int32, s}, "", 0, ""},
		{"%d", nil, CodeFormatCount, -1, "not enough arguments for format string (0 supplied, 1 expected)"},
		{"x", []types.Type{types.Int32}, CodeFormatCount, 0, "too many arguments for format string (1 supplied, 0 expected)"},
		{"%d %d", []types.Type{types.Int32, types.Int32, s}, CodeFormatCount, 2, "(3 supplied, 2 expected)"},
		{"%s %d", []types.Type{s, s}, CodeFormatType, 1, "unsupported format specifier for type 'string[8]': d"},
		{"%x", []types.Type{&types.Pointer{Elem: types.Int8}}, "", 0, ""},
		{"%u", []types.Type{types.NewEnum("e", 4, false, nil)}, "", 0, ""},
		{"%c", []types.Type{types.Bool}, "", 0, ""},
		{"%s", []types.Type{&types.Stack{}}, "", 0, ""},
		{"%s", []types.Type{types.Ksym}, "", 0, ""},
		{"%d", []types.Type{types.Ksym}, CodeFormatType, 0, "'ksym_t': d"},
		{"%r", []types.Type{&types.Buffer{Len: 4}}, "", 0, ""},
		{"%rx", []types.Type{s}, CodeFormatType, 0, "'string[8]': rx"},
		{"%gr", []types.Type{types.Uint32}, "", 0, ""},
		{"%n", []types.Type{types.Uint32}, CodeFormatInvalid, 0, "unsupported format specifier: n"},
		{"%s", []types.Type{types.None}, CodeFormatType, 0, "none"},
		{"%d", []types.Type{types.Invalid}, "", 0, ""},
		{"%d", []types.Type{&types.Agg{Kind: types.Sum}}, "", 0, ""},
		{"%d", []types.Type{&types.Agg{Kind: types.Hist}}, CodeFormatType, 0, "hist_t"},
	}
	for _, tt := range tests {
		vs, _ := ParseFormat(tt.format)
		e := CheckFormat(vs, tt.args)
		switch {
		case tt.code == "" && e != nil:
			t.Errorf("CheckFormat(%q, %v) = %v", tt.format, tt.args, e)
		case tt.code != "" && (e == nil || e.Code != tt.code || e.Arg != tt.arg || !strings.Contains(e.Msg, tt.msg)):
			t.Errorf("CheckFormat(%q, %v) = %+v, want %s at %d: %q", tt.format, tt.args, e, tt.code, tt.arg, tt.msg)
		}
	}
}

func TestSprintf(t *testing.T) {
	tests := []struct {
		format string
		args   []any
		want   string
	}{
		{"hello", nil, "hello"},
		{"%d %s!", []any{int64(42), "bob"}, "42 bob!"},
		{"%5d|%-5d|%05d", []any{1, 2, 3}, "    1|2    |00003"},
		{"%d", []any{uint64(5000000000)}, "705032704"}, // no length modifier: 32 bits, as in C
		{"%ld %lld", []any{uint64(5000000000), int64(-1)}, "5000000000 -1"},
		{"%u", []any{int64(-1)}, "4294967295"},
		{"%lu", []any{int64(-1)}, "18446744073709551615"},
		{"%hhd %hd", []any{300, 70000}, "44 4464"},
		{"%x %X %#x %o %#o", []any{255, 255, 255, 8, 8}, "ff FF 0xff 10 010"},
		{"%+d %+d", []any{5, -5}, "+5 -5"},
		{"%c%c", []any{72, 'i'}, "Hi"},
		{"%p %p", []any{uint64(0x7fff1234), 0}, "0x7fff1234 0"},
		{"%s %s", []any{true, 12}, "true 12"},
		{"%-6s|%6s|%.2s", []any{"ab", "cd", "long"}, "ab    |    cd|long"},
		{"%r|%rx|%rh", []any{[]byte("a\x01"), []byte("a\x01"), []byte{0x0a, 0xfe}}, `a\x01|\x61\x01|0a fe`},
		{"%d%%", []any{50}, "50%"},
		{"%d %d", []any{1}, "1 %!MISSING"},
		{"%d", []any{true}, "1"},
		{"%05d", []any{-5}, "000-5"},
	}
	for _, tt := range tests {
		vs, err := ParseFormat(tt.format)
		if err != nil {
			t.Fatal(err)
		}
		if got := Sprintf(vs, tt.args...); got != tt.want {
			t.Errorf("Sprintf(%q, %v) = %q, want %q", tt.format, tt.args, got, tt.want)
		}
	}
}
