package output

import (
	"bytes"
	"testing"
)

func TestEvents(t *testing.T) {
	loc := []Location{
		{File: "stdin", Line: 1, Col: 15, Span: "stdin:1:15-38"},
		{File: "stdin", Line: 1, Col: 50, Span: "stdin:1:50-55", Context: []string{`macro bad() { errorf("Something bad"); } begin { bad(); }`}},
	}
	tests := []struct {
		name   string
		era    Era
		format Format
		msg    func(p *Printer) Message
		stream Stream
		want   string
	}{
		{"attached 0.17", Era017, Text, func(p *Printer) Message { return p.AttachedProbes(2) }, Stdout, "Attaching 2 probes...\n"},
		{"attached 0.17 one", Era017, Text, func(p *Printer) Message { return p.AttachedProbes(1) }, Stdout, "Attaching 1 probe...\n"},
		{"attached 0.26", Era026, Text, func(p *Printer) Message { return p.AttachedProbes(2) }, Stderr, "Attached 2 probes\n"},
		{"attached 0.26 one", Era026, Text, func(p *Printer) Message { return p.AttachedProbes(1) }, Stderr, "Attached 1 probe\n"},
		{"attached json 0.17", Era017, JSON, func(p *Printer) Message { return p.AttachedProbes(1) }, Stdout,
			`{"type": "attached_probes", "data": {"probes": 1}}` + "\n"},
		{"json-output attached probes", Era026, JSON, func(p *Printer) Message { return p.AttachedProbes(1) }, Stdout,
			`{"type": "attached_probes", "count": 1, "data": {"probes": 1}}` + "\n"},
		{"lost 0.17", Era017, Text, func(p *Printer) Message { return p.LostEvents(3) }, Stdout, "Lost 3 events\n"},
		{"lost 0.26", Era026, Text, func(p *Printer) Message { return p.LostEvents(3) }, Stderr, "Lost 3 events\n"},
		{"lost json 0.17", Era017, JSON, func(p *Printer) Message { return p.LostEvents(3) }, Stdout,
			`{"type": "lost_events", "data": {"events": 3}}` + "\n"},
		{"lost json", Era026, JSON, func(p *Printer) Message { return p.LostEvents(3) }, Stdout,
			`{"type": "lost_events", "count": 3, "data": {"events": 3}}` + "\n"},
		{"end", Era026, Text, (*Printer).End, Stdout, "\n\n"},
		{"end json", Era026, JSON, (*Printer).End, Stdout, ""},
		{"end json 0.17", Era017, JSON, (*Printer).End, Stdout, "\n\n"},
		{"json-output printf", Era026, JSON, func(p *Printer) Message { return p.Printf("test 5") }, Stdout,
			`{"type": "printf", "data": "test 5"}` + "\n"},
		{"json-output printf_escaping", Era026, JSON, func(p *Printer) Message { return p.Printf("test \r \n \t \\ \" bar") }, Stdout,
			`{"type": "printf", "data": "test \r \n \t \\ \" bar"}` + "\n"},
		{"printf", Era026, Text, func(p *Printer) Message { return p.Printf("a\n") }, Stdout, "a\n"},
		{"json-output time", Era026, JSON, func(p *Printer) Message { return p.Time("12:00:01\n") }, Stdout,
			`{"type": "time", "data": "12:00:01\n"}` + "\n"},
		{"json-output syscall", Era026, JSON, func(p *Printer) Message { return p.System("a b c\n") }, Stdout,
			`{"type": "syscall", "data": "a b c\n"}` + "\n"},
		{"system", Era026, Text, func(p *Printer) Message { return p.System("a b c\n") }, Stdout, "a b c\n\n"},
		{"system 0.17", Era017, Text, func(p *Printer) Message { return p.System("a b c\n") }, Stdout, "a b c\n"},
		{"json-output join_delim", Era026, JSON, func(p *Printer) Message { return p.Join("/bin/echo,'A'") }, Stdout,
			`{"type": "join", "data": "/bin/echo,'A'"}` + "\n"},
		{"join", Era017, Text, func(p *Printer) Message { return p.Join("a b") }, Stdout, "a b\n"},
		{"json-output cat", Era026, JSON, func(p *Printer) Message { return p.Cat("1.0 2.0\n") }, Stdout,
			`{"type": "cat", "data": "1.0 2.0\n"}` + "\n"},
		{"cat", Era026, Text, func(p *Printer) Message { return p.Cat("x") }, Stdout, "x"},
		{"call errorf", Era026, Text, func(p *Printer) Message {
			return p.Errorf("Something bad with args: 10, arg2", []Location{{File: "stdin", Line: 1, Col: 9, Span: "stdin:1:9-62"}})
		}, Stderr, "stdin:1:9-62: ERROR: Something bad with args: 10, arg2\n"},
		{"call errorf_macro_expansion", Era026, Text, func(p *Printer) Message { return p.Errorf("Something bad\n", loc) }, Stderr,
			"stdin:1:15-38: ERROR: Something bad\nstdin:1:50-55: ERROR: expanded from\n" +
				`macro bad() { errorf("Something bad"); } begin { bad(); }` + "\n"},
		{"call warnf", Era017, Text, func(p *Printer) Message {
			return p.Warnf("Something kinda bad", []Location{{File: "stdin", Line: 1, Col: 9}})
		}, Stderr, "stdin:1:9: WARNING: Something kinda bad\n"},
		{"errorf json", Era026, JSON, func(p *Printer) Message { return p.Errorf("bad\n", loc) }, Stdout,
			`{"type": "errorf", "msg": "bad\n", "filename": "stdin", "line": 1, "col": 15}` + "\n"},
		{"warnf json", Era026, JSON, func(p *Printer) Message { return p.Warnf("w", loc[:1]) }, Stdout,
			`{"type": "warnf", "msg": "w", "filename": "stdin", "line": 1, "col": 15}` + "\n"},
		{"json-output print_non_map_builtin", Era026, JSON, func(p *Printer) Message { return p.PrintValue(s("bpftrace")) }, Stdout,
			`{"type": "value", "data": "bpftrace"}` + "\n"},
		{"json-output print bool type", Era026, JSON, func(p *Printer) Message { return p.PrintValue(tup(Bool(true), Bool(false))) }, Stdout,
			`{"type": "value", "data": [true,false]}` + "\n"},
		{"record printing", Era026, Text, func(p *Printer) Message {
			return p.PrintValue(Record{Names: []string{"a", "b", "c", "d", "e"}, Values: []Value{i64(0), i64(1), s("str"),
				tup(i64(5), i64(6)), Record{Names: []string{"x", "y"}, Values: []Value{i64(1), i64(2)}}}})
		}, Stdout, "{ .a = 0, .b = 1, .c = str, .d = (5, 6), .e = { .x = 1, .y = 2 } }\n"},
	}
	for _, tt := range tests {
		p := NewPrinter(tt.era, tt.format)
		m := tt.msg(p)
		if m.Stream != tt.stream || m.Text != tt.want {
			t.Errorf("%s: got %v %q, want %v %q", tt.name, m.Stream, m.Text, tt.stream, tt.want)
		}
	}
}

func TestMessageWriteTo(t *testing.T) {
	var out, errw bytes.Buffer
	p := NewPrinter(Era026, Text)
	_ = p.AttachedProbes(3).WriteTo(&out, &errw)
	_ = p.Printf("x").WriteTo(&out, &errw)
	if out.String() != "x" || errw.String() != "Attached 3 probes\n" {
		t.Errorf("stdout %q, stderr %q", out.String(), errw.String())
	}
}

func TestJoinText(t *testing.T) {
	if got := JoinText([]string{"/bin/echo", "A", "", "junk"}, ","); got != "/bin/echo,A" {
		t.Errorf("JoinText = %q", got)
	}
}
