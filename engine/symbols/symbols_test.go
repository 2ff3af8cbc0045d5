package symbols

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/bt-tools/bt/engine/output"
)

func TestKallsyms(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kallsyms")
	os.WriteFile(path, []byte(`ffffffff81000000 T _stext
ffffffff81000100 t helper
ffffffff81000200 D some_data
ffffffff81000300 T vfs_read
0000000000000000 T hidden
ffffffffc0001000 t mod_fn	[mod]
`), 0o644)
	r := &Resolver{Kallsyms: path}
	for _, tc := range []struct {
		addr uint64
		want output.Symbol
	}{
		{0xffffffff81000000, output.Symbol{Name: "_stext"}},
		{0xffffffff81000105, output.Symbol{Name: "helper", Offset: 5}},
		{0xffffffff81000250, output.Symbol{Name: "helper", Offset: 0x150}}, // data symbols are skipped
		{0xffffffff81000310, output.Symbol{Name: "vfs_read", Offset: 0x10}},
		{0xffffffffc0001004, output.Symbol{Name: "mod_fn", Offset: 4}},
		{0x1000, output.Symbol{}},
	} {
		if got := r.Kernel(tc.addr); got != tc.want {
			t.Errorf("Kernel(%#x) = %+v, want %+v", tc.addr, got, tc.want)
		}
	}
}

// User addresses resolve through the process's mappings and the mapped
// file's symbols: a C program built for the test, its symbols looked up
// at the addresses its own mapping gives them.
func TestUser(t *testing.T) {
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("needs a C compiler")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "p.c")
	os.WriteFile(src, []byte(`
#include <unistd.h>
__attribute__((noinline)) void target(void) { pause(); }
int main(void) { target(); return 0; }`), 0o644)
	bin := filepath.Join(dir, "p")
	if out, err := exec.Command(cc, "-O1", "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("cc: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	// Find target's address in the running process: its ELF address
	// relocated by the mapping of the file's first segment.
	var ms []mapping
	for i := 0; i < 100; i++ {
		ms, _ = readMaps("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/maps")
		if len(ms) > 0 && ms[0].path == bin {
			break
		}
	}
	var base uint64
	for _, m := range ms {
		if m.path == bin && m.off == 0 {
			base = m.start
			break
		}
	}
	if base == 0 {
		t.Skipf("no mapping of %s: %v", bin, ms)
	}
	r := New()
	tbl := r.file(cmd.Process.Pid, bin)
	if tbl == nil {
		t.Fatal("no symbols")
	}
	var target sym
	for _, s := range tbl.syms {
		if s.name == "target" {
			target = s
		}
	}
	if target.addr == 0 {
		t.Fatal("no symbol target")
	}
	// A PIE's vaddr 0 is the mapping's start.
	addr := base + target.addr + 3
	got := r.User(cmd.Process.Pid, addr)
	if got.Name != "target" || got.Offset != 3 || got.Module != bin {
		t.Errorf("User(%#x) = %+v", addr, got)
	}
	// After the process is gone, preloaded mappings still resolve.
	r2 := New()
	r2.Preload(cmd.Process.Pid)
	cmd.Process.Kill()
	cmd.Wait()
	if got := r2.User(cmd.Process.Pid, addr); got.Name != "target" {
		t.Errorf("after exit: User(%#x) = %+v", addr, got)
	}
	if got := r.User(1<<30, 0x1234); got != (output.Symbol{}) {
		t.Errorf("unknown process: %+v", got)
	}
}
