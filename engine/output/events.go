package output

import (
	"io"
	"strconv"
	"strings"
	"time"
)

// Stream names an output stream.
type Stream int

// Streams.
const (
	Stdout Stream = iota
	Stderr
)

// Message is a piece of output and the stream it belongs on. bpftrace's
// -o FILE redirects Stdout only.
type Message struct {
	Stream Stream
	Text   string
}

// WriteTo writes the message to out or errw.
func (m Message) WriteTo(out, errw io.Writer) error {
	w := out
	if m.Stream == Stderr {
		w = errw
	}
	_, err := io.WriteString(w, m.Text)
	return err
}

func stdout(s string) Message { return Message{Stream: Stdout, Text: s} }

// jsonEvent is {"type": typ, "data": data} and a newline.
func jsonEvent(typ, data string) Message {
	return stdout(`{"type": "` + typ + `", "data": ` + data + "}\n")
}

// AttachedProbes reports how many probes were attached: "Attaching N
// probes..." on stdout (0.17) or "Attached N probes" on stderr (0.26),
// singular for one; in JSON an attached_probes event, with a "count" field
// since 0.26.
func (p *Printer) AttachedProbes(n int) Message {
	num := strconv.Itoa(n)
	switch {
	case p.Format == JSON && p.old():
		return jsonEvent("attached_probes", `{"probes": `+num+"}")
	case p.Format == JSON:
		return stdout(`{"type": "attached_probes", "count": ` + num + `, "data": {"probes": ` + num + "}}\n")
	}
	noun := "probes"
	if n == 1 {
		noun = "probe"
	}
	if p.old() {
		return stdout("Attaching " + num + " " + noun + "...\n")
	}
	return Message{Stream: Stderr, Text: "Attached " + num + " " + noun + "\n"}
}

// LostEvents reports events dropped by the ring buffer: "Lost N events"
// on stdout (0.17) or stderr (0.26), or a lost_events JSON event.
func (p *Printer) LostEvents(n uint64) Message {
	num := strconv.FormatUint(n, 10)
	switch {
	case p.Format == JSON && p.old():
		return jsonEvent("lost_events", `{"events": `+num+"}")
	case p.Format == JSON:
		return stdout(`{"type": "lost_events", "count": ` + num + `, "data": {"events": ` + num + "}}\n")
	}
	m := Message{Stream: Stderr, Text: "Lost " + num + " events\n"}
	if p.old() {
		m.Stream = Stdout
	}
	return m
}

// End is what bpftrace prints after the END probes, before the maps: two
// newlines (in both formats in 0.17, in text only in 0.26).
func (p *Printer) End() Message {
	if p.Format == JSON && !p.old() {
		return stdout("")
	}
	return stdout("\n\n")
}

// Printf wraps the output of printf: raw text, or a printf JSON event.
func (p *Printer) Printf(s string) Message { return p.rawEvent("printf", s, "") }

// Time wraps the output of time(): raw text, or a time JSON event.
func (p *Printer) Time(s string) Message { return p.rawEvent("time", s, "") }

// Cat wraps the contents cat() read: raw text, or a cat JSON event.
func (p *Printer) Cat(s string) Message { return p.rawEvent("cat", s, "") }

// Join wraps the output of join(): the joined text and a newline, or a join
// JSON event.
func (p *Printer) Join(s string) Message { return p.rawEvent("join", s, "\n") }

// System wraps the output of the command system() ran: as is (0.17) or
// followed by a newline (0.26), or a syscall JSON event.
func (p *Printer) System(s string) Message {
	nl := "\n"
	if p.old() {
		nl = ""
	}
	return p.rawEvent("syscall", s, nl)
}

func (p *Printer) rawEvent(typ, s, nl string) Message {
	if p.Format == JSON {
		return jsonEvent(typ, quote(s))
	}
	return stdout(s + nl)
}

// TimeText is the text time(format) prints at wall-clock time now: plain
// strftime, without the %f extension of strftime().
func (p *Printer) TimeText(format string, now time.Time) string {
	return Strftime(format, now.In(p.location()))
}

// JoinText joins the strings join() collected: up to the first empty one.
func JoinText(args []string, sep string) string {
	for i, a := range args {
		if a == "" {
			args = args[:i]
			break
		}
	}
	return strings.Join(args, sep)
}

// Location is a source position as errorf and warnf report it.
type Location struct {
	File      string // "stdin" for -e
	Line, Col int
	Span      string   // text form, "stdin:1:9-62"; File:Line:Col when empty
	Context   []string // source lines printed under an "expanded from" note
}

func (l Location) text() string {
	if l.Span != "" {
		return l.Span
	}
	return l.File + ":" + strconv.Itoa(l.Line) + ":" + strconv.Itoa(l.Col)
}

// Errorf reports errorf(): "LOC: ERROR: msg" on stderr (one trailing
// newline of msg dropped), then "LOC: ERROR: expanded from" and the source
// context for each macro expansion in chain; in JSON an errorf event with
// the first location only. 0.17 had no errorf; both eras print the 0.26
// form.
func (p *Printer) Errorf(msg string, chain []Location) Message {
	return p.logEvent("errorf", "ERROR", msg, chain)
}

// Warnf reports warnf() as [Printer.Errorf] reports errorf().
func (p *Printer) Warnf(msg string, chain []Location) Message {
	return p.logEvent("warnf", "WARNING", msg, chain)
}

func (p *Printer) logEvent(typ, level, msg string, chain []Location) Message {
	var first Location
	if len(chain) > 0 {
		first = chain[0]
	}
	if p.Format == JSON {
		return stdout(`{"type": "` + typ + `", "msg": ` + quote(msg) + `, "filename": ` + quote(first.File) +
			`, "line": ` + jsonInt(int64(first.Line)) + `, "col": ` + jsonInt(int64(first.Col)) + "}\n")
	}
	var b strings.Builder
	b.WriteString(first.text() + ": " + level + ": " + strings.TrimSuffix(msg, "\n") + "\n")
	for _, l := range chain[min(1, len(chain)):] {
		b.WriteString(l.text() + ": " + level + ": expanded from\n")
		for _, c := range l.Context {
			b.WriteString(c + "\n")
		}
	}
	return Message{Stream: Stderr, Text: b.String()}
}

// PrintValue writes print() of a non-map value: its text and a newline,
// or a value JSON event.
func (p *Printer) PrintValue(v Value) Message {
	if p.Format == JSON {
		return jsonEvent("value", p.JSON(v))
	}
	return stdout(p.Text(v) + "\n")
}
