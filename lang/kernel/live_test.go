package kernel_test

import (
	"errors"
	"io/fs"
	"os"
	"testing"

	"github.com/bt-tools/bt/lang/kernel"
	"github.com/bt-tools/bt/lang/types"
)

const vmlinux = "/sys/kernel/btf/vmlinux"

// live returns the running kernel's Info, skipping t if the kernel has no
// BTF. BTF is world-readable: this needs no root.
func live(t testing.TB) *kernel.Live {
	t.Helper()
	if _, err := os.Stat(vmlinux); errors.Is(err, fs.ErrNotExist) {
		t.Skip("kernel lacks BTF (no " + vmlinux + ")")
	}
	t.Setenv("BPFTRACE_BTF", "")
	l := kernel.NewLive(kernel.LiveOptions{})
	if err := l.LoadBTF(); err != nil {
		t.Fatal(err)
	}
	return l
}

func TestLiveBTF(t *testing.T) {
	l := live(t)
	task, err := l.Struct("task_struct", false)
	if err != nil {
		t.Fatal(err)
	}
	pid, ok := task.Field("pid")
	if !ok || pid.Type != types.Int32 {
		t.Errorf("task_struct.pid: %+v, %v", pid, ok)
	}
	if _, err := l.Func("vfs_read"); err != nil {
		t.Error(err)
	}
	if v, _, err := l.EnumConst("TCP_ESTABLISHED"); err != nil || v != 1 {
		t.Errorf("EnumConst(TCP_ESTABLISHED) = %d, %v", v, err)
	}
}

func TestLiveTraceFS(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	if _, err := os.Stat("/sys/kernel/tracing/available_events"); err != nil {
		if _, err := os.Stat("/sys/kernel/debug/tracing/available_events"); err != nil {
			t.Skip("needs tracefs mounted")
		}
	}
	l := live(t)
	f, err := l.TracepointFormat("sched", "sched_switch")
	if err != nil {
		t.Fatal(err)
	}
	if f.FromBTF {
		t.Error("sched_switch format came from BTF though tracefs is readable")
	}
	if fld, ok := f.Field("prev_pid"); !ok || fld.Type != types.Int32 {
		t.Errorf("sched_switch prev_pid: %+v, %v", fld, ok)
	}
	tps, err := l.Tracepoints()
	if err != nil || len(tps) < 100 {
		t.Errorf("Tracepoints: %d, %v", len(tps), err)
	}
	if fns, err := l.Functions(); err != nil || len(fns) < 1000 {
		t.Errorf("Functions: %d, %v", len(fns), err)
	}
}

func TestLiveKallsym(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	addr, err := kernel.NewLive(kernel.LiveOptions{}).Kallsym("_stext")
	if err != nil || addr == 0 {
		t.Errorf("Kallsym(_stext) = %#x, %v", addr, err)
	}
}

// ---------------------------------------------------------------------------
// Benchmarks

// BenchmarkLoadBTF is the cold start: reading and indexing the kernel's
// BTF, then the first struct lookup with its fields.
func BenchmarkLoadBTF(b *testing.B) {
	live(b)
	for b.Loop() {
		l := kernel.NewLive(kernel.LiveOptions{})
		s, err := l.Struct("task_struct", false)
		if err != nil {
			b.Fatal(err)
		}
		s.Fields()
	}
}

// BenchmarkLoadFixtureBTF is BenchmarkLoadBTF on the fixture, which adds
// decompression.
func BenchmarkLoadFixtureBTF(b *testing.B) {
	dir, err := kernel.FixtureDir()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		fx, err := kernel.NewFixture(dir)
		if err != nil {
			b.Fatal(err)
		}
		if err := fx.LoadBTF(); err != nil {
			b.Fatal(err)
		}
	}
}
