package runtime

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/bt-tools/bt/engine/plan"
)

// The run's own messages, as bpftrace prints them (src/output/text.cpp,
// json.cpp; 0.17's output.cpp). In text mode they go to stderr, except
// 0.17's "Attaching" and "Lost" lines, which went to stdout; JSON records
// always go to stdout.

// attachingMessage is 0.17's "Attaching N probes...", printed before
// attaching, counting every planned probe.
func (r *runner) attachingMessage(n int) {
	if r.opts.Quiet {
		return
	}
	if r.opts.JSON {
		fmt.Fprintf(r.out, "{\"type\": \"attached_probes\", \"data\": {\"probes\": %d}}\n", n)
	} else {
		fmt.Fprintf(r.out, "Attaching %d %s...\n", n, plural(n, "probe"))
	}
	r.out.Flush()
}

// attachedMessage is 0.26's "Attached N probes", printed after attaching,
// counting what was attached.
func (r *runner) attachedMessage(n int) {
	if r.opts.Quiet {
		return
	}
	if r.opts.JSON {
		fmt.Fprintf(r.out, "{\"type\": \"attached_probes\", \"count\": %d, \"data\": {\"probes\": %d}}\n", n, n)
		r.out.Flush()
		return
	}
	fmt.Fprintf(r.opts.Stderr, "Attached %d %s\n", n, plural(n, "probe"))
}

// lostMessage reports events lost since the last report.
func (r *runner) lostMessage(n uint64) {
	switch {
	case r.opts.JSON && r.opts.Era == Era017:
		fmt.Fprintf(r.out, "{\"type\": \"lost_events\", \"data\": {\"events\": %d}}\n", n)
	case r.opts.JSON:
		fmt.Fprintf(r.out, "{\"type\": \"lost_events\", \"count\": %d, \"data\": {\"events\": %d}}\n", n, n)
	case r.opts.Era == Era017:
		fmt.Fprintf(r.out, "Lost %d events\n", n)
	default:
		r.out.Flush() // keep stdout and stderr in order on a terminal
		fmt.Fprintf(r.opts.Stderr, "Lost %d events\n", n)
	}
}

// totalLostMessage is 0.26's warning at the end of a lossy run.
func (r *runner) totalLostMessage() {
	if r.lost > 0 && r.opts.Era != Era017 {
		r.warning(fmt.Sprintf("Total lost event count: %d", r.lost))
	}
}

// endMessage separates the run's output from the maps printed at exit.
func (r *runner) endMessage() {
	if !r.opts.JSON {
		r.out.WriteString("\n\n")
	}
}

// warning prints a warning on stderr, as bpftrace's LOG(WARNING).
func (r *runner) warning(msg string) {
	r.out.Flush()
	fmt.Fprintf(r.opts.Stderr, "WARNING: %s\n", strings.TrimSuffix(msg, "\n"))
}

// diag prints an errorf or warnf message with its source location.
func (r *runner) diag(ev *plan.Event, msg []byte) {
	kind, label := "errorf", "ERROR"
	if ev.Kind == plan.EventWarnf {
		kind, label = "warnf", "WARNING"
	}
	text := strings.TrimSuffix(string(msg), "\n")
	if r.opts.JSON {
		file, line, col := r.position(ev)
		q, _ := json.Marshal(text)
		fq, _ := json.Marshal(file)
		fmt.Fprintf(r.out, "{\"type\": %q, \"msg\": %s, \"filename\": %s, \"line\": %d, \"col\": %d}\n", kind, q, fq, line, col)
		return
	}
	r.out.Flush()
	loc := r.location(ev)
	if loc != "" {
		loc += ": "
	}
	fmt.Fprintf(r.opts.Stderr, "%s%s: %s\n", loc, label, text)
}

// position is the file, line and column of an event's call site.
func (r *runner) position(ev *plan.Event) (file string, line, col int) {
	f := r.plan.File
	if f == nil {
		return "", 0, 0
	}
	p := f.Position(ev.Pos)
	return f.Name, p.Line, p.Column
}

// location spells a call site as bpftrace does: "file:line:col-endcol",
// or "file:line-endline" when it spans lines.
func (r *runner) location(ev *plan.Event) string {
	f := r.plan.File
	if f == nil || !ev.Pos.IsValid() {
		return ""
	}
	b, e := f.Position(ev.Pos), f.Position(ev.End)
	if !ev.End.IsValid() {
		e = b
	}
	if b.Line != e.Line {
		return f.Name + ":" + strconv.Itoa(b.Line) + "-" + strconv.Itoa(e.Line)
	}
	return fmt.Sprintf("%s:%d:%d-%d", f.Name, b.Line, b.Column, e.Column)
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
