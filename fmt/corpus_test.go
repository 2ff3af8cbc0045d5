package format

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// upstreamRepo is the bare mirror of bpftrace's repository; its scripts are
// read with git and never copied into this repository.
const upstreamRepo = "/work/.mirror/bpftrace+bpftrace/repo"

// script is one program of a corpus.
type script struct {
	name string
	src  []byte
}

// testdataScripts returns every *.bt under testdata/, recursively: the
// scripts all of bt's packages test with.
func testdataScripts(t testing.TB) []script {
	var out []script
	err := filepath.WalkDir("../testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".bt") {
			return err
		}
		src, err := os.ReadFile(path)
		out = append(out, script{path, src})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// debianScripts returns the tools Debian's bpftrace 0.17 package installs.
func debianScripts(t testing.TB) []script {
	paths, _ := filepath.Glob("/usr/sbin/*.bt")
	return readScripts(t, paths)
}

func readScripts(t testing.TB, paths []string) []script {
	sort.Strings(paths)
	var out []script
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, script{p, src})
	}
	return out
}

// upstreamTools returns upstream's tools/*.bt and tools/old/*.bt, from
// $BT_UPSTREAM_TOOLS, /tmp/upstream/tools, or the bare mirror, in that
// order, and where they came from.
func upstreamTools(t testing.TB) ([]script, string) {
	for _, dir := range []string{os.Getenv("BT_UPSTREAM_TOOLS"), "/tmp/upstream/tools"} {
		if dir == "" {
			continue
		}
		top, _ := filepath.Glob(filepath.Join(dir, "*.bt"))
		old, _ := filepath.Glob(filepath.Join(dir, "old", "*.bt"))
		if len(top) > 0 {
			return readScripts(t, append(top, old...)), dir
		}
	}
	s := upstreamGit(t, "tools/")
	return s, upstreamRepo
}

// upstreamGit returns the *.bt files under prefix at HEAD of the bare
// mirror, or nothing if there is no mirror or no git.
func upstreamGit(t testing.TB, prefix string) []script {
	if _, err := os.Stat(upstreamRepo); err != nil {
		return nil
	}
	list, err := exec.Command("git", "--git-dir", upstreamRepo, "ls-tree", "-r", "--name-only", "HEAD", prefix).Output()
	if err != nil {
		return nil
	}
	var out []script
	for _, name := range strings.Fields(string(list)) {
		if !strings.HasSuffix(name, ".bt") {
			continue
		}
		src, err := exec.Command("git", "--git-dir", upstreamRepo, "show", "HEAD:"+name).Output()
		if err != nil {
			t.Fatalf("git show %s: %v", name, err)
		}
		out = append(out, script{"upstream:" + name, src})
	}
	return out
}

// knownUnparsable lists corpus scripts that do not parse because of parser
// bugs reported to lang/parser; the formatter cannot format them.
var knownUnparsable = map[string]string{
	"upstream:src/stdlib/base.bt": "lang/parser rejects the contextual keyword in `macro config()`",
}

// checkCorpus checks the formatter's guarantees on every script that
// parses. Scripts that do not parse are skipped: testdata holds broken
// programs on purpose, for the parser's error tests.
func checkCorpus(t *testing.T, scripts []script) {
	skipped := 0
	for _, s := range scripts {
		t.Run(strings.TrimPrefix(s.name, "../"), func(t *testing.T) {
			if reason, ok := knownUnparsable[s.name]; ok {
				t.Skip(reason)
			}
			if _, err := parse(s.name, s.src); err != nil {
				skipped++
				t.Skipf("does not parse, nothing to format:\n%v", err)
			}
			if _, err := checkInvariants(s.name, s.src); err != nil {
				t.Fatal(err)
			}
		})
	}
	t.Logf("%d scripts, %d skipped because they do not parse", len(scripts), skipped)
}

// TestCorpusTestdata checks every script under testdata/.
func TestCorpusTestdata(t *testing.T) {
	checkCorpus(t, testdataScripts(t))
}

// TestCorpusDebian checks the tools of Debian's bpftrace 0.17 package.
func TestCorpusDebian(t *testing.T) {
	s := debianScripts(t)
	if len(s) == 0 {
		t.Skip("no /usr/sbin/*.bt: Debian's bpftrace package is not installed")
	}
	checkCorpus(t, s)
}

// TestCorpusUpstream checks upstream's tools, and when the bare mirror is
// there, every other script upstream keeps (stdlib, tests).
func TestCorpusUpstream(t *testing.T) {
	tools, from := upstreamTools(t)
	all := append(tools, upstreamGit(t, "src/")...)
	all = append(all, upstreamGit(t, "tests/")...)
	if len(all) == 0 {
		t.Skip("no upstream scripts: set BT_UPSTREAM_TOOLS, extract them to /tmp/upstream/tools, or mirror the repository at " + upstreamRepo)
	}
	t.Logf("upstream tools from %s", from)
	checkCorpus(t, all)
}

// TestUpstreamToolsIdentical checks that upstream's tools, which upstream
// keeps formatted with `bpftrace --fmt`, come out byte-identical.
func TestUpstreamToolsIdentical(t *testing.T) {
	tools, from := upstreamTools(t)
	if len(tools) == 0 {
		t.Skip("no upstream tools: set BT_UPSTREAM_TOOLS, extract them to /tmp/upstream/tools, or mirror the repository at " + upstreamRepo)
	}
	same := 0
	for _, s := range tools {
		out, err := Source(s.name, s.src)
		switch {
		case err != nil:
			t.Errorf("%s: %v", s.name, err)
		case !bytes.Equal(out, s.src):
			t.Errorf("%s is not a fixed point:\n%s", s.name, lineDiff(string(s.src), string(out)))
		default:
			same++
		}
	}
	t.Logf("%d of %d upstream tools (from %s) are byte-identical after formatting", same, len(tools), from)
}
