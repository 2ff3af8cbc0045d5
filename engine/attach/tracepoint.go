package attach

import (
	"errors"
	"fmt"
	"os"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"

	"github.com/bt-tools/bt/lang/probes"
)

// TracefsDir is where the runtime mounts tracefs when it is missing.
const TracefsDir = "/sys/kernel/tracing"

// tracefsDirs are the places cilium/ebpf (and bpftrace) look for tracefs,
// in order.
var tracefsDirs = []string{TracefsDir, "/sys/kernel/debug/tracing"}

// EnsureTracefs makes sure tracefs is mounted, mounting it on
// /sys/kernel/tracing when it is not (which needs root). It reports
// whether it mounted it. Call it before anything reads tracefs: cilium/ebpf
// looks for tracefs once per process and remembers a failure.
func EnsureTracefs() (mounted bool, err error) {
	for _, dir := range tracefsDirs {
		if isTracefs(dir) {
			return false, nil
		}
	}
	return MountTracefs(TracefsDir)
}

// MountTracefs mounts tracefs on dir unless it is mounted there already,
// and reports whether it mounted it.
func MountTracefs(dir string) (mounted bool, err error) {
	if isTracefs(dir) {
		return false, nil
	}
	if err := unix.Mount("tracefs", dir, "tracefs", 0, ""); err != nil {
		if errors.Is(err, unix.EPERM) {
			return false, fmt.Errorf("mount tracefs on %s: %w (tracefs is needed for tracepoints and probes; run as root or mount it)", dir, err)
		}
		return false, fmt.Errorf("mount tracefs on %s: %w", dir, err)
	}
	return true, nil
}

func isTracefs(dir string) bool {
	var st unix.Statfs_t
	return unix.Statfs(dir, &st) == nil && st.Type == unix.TRACEFS_MAGIC
}

// tracefsFile returns the path of a file in the mounted tracefs, or "".
func tracefsFile(name string) string {
	for _, dir := range tracefsDirs {
		if isTracefs(dir) {
			return dir + "/" + name
		}
	}
	return ""
}

// attachTracepoint attaches a BPF_PROG_TYPE_TRACEPOINT program through a
// perf event on the tracepoint (link.Tracepoint). The perf event is opened
// for all processes; -p filtering is done in the program.
func attachTracepoint(prog *ebpf.Program, ap *probes.AttachPoint) (Attachment, error) {
	if ap.Category == "" || ap.Event == "" {
		return nil, fmt.Errorf("tracepoint needs a category and an event")
	}
	l, err := link.Tracepoint(ap.Category, ap.Event, prog, nil)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) && tracefsFile("events") == "" {
			return nil, fmt.Errorf("%w (tracefs is not mounted)", err)
		}
		return nil, err
	}
	return single(l), nil
}
