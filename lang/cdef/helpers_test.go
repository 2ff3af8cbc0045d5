package cdef

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/parser"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
)

// run parses src as a script and processes its prologue.
func run(t testing.TB, src string, opts Options) (*Result, diag.List, *token.File) {
	t.Helper()
	file := token.NewFile("test.bt", []byte(src))
	f, perrs := parser.ParseFile(file)
	if perrs.HasErrors() {
		t.Fatalf("test script does not parse: %v", perrs)
	}
	res, errs := Process(file, f.Decls, opts)
	return res, errs, file
}

// spell formats diagnostics as "line:col CODE message", one per entry.
func spell(file *token.File, errs diag.List) []string {
	var out []string
	for _, d := range errs {
		pos := file.Position(d.Pos)
		out = append(out, fmt.Sprintf("%d:%d %s %s", pos.Line, pos.Column, d.Code, d.Message))
	}
	return out
}

// checkDiags compares diagnostics with want exactly.
func checkDiags(t *testing.T, file *token.File, errs diag.List, want []string) {
	t.Helper()
	got := spell(file, errs)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics:\n got: %q\nwant: %q", got, want)
	}
}

// fakeKernel is a resolver that knows a few kernel types, returns an
// incomplete struct for any other struct name, and resolves the common
// typedefs to sized integers.
func fakeKernel(haveBTF bool) Options {
	known := map[string]*types.Struct{
		"load_weight": types.NewStruct(false, "load_weight", 16, []types.Field{
			{Name: "weight", Offset: 0, Type: types.Uint64},
			{Name: "inv_weight", Offset: 8, Type: types.Uint32},
		}),
		"qstr": types.NewStruct(false, "qstr", 16, []types.Field{
			{Name: "hash_len", Offset: 0, Type: types.Uint64},
			{Name: "name", Offset: 8, Type: &types.Pointer{Elem: types.Uint8}},
		}),
		"path": types.NewStruct(false, "path", 16, []types.Field{
			{Name: "mnt", Offset: 0, Type: &types.Pointer{Elem: types.NewStruct(false, "vfsmount", 0, nil)}},
			{Name: "dentry", Offset: 8, Type: &types.Pointer{Elem: types.NewStruct(false, "dentry", 0, nil)}},
		}),
	}
	typedefs := map[string]types.Type{
		"u8": types.Uint8, "u16": types.Uint16, "u32": types.Uint32, "u64": types.Uint64,
		"s32": types.Int32, "s64": types.Int64, "pid_t": types.Int32, "size_t": types.Uint64,
		"atomic_t": types.NewStruct(false, "", 4, []types.Field{{Name: "counter", Type: types.Int32}}),
	}
	return Options{
		HaveBTF: haveBTF,
		Arch:    "amd64",
		Resolve: func(name string) (types.Type, bool) {
			t, ok := typedefs[name]
			return t, ok
		},
		ResolveStruct: func(name string, union bool) (*types.Struct, bool) {
			if s, ok := known[name]; ok && !union {
				return s, true
			}
			return types.NewStruct(union, name, 0, nil), true
		},
	}
}

// fieldsString spells the fields of s as "name@offset" or, for
// bit-fields, "name@offset.bit:width", separated by spaces.
func fieldsString(s *types.Struct) string {
	var parts []string
	for _, f := range s.Fields() {
		name := f.Name
		if name == "" {
			name = "_"
		}
		if f.BitSize > 0 {
			parts = append(parts, fmt.Sprintf("%s@%d.%d:%d", name, f.Offset, f.BitOffset, f.BitSize))
		} else {
			parts = append(parts, fmt.Sprintf("%s@%d", name, f.Offset))
		}
	}
	return strings.Join(parts, " ")
}
