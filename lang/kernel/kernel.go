// Package kernel answers questions about the running kernel that the front
// end needs: BTF types (structs, enums, typedefs, function prototypes),
// tracepoint formats, traceable functions, kernel symbols and the ELF
// symbols of user binaries.
//
// Two implementations stand behind the one [Info] interface: [Live] reads
// /sys/kernel/btf/vmlinux (lazily, cached), tracefs and /proc/kallsyms; and
// [Fixture] reads a snapshot of the same files under testdata/ so that
// every front-end, lint and LSP test is deterministic and runs without root.
// When tracefs cannot be read (not root, not mounted), tracepoint formats
// fall back to BTF's trace_event_raw_<event> records.
package kernel

import (
	"errors"

	"github.com/bt-tools/bt/lang/types"
)

// ErrNotFound is returned (wrapped) when a type, tracepoint, function or
// symbol does not exist.
var ErrNotFound = errors.New("not found")

// Info is what the front end may ask about the kernel. Implementations are
// safe for concurrent use; results are cached.
type Info interface {
	// Struct returns the struct (or union) with the given name, without the
	// "struct " prefix.
	Struct(name string, union bool) (*types.Struct, error)
	// Enum returns the enum with the given name, without "enum ".
	Enum(name string) (*types.Enum, error)
	// Typedef resolves a typedef or base type name ("u64", "pid_t",
	// "unsigned int") to its underlying type.
	Typedef(name string) (types.Type, error)
	// EnumConst looks up an enumerator ("TCP_ESTABLISHED") in all enums.
	EnumConst(name string) (value int64, enum *types.Enum, err error)

	// Func returns the BTF prototype of a kernel function (kprobe, fentry).
	Func(name string) (*FuncProto, error)
	// Functions lists traceable kernel functions, sorted.
	Functions() ([]string, error)

	// Tracepoints lists every tracepoint, sorted by category then event.
	Tracepoints() ([]Tracepoint, error)
	// TracepointFormat returns the fields of a tracepoint's args.
	TracepointFormat(category, event string) (*Format, error)
	// RawTracepoint returns the prototype of a raw tracepoint
	// (from the btf_trace_<event> typedef); Params excludes the leading
	// void *__data.
	RawTracepoint(event string) (*FuncProto, error)
	// RawTracepoints lists raw tracepoint events known to BTF, sorted.
	RawTracepoints() ([]string, error)
	// Iters lists the iterator targets (bpf_iter__<name> structs), sorted.
	Iters() ([]string, error)

	// Kallsym returns the address of a kernel symbol (kaddr("sym")).
	Kallsym(name string) (uint64, error)
	// Symbols returns the function and object symbols of an ELF binary.
	Symbols(path string) ([]Symbol, error)
}

// FuncProto is a function's parameter list and return type.
type FuncProto struct {
	Name   string
	Params []Param
	Ret    types.Type // types.Void for void functions
}

// Param is a named, typed parameter.
type Param struct {
	Name string
	Type types.Type
}

// Tracepoint names a tracepoint: tracepoint:Category:Event.
type Tracepoint struct{ Category, Event string }

// Format is the layout of a tracepoint's args, as its format file gives it.
type Format struct {
	Category, Event string
	Fields          []FormatField // common_* fields excluded
	Size            int64         // size of the record, including common fields
	FromBTF         bool          // not read from tracefs (unreadable): built from BTF's trace_event_raw_* records, or for syscalls from bt's embedded formats
}

// FormatField is one field of a tracepoint record.
type FormatField struct {
	Name    string
	CType   string     // the C declaration as written in the format file, e.g. "const char * filename"
	Type    types.Type // resolved type; __data_loc char[] fields are *types.String (Len 0: known at run time), other __data_loc fields have their element type
	Offset  int64
	Size    int64
	Signed  bool
	DataLoc bool // __data_loc: the field holds (len<<16 | offset) of dynamic data
}

// Field returns the field named name.
func (f *Format) Field(name string) (FormatField, bool) {
	for _, fld := range f.Fields {
		if fld.Name == name {
			return fld, true
		}
	}
	return FormatField{}, false
}

// Symbol is an ELF symbol.
type Symbol struct {
	Name string
	Addr uint64
	Size uint64
	Func bool // STT_FUNC (else object)
}
