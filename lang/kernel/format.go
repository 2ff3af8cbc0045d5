package kernel

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/bt-tools/bt/lang/types"
)

// parseFormat parses a tracefs events/<category>/<event>/format file:
//
//	name: sched_switch
//	ID: 372
//	format:
//		field:unsigned short common_type;	offset:0;	size:2;	signed:0;
//		...
//
//		field:char prev_comm[16];	offset:8;	size:16;	signed:0;
//		field:pid_t prev_pid;	offset:24;	size:4;	signed:1;
//
//	print fmt: ...
//
// Field types are resolved with b (which may be nil); a type b does not
// know becomes an integer of the field's size and signedness.
func (b *kbtf) parseFormat(category, event string, data []byte) (*Format, error) {
	f := &Format{Category: category, Event: event}
	for line := range strings.Lines(string(data)) {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "field:") {
			continue
		}
		fld, d, err := parseFieldLine(line)
		if err != nil {
			return nil, fmt.Errorf("format %s:%s: %w", category, event, err)
		}
		f.Size = max(f.Size, fld.Offset+fld.Size)
		if strings.HasPrefix(fld.Name, "common_") {
			continue
		}
		b.typeField(&fld, d, category)
		f.Fields = append(f.Fields, fld)
	}
	return f, nil
}

// parseFieldLine parses the text of one field line; Type is left nil.
func parseFieldLine(line string) (FormatField, decl, error) {
	var fld FormatField
	for _, part := range strings.Split(line, ";") {
		key, val, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok {
			continue
		}
		var err error
		switch key {
		case "field":
			fld.CType = val
		case "offset":
			fld.Offset, err = strconv.ParseInt(val, 10, 64)
		case "size":
			fld.Size, err = strconv.ParseInt(val, 10, 64)
		case "signed":
			fld.Signed = val == "1"
		}
		if err != nil {
			return fld, decl{}, fmt.Errorf("field %q: %s: %w", line, key, err)
		}
	}
	d, err := parseDecl(fld.CType)
	fld.Name, fld.DataLoc = d.name, d.dataLoc
	return fld, d, err
}

// decl is a field declaration taken apart: "__data_loc char[] filename",
// "char comm[16]", "const char * filename".
type decl struct {
	typ     string // "char", "const char *"
	name    string
	dataLoc bool
	array   bool  // declared with [N] or []
	n       int64 // N, or 0 for []
}

func parseDecl(s string) (decl, error) {
	var d decl
	rest := strings.TrimSpace(s)
	for _, p := range []string{"__data_loc ", "__rel_loc "} {
		if r, ok := strings.CutPrefix(rest, p); ok {
			rest, d.dataLoc = r, true
		}
	}
	// Brackets follow the name ("char comm[16]") or, for __data_loc, the
	// type ("char[] name"); either way they make an array.
	for {
		i := strings.IndexByte(rest, '[')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], ']')
		if j < 0 {
			return d, fmt.Errorf("field %q: unbalanced [", s)
		}
		if dim := strings.TrimSpace(rest[i+1 : i+j]); dim != "" {
			n, err := strconv.ParseInt(dim, 0, 64)
			if err != nil {
				return d, fmt.Errorf("field %q: array length: %w", s, err)
			}
			d.n = n
		}
		d.array = true
		rest = rest[:i] + " " + rest[i+j+1:]
	}
	rest = strings.TrimSpace(rest)
	i := strings.LastIndexAny(rest, " *")
	if i < 0 {
		return d, fmt.Errorf("field %q: no type", s)
	}
	d.typ, d.name = strings.TrimSpace(rest[:i+1]), rest[i+1:]
	if d.name == "" || d.typ == "" {
		return d, fmt.Errorf("field %q: no name", s)
	}
	return d, nil
}

// typeField sets fld.Type from its declaration. Pointers of syscall
// tracepoints point to user memory: their arguments are the syscall's.
func (b *kbtf) typeField(fld *FormatField, d decl, category string) {
	space := types.AddrKernel
	if category == "syscalls" {
		space = types.AddrUser
	}
	elem, err := b.resolveC(d.typ, space)
	switch {
	case d.dataLoc:
		if err != nil {
			elem = types.Uint8
		}
		if isChar(d.typ) {
			fld.Type = &types.String{}
		} else {
			fld.Type = elem
		}
	case d.array && d.n > 0:
		if err != nil || elem.Size()*d.n != fld.Size {
			elem = sizedInt(fld.Size/d.n, fld.Signed)
		}
		fld.Type = &types.Array{Elem: elem, Len: d.n}
	case d.array: // flexible array at the end of the record
		if err != nil {
			elem = types.Uint8
		}
		fld.Type = &types.Array{Elem: elem}
	case err != nil || elem.Size() == 0 || elem.Size() > fld.Size:
		fld.Type = sizedInt(fld.Size, fld.Signed)
	default:
		fld.Type = elem
	}
}

func isChar(typ string) bool {
	base, stars := splitPointers(typ)
	return stars == 0 && len(base) == 1 && base[0] == "char"
}

// sizedInt is the integer type of a field known only by size and sign;
// odd sizes become byte arrays.
func sizedInt(size int64, signed bool) types.Type {
	switch size {
	case 1, 2, 4, 8:
		return types.IntOf(int(size)*8, signed)
	}
	return &types.Array{Elem: types.Uint8, Len: size}
}
