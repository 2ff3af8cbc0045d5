package compile

import (
	"github.com/cilium/ebpf/asm"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lang/types"
)

// x86-64 struct pt_regs offsets.
var ptRegs = map[string]int16{
	"r15": 0, "r14": 8, "r13": 16, "r12": 24, "bp": 32, "bx": 40, "r11": 48, "r10": 56,
	"r9": 64, "r8": 72, "ax": 80, "cx": 88, "dx": 96, "si": 104, "di": 112, "orig_ax": 120,
	"ip": 128, "cs": 136, "flags": 144, "sp": 152, "ss": 160,
}

// regAliases are the other names reg() accepts.
var regAliases = map[string]string{"pc": "ip", "rip": "ip", "rsp": "sp", "rbp": "bp", "rax": "ax",
	"rbx": "bx", "rcx": "cx", "rdx": "dx", "rsi": "si", "rdi": "di"}

// argRegs are the registers of the first six arguments.
var argRegs = [...]string{"di", "si", "dx", "cx", "r8", "r9"}

// ptRegsOffset returns the offset of a pt_regs member, -1 if unknown.
func ptRegsOffset(name string) int16 {
	if a, ok := regAliases[name]; ok {
		name = a
	}
	if off, ok := ptRegs[name]; ok {
		return off
	}
	return -1
}

// ctxPtRegs says whether the context is (or starts with) a pt_regs:
// kprobes and uprobes; perf events' bpf_perf_event_data starts with one.
func (g *gen) ctxPtRegs() bool {
	switch g.pt.AP.Provider.Name {
	case "kprobe", "kretprobe", "uprobe", "uretprobe", "usdt", "profile", "interval",
		"software", "hardware", "watchpoint":
		return true
	}
	return false
}

// argN reads argument n: a pt_regs register in kprobes and uprobes, a
// context slot in raw tracepoints.
func (g *gen) argN(x ast.Node, n int) *val {
	r := g.newReg()
	if !g.ctxPtRegs() {
		g.ldx(r, g.ctx, int16(8*n), asm.DWord)
		return regVal(types.Uint64, r)
	}
	if n >= len(argRegs) {
		g.failf(x, "arg%d is not passed in a register", n)
		return imm(types.Uint64, 0)
	}
	g.ldx(r, g.ctx, ptRegs[argRegs[n]], asm.DWord)
	return regVal(types.Uint64, r)
}

func (g *gen) retval(x ast.Expr) *val {
	r := g.newReg()
	t := g.typeOf(x)
	switch g.pt.AP.Provider.Name {
	case "fexit":
		n := 0
		if g.pt.Args != nil {
			n = len(g.pt.Args.Fields())
		}
		g.ldx(r, g.ctx, int16(8*n), asm.DWord)
		v := regVal(types.Uint64, r)
		if isScalar(t) {
			g.convert(v, t)
		}
		v.t = t
		return v
	default:
		g.ldx(r, g.ctx, ptRegs["ax"], asm.DWord)
	}
	return regVal(t, r)
}

// reg reads a pt_regs register by name.
func (g *gen) regRead(x *ast.CallExpr) *val {
	k, ok := g.info.Consts[x.Args[0]]
	name := ""
	if ok && k.IsStr {
		name = k.Str
	} else if s, ok := ast.Unparen(x.Args[0]).(*ast.StringLit); ok {
		name = s.Value
	}
	off := ptRegsOffset(name)
	if off < 0 || !g.ctxPtRegs() {
		g.failf(x, "bt run cannot read register %q here", name)
		return imm(types.Uint64, 0)
	}
	r := g.newReg()
	g.ldx(r, g.ctx, off, asm.DWord)
	return regVal(types.Uint64, r)
}

// ----------------------------------------------------------------------------
// Fields

