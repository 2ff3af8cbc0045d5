package attach

import (
	"fmt"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"

	"github.com/bt-tools/bt/lang/probes"
)

// attachRawTracepoint attaches a rawtracepoint probe. bpftrace compiles
// them to BTF-typed raw tracepoints (tp_btf): a Tracing program loaded
// with AttachTraceRawTp and AttachTo set to the event, attached with
// link.AttachTracing. A classic BPF_PROG_TYPE_RAW_TRACEPOINT program
// (untyped argN only, no BTF needed) is attached by name instead.
func attachRawTracepoint(prog *ebpf.Program, ap *probes.AttachPoint) (Attachment, error) {
	switch prog.Type() {
	case ebpf.Tracing:
		l, err := link.AttachTracing(link.TracingOptions{Program: prog, AttachType: ebpf.AttachTraceRawTp})
		if err != nil {
			return nil, err
		}
		return single(l), nil
	case ebpf.RawTracepoint, ebpf.RawTracepointWritable:
		l, err := link.AttachRawTracepoint(link.RawTracepointOptions{Name: ap.Func, Program: prog})
		if err != nil {
			return nil, err
		}
		return single(l), nil
	}
	return nil, fmt.Errorf("program type %s cannot attach to a raw tracepoint", prog.Type())
}
