package cdef

import (
	"slices"
	"strings"

	"github.com/bt-tools/bt/lang/types"
)

// isBaseWord reports whether s is a keyword that spells a C base type.
func isBaseWord(s string) bool {
	switch s {
	case "void", "char", "short", "int", "long", "float", "double",
		"signed", "unsigned", "_Bool", "__int128",
		"__signed", "__signed__", "__unsigned", "__unsigned__":
		return true
	}
	return false
}

// isQualifier reports whether s is a qualifier or a kernel annotation
// that does not change a type's layout.
func isQualifier(s string) bool {
	switch s {
	case "const", "volatile", "restrict", "_Atomic",
		"__const", "__const__", "__volatile", "__volatile__", "__restrict", "__restrict__",
		"__user", "__kernel", "__iomem", "__percpu", "__rcu", "__force", "__bitwise",
		"__seg_gs", "__seg_fs", "__private", "__nocast", "__safe", "__must_check",
		"__randomize_layout", "__no_randomize_layout", "__extension__":
		return true
	}
	return false
}

// isStorageClass reports whether s is a storage class or function
// specifier, which a member declaration may not have.
func isStorageClass(s string) bool {
	switch s {
	case "typedef", "static", "extern", "register", "auto", "inline",
		"__inline", "__inline__", "_Thread_local", "__thread", "_Noreturn":
		return true
	}
	return false
}

// isKeyword reports whether s is reserved in C text and so cannot be an
// enumerator in an expression.
func isKeyword(s string) bool {
	return isBaseWord(s) || isQualifier(s) || isStorageClass(s) || isAttrStart(s) ||
		s == "struct" || s == "union" || s == "enum" || s == "sizeof" || isAlignof(s)
}

// canonWord folds the GNU spellings of signed and unsigned.
func canonWord(s string) string {
	switch s {
	case "__signed", "__signed__":
		return "signed"
	case "__unsigned", "__unsigned__":
		return "unsigned"
	}
	return s
}

// wordsType returns the type spelled by base-type keywords, or false if
// they do not combine. Sizes are LP64's.
func (cs *cstate) wordsType(words []string) (types.Type, bool) {
	n := map[string]int{}
	for _, w := range words {
		n[canonWord(w)]++
	}
	signed, unsigned, longs := n["signed"], n["unsigned"], n["long"]
	delete(n, "signed")
	delete(n, "unsigned")
	delete(n, "long")
	if signed+unsigned > 1 || longs > 2 {
		return nil, false
	}
	sign := signed+unsigned > 0
	core := strings.Join(sortedKeys(n), " ")
	switch {
	case core == "" || core == "int":
		if longs > 0 {
			return types.IntOf(64, unsigned == 0), true
		}
		return types.IntOf(32, unsigned == 0), true
	case longs > 0 && core != "double":
		return nil, false
	case core == "char":
		return types.IntOf(8, unsigned == 0), true
	case core == "short" || core == "int short":
		return types.IntOf(16, unsigned == 0), true
	case core == "__int128":
		return cs.opaque(16), true
	case sign:
		return nil, false
	case core == "void":
		return types.Void, true
	case core == "_Bool":
		return types.Bool, true
	case core == "float":
		return cs.opaque(4), true
	case core == "double" && longs == 0:
		return cs.opaque(8), true
	case core == "double" && longs == 1:
		return cs.opaque(16), true
	}
	return nil, false
}

// sortedKeys returns the keys of n sorted, each repeated as often as it
// is counted, so that a repeated keyword spells an invalid combination.
func sortedKeys(n map[string]int) []string {
	var keys []string
	for k, c := range n {
		for range c {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// opaque returns a type for a floating-point or 128-bit value: bt has
// neither, so, as for BTF, the bytes are kept with the size and alignment.
func (cs *cstate) opaque(size int64) types.Type {
	t := &types.Array{Elem: types.Uint8, Len: size}
	cs.aligns[t] = size
	return t
}

// resolveTypedef resolves a typedef name through Options.Resolve, then
// bt's table of common kernel and libc typedefs.
func (p *processor) resolveTypedef(name string) (types.Type, bool) {
	if f := p.opts.Resolve; f != nil {
		if t, ok := f(name); ok && t != nil {
			return t, true
		}
	}
	t := builtinTypedef(name)
	return t, t != nil
}

// builtinTypedef returns the LP64 type of a common typedef, or nil.
func builtinTypedef(name string) types.Type {
	switch name {
	case "bool":
		return types.Bool
	case "__u8", "u8", "uint8_t", "__uint8_t", "u_int8_t", "u_char":
		return types.Uint8
	case "__s8", "s8", "int8_t", "__int8_t":
		return types.Int8
	case "__u16", "u16", "uint16_t", "__uint16_t", "u_int16_t", "u_short",
		"__le16", "__be16", "__sum16", "umode_t":
		return types.Uint16
	case "__s16", "s16", "int16_t", "__int16_t":
		return types.Int16
	}
	return builtinTypedef32(name)
}

func builtinTypedef32(name string) types.Type {
	switch name {
	case "__u32", "u32", "uint32_t", "__uint32_t", "u_int32_t", "u_int",
		"__le32", "__be32", "__wsum", "__poll_t",
		"uid_t", "gid_t", "__kernel_uid32_t", "__kernel_gid32_t", "__kernel_uid_t", "__kernel_gid_t",
		"dev_t", "__kernel_dev_t", "mode_t", "__kernel_mode_t", "gfp_t", "fmode_t", "nlink_t", "slab_flags_t":
		return types.Uint32
	case "__s32", "s32", "int32_t", "__int32_t",
		"pid_t", "__kernel_pid_t", "clockid_t", "__kernel_clockid_t", "key_t", "__kernel_key_t",
		"mqd_t", "__kernel_mqd_t", "timer_t", "__kernel_timer_t", "__kernel_daddr_t":
		return types.Int32
	}
	return builtinTypedef64(name)
}

func builtinTypedef64(name string) types.Type {
	switch name {
	case "__u64", "u64", "uint64_t", "__uint64_t", "u_int64_t", "u_long", "__aligned_u64",
		"__le64", "__be64", "size_t", "__kernel_size_t", "uintptr_t", "__kernel_ulong_t",
		"ino_t", "__kernel_ino_t", "sector_t", "blkcnt_t", "pgoff_t",
		"phys_addr_t", "dma_addr_t", "resource_size_t", "irq_hw_number_t":
		return types.Uint64
	case "__s64", "s64", "int64_t", "__int64_t",
		"ssize_t", "__kernel_ssize_t", "intptr_t", "ptrdiff_t", "__kernel_ptrdiff_t",
		"loff_t", "__kernel_loff_t", "off_t", "__kernel_off_t", "__kernel_long_t",
		"time_t", "__kernel_time_t", "time64_t", "ktime_t", "clock_t", "__kernel_clock_t",
		"suseconds_t", "__kernel_suseconds_t":
		return types.Int64
	}
	return nil
}

// isTypeStart reports whether the current token can start a type name,
// which tells a cast from a parenthesized expression.
func (c *cparser) isTypeStart() bool {
	t := c.tok
	if t.kind != tIdent {
		return false
	}
	switch {
	case isBaseWord(t.text), isQualifier(t.text), t.text == "struct", t.text == "union", t.text == "enum":
		return true
	case isKeyword(t.text):
		return false
	}
	if _, ok := c.p.res.EnumConsts[t.text]; ok {
		return false
	}
	_, ok := c.p.resolveTypedef(t.text)
	return ok
}
