package workload

import "testing"

func TestParse(t *testing.T) {
	ops, err := Parse("getpid 3; read 2 4096; text 1 hi\\n; exec /bin/true true a; getppid")
	if err != nil {
		t.Fatal(err)
	}
	if len(ops) != 5 || ops[1].N != 2 || ops[1].Arg != 4096 || ops[2].Str != "hi\n" || len(ops[3].Argv) != 3 || ops[4].N != 1 {
		t.Errorf("ops = %+v", ops)
	}
	for _, bad := range []string{"frobnicate 3", "read 3", "getpid x", "exec"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) did not fail", bad)
		}
	}
}

func TestRun(t *testing.T) {
	ops, err := Parse("getpid 3; read 2 100; write 2 10; text 1 x; sleep 1 1; kill 1; yield 1; close 1; spin 1; open /nonexistent 1")
	if err != nil {
		t.Fatal(err)
	}
	if err := Run(ops, t.TempDir()); err != nil {
		t.Fatal(err)
	}
}
