package format

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestOldEraBpftrace checks era preservation against the real thing: the
// 0.17-era scripts (Debian's tools and the old_era golden), formatted,
// must parse under Debian's bpftrace 0.17 to the same tree as before
// (`bpftrace -d` prints it). Scripts whose dump 0.17 cannot produce (its
// clang step fails on a missing kernel header before the dump) are
// skipped.
func TestOldEraBpftrace(t *testing.T) {
	if testing.Short() {
		t.Skip("runs bpftrace for every script")
	}
	t.Parallel()
	bin, err := exec.LookPath("bpftrace")
	if err != nil {
		t.Skip("needs Debian's bpftrace 0.17 (apt-get install bpftrace)")
	}
	if v, _ := exec.Command(bin, "--version").Output(); !strings.Contains(string(v), "v0.17") {
		t.Skipf("needs bpftrace 0.17, found %s", strings.TrimSpace(string(v)))
	}
	scripts := debianScripts(t)
	golden := filepath.Join(goldenDir, "old_era.golden")
	if src, err := os.ReadFile(golden); err == nil {
		scripts = append(scripts, script{golden, src})
	}
	dir := t.TempDir()
	compared := 0
	for _, s := range scripts {
		before := parserDump(t, bin, filepath.Join(dir, "before.bt"), s.src)
		if before == "" {
			t.Logf("%s: bpftrace 0.17 prints no parse tree for it; skipped", s.name)
			continue
		}
		out, err := Source(s.name, s.src)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if after := parserDump(t, bin, filepath.Join(dir, "after.bt"), out); after != before {
			t.Errorf("%s: bpftrace 0.17 reads the formatted script differently:\n%s", s.name, lineDiff(before, after))
		}
		compared++
	}
	if compared == 0 {
		t.Skip("bpftrace 0.17 printed no parse tree for any script (does it need root here?)")
	}
	t.Logf("%d scripts read the same by bpftrace 0.17 after formatting", compared)
}

// parserDump returns bpftrace's dump of the tree right after parsing src.
func parserDump(t *testing.T, bin, path string, src []byte) string {
	t.Helper()
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command(bin, "-d", path).Output()
	var dump []string
	in := false
	for _, line := range strings.Split(string(out), "\n") {
		switch {
		case strings.HasPrefix(line, "AST after: parser"):
			in = true
		case strings.HasPrefix(line, "AST after:"):
			in = false
		case in:
			dump = append(dump, line)
		}
	}
	return strings.TrimSpace(strings.Join(dump, "\n"))
}
