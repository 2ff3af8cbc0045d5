package lang

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/kernel"
	"github.com/bt-tools/bt/lang/kernel/kerneltest"
	"github.com/bt-tools/bt/lang/sema"
)

// Acceptance: every bpftrace tool, as Debian ships it (0.17, /usr/sbin) and
// as upstream has it (tools/*.bt), parses and checks without errors against
// the kernel fixture and the running kernel. The exceptions are the tools
// that the reference bpftrace rejects on this kernel for the same reason
// (knownIncompatible); TestAcceptanceReference runs bpftrace to confirm
// them. Upstream's tools/old/*.bt target older kernels: they may only fail
// on struct fields that this kernel no longer has.
//
// Upstream's tools are read from $BT_UPSTREAM_TOOLS, else /tmp/upstream/tools,
// else the bare clone in /work/.mirror; they are never copied into this
// repository.

// toolScript is one tool of one corpus.
type toolScript struct {
	corpus string // "debian", "upstream" or "upstream/old"
	name   string // file name, "runqlen.bt"
	src    []byte
}

func (s toolScript) id() string { return s.corpus + "/" + s.name }

// incompatibility is a tool that cannot check on this kernel, and why.
type incompatibility struct {
	code   string         // the diagnostic code bt reports
	msg    *regexp.Regexp // matches bt's message
	reason string
	// bpftrace matches what bpftrace 0.17 prints when it rejects the tool
	// on this kernel (TestAcceptanceReference).
	bpftrace *regexp.Regexp
}

// knownIncompatible lists the tools that fail on Linux 6.18 (the fixture's
// kernel and the test machines') in bt and in bpftrace 0.17 alike.
var knownIncompatible = map[string]incompatibility{
	"debian/runqlen.bt": {
		code:     "E220",
		msg:      regexp.MustCompile(`struct cfs_rq has no field named 'nr_running'`),
		reason:   "struct cfs_rq.nr_running was renamed nr_queued in Linux 6.14; upstream's runqlen.bt reads nr_queued",
		bpftrace: regexp.MustCompile(`Struct/union of type 'struct cfs_rq' does not contain a field named 'nr_running'`),
	},
}

// oldToolCodes are the codes tools/old/*.bt may fail with: fields and
// structs of older kernels.
var oldToolCodes = map[string]bool{"E220": true, "E241": true}

func debianTools(tb testing.TB) []toolScript {
	paths, _ := filepath.Glob("/usr/sbin/*.bt")
	var out []toolScript
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, toolScript{"debian", filepath.Base(p), src})
	}
	return out
}

const upstreamMirror = "/work/.mirror/bpftrace+bpftrace/repo"

// upstreamTools returns tools/*.bt and tools/old/*.bt of upstream
// bpftrace, and where they were read from.
func upstreamTools(tb testing.TB) ([]toolScript, string) {
	dirs := []string{os.Getenv("BT_UPSTREAM_TOOLS"), "/tmp/upstream/tools"}
	for _, dir := range dirs {
		if dir == "" {
			continue
		}
		var out []toolScript
		for _, sub := range []string{"", "old"} {
			paths, _ := filepath.Glob(filepath.Join(dir, sub, "*.bt"))
			for _, p := range paths {
				src, err := os.ReadFile(p)
				if err != nil {
					tb.Fatal(err)
				}
				out = append(out, toolScript{strings.TrimSuffix("upstream/"+sub, "/"), filepath.Base(p), src})
			}
		}
		if len(out) > 0 {
			return out, dir
		}
	}
	if _, err := os.Stat(upstreamMirror); err != nil {
		return nil, ""
	}
	git := func(args ...string) ([]byte, error) {
		return exec.Command("git", append([]string{"--git-dir=" + upstreamMirror}, args...)...).Output()
	}
	list, err := git("ls-tree", "-r", "--name-only", "HEAD", "tools/")
	if err != nil {
		tb.Logf("cannot list the tools of %s: %v", upstreamMirror, err)
		return nil, ""
	}
	var out []toolScript
	for _, p := range strings.Fields(string(list)) {
		dir, name := filepath.Split(p)
		if !strings.HasSuffix(name, ".bt") || (dir != "tools/" && dir != "tools/old/") {
			continue
		}
		src, err := git("show", "HEAD:"+p)
		if err != nil {
			tb.Fatalf("git show %s: %v", p, err)
		}
		out = append(out, toolScript{strings.TrimSuffix("upstream/"+strings.TrimPrefix(dir, "tools/"), "/"), name, src})
	}
	return out, upstreamMirror
}

