package difftest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// A Tracer is a running bt or bpftrace process whose output is collected.
type Tracer struct {
	Name string
	Cmd  *exec.Cmd

	mu     sync.Mutex
	stdout bytes.Buffer
	stderr bytes.Buffer
	done   chan struct{}
	err    error // from Wait, once done is closed
	ended  time.Time
}

// StartTracer starts argv with extra environment env.
func StartTracer(name string, argv []string, env []string) (*Tracer, error) {
	t := &Tracer{Name: name, done: make(chan struct{})}
	t.Cmd = exec.Command(argv[0], argv[1:]...)
	t.Cmd.Env = append(os.Environ(), env...)
	t.Cmd.Stdout = lockedWriter{&t.mu, &t.stdout}
	t.Cmd.Stderr = lockedWriter{&t.mu, &t.stderr}
	if err := t.Cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() {
		err := t.Cmd.Wait()
		t.mu.Lock()
		t.err, t.ended = err, time.Now()
		t.mu.Unlock()
		close(t.done)
	}()
	return t, nil
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// Stdout returns what the tracer printed on stdout so far.
func (t *Tracer) Stdout() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.stdout.String()
}

// Stderr returns what the tracer printed on stderr so far.
func (t *Tracer) Stderr() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.stderr.String()
}

// Done is closed when the process has ended.
func (t *Tracer) Done() <-chan struct{} { return t.done }

// Err is the process's exit error, once Done is closed.
func (t *Tracer) Err() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

// Ended is when the process was reaped, once Done is closed.
func (t *Tracer) Ended() time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.ended
}

// Signal sends sig unless the process has ended.
func (t *Tracer) Signal(sig syscall.Signal) {
	select {
	case <-t.done:
	default:
		_ = t.Cmd.Process.Signal(sig)
	}
}

// Wait waits for the process to end; after timeout it is killed and Wait
// returns an error.
func (t *Tracer) Wait(timeout time.Duration) error {
	select {
	case <-t.done:
		return nil
	case <-time.After(timeout):
		_ = t.Cmd.Process.Kill()
		<-t.done
		return fmt.Errorf("%s did not end within %v; killed", t.Name, timeout)
	}
}

// Kill ends the process now, if it still runs.
func (t *Tracer) Kill() {
	select {
	case <-t.done:
	default:
		_ = t.Cmd.Process.Kill()
		<-t.done
	}
}

// WaitReady polls ready every 5 ms until it says yes, the process ends
// or ctx ends.
func (t *Tracer) WaitReady(ctx context.Context, ready func(*Tracer) (bool, error)) error {
	return t.WaitReadyEvery(ctx, ready, 5*time.Millisecond)
}

// WaitReadyEvery is WaitReady polling every interval.
func (t *Tracer) WaitReadyEvery(ctx context.Context, ready func(*Tracer) (bool, error), interval time.Duration) error {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	var last error
	for {
		ok, err := ready(t)
		if ok {
			return nil
		}
		last = err
		select {
		case <-t.done:
			return fmt.Errorf("%s ended before it attached its probes (%v)", t.Name, t.Err())
		case <-ctx.Done():
			if last != nil {
				return fmt.Errorf("%s not attached: %w", t.Name, last)
			}
			return fmt.Errorf("%s not attached: %w", t.Name, ctx.Err())
		case <-tick.C:
		}
	}
}

// BTReady reports whether bt opened its start gate.
func BTReady(t *Tracer) (bool, error) {
	return GateOpen(t.Cmd.Process.Pid)
}

// attachingRx matches 0.17's attach message, in text and in JSON.
var attachingRx = regexp.MustCompile(`Attaching (\d+) probes?\.\.\.|"attached_probes", "data": \{"probes": (\d+)\}`)

// BpftraceReady returns a readiness check for bpftrace 0.17 running
// script on ncpu CPUs: "Attaching N probes..." was printed and the process
// holds as many perf event descriptors as it will once everything is
// attached.
func BpftraceReady(script string, ncpu int) func(*Tracer) (bool, error) {
	return func(t *Tracer) (bool, error) {
		m := attachingRx.FindStringSubmatch(t.Stdout())
		if m == nil {
			return false, fmt.Errorf("no \"Attaching N probes...\" line yet")
		}
		n, _ := strconv.Atoi(m[1] + m[2])
		want := BpftracePerfFDs(script, n, ncpu)
		o, err := ProcessObjects(t.Cmd.Process.Pid)
		if err != nil {
			return false, err
		}
		if o.Perf < want {
			return false, fmt.Errorf("%d of %d perf events open", o.Perf, want)
		}
		return true, nil
	}
}

var (
	commentRx = regexp.MustCompile(`(?m)//.*$`)
	specialRx = regexp.MustCompile(`(?m)(?:^|[\s}])(?:BEGIN|END)\s*[{/]`)
	profileRx = regexp.MustCompile(`(?m)(?:^|[\s},])(?:profile|p):`)
)

// BpftracePerfFDs is the number of perf event descriptors bpftrace 0.17
// holds once a script is attached: one output buffer per CPU, one event
// per attached probe (BEGIN and END are uprobes it closes), and profile
// probes have one per CPU. attaching is the N of "Attaching N probes...".
func BpftracePerfFDs(script string, attaching, ncpu int) int {
	script = commentRx.ReplaceAllString(script, "")
	specials := len(specialRx.FindAllString(script, -1))
	profiles := len(profileRx.FindAllString(script, -1))
	return ncpu + attaching - specials + (ncpu-1)*profiles
}
