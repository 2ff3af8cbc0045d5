package difftest

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"
)

// cleanExitScript has one probe of each kind that attaches on the test
// machines, and an END probe to show that a graceful stop runs it.
const cleanExitScript = `
tracepoint:syscalls:sys_enter_getpid { @tp = count(); }
tracepoint:sched:sched_switch { @switches = count(); }
profile:hz:99 { @samples = count(); }
interval:ms:100 { @ticks = count(); }
uprobe:/lib/x86_64-linux-gnu/libc.so.6:getpid { @up = count(); }
END { printf("end\n"); }
`

// TestCleanExit stops `bt run` with SIGINT, SIGTERM and SIGKILL in the
// middle of a run, and lets it stop itself with exit(), and checks that
// nothing it loaded stays in the kernel:
// none of its programs, maps or links (by id, so that other bt processes
// on the machine do not matter), as bpftool sees it too, and no
// uprobe_events/kprobe_events entry it made in tracefs.
func TestCleanExit(t *testing.T) {
	requireRoot(t)
	bt := btBinary(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGKILL} {
		t.Run(unix.SignalName(sig), func(t *testing.T) { cleanExit(t, bt, sig) })
	}
	t.Run("exit", func(t *testing.T) { cleanExit(t, bt, 0) })
}

func cleanExit(t *testing.T, bt string, sig syscall.Signal) {
	before := tracefsEvents()
	script := cleanExitScript
	if sig == 0 {
		script += "interval:ms:600 { exit(); }\n"
	}
	tr, err := StartTracer("bt", []string{bt, "run", "-e", script}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Kill()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := tr.WaitReady(ctx, BTReady); err != nil {
		t.Fatalf("%v\nstderr:\n%s", err, tr.Stderr())
	}
	time.Sleep(300 * time.Millisecond) // let every probe fire
	o, err := ProcessObjects(tr.Cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	// Five attached probes (six with exit's) and END; links for the
	// tracepoints, the uprobe and (on kernels with perf links) the perf
	// events.
	if len(o.Progs) < 6 || len(o.Links) < 3 || len(o.Maps) == 0 {
		t.Fatalf("bt holds %d programs, %d links, %d maps; want at least 6, 3, 1", len(o.Progs), len(o.Links), len(o.Maps))
	}
	during := tracefsEvents()

	if sig != 0 {
		tr.Signal(sig)
	}
	if err := tr.Wait(15 * time.Second); err != nil {
		t.Fatal(err)
	}
	checkExit(t, tr, sig)

	deadline := time.Now().Add(5 * time.Second)
	for {
		progs, links := Gone(o.Progs, o.Links)
		maps := mapsLeft(o.Maps)
		if len(progs)+len(links)+len(maps) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s: programs %v, links %v and maps %v are still loaded", stopName(sig), progs, links, maps)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if left := bpftoolIDs(t, "prog", o.Progs); len(left) > 0 {
		t.Errorf("bpftool prog list still shows %v", left)
	}
	if left := bpftoolIDs(t, "link", o.Links); len(left) > 0 {
		t.Errorf("bpftool link list still shows %v", left)
	}
	for _, e := range tracefsEvents() {
		if !slices.Contains(before, e) && slices.Contains(during, e) {
			t.Errorf("tracefs entry made during the run is still there: %s", e)
		}
	}
	t.Logf("%s: %d programs, %d links, %d maps released", stopName(sig), len(o.Progs), len(o.Links), len(o.Maps))
}

// stopName names how a run stopped: a signal, or exit() for 0.
func stopName(sig syscall.Signal) string {
	if sig == 0 {
		return "exit()"
	}
	return unix.SignalName(sig)
}

// checkExit checks how bt ended: a graceful stop runs END and prints the
// maps; SIGKILL just kills.
func checkExit(t *testing.T, tr *Tracer, sig syscall.Signal) {
	code := exitCode(tr.Err())
	if sig == syscall.SIGKILL {
		if code != 128+int(syscall.SIGKILL) {
			t.Errorf("exit status %d after SIGKILL", code)
		}
		return
	}
	out := tr.Stdout()
	if code != 0 || !strings.Contains(out, "end\n") || !strings.Contains(out, "@switches: ") {
		t.Errorf("after %s: exit status %d, want 0 with END's output and the maps\nstdout:\n%s\nstderr:\n%s", stopName(sig), code, out, tr.Stderr())
	}
}

func mapsLeft(ids []ebpf.MapID) []ebpf.MapID {
	var left []ebpf.MapID
	for _, id := range ids {
		if m, err := ebpf.NewMapFromID(id); err == nil {
			m.Close()
			left = append(left, id)
		}
	}
	return left
}

// bpftoolIDs returns which of ids `bpftool prog|link list` shows; nothing
// when bpftool is not installed.
func bpftoolIDs[ID ebpf.ProgramID | link.ID](t *testing.T, kind string, ids []ID) []ID {
	bpftool, err := exec.LookPath("bpftool")
	if err != nil {
		return nil
	}
	out, err := exec.Command(bpftool, "-j", kind, "list").Output()
	if err != nil {
		t.Errorf("bpftool %s list: %v", kind, err)
		return nil
	}
	var listed []struct {
		ID uint32 `json:"id"`
	}
	if err := json.Unmarshal(out, &listed); err != nil {
		t.Errorf("bpftool %s list: %v", kind, err)
		return nil
	}
	var left []ID
	for _, l := range listed {
		if slices.Contains(ids, ID(l.ID)) {
			left = append(left, ID(l.ID))
		}
	}
	return left
}

// tracefsEvents returns the dynamic probe events in tracefs
// (uprobe_events and kprobe_events), one line each.
func tracefsEvents() []string {
	var events []string
	for _, root := range []string{"/sys/kernel/tracing", "/sys/kernel/debug/tracing"} {
		for _, f := range []string{"uprobe_events", "kprobe_events"} {
			b, err := os.ReadFile(root + "/" + f)
			if err != nil {
				continue
			}
			for _, line := range strings.Split(string(b), "\n") {
				if line != "" {
					events = append(events, f+": "+line)
				}
			}
		}
	}
	return events
}
