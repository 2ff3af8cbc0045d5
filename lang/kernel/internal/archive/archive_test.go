package archive

import (
	"bytes"
	"maps"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	files := []File{
		{Name: "available_events", Data: []byte("sched:sched_switch\nsyscalls:sys_enter_openat\n")},
		{Name: "events/sched/sched_switch/format", Data: []byte("name: sched_switch\n\nformat:\n")},
		{Name: "empty", Data: nil},
		{Name: "no_newline", Data: []byte("x")},
	}
	var buf bytes.Buffer
	if err := Write(&buf, files); err != nil {
		t.Fatal(err)
	}
	got := Parse(buf.Bytes())
	want := map[string][]byte{
		"available_events":                 files[0].Data,
		"events/sched/sched_switch/format": files[1].Data,
		"empty":                            {},
		"no_newline":                       []byte("x\n"),
	}
	if !maps.EqualFunc(got, want, bytes.Equal) {
		t.Errorf("Parse(Write(files)) = %q, want %q", got, want)
	}
}

func TestParseIgnoresPreamble(t *testing.T) {
	got := Parse([]byte("preamble\n-- a --\n1\n-- b --\n"))
	if len(got) != 2 || string(got["a"]) != "1\n" || len(got["b"]) != 0 {
		t.Errorf("Parse = %q", got)
	}
}

func TestWriteRejectsNewlineInName(t *testing.T) {
	if err := Write(&bytes.Buffer{}, []File{{Name: "a\nb"}}); err == nil {
		t.Error("Write accepted a name with a newline")
	}
}