// field reads x.f: a field of args, of a struct through a pointer or in
// memory, or an element of a tuple or record.
func (g *gen) field(x *ast.FieldExpr) *val {
	t := g.typeOf(x)
	fi := g.info.Fields[x]
	if fi == nil {
		if isConfig(x.X) {
			g.failf(x, "bt run does not support reading config yet")
			return imm(types.Int64, 0)
		}
		if k, ok := g.info.Consts[x]; ok && !k.IsStr {
			return imm(t, k.Int)
		}
		g.failf(x, "internal error: unresolved field %s", x.Sel.Name)
		return imm(types.Int64, 0)
	}
	if g.isArgs(x.X) {
		return g.argsField(x, fi, t)
	}
	if fi.Struct == nil { // tuple or record element
		base := g.expr(x.X)
		tt := tupleOf(g.c.storage(base.t))
		if tt == nil || base.kind != inMem || fi.Index < 0 || fi.Index >= len(tt.Elems) {
			g.failf(x, "bt run cannot access this element yet")
			return imm(types.Int64, 0)
		}
		return g.element(base.mem, tt, fi.Index, t)
	}
	if p, off, ok := g.fieldAddr(x); ok {
		return g.readField(p, off, fi.Field, t)
	}
	base := g.expr(x.X)
	if base.kind != inMem {
		g.failf(x, "bt run cannot access this field yet")
		return imm(types.Int64, 0)
	}
	// A struct value in memory.
	m := base.mem.at(int(fi.Field.Offset), int(fi.Field.Type.Size()))
	if isScalar(t) {
		r := g.newReg()
		g.loadScalar(r, fi.Field.Type, m)
		if fi.Field.BitSize > 0 {
			g.bitfield(r, fi.Field)
		}
		return regVal(t, r)
	}
	return memVal(t, m)
}

// element reads element i of a tuple stored in m.
func (g *gen) element(m mem, tt *types.Tuple, i int, t types.Type) *val {
	em := m.at(int(tt.Offset(i)), slotSize(tt.Elems[i]))
	if isScalar(tt.Elems[i]) {
		r := g.newReg()
		base, off := g.addrOf(em)
		g.ldx(r, base, off, asm.DWord)
		return regVal(t, r)
	}
	em.size = int(tt.Elems[i].Size())
	return memVal(t, em)
}

// isArgs says whether x is the args builtin.
func (g *gen) isArgs(x ast.Expr) bool {
	id, ok := ast.Unparen(x).(*ast.Ident)
	if !ok || id.Name != "args" {
		return false
	}
	o := g.info.Idents[id]
	return o != nil && o.Kind == sema.ObjBuiltin
}

// fieldAddr returns the address of field x as a pointer value and an
// offset, when the field is reached through a pointer: struct values on
// the way are not read, only the final field is.
func (g *gen) fieldAddr(x *ast.FieldExpr) (*val, int64, bool) {
	fi := g.info.Fields[x]
	if fi == nil || fi.Struct == nil {
		return nil, 0, false
	}
	if fi.Derefs > 0 {
		p := g.expr(x.X)
		pt := g.typeOf(x.X)
		for i := 1; i < fi.Derefs; i++ {
			ptr, ok := pt.(*types.Pointer)
			if !ok {
				return nil, 0, false
			}
			p = g.deref(p, ptr.Elem, 0)
			pt = ptr.Elem
		}
		return p, fi.Field.Offset, true
	}
	inner, ok := ast.Unparen(x.X).(*ast.FieldExpr)
	if !ok || g.isArgs(inner.X) {
		return nil, 0, false
	}
	p, off, ok := g.fieldAddr(inner)
	if !ok {
		return nil, 0, false
	}
	return p, off + fi.Field.Offset, true
}

// readField reads a struct field of type t at pointer p plus off.
func (g *gen) readField(p *val, off int64, f types.Field, t types.Type) *val {
	if f.BitSize > 0 {
		n := (f.BitOffset + f.BitSize + 7) / 8
		for n&(n-1) != 0 {
			n++
		}
		v := g.deref(p, types.IntOf(8*n, false), off)
		g.bitfield(g.owned(v), f)
		v.t = t
		return v
	}
	if s, ok := t.(*types.String); ok && !types.IsString(f.Type) {
		// A char array read as a string: its bytes.
		return g.readBytes(p, off, int(s.Len), t)
	}
	return g.deref(p, t, off)
}

