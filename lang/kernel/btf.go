package kernel

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/cilium/ebpf/btf"

	"github.com/bt-tools/bt/lang/types"
)

// kbtf is loaded kernel BTF: cilium/ebpf's Spec for lookups by name and
// ID, the name index for everything else, and the memoized conversion of
// BTF types to bt types.
//
// Conversion is lazy at two levels: a BTF type is converted only when a
// lookup reaches it, and a struct's members only when its Fields are
// asked for (see [types.NewLazyStruct]). Each BTF type converts to exactly
// one bt type, so a struct reached by name and through a pointer member is
// the same *types.Struct.
type kbtf struct {
	spec *btf.Spec
	idx  *btfIndex

	mu   sync.Mutex // guards memo; held for the whole of one conversion
	memo map[btf.Type]types.Type

	structs  cache[structKey, *types.Struct]
	enums    cache[string, *types.Enum]
	consts   cache[string, enumerator]
	typedefs cache[string, types.Type]
	funcs    cache[string, *FuncProto]
	sigs     lazy[map[string][]string] // probe signature -> classes, see signatures
	syscalls lazy[[]string]            // see syscallNames
}

type structKey struct {
	name  string
	union bool
}

// loadBTF parses raw vmlinux BTF, or an ELF file with a .BTF section,
// either of them possibly gzip-compressed (as fixtures are).
func loadBTF(data []byte) (*kbtf, error) {
	if bytes.HasPrefix(data, gzipMagic) {
		raw, err := gunzip(data)
		if err != nil {
			return nil, err
		}
		data = raw
	}
	if bytes.HasPrefix(data, []byte(elf.ELFMAG)) {
		raw, err := elfBTF(data)
		if err != nil {
			return nil, err
		}
		data = raw
	}
	// The index and the Spec take about as long to build; build them side
	// by side.
	var (
		idx    *btfIndex
		idxErr error
		wg     sync.WaitGroup
	)
	wg.Go(func() { idx, idxErr = indexBTF(data) })
	spec, err := btf.LoadSpecFromReader(bytes.NewReader(data))
	wg.Wait()
	if err = cmp.Or(err, idxErr); err != nil {
		return nil, err
	}
	return &kbtf{spec: spec, idx: idx, memo: make(map[btf.Type]types.Type)}, nil
}

var gzipMagic = []byte{0x1f, 0x8b}

