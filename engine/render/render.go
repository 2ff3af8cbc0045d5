// Package render connects the runtime to engine/output: it decodes event
// payloads and map snapshots laid out as the plan says and prints them as
// bpftrace does. It implements runtime.Printer.
package render

import (
	"encoding/binary"
	"fmt"
	"io"
	"sync"

	"github.com/cilium/ebpf"

	"github.com/bt-tools/bt/engine/compile"
	"github.com/bt-tools/bt/engine/output"
	"github.com/bt-tools/bt/engine/plan"
	"github.com/bt-tools/bt/engine/runtime"
	"github.com/bt-tools/bt/lang/types"
)

// Printer renders events and maps with an output.Printer.
type Printer struct {
	Out *output.Printer

	mu      sync.Mutex
	formats map[*plan.Event]*output.PrintfFormat
}

var _ runtime.Printer = (*Printer)(nil)

// New returns a Printer over p.
func New(p *output.Printer) *Printer {
	return &Printer{Out: p, formats: map[*plan.Event]*output.PrintfFormat{}}
}

// args decodes an event payload: each argument in an 8-byte aligned slot.
func args(ev *plan.Event, payload []byte) ([]output.Value, error) {
	vals := make([]output.Value, 0, len(ev.Args))
	off := 0
	for _, t := range ev.Args {
		n := slot(t)
		if off+n > len(payload) {
			return nil, fmt.Errorf("event %d: payload of %d bytes is too short for its arguments", ev.ID, len(payload))
		}
		v, err := decode(t, payload[off:off+int(t.Size())])
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
		off += n
	}
	return vals, nil
}

// decode is output.Decode that also knows the compiler's types: a
// strftime() value carries its format.
func decode(t types.Type, raw []byte) (output.Value, error) {
	switch t := t.(type) {
	case *compile.Timestamp:
		if len(raw) < 8 {
			return nil, fmt.Errorf("decode timestamp: need 8 bytes, have %d", len(raw))
		}
		return output.Timestamp{NS: binary.NativeEndian.Uint64(raw), Format: t.Format}, nil
	case *types.Tuple:
		if !special(t) {
			break
		}
		vs := make(output.Tuple, len(t.Elems))
		for i, e := range t.Elems {
			off := t.Offset(i)
			if int64(len(raw)) < off+e.Size() {
				return nil, fmt.Errorf("decode %s: value too short", t)
			}
			v, err := decode(e, raw[off:])
			if err != nil {
				return nil, err
			}
			vs[i] = v
		}
		return vs, nil
	}
	return output.Decode(t, raw)
}

// special says whether t holds a compiler type output.Decode does not know.
func special(t types.Type) bool {
	switch t := t.(type) {
	case *compile.Timestamp:
		return true
	case *types.Tuple:
		for _, e := range t.Elems {
			if special(e) {
				return true
			}
		}
	}
	return false
}

func slot(t types.Type) int {
	n := int(t.Size())
	if n == 0 {
		n = 8
	}
	return (n + 7) &^ 7
}

func (r *Printer) format(ev *plan.Event) *output.PrintfFormat {
	r.mu.Lock()
	defer r.mu.Unlock()
	f, ok := r.formats[ev]
	if !ok {
		f = output.ParsePrintf(ev.Format, r.Out.Era)
		r.formats[ev] = f
	}
	return f
}

// Printf writes a printf event.
func (r *Printer) Printf(w io.Writer, ev *plan.Event, payload []byte) error {
	vals, err := args(ev, payload)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, r.Out.Printf(r.Out.SprintfParsed(r.format(ev), vals)).Text)
	return err
}

// Sprintf formats the text of errorf, warnf, cat and system events.
func (r *Printer) Sprintf(dst []byte, ev *plan.Event, payload []byte) ([]byte, error) {
	vals, err := args(ev, payload)
	if err != nil {
		return dst, err
	}
	return append(dst, r.Out.SprintfParsed(r.format(ev), vals)...), nil
}

// Message writes runtime-produced text of a kind (time, cat, join,
// syscall): in text mode as it is (the runtime has added the newlines
// join and system print), in JSON mode as the kind's event.
func (r *Printer) Message(w io.Writer, kind string, text []byte) error {
	if r.Out.Format != output.JSON {
		_, err := w.Write(text)
		return err
	}
	var m output.Message
	switch kind {
	case "time":
		m = r.Out.Time(string(text))
	case "cat":
		m = r.Out.Cat(string(text))
	case "join":
		m = r.Out.Join(string(text))
	case "syscall":
		m = r.Out.System(string(text))
	default:
		m = r.Out.Printf(string(text))
	}
	_, err := io.WriteString(w, m.Text)
	return err
}

