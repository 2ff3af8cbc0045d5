package runtime_test

import (
	"bytes"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"

	"github.com/bt-tools/bt/engine/attach/attachtest"
	"github.com/bt-tools/bt/engine/plan"
	"github.com/bt-tools/bt/engine/runtime"
	"github.com/bt-tools/bt/lang/probes"
	"github.com/bt-tools/bt/lang/types"
)

// builder makes plans by hand: programs from attachtest fragments, the
// internal maps, user maps of uint64 counters.
type builder struct {
	t      testing.TB
	prefix string // kernel name prefix of this plan's programs
	p      *plan.Plan
}

func newPlan(t testing.TB) *builder {
	b := &builder{t: t, prefix: attachtest.Prefix(), p: &plan.Plan{SyncStart: true}}
	b.p.Config.PrintMapsOnExit = true
	b.p.Maps = []*plan.Map{
		{Name: plan.RingBufMap, Spec: attachtest.RingBuf(plan.RingBufMap, 1<<20)},
		{Name: plan.GateMap, Spec: attachtest.Array(plan.GateMap, 1)},
		{Name: plan.StartMap, Spec: attachtest.Array(plan.StartMap, 1)},
		{Name: plan.LostMap, Spec: attachtest.PerCPUArray(plan.LostMap, 1)},
	}
	return b
}

// counter adds a scalar user map @name of one uint64 (map "AT_name").
func (b *builder) counter(name string) string {
	mn := "AT_" + name
	b.p.Maps = append(b.p.Maps, &plan.Map{
		Name: mn, Spec: attachtest.Array(mn, 1), UserName: "@" + name, Scalar: true,
		Value: types.IntOf(64, false),
	})
	return mn
}

// prog adds a program; a gate check goes first unless the probe is
// special.
func (b *builder) prog(raw string, typ ebpf.ProgramType, body ...asm.Instructions) *plan.Program {
	ap, err := probes.Parse(raw)
	if err != nil {
		b.t.Fatalf("parse %q: %v", raw, err)
	}
	parts := []asm.Instructions{attachtest.Prologue()}
	if !ap.Provider.Special {
		parts = append(parts, attachtest.Gate(plan.GateMap))
	}
	parts = append(parts, body...)
	name := fmt.Sprintf("%s_%d", b.prefix, len(b.p.Programs))
	p := &plan.Program{Name: name, Spec: attachtest.Program(name, typ, parts...), Attach: ap}
	b.p.Programs = append(b.p.Programs, p)
	return p
}

// event adds an event description.
func (b *builder) event(ev *plan.Event) uint64 {
	ev.ID = uint64(len(b.p.Events) + 1)
	b.p.Events = append(b.p.Events, ev)
	return ev.ID
}

// emit is a fragment that sends event id with vals in a 32-byte record.
func emit(id uint64, vals ...int64) asm.Instructions {
	return attachtest.Emit(plan.RingBufMap, plan.LostMap, 32, id, vals...)
}

// fakePrinter records what the runtime asks it to print and writes a
// simple text form, so tests can check both.
type fakePrinter struct {
	mu     sync.Mutex
	printf []int64 // first payload word of each printf
	maps   map[string][]*runtime.MapData
	count  int
}

func (f *fakePrinter) Printf(w io.Writer, ev *plan.Event, payload []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count++
	if len(payload) >= 8 {
		v := int64(le64(payload))
		f.printf = append(f.printf, v)
		fmt.Fprintf(w, "%s%d\n", ev.Format, v)
	}
	return nil
}

func (f *fakePrinter) Sprintf(dst []byte, ev *plan.Event, payload []byte) ([]byte, error) {
	return append(dst, ev.Format...), nil
}

func (f *fakePrinter) Message(w io.Writer, kind string, text []byte) error {
	_, err := fmt.Fprintf(w, "[%s]%s", kind, text)
	return err
}

func (f *fakePrinter) Value(w io.Writer, ev *plan.Event, payload []byte) error {
	_, err := fmt.Fprintf(w, "value %d\n", int64(le64(payload)))
	return err
}

func (f *fakePrinter) Map(w io.Writer, m *plan.Map, d *runtime.MapData, top, div uint64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.maps == nil {
		f.maps = map[string][]*runtime.MapData{}
	}
	f.maps[m.UserName] = append(f.maps[m.UserName], d)
	var sum uint64
	for _, v := range d.Values {
		sum += le64(v)
	}
	_, err := fmt.Fprintf(w, "%s: %d\n", m.UserName, sum)
	return err
}

// lastMap returns the value of a one-entry uint64 map as printed last.
func (f *fakePrinter) lastMap(t testing.TB, name string) uint64 {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	ds := f.maps[name]
	if len(ds) == 0 {
		t.Fatalf("map %s was never printed", name)
	}
	d := ds[len(ds)-1]
	if len(d.Values) != 1 {
		t.Fatalf("map %s has %d entries, want 1", name, len(d.Values))
	}
	return le64(d.Values[0])
}

func le64(b []byte) uint64 {
	var v uint64
	for i := 7; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// output collects a run's stdout and stderr.
type output struct {
	stdout, stderr bytes.Buffer
}

func (o *output) options(p runtime.Printer) runtime.Options {
	return runtime.Options{Stdout: &o.stdout, Stderr: &o.stderr, Printer: p, Hooks: &runtime.Hooks{}}
}

// printed reports whether a map was printed.
func (f *fakePrinter) printed(name string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.maps[name]) > 0
}

func runtimeGosched() { time.Sleep(time.Millisecond) }
