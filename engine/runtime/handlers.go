package runtime

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/bt-tools/bt/engine/plan"
	"github.com/bt-tools/bt/lang/types"
)

// defaultMaxCatBytes is bpftrace's max_cat_bytes.
const defaultMaxCatBytes = 10240

// dispatch hands one ring buffer record to its event's handler. Only an
// unknown or truncated record is an error; a handler that fails reports
// it on stderr, as bpftrace does, and the run goes on.
func (r *runner) dispatch(rec []byte) error {
	if len(rec) < 8 {
		return fmt.Errorf("ring buffer record of %d bytes has no event id", len(rec))
	}
	id := nativeUint64(rec)
	ev := r.event(id)
	if ev == nil {
		return fmt.Errorf("ring buffer record with unknown event id %d", id)
	}
	if err := r.handle(ev, rec[8:]); err != nil {
		r.error(err)
	}
	return nil
}

func (r *runner) handle(ev *plan.Event, payload []byte) error {
	switch ev.Kind {
	case plan.EventPrintf:
		return r.opts.Printer.Printf(r.out, ev, payload)
	case plan.EventPrintNonMap:
		return r.opts.Printer.Value(r.out, ev, payload)
	case plan.EventErrorf, plan.EventWarnf:
		return r.errorf(ev, payload)
	case plan.EventExit:
		r.exit(ev, payload)
	case plan.EventPrint:
		return r.printMap(ev)
	case plan.EventClear:
		return r.clearMap(ev.Map)
	case plan.EventZero:
		return r.zeroMap(ev.Map)
	case plan.EventTime:
		return r.time(ev)
	case plan.EventCat:
		return r.cat(ev, payload)
	case plan.EventSystem:
		return r.system(ev, payload)
	case plan.EventJoin:
		return r.join(ev, payload)
	default:
		return fmt.Errorf("event %d: unknown kind %d", ev.ID, ev.Kind)
	}
	return nil
}

// error reports a failed handler.
func (r *runner) error(err error) {
	r.out.Flush()
	fmt.Fprintf(r.opts.Stderr, "ERROR: %v\n", err)
}

func (r *runner) exit(ev *plan.Event, payload []byte) {
	if len(ev.Args) > 0 && len(payload) >= 8 {
		r.exitCode.Store(int64(nativeUint64(payload)))
	}
	r.requestStop()
}

func (r *runner) errorf(ev *plan.Event, payload []byte) error {
	if ev.Kind == plan.EventWarnf && r.opts.NoWarnings {
		return nil
	}
	msg, err := r.opts.Printer.Sprintf(nil, ev, payload)
	if err != nil {
		return err
	}
	r.diag(ev, msg)
	return nil
}

// message writes the text of a time, cat, join or syscall event; in text
// mode newline is appended, as bpftrace's text output does for join and
// syscall.
func (r *runner) message(kind string, text []byte, newline bool) error {
	if newline && !r.opts.JSON {
		text = append(text, '\n')
	}
	return r.opts.Printer.Message(r.out, kind, text)
}

func (r *runner) time(ev *plan.Event) error {
	format := ev.Format
	if format == "" {
		format = "%H:%M:%S\n"
	}
	return r.message("time", Strftime(nil, format, time.Now()), false)
}

// cat prints up to max_cat_bytes of a file.
func (r *runner) cat(ev *plan.Event, payload []byte) error {
	path, err := r.opts.Printer.Sprintf(nil, ev, payload)
	if err != nil {
		return err
	}
	f, err := os.Open(string(path))
	if err != nil {
		return fmt.Errorf("failed to open file '%s'", path)
	}
	defer f.Close()
	max := r.plan.Config.MaxCatBytes
	if max <= 0 {
		max = defaultMaxCatBytes
	}
	data, err := io.ReadAll(io.LimitReader(f, max))
	if err != nil {
		return fmt.Errorf("read file '%s': %w", path, err)
	}
	return r.message("cat", data, false)
}

// system runs a command through /bin/sh and prints what it wrote to
// stdout and stderr, as bpftrace's exec_system does; a command that fails
// prints nothing and is reported.
func (r *runner) system(ev *plan.Event, payload []byte) error {
	if !r.opts.Unsafe {
		//lint:ignore ST1005 bpftrace's own wording, which scripts may match
		return errors.New("syscall() not allowed in safe mode. Use '--unsafe'.")
	}
	cmd, err := r.opts.Printer.Sprintf(nil, ev, payload)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	c := exec.CommandContext(context.Background(), "/bin/sh", "-c", string(cmd))
	c.Stdout, c.Stderr = &out, &out
	if err := c.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.Exited() {
			return fmt.Errorf("command exited with code %d", ee.ExitCode())
		}
		return fmt.Errorf("system(%q): %w", cmd, err)
	}
	return r.message("syscall", out.Bytes(), r.opts.Era != Era017)
}

// join prints the strings of a join() call separated by the delimiter,
// up to the first empty one.
func (r *runner) join(ev *plan.Event, payload []byte) error {
	var parts []string
	off := 0
	for _, t := range ev.Args {
		st, ok := t.(*types.String)
		if !ok || off+int(st.Len) > len(payload) {
			return fmt.Errorf("join event %d: bad argument layout", ev.ID)
		}
		s := cString(payload[off : off+int(st.Len)])
		if s == "" {
			break
		}
		parts = append(parts, s)
		off += int(align8(st.Len))
	}
	return r.message("join", []byte(strings.Join(parts, ev.Format)), true)
}

// cString is b up to its first NUL.
func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

func align8(n int64) int64 { return (n + 7) &^ 7 }
