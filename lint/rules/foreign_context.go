package rules

import (
	"fmt"
	"strings"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/probes"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lint"
)

// ForeignContext is BT008.
var ForeignContext = &lint.Rule{
	Code:     "BT008",
	Name:     "foreign-task-context",
	Severity: diag.Warning,
	Doc: `comm, pid, uid or a stack is read where the current task did not cause the event

comm, pid, tid, uid, gid, cgroup, curtask and ustack describe the task
running on the CPU when the probe fires. Many events fire in some other
context: disk I/O completes in an interrupt (block_rq_complete,
block_bio_complete), requests are often issued from a kworker
(block_rq_issue), packets are received and freed in softirq (net rx,
kfree_skb), timers, writeback and workqueues run in kernel threads, and
sched_switch and sched_wakeup run in the task switching out or doing the
waking. There these values name whatever ran at the time, not the process
behind the event (kstack likewise shows the completion path, not the
issuer's). Record them where the work starts (keyed by the request or
socket), or use the tracepoint's own fields (args.next_comm, args.pid).

Bad:

	tracepoint:block:block_rq_complete
	{
	  @bytes[comm] = sum(args.nr_sector * 512);
	}

Good:

	tracepoint:block:block_io_start { @who[args.dev, args.sector] = comm; }
	tracepoint:block:block_rq_complete
	/@who[args.dev, args.sector] != ""/
	{
	  @bytes[@who[args.dev, args.sector]] = sum(args.nr_sector * 512);
	  delete(@who, (args.dev, args.sector));
	}
`,
	Run: runForeignContext,
}

// taskBuiltins are the builtins that describe the current task.
var taskBuiltins = map[string]bool{
	"comm": true, "pid": true, "tid": true, "uid": true, "gid": true, "username": true,
	"cgroup": true, "curtask": true, "ustack": true, "pcomm": true, "ppid": true,
	"leader_comm": true, "leader_tid": true,
}

func runForeignContext(pass *lint.Pass) error {
	info := pass.Prog.Info
	for _, p := range pass.Prog.Probes {
		why, stacks := foreignContext(p)
		if why == "" {
			continue
		}
		reported := map[string]bool{}
		pass.Index.ProbeNodes(p, func(n ast.Node) {
			x, ok := n.(ast.Expr)
			if !ok {
				return
			}
			name := builtinRef(info, x)
			if !(taskBuiltins[name] || name == "kstack" && stacks) || reported[name] || inCallArgs(pass.Index, x, name) {
				return
			}
			// comm(pid) and friends name their task explicitly.
			if c, ok := x.(*ast.CallExpr); ok && len(c.Args) > 0 && name != "kstack" && name != "ustack" {
				return
			}
			reported[name] = true
			d := pass.Reportf(x, "%s in %s: %s", name, pointName(p), why)
			d.Hints = []string{hintFor(p, name)}
		})
	}
	return nil
}

// inCallArgs reports whether x is the callee name of its own call: the
// Ident of comm() is visited after the CallExpr.
func inCallArgs(ix *lint.Index, x ast.Expr, name string) bool {
	id, ok := x.(*ast.Ident)
	if !ok {
		return false
	}
	c, ok := ix.Parent(id).(*ast.CallExpr)
	return ok && c.Fun == id
}

func pointName(p *sema.Probe) string {
	if aps := pointsOf(p); len(aps) > 0 {
		return aps[0].String()
	}
	return "this probe"
}

// foreignContext says why p's probes fire outside the task that caused
// the event, or "" if they (usually) do not; stacks says kstack is
// misleading there too.
func foreignContext(p *sema.Probe) (why string, stacks bool) {
	aps := pointsOf(p)
	if len(aps) == 0 {
		return "", false
	}
	for _, ap := range aps {
		w, s := foreignPoint(ap)
		if w == "" {
			return "", false
		}
		why, stacks = w, s
	}
	return why, stacks
}

