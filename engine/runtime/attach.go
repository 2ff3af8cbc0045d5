package runtime

import (
	"context"
	"errors"
	"fmt"

	"github.com/bt-tools/bt/engine/attach"
	"github.com/bt-tools/bt/engine/plan"
)

// AttachError is a probe that could not be attached while missing_probes
// is "error" (the default).
type AttachError struct {
	Probe string // the attach point, as bpftrace names it
	Err   error
}

func (e *AttachError) Error() string { return e.Err.Error() }

// Unwrap returns the attach error.
func (e *AttachError) Unwrap() error { return e.Err }

// Hint is bpftrace's advice for this error.
func (e *AttachError) Hint() string {
	return "If this is expected, set the 'missing_probes' config variable to 'warn'."
}

// ErrNoProbes is returned when no probe could be attached.
var ErrNoProbes = errors.New("attachment failed for all probes")

// attachAll attaches every probe in bpftrace's order: special probes
// (which are only collected), then a forward pass over the probe types
// whose hooks run programs in attach order, then a reverse pass over the
// others, so that programs on one hook run in declaration order.
//
// A cancelled context (Ctrl-C while attaching) stops attaching; the run
// then ends as after exit(), as bpftrace's does.
func (r *runner) attachAll(ctx context.Context) error {
	progs := r.plan.Programs
	var order []*plan.Program
	for _, p := range progs {
		if attach.Special(p.Attach.Provider.Name) {
			order = append(order, p)
		}
	}
	for _, p := range progs {
		if name := p.Attach.Provider.Name; !attach.Special(name) && !attach.Reverse(name) {
			order = append(order, p)
		}
	}
	for i := len(progs) - 1; i >= 0; i-- {
		if name := progs[i].Attach.Provider.Name; !attach.Special(name) && attach.Reverse(name) {
			order = append(order, progs[i])
		}
	}
	for _, p := range order {
		if ctx.Err() != nil {
			return nil
		}
		if err := r.attachOne(ctx, p); err != nil {
			return err
		}
	}
	if r.probes == 0 {
		return ErrNoProbes
	}
	return nil
}

// attachOne attaches one program, once per -p process for the probe
// types that attach to a process, and files the result; a failure is an
// error, a warning or nothing, as missing_probes says.
func (r *runner) attachOne(ctx context.Context, p *plan.Program) error {
	for _, pid := range r.pids(p) {
		opts := r.attachOptions(p)
		opts.PID = pid
		a, err := attach.Attach(ctx, r.coll.progs[p.Name], p.Attach, opts)
		if err != nil {
			return r.missing(p, err)
		}
		r.keep(a)
	}
	return nil
}

// pids lists the processes to attach a program to: its own, the -p
// targets, or 0 for all.
func (r *runner) pids(p *plan.Program) []int {
	switch {
	case p.PID != 0:
		return []int{p.PID}
	case len(r.opts.PIDs) > 0 && attach.UsesPID(p.Attach.Provider.Name):
		return r.opts.PIDs
	}
	return []int{0}
}

// keep files an attachment.
func (r *runner) keep(a attach.Attachment) {
	r.probes += a.Probes()
	switch a := a.(type) {
	case *attach.Trigger:
		r.file(a)
	case *attach.Iter:
		r.iters = append(r.iters, a)
		r.attached = append(r.attached, a)
	default:
		r.attached = append(r.attached, a)
	}
}

// file sorts a special probe's trigger by provider.
func (r *runner) file(t *attach.Trigger) {
	switch t.Provider {
	case "begin":
		r.begin = append(r.begin, t)
	case "end":
		r.end = append(r.end, t)
	case "self":
		r.self = append(r.self, t)
	default:
		r.probes-- // test and bench probes run only in their modes
	}
}

func (r *runner) attachOptions(p *plan.Program) attach.Options {
	o := attach.Options{Symbols: p.Symbols}
	for _, s := range p.USDT {
		o.USDT = append(o.USDT, attach.USDTSite{Offset: s.Offset, Semaphore: s.Semaphore})
	}
	return o
}

// missing applies missing_probes to an attach error.
func (r *runner) missing(p *plan.Program, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil // the run stops as soon as it starts
	}
	name := p.Attach.ProbeName()
	switch r.plan.Config.MissingProbes {
	case "ignore":
		return nil
	case "warn":
		r.warning(err.Error())
		r.warning(fmt.Sprintf("Unable to attach probe: %s. Skipping.", name))
		return nil
	}
	return &AttachError{Probe: name, Err: err}
}
