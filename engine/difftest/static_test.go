package difftest

import (
	"debug/elf"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestStaticBinary checks that `CGO_ENABLED=0 go build ./cmd/bt` gives one
// static binary: no program interpreter (PT_INTERP), no shared libraries
// (DT_NEEDED), so it runs on hosts without a C toolchain or libc of the
// right version. It reports the binary's size.
func TestStaticBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds bt; skipped in -short mode")
	}
	bt := btBinary(t)
	if os.Getenv("BT_BIN") != "" {
		t.Skip("BT_BIN is set: checks only the binary this test builds")
	}
	f, err := elf.Open(bt)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("%s has a program interpreter (PT_INTERP): it is dynamically linked", bt)
		}
	}
	if libs, err := f.ImportedLibraries(); err != nil || len(libs) > 0 {
		t.Errorf("%s needs shared libraries %v (%v)", bt, libs, err)
	}
	if f.Type != elf.ET_EXEC {
		t.Errorf("%s is %v, want ET_EXEC", bt, f.Type)
	}
	if file, err := exec.LookPath("file"); err == nil {
		out, err := exec.Command(file, bt).Output()
		if err != nil {
			t.Fatalf("file %s: %v", bt, err)
		}
		if !strings.Contains(string(out), "statically linked") {
			t.Errorf("file says: %s", out)
		}
		t.Logf("file: %s", strings.TrimSpace(string(out)))
	}
	fi, err := os.Stat(bt)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("static bt binary: %d bytes (%.1f MiB)", fi.Size(), float64(fi.Size())/(1<<20))
}
