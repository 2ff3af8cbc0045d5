// Strings: str(), buf(), the string tables, searches and comparisons.

package compile

import (
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"

	"github.com/bt-tools/bt/engine/plan"
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/types"
)

// tableStrlen is the size of the strings of strerror(), signal_name()
// and syscall_name().
const tableStrlen = 64

// stringTable looks a number up in a table of strings (an array map
// filled at load time): strerror() and friends. Numbers out of the table
// or without a string give unknown; abs takes the absolute value first
// (errno values come negated from the kernel).
func (g *gen) stringTable(x *ast.CallExpr, name string, tab map[int]string, unknown string, abs bool) *val {
	pm := g.c.table(name, tab)
	n := g.owned(g.expr(x.Args[0]))
	// The argument is an int32.
	g.aluImm(asm.LSh, n, 32)
	g.aluImm(asm.ArSh, n, 32)
	if abs {
		pos := g.newLabel("abs")
		g.jmpImm(asm.JSGE, n, 0, pos)
		g.aluImm(asm.Neg, n, 0)
		g.mark(pos)
	}
	out := g.alloc(tableStrlen)
	miss, done := g.newLabel("tab_miss"), g.newLabel("tab_done")
	g.jmpImm(asm.JSLT, n, 0, miss)
	key := g.alloc(8)
	base, off := g.addrOf(key)
	g.stx(base, off, n, asm.Word)
	g.ldMap(r1, pm)
	g.ptrTo(r2, key)
	g.call(asm.FnMapLookupElem)
	g.jmpImm(asm.JEq, r0, 0, miss)
	p := g.newReg()
	g.mov(p, r0)
	c := g.newReg()
	g.ldx(c, p, 0, asm.Byte)
	g.jmpImm(asm.JEq, c, 0, miss)
	ob, ooff := g.addrOf(out)
	for i := 0; i < tableStrlen; i += 8 {
		g.ldx(c, p, int16(i), asm.DWord)
		g.stx(ob, ooff+int16(i), c, asm.DWord)
	}
	g.ja(done)
	g.mark(miss)
	g.storeBytes(out, []byte(unknown))
	g.mark(done)
	return memVal(&types.String{Len: tableStrlen}, out)
}

// table returns the map holding a table of strings, adding it once.
func (c *compiler) table(name string, tab map[int]string) string {
	mapName := "tab_" + name
	for _, m := range c.plan.Maps {
		if m.Name == mapName {
			return mapName
		}
	}
	n := 0
	for k := range tab {
		n = max(n, k+1)
	}
	spec := &ebpf.MapSpec{Name: mapName, Type: ebpf.Array, KeySize: 4, ValueSize: tableStrlen, MaxEntries: uint32(n)}
	for k, v := range tab {
		b := make([]byte, tableStrlen)
		copy(b[:tableStrlen-1], v)
		spec.Contents = append(spec.Contents, ebpf.MapKV{Key: uint32(k), Value: b})
	}
	c.plan.Maps = append(c.plan.Maps, &plan.Map{Name: mapName, Spec: spec})
	return mapName
}

// stringMem returns a string argument in memory and its size.
func (g *gen) stringMem(x ast.Expr) (mem, int, bool) {
	v := g.expr(x)
	if v.kind != inMem {
		if isScalar(v.t) {
			// A char pointer: read the string.
			v = g.readString(v, 0, int(g.c.opts.MaxStrlen), g.spaceOf(v.t))
		} else {
			return mem{}, 0, false
		}
	}
	n := v.mem.size
	if st, ok := v.t.(*types.String); ok && st.Len > 0 {
		n = min(n, int(st.Len))
	}
	return v.mem, n, true
}

// byteAt loads the byte at m+i, i a register in [0, m.size).
func (g *gen) byteAt(d reg, m mem, i reg, off int16) {
	base, boff := g.addrOf(m)
	p := g.newReg()
	g.mov(p, base)
	g.alu(asm.Add, p, i)
	g.ldx(d, p, boff+off, asm.Byte)
}

// strlen counts the bytes of a string before its NUL, in a bounded loop.
func (g *gen) strlen(x *ast.CallExpr) *val {
	m, n, ok := g.stringMem(x.Args[0])
	if !ok {
		g.failf(x, "strlen() expects a string")
		return imm(types.Uint64, 0)
	}
	i, c := g.newReg(), g.newReg()
	top, done := g.newLabel("strlen"), g.newLabel("strlen_done")
	g.movImm(i, 0)
	g.mark(top)
	g.jmpImm(asm.JGE, i, int32(n), done)
	g.byteAt(c, m, i, 0)
	g.jmpImm(asm.JEq, c, 0, done)
	g.aluImm(asm.Add, i, 1)
	g.ja(top)
	g.mark(done)
	return regVal(g.typeOf(x), i)
}

