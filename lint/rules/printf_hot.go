package rules

import (
	"fmt"
	"strings"
	"time"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/probes"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lint"
)

// PrintfHotProbe is BT009.
var PrintfHotProbe = &lint.Rule{
	Code:     "BT009",
	Name:     "printf-in-hot-probe",
	Severity: diag.Warning,
	Doc: `printf runs unfiltered in a probe that fires very often

printf, print, time, join and cat send an event to user space each time
they run. In a probe that fires thousands to millions of times a second
(every system call, every context switch, every profile sample, every
received packet) an unfiltered printf floods the ring buffer: events are
lost, the output scrolls by unreadable, and the tracer itself adds load.
Aggregate in the kernel instead (@[comm] = count(), hist(...)) and print
the summary from an interval or END probe, or filter with a predicate.

Bad:

	tracepoint:raw_syscalls:sys_enter
	{
	  printf("%s %d\n", comm, args.id);
	}

Good:

	tracepoint:raw_syscalls:sys_enter
	{
	  @[comm, args.id] = count();
	}
`,
	Run: runPrintfHot,
}

// outputCalls are the builtins that emit an event per call.
var outputCalls = []string{"printf", "print", "time", "join", "cat"}

func runPrintfHot(pass *lint.Pass) error {
	reported := map[*sema.Probe]bool{}
	for _, name := range outputCalls {
		for _, c := range pass.Index.Calls(name) {
			p := pass.Index.Probe(c)
			if p == nil || reported[p] || p.Decl.Pred != nil || conditional(pass.Index, c) {
				continue
			}
			if name == "print" && printsMap(c) {
				continue // print(@m) in a hot probe is another problem
			}
			why, where := hotProbe(p)
			if why == "" {
				continue
			}
			reported[p] = true
			pass.Reportf(c, "%s() runs on every event of %s, which %s: events will be lost", name, where, why).
				Hints = []string{"aggregate in a map (@[comm] = count(), hist(...)) and print it from interval or END, or add a predicate"}
		}
	}
	return nil
}

// conditional reports whether c only runs under an if, a ternary or a
// loop condition of its probe.
func conditional(ix *lint.Index, c *ast.CallExpr) bool {
	cond := false
	ix.Ancestors(c, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.IfExpr, *ast.TernaryExpr, *ast.WhileStmt, *ast.ForStmt:
			cond = true
		case *ast.Probe:
			return false
		}
		return !cond
	})
	return cond
}

func printsMap(c *ast.CallExpr) bool {
	if len(c.Args) == 0 {
		return false
	}
	switch ast.Unparen(c.Args[0]).(type) {
	case *ast.MapExpr:
		return true
	}
	return false
}

// hotRate is the sampling rate (per CPU, per second) above which a
// profile or cpu-clock probe is hot.
const hotRate = 10

// manyPoints is how many attach points one wildcard must match to make
// a probe hot by itself (sys_enter_* matches hundreds).
const manyPoints = 20

// hotProbe says why p fires very often, or "", and which of its attach
// points does.
func hotProbe(p *sema.Probe) (why, where string) {
	perSource := map[*ast.AttachPoint]int{}
	for _, pt := range p.Points {
		perSource[pt.Source]++
		if n := perSource[pt.Source]; n == manyPoints {
			return fmt.Sprintf("matches %d or more %s probes", n, pt.AP.Provider.Name), pt.Source.Raw
		}
	}
	for _, pt := range p.Points {
		if why := hotPoint(pt); why != "" {
			return why, pt.AP.String()
		}
	}
	return "", ""
}

// hotSyscalls are system calls that busy programs make all the time.
var hotSyscalls = map[string]bool{
	"read": true, "write": true, "pread64": true, "pwrite64": true, "readv": true, "writev": true,
	"futex": true, "ioctl": true, "poll": true, "ppoll": true, "epoll_wait": true,
	"epoll_pwait": true, "select": true, "pselect6": true, "recvfrom": true, "sendto": true,
	"recvmsg": true, "sendmsg": true, "nanosleep": true, "clock_nanosleep": true,
	"sched_yield": true, "getpid": true, "gettid": true, "mmap": true, "munmap": true,
	"close": true, "fstat": true, "newfstatat": true, "lseek": true,
}

// hotFuncs are kernel functions on hot paths.
var hotFuncs = map[string]bool{
	"schedule": true, "__schedule": true, "finish_task_switch": true, "try_to_wake_up": true,
	"kmalloc": true, "__kmalloc": true, "kfree": true, "kmem_cache_alloc": true, "kmem_cache_free": true,
	"vfs_read": true, "vfs_write": true, "tcp_sendmsg": true, "tcp_recvmsg": true,
	"tcp_v4_rcv": true, "tcp_v6_rcv": true, "ip_rcv": true, "__netif_receive_skb": true,
	"napi_gro_receive": true, "dev_queue_xmit": true, "handle_mm_fault": true, "do_page_fault": true,
	"copy_page_to_iter": true, "__alloc_pages": true, "update_curr": true,
}

func hotPoint(pt *sema.Point) string {
	ap := pt.AP
	if ap == nil {
		return ""
	}
	switch ap.Provider.Name {
	case "profile":
		if hz := ap.Frequency(); hz > hotRate || hz == 0 && ap.Period() > 0 && ap.Period() < time.Second/hotRate {
			return "samples every CPU"
		}
	case "software":
		switch ap.Event {
		case "cpu-clock", "cpu", "task-clock":
			// The count is a period in nanoseconds; 0 is the default, 1ms.
			if ap.Rate == 0 || ap.Rate < uint64(time.Second/hotRate) {
				return "samples every CPU"
			}
		case "page-faults", "faults", "minor-faults", "context-switches", "cs":
			if ap.Rate <= 1000 {
				return "counts a frequent software event"
			}
		}
	case "hardware":
		return "samples a hardware counter"
	case "tracepoint":
		return hotTracepoint(ap)
	case "kprobe", "kretprobe", "fentry", "fexit":
		if hotFuncs[ap.Func] {
			return "is on a hot kernel path"
		}
	}
	return ""
}

func hotTracepoint(ap *probes.AttachPoint) string {
	switch ap.Category {
	case "raw_syscalls":
		return "fires on every system call"
	case "syscalls":
		if ap.Wildcard {
			// Not expanded (no kernel information): judge by the pattern.
			return "matches many system calls"
		}
		name := strings.TrimPrefix(strings.TrimPrefix(ap.Event, "sys_enter_"), "sys_exit_")
		if hotSyscalls[name] {
			return "fires on every " + name + "() call"
		}
	case "sched":
		switch ap.Event {
		case "sched_switch", "sched_wakeup", "sched_waking", "sched_stat_runtime", "sched_migrate_task":
			return "fires on every scheduler event"
		}
	case "irq", "irq_vectors", "timer", "kmem":
		return "fires on every " + ap.Category + " event"
	case "net", "napi", "skb":
		switch {
		case strings.HasPrefix(ap.Event, "netif_receive_skb"), strings.HasPrefix(ap.Event, "napi_gro_receive"),
			strings.HasPrefix(ap.Event, "netif_rx"), ap.Event == "napi_poll", ap.Event == "net_dev_xmit",
			ap.Event == "net_dev_queue", ap.Event == "consume_skb", ap.Event == "kfree_skb":
			return "fires on every packet"
		}
	case "exceptions":
		if strings.HasPrefix(ap.Event, "page_fault") {
			return "fires on every page fault"
		}
	}
	return ""
}
