package attach

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"

	"github.com/bt-tools/bt/lang/probes"
)

// BPFFSDir is where iterator pin paths that are not absolute live.
const BPFFSDir = "/sys/fs/bpf"

// Iter is an attached iterator (iter:task, iter:task_file, ...). Reading
// an instance runs the program over every object; what it prints with
// bpf_seq_printf is the text read.
type Iter struct {
	it  *link.Iter
	Pin string // the attach point's pin path, absolute, or ""
}

// attachIter attaches a Tracing program loaded with AttachTraceIter and
// AttachTo set to the iterator.
func attachIter(prog *ebpf.Program, ap *probes.AttachPoint) (Attachment, error) {
	it, err := link.AttachIter(link.IterOptions{Program: prog})
	if err != nil {
		return nil, err
	}
	i := &Iter{it: it}
	if ap.Pin != "" {
		i.Pin = ap.Pin
		if !filepath.IsAbs(i.Pin) {
			i.Pin = filepath.Join(BPFFSDir, i.Pin)
		}
	}
	return i, nil
}

// Probes returns 1.
func (i *Iter) Probes() int { return 1 }

// Close detaches the iterator (a pinned one stays in the file system).
func (i *Iter) Close() error { return i.it.Close() }

// Open creates an instance of the iterator; read it to EOF.
func (i *Iter) Open() (io.ReadCloser, error) {
	r, err := i.it.Open()
	if err != nil {
		return nil, fmt.Errorf("open iterator: %w", err)
	}
	return r, nil
}

// PinTo pins the iterator at i.Pin, where `cat` runs it later.
func (i *Iter) PinTo() error {
	if i.Pin == "" {
		return fmt.Errorf("iterator has no pin path")
	}
	if err := i.it.Pin(i.Pin); err != nil {
		return fmt.Errorf("pin iterator to %s: %w", i.Pin, err)
	}
	return nil
}
