// Package runtest runs bpftrace scripts end to end, as `bt run` does
// (check, compile, load, attach, print), for tests that assert what a
// script prints. Run needs root; tests call [Require] first, which skips
// them with the reason otherwise.
package runtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/bt-tools/bt/engine/compile"
	"github.com/bt-tools/bt/engine/output"
	"github.com/bt-tools/bt/engine/plan"
	"github.com/bt-tools/bt/engine/render"
	"github.com/bt-tools/bt/engine/runtime"
	"github.com/bt-tools/bt/engine/symbols"
	"github.com/bt-tools/bt/lang"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/kernel"
	"github.com/bt-tools/bt/lang/sema"
)

// Require skips t unless the test can load BPF programs.
func Require(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
}

var (
	kernelOnce sync.Once
	kernelInfo kernel.Info
)

// Kernel is the live kernel information, shared by all runs.
func Kernel() kernel.Info {
	kernelOnce.Do(func() { kernelInfo = kernel.NewLive(kernel.LiveOptions{}) })
	return kernelInfo
}

// Options tune a run.
type Options struct {
	Params  []string // positional parameters
	Era017  bool     // print as bpftrace 0.17
	JSON    bool
	Unsafe  bool
	PIDs    []int
	Child   string // -c command
	Strlen  int64  // max_strlen (default 64, as bt run without config)
	Timeout time.Duration
	// Workload runs once every probe is attached; when it returns, the
	// run is stopped as by Ctrl-C, unless the script ended it already.
	// Without a workload the script must end itself (exit(), or only
	// BEGIN/END probes).
	Workload func()
	// NoSyncStart turns the start gate off.
	NoSyncStart bool
	// Named are the named parameters getopt() reads.
	Named map[string]string

	cpid int
}

// Result is what a run printed.
type Result struct {
	Stdout, Stderr string
	Code           int
	Err            error      // a compile or run failure
	Plan           *plan.Plan // nil if the script did not compile

	unit *lang.Unit
}

// Compile checks and compiles src as bt run would.
func Compile(src string, o Options) (*lang.Unit, *plan.Plan, error) {
	strlen := o.Strlen
	if strlen == 0 {
		strlen = 64
	}
	u := lang.Check("stdin", []byte(src), sema.Options{Kernel: Kernel(), Params: o.Params, ParamsGiven: true, Unsafe: o.Unsafe, MaxStrlen: strlen})
	if u.Diags.HasErrors() {
		var b strings.Builder
		for _, d := range u.Diags {
			if d.Severity == diag.Error {
				b.WriteString(diag.Format(u.Tok, d))
			}
		}
		return u, nil, errors.New(b.String())
	}
	p, err := compile.Compile(u.Prog, compile.Options{
		PIDs: o.PIDs, SyncStart: !o.NoSyncStart, Unsafe: o.Unsafe, MaxStrlen: strlen, Kernel: Kernel(), CPID: o.cpid, Era017: o.Era017,
		NamedParams: o.Named,
	})
	return u, p, err
}

// Run compiles and runs src.
func Run(t testing.TB, src string, o Options) *Result {
	t.Helper()
	res := &Result{}
	// The -c child starts held before compiling: cpid is its pid.
	var child *runtime.Child
	if o.Child != "" {
		var err error
		child, err = runtime.StartChild(runtime.SplitCommand(o.Child), runtime.ChildOptions{})
		if err != nil {
			res.Err, res.Code = err, 1
			return res
		}
		o.cpid = child.Pid()
	}
	u, p, err := Compile(src, o)
	res.Plan = p
	if err != nil {
		if child != nil {
			child.Kill()
		}
		res.Err, res.Code = err, 1
		return res
	}
	era, rtEra := output.Era026, runtime.EraNew
	if o.Era017 {
		era, rtEra = output.Era017, runtime.Era017
	}
	format := output.Text
	if o.JSON {
		format = output.JSON
	}
	printer := output.NewPrinter(era, format)
	printer.BootToWall = bootToWall()
	syms := symbols.New()
	printer.Symbols = syms
	var stdout, stderr bytes.Buffer
	timeout := o.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	opts := runtime.Options{
		Stdout: &stdout, Stderr: &stderr, Printer: render.New(printer),
		Era: rtEra, JSON: o.JSON, Quiet: true, Unsafe: o.Unsafe, PIDs: o.PIDs,
		Hooks: &runtime.Hooks{},
	}
	if o.Workload != nil {
		opts.Hooks.Started = func() {
			go func() {
				o.Workload()
				cancel()
			}()
		}
	}
	if child != nil {
		opts.Child = child
		syms.Preload(child.Pid())
	}
	code, err := runtime.Run(ctx, p, opts)
	res.Stdout, res.Stderr, res.Code, res.Err = stdout.String(), stderr.String(), code, err
	res.unit = u
	return res
}

// Error formats a run's error: a verifier rejection with its source
// position and the whole log.
func (r *Result) Error() string {
	if r.Err == nil {
		return ""
	}
	var ve *runtime.VerifierError
	if errors.As(r.Err, &ve) {
		msg := fmt.Sprintf("%+v", ve)
		if ve.Pos.IsValid() && r.unit != nil {
			msg = fmt.Sprintf("%s: %s", r.unit.Tok.Position(ve.Pos), msg)
		}
		return msg
	}
	return r.Err.Error()
}

// bootToWall converts boot-clock nanoseconds to wall-clock time.
func bootToWall() func(uint64) time.Time {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts); err != nil {
		return nil
	}
	offset := time.Now().UnixNano() - ts.Nano()
	return func(ns uint64) time.Time { return time.Unix(0, offset+int64(ns)) }
}