func gunzip(data []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

func elfBTF(data []byte) ([]byte, error) {
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	sec := f.Section(".BTF")
	if sec == nil {
		return nil, errors.New("ELF file has no .BTF section")
	}
	return sec.Data()
}

// ---------------------------------------------------------------------------
// Lookups by name

// named returns the BTF types called name whose Go type is T, in type ID
// order so that the choice among duplicates is stable.
func named[T btf.Type](b *kbtf, name string) []T {
	all, err := b.spec.AnyTypesByName(name)
	if err != nil {
		return nil
	}
	var out []T
	for _, t := range all {
		if x, ok := t.(T); ok && t.TypeName() == name {
			out = append(out, x)
		}
	}
	slices.SortFunc(out, func(x, y T) int {
		a, _ := b.spec.TypeID(x)
		c, _ := b.spec.TypeID(y)
		return int(a) - int(c)
	})
	return out
}

func (b *kbtf) structNamed(name string, union bool) (*types.Struct, error) {
	return b.structs.get(structKey{name, union}, func() (*types.Struct, error) {
		t := b.findStruct(name, union)
		if t == nil {
			return nil, notFound(kw(union), name)
		}
		return b.convert(t).(*types.Struct), nil
	})
}

// findStruct returns the struct or union called name, preferring a
// definition with members over an empty one.
func (b *kbtf) findStruct(name string, union bool) btf.Type {
	var cands []btf.Type
	if union {
		for _, u := range named[*btf.Union](b, name) {
			cands = append(cands, u)
		}
	} else {
		for _, s := range named[*btf.Struct](b, name) {
			cands = append(cands, s)
		}
	}
	for _, c := range cands {
		if len(members(c)) > 0 {
			return c
		}
	}
	if len(cands) > 0 {
		return cands[0]
	}
	return nil
}

func members(t btf.Type) []btf.Member {
	switch t := t.(type) {
	case *btf.Struct:
		return t.Members
	case *btf.Union:
		return t.Members
	}
	return nil
}

func kw(union bool) string {
	if union {
		return "union"
	}
	return "struct"
}

func (b *kbtf) enumNamed(name string) (*types.Enum, error) {
	return b.enums.get(name, func() (*types.Enum, error) {
		es := named[*btf.Enum](b, name)
		if len(es) == 0 {
			return nil, notFound("enum", name)
		}
		return b.convert(es[0]).(*types.Enum), nil
	})
}

// typedefNamed resolves a typedef or a BTF base type ("long unsigned int").
func (b *kbtf) typedefNamed(name string) (types.Type, error) {
	return b.typedefs.get(name, func() (types.Type, error) {
		if ts := named[*btf.Typedef](b, name); len(ts) > 0 {
			return b.convert(ts[0]), nil
		}
		if ts := named[*btf.Int](b, name); len(ts) > 0 {
			return b.convert(ts[0]), nil
		}
		return nil, notFound("typedef", name)
	})
}

// enumerator is an enumerator's value and enum.
type enumerator struct {
	value int64
	enum  *types.Enum
}

func (b *kbtf) enumConst(name string) (int64, *types.Enum, error) {
	e, err := b.consts.get(name, func() (enumerator, error) {
		id, ok := b.idx.enumerators[name]
		if !ok {
			return enumerator{}, notFound("enumerator", name)
		}
		t, err := b.spec.TypeByID(id)
		if err != nil {
			return enumerator{}, fmt.Errorf("enumerator %s: %w", name, err)
		}
		enum, ok := b.convert(t).(*types.Enum)
		if !ok {
			return enumerator{}, fmt.Errorf("enumerator %s: type %d is not an enum", name, id)
		}
		for _, v := range enum.Values {
			if v.Name == name {
				return enumerator{v.Value, enum}, nil
			}
		}
		return enumerator{}, notFound("enumerator", name)
	})
	return e.value, e.enum, err
}

func (b *kbtf) funcNamed(name string) (*FuncProto, error) {
	return b.funcs.get(name, func() (*FuncProto, error) {
		fs := named[*btf.Func](b, name)
		if len(fs) == 0 {
			return nil, notFound("function", name)
		}
		proto, ok := fs[0].Type.(*btf.FuncProto)
		if !ok {
			return nil, fmt.Errorf("function %s: type is %v, not a prototype", name, fs[0].Type)
		}
		return b.proto(name, proto, 0), nil
	})
}

// proto converts a function prototype, dropping its first skip parameters
// and the void that marks variadic or (void) parameter lists.
func (b *kbtf) proto(name string, p *btf.FuncProto, skip int) *FuncProto {
	fp := &FuncProto{Name: name, Ret: b.convert(p.Return)}
	for i, prm := range p.Params {
		if _, void := prm.Type.(*btf.Void); i < skip || void {
			continue
		}
		fp.Params = append(fp.Params, Param{Name: prm.Name, Type: b.convert(prm.Type)})
	}
	return fp
}

// rawTracepoint returns the prototype of a raw tracepoint without its
// leading void *__data.
func (b *kbtf) rawTracepoint(event string) (*FuncProto, error) {
	p, err := b.rawTPProto(event)
	if err != nil {
		return nil, err
	}
	return b.proto(event, p, 1), nil
}

// rawTPProto returns the prototype of a raw tracepoint. The typedef
// btf_trace_<event> defines it, but its parameters have no names; the
// functions __probestub_<event> (6.4+) and __traceiter_<event> have the
// same prototype with names, so they are preferred.
func (b *kbtf) rawTPProto(event string) (*btf.FuncProto, error) {
	for _, prefix := range []string{"__probestub_", "__traceiter_"} {
		if fs := named[*btf.Func](b, prefix+event); len(fs) > 0 {
			if p, ok := fs[0].Type.(*btf.FuncProto); ok && len(p.Params) > 0 {
				return p, nil
			}
		}
	}
	ts := named[*btf.Typedef](b, rawTPPrefix+event)
	if len(ts) == 0 {
		return nil, notFound("raw tracepoint", event)
	}
	if ptr, ok := ts[0].Type.(*btf.Pointer); ok {
		if p, ok := ptr.Target.(*btf.FuncProto); ok && len(p.Params) > 0 {
			return p, nil
		}
	}
	return nil, fmt.Errorf("raw tracepoint %s: %s%s is not a function pointer", event, rawTPPrefix, event)
}

func notFound(what, name string) error {
	return fmt.Errorf("%s %s: %w", what, name, ErrNotFound)
}

// ---------------------------------------------------------------------------
// Conversion to bt types

// convert returns the bt type of t. Qualifiers and typedefs are looked
// through; function prototypes (reachable only through pointers) become
// void.
func (b *kbtf) convert(t btf.Type) types.Type {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.convertLocked(t)
}

func (b *kbtf) convertLocked(t btf.Type) types.Type {
	if t == nil {
		return types.Void
	}
	if r, ok := b.memo[t]; ok {
		return r
	}
	r := b.convertNew(t)
	b.memo[t] = r
	return r
}

func (b *kbtf) convertNew(t btf.Type) types.Type {
	switch t := t.(type) {
	case *btf.Void, *btf.FuncProto:
		return types.Void
	case *btf.Int:
		return convertInt(t)
	case *btf.Float:
		// bt has no floating point; keep the size so layouts stay right.
		return &types.Array{Elem: types.Uint8, Len: int64(t.Size)}
	case *btf.Pointer:
		return &types.Pointer{Elem: b.convertLocked(t.Target), AddrSpace: pointerSpace(t)}
	case *btf.Array:
		return &types.Array{Elem: b.convertLocked(t.Type), Len: int64(t.Nelems)}
	case *btf.Struct:
		return b.lazyStruct(false, t.Name, t.Size, t.Members)
	case *btf.Union:
		return b.lazyStruct(true, t.Name, t.Size, t.Members)
	case *btf.Enum:
		return convertEnum(t)
	case *btf.Fwd:
		return b.convertFwd(t)
	case *btf.Typedef:
		return b.convertLocked(t.Type)
	case *btf.Const:
		return b.convertLocked(t.Type)
	case *btf.Volatile:
		return b.convertLocked(t.Type)
	case *btf.Restrict:
		return b.convertLocked(t.Type)
	case *btf.TypeTag:
		return b.convertLocked(t.Type)
	}
	return types.Invalid // Func, Var, Datasec, DeclTag: not value types
}

func convertInt(t *btf.Int) types.Type {
	switch {
	case t.Encoding&btf.Bool != 0:
		return types.Bool
	case t.Name == "char":
		// Plain char is signed on the architectures bt supports; pahole
		// does not mark it either way.
		return types.Int8
	case t.Size == 1 || t.Size == 2 || t.Size == 4 || t.Size == 8:
		return types.IntOf(int(t.Size)*8, t.Encoding&btf.Signed != 0)
	}
	return &types.Array{Elem: types.Uint8, Len: int64(t.Size)} // __int128
}

func convertEnum(t *btf.Enum) *types.Enum {
	vals := make([]types.EnumValue, len(t.Values))
	for i, v := range t.Values {
		vals[i] = types.EnumValue{Name: v.Name, Value: int64(v.Value)}
	}
	return types.NewEnum(t.Name, int64(t.Size), t.Signed, vals)
}

// pointerSpace is AddrUser for pointers annotated __user (BTF type tag
// "user", emitted by clang-built kernels) and AddrKernel otherwise.
func pointerSpace(p *btf.Pointer) types.AddrSpace {
	for t := p.Target; ; {
		switch q := t.(type) {
		case *btf.TypeTag:
			if q.Value == "user" {
				return types.AddrUser
			}
			t = q.Type
		case *btf.Const:
			t = q.Type
		case *btf.Volatile:
			t = q.Type
		case *btf.Restrict:
			t = q.Type
		default:
			return types.AddrKernel
		}
	}
}

func (b *kbtf) lazyStruct(union bool, name string, size uint32, ms []btf.Member) *types.Struct {
	return types.NewLazyStruct(union, name, int64(size), func() []types.Field {
		b.mu.Lock()
		defer b.mu.Unlock()
		fields := make([]types.Field, len(ms))
		for i, m := range ms {
			f := types.Field{Name: m.Name, Offset: int64(m.Offset / 8), Type: b.convertLocked(m.Type)}
			if m.BitfieldSize > 0 {
				f.BitOffset, f.BitSize = int(m.Offset%8), int(m.BitfieldSize)
			}
			fields[i] = f
		}
		return fields
	})
}

// convertFwd resolves a forward declaration to the full definition of the
// same name when BTF has one, so that it converts to the same pointer as
// a lookup by name does.
func (b *kbtf) convertFwd(t *btf.Fwd) types.Type {
	if t.Kind == btf.FwdUnion || t.Kind == btf.FwdStruct {
		union := t.Kind == btf.FwdUnion
		if def := b.findStruct(t.Name, union); def != nil {
			return b.convertLocked(def)
		}
		return types.NewStruct(union, t.Name, 0, nil)
	}
	if es := named[*btf.Enum](b, t.Name); len(es) > 0 {
		return b.convertLocked(es[0])
	}
	return types.NewEnum(t.Name, 4, false, nil)
}

// cTypeName spells t as a C declaration of name, as a tracefs format file
// would ("const char * filename", "char comm[16]").
func cTypeName(t btf.Type, name string) string {
	var suffix string
	for {
		a, ok := t.(*btf.Array)
		if !ok {
			break
		}
		suffix += fmt.Sprintf("[%d]", a.Nelems)
		t = a.Type
	}
	return cBase(t) + " " + name + suffix
}

func cBase(t btf.Type) string {
	switch t := t.(type) {
	case nil, *btf.Void:
		return "void"
	case *btf.Pointer:
		return cBase(t.Target) + " *"
	case *btf.Const:
		return qualify("const", t.Type)
	case *btf.Volatile:
		return qualify("volatile", t.Type)
	case *btf.Restrict:
		return cBase(t.Type)
	case *btf.TypeTag:
		return cBase(t.Type)
	case *btf.Struct:
		return "struct " + t.Name
	case *btf.Union:
		return "union " + t.Name
	case *btf.Enum:
		return "enum " + t.Name
	case *btf.Fwd:
		return t.Kind.String() + " " + t.Name
	case *btf.FuncProto:
		return "void"
	case *btf.Array:
		return cBase(t.Type) + " *"
	}
	return t.TypeName()
}

// qualify spells a qualified type: "const char", but "char *const".
func qualify(qual string, t btf.Type) string {
	if _, ok := t.(*btf.Pointer); ok {
		return cBase(t) + qual
	}
	return qual + " " + cBase(t)
}
