package kernel

import (
	"fmt"
	"strings"

	"github.com/bt-tools/bt/lang/types"
)

// qualifiers are words in a C type that do not change its layout.
var qualifiers = map[string]bool{
	"const": true, "volatile": true, "restrict": true, "__restrict": true,
	"__user": true, "__kernel": true, "__iomem": true, "__percpu": true, "__rcu": true,
	"__force": true, "__seg_gs": true, "__seg_fs": true,
}

// resolveC resolves a C type name as tracefs format files and casts spell
// them: "unsigned long", "const char *", "struct sock *", "pid_t",
// "enum xfs_group_type", "const char *const *". Pointers point into space.
// b may be nil (no BTF): then only the C base types and struct names
// resolve, the latter to empty structs.
func (b *kbtf) resolveC(decl string, space types.AddrSpace) (types.Type, error) {
	base, stars := splitPointers(decl)
	t, err := b.resolveBase(base)
	if err != nil {
		return nil, err
	}
	for range stars {
		t = &types.Pointer{Elem: t, AddrSpace: space}
	}
	return t, nil
}

// splitPointers splits "const char *const *" into the base type's words
// (qualifiers dropped) and the number of pointer levels.
func splitPointers(decl string) (base []string, stars int) {
	decl = strings.ReplaceAll(decl, "*", " * ")
	for _, w := range strings.Fields(decl) {
		switch {
		case w == "*":
			stars++
		case qualifiers[w]:
		case stars == 0:
			base = append(base, w)
		}
	}
	return base, stars
}

func (b *kbtf) resolveBase(words []string) (types.Type, error) {
	if len(words) == 0 {
		return nil, fmt.Errorf("empty type name: %w", ErrNotFound)
	}
	if t, ok := cInt(words); ok {
		return t, nil
	}
	name := strings.Join(words, " ")
	switch {
	case name == "void":
		return types.Void, nil
	case len(words) == 2 && (words[0] == "struct" || words[0] == "union"):
		union := words[0] == "union"
		if b == nil {
			return types.NewStruct(union, words[1], 0, nil), nil
		}
		return b.structNamed(words[1], union)
	case len(words) == 2 && words[0] == "enum":
		if b == nil {
			return nil, notFound("enum", words[1])
		}
		return b.enumNamed(words[1])
	case len(words) == 1 && b != nil:
		return b.typedefNamed(name)
	}
	return nil, notFound("type", name)
}

// cInt resolves the C integer types spelled with keywords, with the sizes
// of LP64 (x86-64, arm64 and the other 64-bit Linux targets).
func cInt(words []string) (types.Type, bool) {
	var signed, unsigned, char, short, integer bool
	longs := 0
	for _, w := range words {
		switch w {
		case "signed":
			signed = true
		case "unsigned":
			unsigned = true
		case "char":
			char = true
		case "short":
			short = true
		case "int":
			integer = true
		case "long":
			longs++
		case "_Bool", "bool":
			if len(words) == 1 {
				return types.Bool, true
			}
			return nil, false
		default:
			return nil, false
		}
	}
	bits := 32
	switch {
	case signed && unsigned, char && (short || longs > 0 || integer), short && longs > 0:
		return nil, false
	case char:
		bits = 8
	case short:
		bits = 16
	case longs > 0:
		bits = 64
	}
	return types.IntOf(bits, !unsigned), true
}