// strcontains searches a string for a literal, in a bounded loop over
// the start positions.
func (g *gen) strcontains(x *ast.CallExpr) *val {
	k, ok := g.info.Consts[x.Args[1]]
	if !ok || !k.IsStr {
		g.failf(x.Args[1], "bt run supports strcontains() with a literal needle only")
		return imm(types.Bool, 0)
	}
	needle := []byte(k.Str)
	if i := strings.IndexByte(k.Str, 0); i >= 0 {
		needle = needle[:i]
	}
	res := g.newReg()
	if len(needle) == 0 {
		g.movImm(res, 1)
		return regVal(types.Bool, res)
	}
	m, n, ok := g.stringMem(x.Args[0])
	if !ok {
		g.failf(x, "strcontains() expects a string")
		return imm(types.Bool, 0)
	}
	g.movImm(res, 0)
	if len(needle) > n {
		return regVal(types.Bool, res)
	}
	i, c := g.newReg(), g.newReg()
	top, next, found, done := g.newLabel("strstr"), g.newLabel("strstr_next"), g.newLabel("strstr_found"), g.newLabel("strstr_done")
	g.movImm(i, 0)
	g.mark(top)
	g.jmpImm(asm.JGT, i, int32(n-len(needle)), done)
	for j, b := range needle {
		g.byteAt(c, m, i, int16(j))
		if j == 0 {
			g.jmpImm(asm.JEq, c, 0, done) // the end of the haystack
		}
		g.jmpImm(asm.JNE, c, int32(b), next)
	}
	g.ja(found)
	g.mark(next)
	g.aluImm(asm.Add, i, 1)
	g.ja(top)
	g.mark(found)
	g.movImm(res, 1)
	g.mark(done)
	return regVal(types.Bool, res)
}

// str reads a string from a pointer, or passes a string through.
func (g *gen) str(x *ast.CallExpr) *val {
	t := g.typeOf(x)
	n := int(g.c.opts.MaxStrlen)
	if st, ok := t.(*types.String); ok && st.Len > 0 {
		n = int(st.Len)
	}
	if k, ok := g.info.Consts[x.Args[0]]; ok && k.IsStr {
		s := k.Str
		if len(s) >= n {
			s = s[:n-1]
		}
		return g.stringConst(s, &types.String{Len: int64(n)})
	}
	v := g.expr(x.Args[0])
	if v.kind == inMem && isStringType(v.t) {
		if st := v.t.(*types.String); st.Len <= int64(n) {
			return v
		}
		// Truncate: n-1 bytes and a NUL.
		m := g.alloc(n)
		g.copyMem(m, v.mem, n-1)
		g.zeroTail(m, n-1)
		return memVal(&types.String{Len: int64(n)}, m)
	}
	if len(x.Args) > 1 {
		if _, ok := g.constInt(x.Args[1]); !ok {
			// A length known at run time: read at most length+1 bytes.
			l := g.owned(g.expr(x.Args[1]))
			g.aluImm(asm.Add, l, 1)
			clamp := g.newLabel("strlen")
			g.jmpImm(asm.JLE, l, int32(n), clamp)
			g.movImm(l, int64(n))
			g.mark(clamp)
			m := g.alloc(n)
			g.zero(m)
			g.ptrTo(r1, m)
			g.mov(r2, l)
			g.into(r3, v)
			g.call(readFn(g.spaceOf(v.t), true))
			return memVal(&types.String{Len: int64(n)}, m)
		}
	}
	return g.readString(v, 0, n, g.spaceOf(v.t))
}

// buf reads raw bytes: a u32 length and the data.
func (g *gen) buf(x *ast.CallExpr) *val {
	bt, ok := g.typeOf(x).(*types.Buffer)
	if !ok {
		g.failf(x, "internal error: buf() of type %s", g.typeOf(x))
		return imm(types.Int64, 0)
	}
	n := int(bt.Len)
	m := g.alloc(4 + n)
	g.zero(m)
	v := g.expr(x.Args[0])
	data := m.at(4, n)
	if v.kind == inMem && !isScalar(v.t) {
		g.copyMem(data, v.mem, min(n, v.mem.size))
		base, off := g.addrOf(m)
		g.st(base, off, int32(min(n, v.mem.size)), asm.Word)
		return memVal(bt, m)
	}
	length := g.newReg()
	if len(x.Args) > 1 {
		if k, ok := g.constInt(x.Args[1]); ok {
			g.movImm(length, min(k, int64(n)))
		} else {
			g.into(length, g.expr(x.Args[1]))
			ok := g.newLabel("buflen")
			g.jmpImm(asm.JLE, length, int32(n), ok)
			g.movImm(length, int64(n))
			g.mark(ok)
		}
	} else {
		g.movImm(length, int64(n))
	}
	base, off := g.addrOf(m)
	g.stx(base, off, length, asm.Word)
	g.ptrTo(r1, data)
	g.mov(r2, length)
	g.into(r3, v)
	g.call(readFn(g.spaceOf(v.t), false))
	return memVal(bt, m)
}

// strncmp compares at most n bytes of two strings, stopping at a NUL:
// 0 when they are equal, 1 otherwise.
func (g *gen) strncmp(x *ast.CallExpr) *val {
	a, b := g.expr(x.Args[0]), g.expr(x.Args[1])
	n, _ := g.constInt(x.Args[2])
	if a.kind != inMem || b.kind != inMem {
		g.failf(x, "strncmp() expects strings")
		return imm(types.Uint64, 0)
	}
	n = min(n, int64(a.mem.size), int64(b.mem.size))
	r := g.newReg()
	equal, differ := g.newLabel("strncmp_eq"), g.newLabel("strncmp_ne")
	ab, aoff := g.addrOf(a.mem)
	bb, boff := g.addrOf(b.mem)
	ca, cb := g.newReg(), g.newReg()
	for i := 0; i < int(n); i++ {
		g.ldx(ca, ab, aoff+int16(i), asm.Byte)
		g.ldx(cb, bb, boff+int16(i), asm.Byte)
		g.jmp(asm.JNE, ca, cb, differ)
		g.jmpImm(asm.JEq, ca, 0, equal)
	}
	done := g.newLabel("strncmp_done")
	g.mark(equal)
	g.movImm(r, 0)
	g.ja(done)
	g.mark(differ)
	g.movImm(r, 1)
	g.mark(done)
	return regVal(types.Uint64, r)
}