// Value writes print(value).
func (r *Printer) Value(w io.Writer, ev *plan.Event, payload []byte) error {
	vals, err := args(ev, payload)
	if err != nil || len(vals) == 0 {
		return err
	}
	_, err = io.WriteString(w, r.Out.PrintValue(vals[0]).Text)
	return err
}

// Map writes a map snapshot.
func (r *Printer) Map(w io.Writer, m *plan.Map, d *runtime.MapData, top, div uint64) error {
	dump := output.MapDump{Name: m.UserName, Value: m.Value}
	if !m.Scalar {
		dump.Key = m.Key
	}
	d = r.normalize(m, d)
	entries, err := entries(m, d)
	if err != nil {
		return err
	}
	dump.Entries = entries
	return r.Out.PrintMap(w, dump, output.MapOptions{Top: int(top), Div: div})
}

// normalize turns the compiler's array layouts of scalar maps into what
// a hash map would hold (see compile's umap): an ARRAY's value starts
// with a u64 that says whether the map was assigned; a PERCPU_ARRAY
// aggregation is unset while all its values are zero, and a scalar hist
// in one is keyed by a u32 bucket index instead of a u64.
func (r *Printer) normalize(m *plan.Map, d *runtime.MapData) *runtime.MapData {
	if !m.Scalar || m.Spec == nil {
		return d
	}
	if len(d.Keys) == 0 {
		return r.unsetCount(m, d)
	}
	out := &runtime.MapData{PerCPU: d.PerCPU, NumCPU: d.NumCPU}
	switch m.Spec.Type {
	case ebpf.Array:
		for i, v := range d.Values {
			if len(v) < 8 || binary.NativeEndian.Uint64(v) == 0 {
				continue
			}
			out.Keys = append(out.Keys, d.Keys[i])
			out.Values = append(out.Values, v[8:])
		}
	case ebpf.PerCPUArray:
		for i, v := range d.Values {
			if allZero(v) {
				continue
			}
			k := d.Keys[i]
			if m.Bucketed && len(k) == 4 {
				k = binary.NativeEndian.AppendUint64(nil, uint64(binary.NativeEndian.Uint32(k)))
			}
			out.Keys = append(out.Keys, k)
			out.Values = append(out.Values, v)
		}
	default:
		return d
	}
	if len(out.Keys) == 0 {
		return r.unsetCount(m, out)
	}
	return out
}

// unsetCount gives an unset scalar count map the value 0 for bpftrace
// 0.17, which prints it as "@c: 0" (other empty maps print nothing).
func (r *Printer) unsetCount(m *plan.Map, d *runtime.MapData) *runtime.MapData {
	agg, ok := m.Value.(*types.Agg)
	if r.Out.Era != output.Era017 || !ok || agg.Kind != types.Count {
		return d
	}
	n := max(d.NumCPU, 1)
	return &runtime.MapData{
		Keys: [][]byte{make([]byte, 8)}, Values: [][]byte{make([]byte, 8*n)},
		PerCPU: d.PerCPU, NumCPU: n,
	}
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func entries(m *plan.Map, d *runtime.MapData) ([]output.Entry, error) {
	if agg, ok := m.Value.(*types.Agg); ok && m.Bucketed {
		var key types.Type
		if !m.Scalar {
			key = m.Key
		}
		c := output.NewBucketCollector(key, agg)
		for i, k := range d.Keys {
			if err := c.Add(k, d.Values[i]); err != nil {
				return nil, err
			}
		}
		return c.Entries()
	}
	out := make([]output.Entry, 0, len(d.Keys))
	for i, k := range d.Keys {
		e := output.Entry{Raw: k}
		if !m.Scalar {
			kv, err := decode(m.Key, k[:min(len(k), int(m.Key.Size()))])
			if err != nil {
				return nil, err
			}
			e.Key = kv
		}
		raw := d.Values[i]
		if _, isAgg := m.Value.(*types.Agg); !isAgg {
			raw = raw[:min(len(raw), int(m.Value.Size()))]
		}
		v, err := decode(m.Value, raw)
		if err != nil {
			return nil, err
		}
		e.Value = v
		out = append(out, e)
	}
	return out, nil
}
