package lsp

import (
	"context"
	"sync"
	"time"

	"github.com/bt-tools/bt/lsp/internal/protocol"
)

// debouncer runs the diagnostics of each document at most once per delay
// while it is being edited, and publishes only the latest version's:
//
//   - a change after a quiet spell is diagnosed at once, so a single edit
//     costs one check and nothing more;
//   - a change during a run cancels that run (its result is not
//     published) and is diagnosed when the run has stopped and the delay
//     since it started has passed; a burst of keystrokes is so diagnosed
//     once per delay, on its latest text;
//   - runs of one document never overlap, and a cancelled run never
//     publishes: the cancel and the publish happen under one lock.
type debouncer struct {
	delay   time.Duration
	compute func(context.Context, *Snapshot) (*protocol.PublishDiagnosticsParams, error)
	publish func(*protocol.PublishDiagnosticsParams)

	mu      sync.Mutex
	jobs    map[protocol.DocumentURI]*diagJob
	last    map[protocol.DocumentURI]time.Time // when the latest run started
	stopped bool
}

// diagJob is the pending or running diagnostics of one snapshot.
type diagJob struct {
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
}

func newDebouncer(delay time.Duration,
	compute func(context.Context, *Snapshot) (*protocol.PublishDiagnosticsParams, error),
	publish func(*protocol.PublishDiagnosticsParams),
) *debouncer {
	return &debouncer{
		delay: delay, compute: compute, publish: publish,
		jobs: map[protocol.DocumentURI]*diagJob{},
		last: map[protocol.DocumentURI]time.Time{},
	}
}

// schedule asks for the diagnostics of snap, superseding any earlier
// request for the same document.
func (d *debouncer) schedule(snap *Snapshot) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped {
		return
	}
	prev := d.jobs[snap.URI]
	ctx, cancel := context.WithCancel(context.Background())
	job := &diagJob{ctx: ctx, cancel: cancel, done: make(chan struct{})}
	d.jobs[snap.URI] = job
	if prev != nil {
		prev.cancel()
	}
	go d.run(job, prev, snap)
}

func (d *debouncer) run(job, prev *diagJob, snap *Snapshot) {
	defer close(job.done)
	defer job.cancel()
	if prev != nil {
		// Wait for the superseded run to stop.
		select {
		case <-prev.done:
		case <-job.ctx.Done():
			return
		}
	}
	// Then for the rest of the delay since the last run started.
	d.mu.Lock()
	last, ok := d.last[snap.URI]
	d.mu.Unlock()
	if wait := d.delay - time.Since(last); ok && wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-job.ctx.Done():
			t.Stop()
			return
		}
	}
	d.mu.Lock()
	if job.ctx.Err() != nil {
		d.mu.Unlock()
		return
	}
	d.last[snap.URI] = time.Now()
	d.mu.Unlock()
	params, err := d.compute(job.ctx, snap)
	if err != nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if job.ctx.Err() == nil && d.publish != nil {
		d.publish(params)
	}
}

// forget cancels the diagnostics of a closed document.
func (d *debouncer) forget(uri protocol.DocumentURI) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if job := d.jobs[uri]; job != nil {
		job.cancel()
		delete(d.jobs, uri)
	}
	delete(d.last, uri)
}

// stop cancels everything; later schedules are ignored.
func (d *debouncer) stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stopped = true
	for uri, job := range d.jobs {
		job.cancel()
		delete(d.jobs, uri)
	}
}