// allTools returns every tool available, skipping tb if there are none.
func allTools(tb testing.TB) []toolScript {
	tools := debianTools(tb)
	if len(tools) == 0 {
		tb.Logf("no Debian tools in /usr/sbin (install bpftrace: apt-get install bpftrace)")
	}
	up, from := upstreamTools(tb)
	if len(up) == 0 {
		tb.Logf("no upstream tools ($BT_UPSTREAM_TOOLS, /tmp/upstream/tools or %s)", upstreamMirror)
	} else {
		tb.Logf("upstream tools from %s", from)
	}
	tools = append(tools, up...)
	if len(tools) == 0 {
		tb.Skip("no bpftrace tools to check: neither /usr/sbin/*.bt nor upstream's tools/")
	}
	return tools
}

func TestAcceptanceFixture(t *testing.T) {
	checkTools(t, kerneltest.Fixture(t))
}

func TestAcceptanceLive(t *testing.T) {
	if _, err := os.Stat("/sys/kernel/btf/vmlinux"); err != nil {
		t.Skipf("the running kernel has no BTF (/sys/kernel/btf/vmlinux): %v", err)
	}
	checkTools(t, kernel.NewLive(kernel.LiveOptions{}))
}

// checkTools checks every tool against k.
func checkTools(t *testing.T, k kernel.Info) {
	for _, tool := range allTools(t) {
		t.Run(tool.id(), func(t *testing.T) {
			u := Check(tool.id(), tool.src, sema.Options{Kernel: k})
			errs := u.Diags.Errors()
			if inc, ok := knownIncompatible[tool.id()]; ok {
				checkIncompatible(t, u, errs, inc)
				return
			}
			if tool.corpus == "upstream/old" {
				for _, d := range errs {
					if !oldToolCodes[d.Code] {
						t.Errorf("tools/old may only fail on fields of older kernels, not:\n%s", diag.Format(u.Tok, d))
					}
				}
				if len(errs) > 0 {
					t.Logf("%s targets an older kernel: %d field errors on this one, e.g. %s", tool.name, len(errs), errs[0].Message)
				}
				return
			}
			for _, d := range errs {
				t.Errorf("%s", diag.Format(u.Tok, d))
			}
		})
	}
}

// checkIncompatible requires the errors of a known incompatible tool to
// be exactly the documented ones.
func checkIncompatible(t *testing.T, u *Unit, errs diag.List, inc incompatibility) {
	t.Helper()
	if len(errs) == 0 {
		t.Errorf("listed as incompatible (%s), but it checks: remove it from knownIncompatible", inc.reason)
	}
	for _, d := range errs {
		if d.Code != inc.code || !inc.msg.MatchString(d.Message) {
			t.Errorf("only %s %q is expected (%s), got:\n%s", inc.code, inc.msg, inc.reason, diag.Format(u.Tok, d))
		}
	}
	if len(errs) > 0 {
		t.Logf("known incompatibility: %s", inc.reason)
	}
}

// TestAcceptanceReference confirms with bpftrace itself that each known
// incompatibility is one: bpftrace must reject the tool with the
// documented message. It needs bpftrace and root.
func TestAcceptanceReference(t *testing.T) {
	bin, err := exec.LookPath("bpftrace")
	if err != nil {
		t.Skip("needs bpftrace (apt-get install bpftrace)")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to run bpftrace")
	}
	tools := map[string]toolScript{}
	for _, tool := range allTools(t) {
		tools[tool.id()] = tool
	}
	var ids []string
	for id := range knownIncompatible {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		inc := knownIncompatible[id]
		t.Run(id, func(t *testing.T) {
			tool, ok := tools[id]
			if !ok {
				t.Skipf("%s is not available here", id)
			}
			path := filepath.Join(t.TempDir(), tool.name)
			if err := os.WriteFile(path, tool.src, 0o644); err != nil {
				t.Fatal(err)
			}
			// A rejected script fails during semantic analysis, before
			// anything is attached. A script bpftrace accepts would run
			// until stopped: the deadline only bounds that case, and the
			// verdict comes from the output, not from the time taken.
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			out, err := exec.CommandContext(ctx, bin, path).CombinedOutput()
			if ctx.Err() != nil {
				t.Fatalf("bpftrace accepted %s (it ran until stopped), so it is not a known incompatibility:\n%s", id, out)
			}
			if err == nil || !inc.bpftrace.Match(out) {
				t.Errorf("bpftrace should reject %s with %q (%s); it said (%v):\n%s", id, inc.bpftrace, inc.reason, err, out)
			}
		})
	}
}