func foreignPoint(ap *probes.AttachPoint) (string, bool) {
	switch ap.Provider.Name {
	case "tracepoint":
		return foreignTracepoint(ap.Category, ap.Event)
	case "kprobe", "kretprobe", "fentry", "fexit":
		if why, ok := foreignFuncs[ap.Func]; ok {
			return why, strings.HasPrefix(why, completion)
		}
	case "rawtracepoint":
		return foreignTracepoint("", ap.Func)
	}
	return "", false
}

const (
	completion = "I/O completes in interrupt context"
	softirq    = "packets are processed in softirq context"
	kthread    = "it runs in a kernel thread"
	irqCtx     = "it fires in interrupt context"
)

// foreignFuncs are kernel functions that run outside the task that
// caused their work.
var foreignFuncs = map[string]string{
	"blk_account_io_done":     completion + ", not in the task that issued the request",
	"__blk_account_io_done":   completion + ", not in the task that issued the request",
	"blk_mq_end_request":      completion + ", not in the task that issued the request",
	"blk_mq_complete_request": completion + ", not in the task that issued the request",
	"blk_update_request":      completion + ", not in the task that issued the request",
	"bio_endio":               completion + ", not in the task that issued the request",
	"tcp_retransmit_skb":      "retransmissions run from timers and incoming ACKs in softirq context, not in the task that owns the socket",
	"tcp_v4_rcv":              softirq + ", not in the task that owns the socket",
	"tcp_v6_rcv":              softirq + ", not in the task that owns the socket",
	"ip_rcv":                  softirq + ", not in the receiving task",
	"__netif_receive_skb":     softirq + ", not in the receiving task",
	"napi_gro_receive":        softirq + ", not in the receiving task",
	"kfree_skb":               "packets are often freed in softirq context, not in the task that owns them",
	"kfree_skb_reason":        "packets are often freed in softirq context, not in the task that owns them",
	"tcp_drop":                softirq + ", not in the task that owns the socket",
}

func foreignTracepoint(cat, ev string) (string, bool) {
	const notIssuer = ", not in the task that issued the request"
	switch {
	case ev == "block_rq_complete" || ev == "block_bio_complete" || ev == "block_io_done":
		return completion + notIssuer, true
	case ev == "block_rq_issue" || ev == "block_rq_requeue":
		return "requests are often issued by a kworker or another task's plug flush" + notIssuer, false
	case ev == "sched_switch":
		return "the current task is the one being switched out (prev); say which one you mean with args.prev_* or args.next_*", false
	case ev == "sched_wakeup" || ev == "sched_wakeup_new" || ev == "sched_waking":
		return "the current task is the waker, not the task being woken (args.pid, args.comm)", false
	case ev == "kfree_skb" || ev == "consume_skb":
		return "packets are often freed in softirq context, not in the task that owns them", false
	case strings.HasPrefix(ev, "netif_receive_skb") || strings.HasPrefix(ev, "napi_gro_receive") ||
		strings.HasPrefix(ev, "netif_rx") || ev == "napi_poll":
		return softirq + ", not in the receiving task", false
	case ev == "tcp_retransmit_skb":
		return "retransmissions run from timers and incoming ACKs in softirq context, not in the task that owns the socket", false
	}
	switch cat {
	case "irq", "irq_vectors":
		return irqCtx + ": the current task is whatever it interrupted", false
	case "timer":
		if strings.Contains(ev, "expire") {
			return "timers expire in interrupt context: the current task is whatever it interrupted", false
		}
	case "writeback":
		return "writeback " + kthread + " (a flusher), not in the task that dirtied the pages", false
	case "workqueue":
		if ev == "workqueue_execute_start" || ev == "workqueue_execute_end" {
			return "work items run in a kworker thread, not in the task that queued them", false
		}
	}
	return "", false
}

// hintFor suggests what to read instead.
func hintFor(p *sema.Probe, name string) string {
	for _, ap := range pointsOf(p) {
		switch ap.Event {
		case "sched_switch":
			return "use args.prev_comm/args.prev_pid for the task switching out, args.next_comm/args.next_pid for the one switching in"
		case "sched_wakeup", "sched_wakeup_new", "sched_waking":
			return "use args.comm and args.pid for the task being woken"
		}
	}
	return fmt.Sprintf("record %s where the work starts, keyed by the request or socket, and look it up here", name)
}
