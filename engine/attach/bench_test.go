package attach_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/cilium/ebpf"

	"github.com/bt-tools/bt/engine/attach"
	"github.com/bt-tools/bt/engine/attach/attachtest"
	"github.com/bt-tools/bt/lang/probes"
)

// BenchmarkDetach measures attaching and detaching (CloseAll) sets of
// probes of each kind, reporting the time per probe. Detaching
// perf-event tracepoints and uprobes waits for RCU grace periods under a
// kernel-wide mutex (perf_trace_destroy holds event_mutex), so those cost
// tens of milliseconds each however many goroutines close them; raw
// tracepoints, perf events and multi links do not.
func BenchmarkDetach(b *testing.B) {
	attachtest.RequireRoot(b)
	ents, err := os.ReadDir("/sys/kernel/tracing/events/sched")
	if err != nil {
		b.Skip("needs tracefs")
	}
	var tps, rts []*probes.AttachPoint
	for _, e := range ents {
		if e.IsDir() && len(tps) < 8 {
			tps = append(tps, mustParse(b, "tracepoint:sched:"+e.Name()))
			rts = append(rts, mustParse(b, "rawtracepoint:"+e.Name()))
		}
	}
	libc := []string{"read", "write", "open", "close", "malloc", "free", "getenv", "fopen"}
	var ups []*probes.AttachPoint
	for _, f := range libc {
		ups = append(ups, mustParse(b, "uprobe:libc:"+f))
	}
	var prof []*probes.AttachPoint
	for range 8 {
		prof = append(prof, mustParse(b, "profile:hz:99"))
	}
	for _, k := range []struct {
		name string
		spec *ebpf.ProgramSpec
		aps  []*probes.AttachPoint
		opts attach.Options
		seq  bool // close one by one instead of CloseAll
	}{
		{"tracepoint", &ebpf.ProgramSpec{Name: "bt_tp", Type: ebpf.TracePoint}, tps, attach.Options{}, false},
		{"tracepoint-sequential", &ebpf.ProgramSpec{Name: "bt_tp", Type: ebpf.TracePoint}, tps, attach.Options{}, true},
		{"rawtracepoint", &ebpf.ProgramSpec{Name: "bt_rt", Type: ebpf.RawTracepoint}, rts, attach.Options{}, false},
		{"profile", &ebpf.ProgramSpec{Name: "bt_pe", Type: ebpf.PerfEvent}, prof, attach.Options{}, false},
		{"uprobe", &ebpf.ProgramSpec{Name: "bt_up", Type: ebpf.Kprobe}, ups, attach.Options{}, false},
		{"uprobe_multi", &ebpf.ProgramSpec{Name: "bt_um", Type: ebpf.Kprobe, AttachType: ebpf.AttachTraceUprobeMulti},
			ups[:1], attach.Options{Symbols: libc}, false},
	} {
		b.Run(k.name, func(b *testing.B) {
			c := loadCounter(b, k.spec, 0)
			var attachTime, closeTime time.Duration
			probes := 0
			for range b.N {
				start := time.Now()
				var as []attach.Attachment
				for _, ap := range k.aps {
					a, err := attach.Attach(context.Background(), c.prog, ap, k.opts)
					if err != nil {
						attach.CloseAll(as)
						attachtest.SkipIfNotSupported(b, err)
					}
					as = append(as, a)
					probes += a.Probes()
				}
				attachTime += time.Since(start)
				start = time.Now()
				if err := closeAll(as, k.seq); err != nil {
					b.Fatal(err)
				}
				closeTime += time.Since(start)
			}
			b.ReportMetric(float64(attachTime.Microseconds())/float64(probes), "attach-µs/probe")
			b.ReportMetric(float64(closeTime.Microseconds())/float64(probes), "detach-µs/probe")
		})
	}
}

func mustParse(tb testing.TB, raw string) *probes.AttachPoint {
	ap, err := probes.Parse(raw)
	if err != nil {
		tb.Fatal(err)
	}
	return ap
}

func closeAll(as []attach.Attachment, seq bool) error {
	if !seq {
		return attach.CloseAll(as)
	}
	for _, a := range as {
		if err := a.Close(); err != nil {
			return err
		}
	}
	return nil
}
