package lsp

import (
	"context"
	"fmt"
	"time"

	"github.com/bt-tools/bt/lsp/internal/protocol"
)

// btfLoader is a kernel.Info that can load its BTF ahead of time
// (kernel.Live, kernel.Fixture).
type btfLoader interface {
	LoadBTF() error
}

// progressToken names the one piece of work the server reports.
const progressToken = "bt/kernel"

// loadKernel loads the kernel's BTF and lists in the background, so that
// the first hover or completion that needs them does not wait, and
// reports $/progress meanwhile when the client allows it. Nothing waits
// for it: a feature that needs BTF before it is loaded loads it itself
// (kernel.Live is safe for concurrent use and loads once).
func (s *server) loadKernel() {
	l, ok := s.env.kernel.(btfLoader)
	if !ok {
		return
	}
	ctx := s.bg
	p := s.beginProgress(ctx, "Loading kernel info", "BTF")
	t0 := time.Now()
	if err := l.LoadBTF(); err != nil {
		s.logf(protocol.MessageTypeWarning, "kernel BTF: %v (struct fields and function arguments will not be known)", err)
		p.end("no kernel BTF: " + err.Error())
		return
	}
	p.report("tracepoints", 50)
	ntp := 0
	if tps, err := s.env.kernel.Tracepoints(); err == nil {
		ntp = len(tps)
	}
	p.report("functions", 80)
	nfn := 0
	if fns, err := s.env.kernel.Functions(); err == nil {
		nfn = len(fns)
	}
	msg := fmt.Sprintf("kernel info loaded: %d tracepoints, %d functions", ntp, nfn)
	s.logWrite("%s in %v", msg, time.Since(t0).Round(time.Millisecond))
	p.end(msg)
}

// progress reports one piece of work with $/progress, or nothing when the
// client cannot show it.
type progress struct {
	s  *server
	ok bool
}

func (s *server) beginProgress(ctx context.Context, title, msg string) *progress {
	p := &progress{s: s}
	if !s.env.client.workDoneProgress || s.conn == nil {
		return p
	}
	// The client must create the token before it is used; this call runs
	// outside any handler, so waiting for the answer cannot block the
	// connection's read loop.
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	tok := protocol.NewProgressToken(progressToken)
	if _, err := s.conn.Call(ctx, protocol.MethodWorkDoneProgressCreate,
		&protocol.WorkDoneProgressCreateParams{Token: *tok}, nil); err != nil {
		s.logWrite("create progress token: %v", err)
		return p
	}
	p.ok = true
	p.send(&protocol.WorkDoneProgressBegin{Kind: protocol.WorkDoneProgressKindBegin, Title: title, Message: msg})
	return p
}

func (p *progress) report(msg string, pct uint32) {
	p.send(&protocol.WorkDoneProgressReport{Kind: protocol.WorkDoneProgressKindReport, Message: msg, Percentage: pct})
}

func (p *progress) end(msg string) {
	p.send(&protocol.WorkDoneProgressEnd{Kind: protocol.WorkDoneProgressKindEnd, Message: msg})
}

func (p *progress) send(value any) {
	if !p.ok {
		return
	}
	p.s.notify(protocol.MethodProgress, &protocol.ProgressParams{Token: *protocol.NewProgressToken(progressToken), Value: value})
}
