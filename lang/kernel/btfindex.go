package kernel

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/cilium/ebpf/btf"
)

// btfIndex holds the names that cilium/ebpf's Spec cannot look up by prefix
// or by member: function names, enumerators, bpf_iter__* structs,
// btf_trace_* typedefs and trace_event_raw_* structs.
//
// It is built by one pass over the raw type section instead of Spec.All,
// which would inflate (and pin in memory) every one of vmlinux's ~125k
// types: the pass takes a few milliseconds, All about 170.
type btfIndex struct {
	funcs       []string              // FUNC names, sorted, unique
	enumerators map[string]btf.TypeID // enumerator name -> first ENUM/ENUM64 declaring it
	iters       []string              // X of struct bpf_iter__X, sorted
	rawTPs      []string              // X of typedef btf_trace_X, sorted
	classes     map[string]btf.TypeID // X of struct trace_event_raw_X -> its type ID
}

// BTF kinds, as numbered in include/uapi/linux/btf.h.
const (
	kindInt       = 1
	kindPtr       = 2
	kindArray     = 3
	kindStruct    = 4
	kindUnion     = 5
	kindEnum      = 6
	kindFwd       = 7
	kindTypedef   = 8
	kindVolatile  = 9
	kindConst     = 10
	kindRestrict  = 11
	kindFunc      = 12
	kindFuncProto = 13
	kindVar       = 14
	kindDatasec   = 15
	kindFloat     = 16
	kindDeclTag   = 17
	kindTypeTag   = 18
	kindEnum64    = 19
)

const (
	btfMagic      = 0xeb9f
	btfHeaderSize = 24 // magic, version, flags, hdr_len, type_off, type_len, str_off, str_len
	btfTypeSize   = 12 // name_off, info, size/type
)

// Prefixes of the names the index collects.
const (
	iterPrefix  = "bpf_iter__"
	rawTPPrefix = "btf_trace_"
	classPrefix = "trace_event_raw_"
)

// indexBTF builds the index of a raw (not ELF) BTF blob.
func indexBTF(raw []byte) (*btfIndex, error) {
	bo, err := btfByteOrder(raw)
	if err != nil {
		return nil, err
	}
	hdrLen := bo.Uint32(raw[4:])
	typeOff, typeLen := bo.Uint32(raw[8:]), bo.Uint32(raw[12:])
	strOff, strLen := bo.Uint32(raw[16:]), bo.Uint32(raw[20:])
	typesStart, strStart := uint64(hdrLen)+uint64(typeOff), uint64(hdrLen)+uint64(strOff)
	if typesStart+uint64(typeLen) > uint64(len(raw)) || strStart+uint64(strLen) > uint64(len(raw)) {
		return nil, errors.New("BTF header: sections out of bounds")
	}
	w := &btfWalker{
		bo:      bo,
		types:   raw[typesStart : typesStart+uint64(typeLen)],
		strings: raw[strStart : strStart+uint64(strLen)],
		idx: &btfIndex{
			enumerators: make(map[string]btf.TypeID),
			classes:     make(map[string]btf.TypeID),
		},
	}
	if err := w.walk(); err != nil {
		return nil, err
	}
	idx := w.idx
	for _, s := range []*[]string{&idx.funcs, &idx.iters, &idx.rawTPs} {
		slices.Sort(*s)
		*s = slices.Compact(*s)
	}
	return idx, nil
}

func btfByteOrder(raw []byte) (binary.ByteOrder, error) {
	if len(raw) < btfHeaderSize {
		return nil, errors.New("BTF header: too short")
	}
	for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		if bo.Uint16(raw) == btfMagic {
			return bo, nil
		}
	}
	return nil, fmt.Errorf("BTF header: bad magic %#x", raw[:2])
}

// btfWalker visits each type record of a type section in ID order.
type btfWalker struct {
	bo      binary.ByteOrder
	types   []byte
	strings []byte
	idx     *btfIndex
}

func (w *btfWalker) walk() error {
	id := btf.TypeID(1) // ID 0 is void
	for off := 0; off < len(w.types); id++ {
		if off+btfTypeSize > len(w.types) {
			return fmt.Errorf("BTF type %d: truncated", id)
		}
		nameOff, info := w.bo.Uint32(w.types[off:]), w.bo.Uint32(w.types[off+4:])
		kind, vlen := int(info>>24&0x1f), int(info&0xffff)
		extra, err := kindExtra(kind, vlen)
		if err != nil {
			return fmt.Errorf("BTF type %d: %w", id, err)
		}
		body := off + btfTypeSize
		if body+extra > len(w.types) {
			return fmt.Errorf("BTF type %d: truncated", id)
		}
		w.visit(id, kind, nameOff, w.types[body:body+extra], vlen)
		off = body + extra
	}
	return nil
}

// kindExtra returns the size of the data that follows a type record.
func kindExtra(kind, vlen int) (int, error) {
	switch kind {
	case kindPtr, kindFwd, kindTypedef, kindVolatile, kindConst, kindRestrict,
		kindFunc, kindFloat, kindTypeTag:
		return 0, nil
	case kindInt, kindVar, kindDeclTag:
		return 4, nil
	case kindArray:
		return 12, nil
	case kindStruct, kindUnion, kindDatasec, kindEnum64:
		return 12 * vlen, nil
	case kindEnum, kindFuncProto:
		return 8 * vlen, nil
	}
	return 0, fmt.Errorf("unknown kind %d", kind)
}

func (w *btfWalker) visit(id btf.TypeID, kind int, nameOff uint32, body []byte, vlen int) {
	idx := w.idx
	switch kind {
	case kindFunc:
		idx.funcs = append(idx.funcs, string(w.name(nameOff)))
	case kindStruct:
		name := w.name(nameOff)
		if n, ok := bytes.CutPrefix(name, []byte(iterPrefix)); ok {
			idx.iters = append(idx.iters, string(n))
		} else if n, ok := bytes.CutPrefix(name, []byte(classPrefix)); ok {
			if _, dup := idx.classes[string(n)]; !dup {
				idx.classes[string(n)] = id
			}
		}
	case kindTypedef:
		if n, ok := bytes.CutPrefix(w.name(nameOff), []byte(rawTPPrefix)); ok {
			idx.rawTPs = append(idx.rawTPs, string(n))
		}
	case kindEnum, kindEnum64:
		size := len(body) / max(vlen, 1)
		for i := range vlen {
			e := w.name(w.bo.Uint32(body[i*size:]))
			if _, dup := idx.enumerators[string(e)]; !dup && len(e) > 0 {
				idx.enumerators[string(e)] = id
			}
		}
	}
}

// name returns the NUL-terminated string at off, or nil if off is out of
// range.
func (w *btfWalker) name(off uint32) []byte {
	if uint64(off) >= uint64(len(w.strings)) {
		return nil
	}
	s := w.strings[off:]
	if i := bytes.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return s
}
