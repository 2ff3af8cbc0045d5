package probes

import (
	"fmt"
	"strings"

	"github.com/bt-tools/bt/lang/kernel"
	"github.com/bt-tools/bt/lang/types"
)

// ArgsType returns the layout of the args builtin for a concrete attach
// point:
//   - tracepoint: the fields of the format file at their offsets in the
//     record; char[N] fields stay arrays (the checker reads them as
//     strings) and pointers of the syscalls category point to user memory;
//   - fentry, fexit: the function's BTF parameters, one 8-byte slot each
//     (offset 8*i), as the trampoline passes them;
//   - rawtracepoint: the tracepoint's BTF prototype, laid out the same way.
//
// A missing tracepoint or function gives a [*ProbeError] that wraps
// kernel.ErrNotFound and names the attach point.
func ArgsType(ap *AttachPoint, k kernel.Info) (*types.Struct, error) {
	if ap.Wildcard {
		return nil, errorf(CodeNoLayout, "args of %s is not known until the wildcard is expanded", ap.Raw)
	}
	switch ap.Provider.Name {
	case "tracepoint":
		return tracepointArgs(ap, k)
	case "fentry", "fexit":
		if ap.Target == "bpf" {
			return nil, errorf(CodeContext, "the args builtin is not available in %s:bpf probes", ap.Provider.Name)
		}
		proto, err := k.Func(ap.Func)
		if err != nil {
			return nil, notFound(ap, err)
		}
		return protoArgs(ap, proto), nil
	case "rawtracepoint":
		proto, err := k.RawTracepoint(ap.Func)
		if err != nil {
			return nil, notFound(ap, err)
		}
		return protoArgs(ap, proto), nil
	case "uprobe":
		return nil, errorf(CodeNoLayout, "args in uprobe probes needs DWARF debug info, which bt does not read").
			hint("use arg0..arg%d instead", maxRegArgs-1).wrap(ErrNotSupported)
	}
	return nil, ContextError(ap.Provider, "args")
}

// RetvalType returns the type of retval for a concrete attach point: the
// BTF return type of an fexit function, uint64 in kretprobes and
// uretprobes.
func RetvalType(ap *AttachPoint, k kernel.Info) (types.Type, error) {
	switch ap.Provider.Name {
	case "kretprobe", "uretprobe":
		return types.Uint64, nil
	case "fexit":
		if ap.Target == "bpf" {
			return types.Uint64, nil
		}
		proto, err := k.Func(ap.Func)
		if err != nil {
			return nil, notFound(ap, err)
		}
		return withAddrSpace(proto.Ret, types.AddrKernel), nil
	}
	return nil, ContextError(ap.Provider, "retval")
}

// ContextError is the error for a context builtin ("args", "argN",
// "retval", "func", "ctx", "reg", "usermode") used in a probe type that
// lacks it, naming the probe types that have it.
func ContextError(p *Provider, builtin string) *ProbeError {
	allowed := Names(func(q *Provider) bool { return q.Allows(builtin) })
	e := errorf(CodeContext, "%s can only be used in %s probes, not in %s probes",
		builtin, strings.Join(allowed, ", "), p.Name)
	switch {
	case p.Name == "tracepoint" && builtin == "ctx":
		e.Hint = "use args instead of ctx in tracepoint probes"
	case p.Name == "tracepoint" && builtin == "retval":
		e.Hint = "the return value of a syscall is args.ret in sys_exit_* tracepoints"
	case p.Name == "fentry" && builtin == "retval":
		e.Hint = "use fexit to read the return value"
	}
	return e
}

func tracepointArgs(ap *AttachPoint, k kernel.Info) (*types.Struct, error) {
	f, err := k.TracepointFormat(ap.Category, ap.Event)
	if err != nil {
		return nil, notFound(ap, err)
	}
	as := types.AddrKernel
	if ap.Category == "syscalls" {
		as = types.AddrUser
	}
	fields := make([]types.Field, 0, len(f.Fields))
	for _, ff := range f.Fields {
		fields = append(fields, types.Field{Name: ff.Name, Offset: ff.Offset, Type: withAddrSpace(ff.Type, as)})
	}
	return types.NewStruct(false, argsName(ap), f.Size, fields), nil
}

func protoArgs(ap *AttachPoint, proto *kernel.FuncProto) *types.Struct {
	fields := make([]types.Field, len(proto.Params))
	for i, prm := range proto.Params {
		name := prm.Name
		if name == "" {
			name = fmt.Sprintf("arg%d", i)
		}
		fields[i] = types.Field{Name: name, Offset: int64(8 * i), Type: withAddrSpace(prm.Type, types.AddrKernel)}
	}
	return types.NewStruct(false, argsName(ap), int64(8*len(fields)), fields)
}

// argsName names the args struct after the attach point, as bpftrace does
// ("struct tracepoint:sched:sched_switch_args").
func argsName(ap *AttachPoint) string { return ap.String() + "_args" }

// withAddrSpace returns t with every pointer that has no address space
// (through pointers and arrays) set to as.
func withAddrSpace(t types.Type, as types.AddrSpace) types.Type {
	switch t := t.(type) {
	case *types.Pointer:
		c := *t
		if c.AddrSpace == types.AddrNone {
			c.AddrSpace = as
		}
		c.Elem = withAddrSpace(c.Elem, as)
		return &c
	case *types.Array:
		c := *t
		c.Elem = withAddrSpace(c.Elem, as)
		return &c
	}
	return t
}