// bitfield extracts a bitfield from the bytes loaded into r.
func (g *gen) bitfield(r reg, f types.Field) {
	if f.BitOffset > 0 {
		g.aluImm(asm.RSh, r, int32(f.BitOffset))
	}
	if f.BitSize < 32 {
		g.aluImm(asm.And, r, int32(1<<f.BitSize-1))
	} else if f.BitSize < 64 {
		g.aluConst(asm.And, r, int64(1)<<f.BitSize-1)
	}
}

// readBytes copies n bytes at p+off into memory, as a value of type t.
func (g *gen) readBytes(p *val, off int64, n int, t types.Type) *val {
	space := g.spaceOf(p.t)
	m := g.alloc(n) // a failed read zeroes it
	g.ptrTo(r1, m)
	g.movImm(r2, int64(n))
	g.into(r3, p)
	if off != 0 {
		g.aluConst(asm.Add, r3, off)
	}
	g.call(readFn(space, false))
	return memVal(t, m)
}

func isStringType(t types.Type) bool { _, ok := t.(*types.String); return ok }

func tupleOf(t types.Type) *types.Tuple {
	switch t := t.(type) {
	case *types.Tuple:
		return t
	case *types.Record:
		return storage(&types.Tuple{Elems: t.Elems}).(*types.Tuple)
	}
	return nil
}

// argsField reads args.f: from the tracepoint record the context points
// to, or from the context's u64 slots in fentry, fexit and raw
// tracepoints.
func (g *gen) argsField(x *ast.FieldExpr, fi *sema.FieldInfo, t types.Type) *val {
	off := int16(fi.Field.Offset)
	ft := fi.Field.Type
	if g.pt.AP.Provider.Name != "tracepoint" {
		r := g.newReg()
		g.ldx(r, g.ctx, off, asm.DWord)
		v := regVal(types.Uint64, r)
		if isScalar(t) {
			g.convert(v, t)
		}
		v.t = t
		if !isScalar(t) {
			g.failf(x, "bt run cannot read this argument as a %s", t)
		}
		return v
	}
	if s, ok := ft.(*types.String); ok && s.Len == 0 {
		// __data_loc char[]: a u32 holding (length << 16 | offset).
		r := g.newReg()
		g.ldx(r, g.ctx, off, asm.Word)
		g.aluImm(asm.And, r, 0xffff)
		g.alu(asm.Add, r, g.ctx)
		p := regVal(&types.Pointer{Elem: types.Int8, AddrSpace: types.AddrKernel}, r)
		return g.readString(p, 0, int(g.c.opts.MaxStrlen), types.AddrKernel)
	}
	if isScalar(t) {
		size := int(ft.Size())
		if size > 8 || size == 0 {
			size = 8
		}
		r := g.newReg()
		g.ldx(r, g.ctx, off, sizeOf(size))
		g.extend(r, t, size)
		return regVal(t, r)
	}
	// Arrays (char[16] comm fields) and other aggregates: copy the bytes,
	// with loads from the context when they are aligned.
	n := int(ft.Size())
	if s, ok := t.(*types.String); ok && int(s.Len) < n {
		n = int(s.Len)
	}
	var m mem
	if g.argsDst != nil && g.argsDst.size >= n {
		m = *g.argsDst // straight into the caller's slot
	} else {
		m = g.alloc(n)
	}
	if off%8 == 0 && n%8 == 0 && n <= 64 {
		base, moff := g.addrOf(m)
		tmp := g.newReg()
		for i := 0; i < n; i += 8 {
			g.ldx(tmp, g.ctx, off+int16(i), asm.DWord)
			g.stx(base, moff+int16(i), tmp, asm.DWord)
		}
		return memVal(t, m)
	}
	g.ptrTo(r1, m) // a failed read zeroes it
	g.movImm(r2, int64(n))
	g.mov(r3, g.ctx)
	g.aluImm(asm.Add, r3, int32(off))
	g.call(asm.FnProbeReadKernel)
	return memVal(t, m)
}

