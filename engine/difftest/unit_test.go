package difftest

import (
	"debug/elf"
	"strings"
	"testing"
)

func TestParseCase(t *testing.T) {
	src := `// a case
//difftest workload: getpid 3; read 2 4096; getppid
//difftest normalize: \d+ => N
//difftest ties
//difftest expect: ^@: 3$
//difftest args: 1 two
//difftest env: BPFTRACE_STRLEN=100
BEGIN { exit(); }
`
	c, err := ParseCase("x", src)
	if err != nil {
		t.Fatal(err)
	}
	if c.Stop != StopSignal || c.Workload == "" || len(c.Rules) != 2 || len(c.Args) != 2 || len(c.Env) != 1 {
		t.Errorf("parsed %+v", c)
	}
	if strings.Contains(c.Script, "//difftest") || !strings.Contains(c.Script, "// a case") {
		t.Errorf("script %q", c.Script)
	}
	if got := c.Normalize("a 12 b 3"); got != "a N b N" {
		t.Errorf("Normalize = %q", got)
	}
	for _, bad := range []string{
		"//difftest workload: frobnicate 3",
		"//difftest stop: later",
		"//difftest normalize: no arrow",
		"//difftest what: ever",
		"//difftest workload: read 3",
	} {
		if _, err := ParseCase("bad", bad); err == nil {
			t.Errorf("ParseCase(%q) did not fail", bad)
		}
	}
}

func TestSortTies(t *testing.T) {
	in := "Attaching 1 probe...\n\n\n@a[z]: 1\n@a[b]: 1\n@a[c]: 2\n@b[y]: 2\n@b[x]: 2\n"
	want := "Attaching 1 probe...\n\n\n@a[b]: 1\n@a[z]: 1\n@a[c]: 2\n@b[x]: 2\n@b[y]: 2\n"
	if got := SortTies(in); got != want {
		t.Errorf("SortTies:\n%s\nwant\n%s", got, want)
	}
}

func TestLooseFrames(t *testing.T) {
	in := "@[\n    vfs_read+37\n    0x00007f0000001234\n]: 1\n"
	want := "@[\n    vfs_read\n    ADDR\n]: 1\n"
	if got := LooseFrames(in); got != want {
		t.Errorf("LooseFrames:\n%s\nwant\n%s", got, want)
	}
}

func TestBpftracePerfFDs(t *testing.T) {
	script := "// profile:hz:99 in a comment\nBEGIN { }\ntracepoint:a:b { }\nprofile:hz:99 { }\ninterval:s:1 { }\nEND { }\n"
	// 2 output buffers + 5 probes - BEGIN - END + 1 more profile event.
	if got := BpftracePerfFDs(script, 5, 2); got != 6 {
		t.Errorf("BpftracePerfFDs = %d, want 6", got)
	}
}

func TestWorkloadSymbol(t *testing.T) {
	wl := workloadBinary(t)
	f, err := elf.Open(wl)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	const spin = "github.com/bt-tools/bt/engine/difftest/workload.spin"
	for _, s := range syms {
		if s.Name == spin {
			if got := WorkloadSymbol(s.Value + 3); got != spin {
				t.Errorf("WorkloadSymbol(spin+3) = %q, want %q", got, spin)
			}
			return
		}
	}
	t.Fatalf("%s has no symbol %s", wl, spin)
}
