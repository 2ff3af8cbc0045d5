package attach

import (
	"errors"
	"fmt"
	"os"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"

	"github.com/bt-tools/bt/lang/probes"
)

// attachFentry attaches an fentry or fexit probe: a Tracing program whose
// target function (ProgramSpec.AttachTo, and AttachTarget for
// fentry:bpf:PROG) was resolved through BTF when it was loaded.
func attachFentry(prog *ebpf.Program, ap *probes.AttachPoint) (Attachment, error) {
	if prog.Type() != ebpf.Tracing {
		return nil, fmt.Errorf("program type %s cannot attach to %s", prog.Type(), ap.Provider.Name)
	}
	at := ebpf.AttachTraceFEntry
	if ap.Provider.Name == "fexit" {
		at = ebpf.AttachTraceFExit
	}
	l, err := link.AttachTracing(link.TracingOptions{Program: prog, AttachType: at})
	if err != nil {
		if errors.Is(err, ErrNotSupported) {
			return nil, &UnsupportedError{Lacks: "fentry", Err: err}
		}
		return nil, err
	}
	return single(l), nil
}

// HaveFentry reports whether the kernel can attach fentry programs; the
// error wraps ErrNotSupported when it cannot. It loads and attaches a
// trivial fentry program on a function every kernel has.
func HaveFentry() error {
	spec := &ebpf.ProgramSpec{
		Name:         "bt_probe_fentry",
		Type:         ebpf.Tracing,
		AttachType:   ebpf.AttachTraceFEntry,
		AttachTo:     "do_nanosleep",
		License:      "GPL",
		Instructions: returnZero(),
	}
	prog, err := ebpf.NewProgram(spec)
	if err != nil {
		return fmt.Errorf("load fentry program: %w", LoadError(spec, err))
	}
	defer prog.Close()
	l, err := link.AttachTracing(link.TracingOptions{Program: prog, AttachType: ebpf.AttachTraceFEntry})
	if err != nil {
		if errors.Is(err, ErrNotSupported) {
			return &UnsupportedError{Lacks: "fentry", Err: err}
		}
		return err
	}
	return l.Close()
}

// LoadError explains a program load error that means the kernel lacks the
// program's probe type. Some kernels refuse to load fentry and fexit
// programs with EPERM even for root (no BPF trampolines); that is not the
// memlock problem cilium/ebpf suggests. Other errors come back as they
// are.
func LoadError(spec *ebpf.ProgramSpec, err error) error {
	if spec.Type != ebpf.Tracing || !errors.Is(err, os.ErrPermission) || os.Geteuid() != 0 {
		return err
	}
	switch spec.AttachType {
	case ebpf.AttachTraceFEntry, ebpf.AttachTraceFExit, ebpf.AttachModifyReturn:
		// Drop cilium's memlock hint, which is wrong here.
		return &UnsupportedError{Lacks: "fentry", Err: fmt.Errorf("loading %s: %w", spec.AttachType, os.ErrPermission)}
	}
	return err
}