// index reads x[i] on strings, arrays, tuples and pointers.
func (g *gen) index(x *ast.IndexExpr) *val {
	t := g.typeOf(x)
	bt := g.typeOf(x.X)
	if p, ok := bt.(*types.Pointer); ok {
		base := g.expr(x.X)
		if k, ok := g.constInt(x.Index); ok {
			return g.deref(base, t, k*p.Elem.Size())
		}
		i := g.expr(x.Index)
		ri := g.owned(i)
		if sz := p.Elem.Size(); sz > 1 {
			g.aluImm(asm.Mul, ri, int32(sz))
		}
		g.alu(asm.Add, ri, g.scalar(base))
		return g.deref(regVal(bt, ri), t, 0)
	}
	if tt := tupleOf(g.c.storage(bt)); tt != nil {
		k, ok := g.constInt(x.Index)
		base := g.expr(x.X)
		if !ok || base.kind != inMem || k < 0 || int(k) >= len(tt.Elems) {
			g.failf(x, "bt run needs a constant index into a tuple")
			return imm(types.Int64, 0)
		}
		return g.element(base.mem, tt, int(k), t)
	}
	// A field array reached through a pointer: read just the element.
	if fx, ok := ast.Unparen(x.X).(*ast.FieldExpr); ok && !g.isArgs(fx.X) {
		if a, ok := g.typeOf(x.X).(*types.Array); ok {
			if p, off, ok := g.fieldAddr(fx); ok {
				if k, ok := g.constInt(x.Index); ok {
					return g.deref(p, t, off+k*a.Elem.Size())
				}
			}
		}
	}
	base := g.expr(x.X)
	if base.kind != inMem {
		g.failf(x, "bt run cannot index this value yet")
		return imm(types.Int64, 0)
	}
	esize := int64(1)
	n := int64(base.mem.size)
	if a, ok := bt.(*types.Array); ok {
		esize = a.Elem.Size()
		if a.Len > 0 {
			n = a.Len
		}
	} else if s, ok := bt.(*types.String); ok {
		n = min(n, s.Len)
	}
	if k, ok := g.constInt(x.Index); ok {
		if k < 0 || k >= n {
			g.failf(x.Index, "index %d is out of bounds for %s", k, bt)
			return imm(types.Int64, 0)
		}
		m := base.mem.at(int(k*esize), int(esize))
		if isScalar(t) {
			r := g.newReg()
			g.loadScalar(r, t, m)
			return regVal(t, r)
		}
		return memVal(t, m)
	}
	if !isScalar(t) {
		g.failf(x, "bt run needs a constant index here")
		return imm(types.Int64, 0)
	}
	// A variable index: bounds-checked, reading 0 when out of range.
	ri := g.owned(g.expr(x.Index))
	res := g.newReg()
	done := g.newLabel("idx")
	g.movImm(res, 0)
	g.jmpImm(asm.JGE, ri, int32(n), done)
	if esize > 1 {
		g.aluImm(asm.Mul, ri, int32(esize))
	}
	b, off := g.addrOf(base.mem)
	g.alu(asm.Add, ri, b)
	g.ldx(res, ri, off, sizeOf(int(esize)))
	g.extend(res, t, int(esize))
	g.mark(done)
	return regVal(t, res)
}

// isConfig says whether x is the config builtin (config or config()).
func isConfig(x ast.Expr) bool {
	switch x := ast.Unparen(x).(type) {
	case *ast.Ident:
		return x.Name == "config"
	case *ast.CallExpr:
		return x.Fun.Name == "config"
	}
	return false
}
