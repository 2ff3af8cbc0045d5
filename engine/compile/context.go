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

// argRegs are the registers of the first six arguments.
var argRegs = [...]string{"di", "si", "dx", "cx", "r8", "r9"}

// argN reads argument n: a pt_regs register in kprobes and uprobes, a
// context slot in raw tracepoints.
func (g *gen) argN(x ast.Node, n int) *val {
	r := g.reg()
	switch g.pt.AP.Provider.Name {
	case "rawtracepoint":
		g.emit(asm.LoadMem(r, regCtx, int16(8*n), asm.DWord))
	default:
		if n >= len(argRegs) {
			g.failf(x, "arg%d is not passed in a register", n)
			return imm(types.Uint64, 0)
		}
		g.emit(asm.LoadMem(r, regCtx, ptRegs[argRegs[n]], asm.DWord))
	}
	return g.regVal(types.Uint64, r)
}

func (g *gen) retval(x ast.Node) *val {
	r := g.reg()
	t := g.typeOf(x.(ast.Expr))
	switch g.pt.AP.Provider.Name {
	case "fexit":
		n := 0
		if g.pt.Args != nil {
			n = len(g.pt.Args.Fields())
		}
		g.emit(asm.LoadMem(r, regCtx, int16(8*n), asm.DWord))
	default:
		g.emit(asm.LoadMem(r, regCtx, ptRegs["ax"], asm.DWord))
	}
	return g.regVal(t, r)
}

// field reads x.f: a field of args, of a struct through a pointer, or an
// element of a tuple or record.
func (g *gen) field(x *ast.FieldExpr) *val {
	t := g.typeOf(x)
	fi := g.info.Fields[x]
	if fi == nil {
		g.failf(x, "internal error: unresolved field %s", x.Sel.Name)
		return imm(types.Int64, 0)
	}
	if id, ok := ast.Unparen(x.X).(*ast.Ident); ok && id.Name == "args" && g.isBuiltin(id) {
		return g.argsField(x, fi, t)
	}
	if fi.Struct == nil { // tuple or record element
		base := g.expr(x.X)
		tt := tupleOf(storage(base.t))
		if tt == nil || base.kind != inMem {
			g.failf(x, "bt run cannot access this element yet")
			return imm(types.Int64, 0)
		}
		off := int(tt.Offset(fi.Index))
		et := tt.Elems[fi.Index]
		m := mem{scratch: base.mem.scratch, off: base.mem.off + off, size: slotSize(et)}
		if isScalar(et) {
			r := g.reg()
			b, o := g.addrOf(m)
			g.emit(asm.LoadMem(r, b, o, asm.DWord))
			return g.regVal(t, r)
		}
		return &val{t: t, kind: inMem, mem: m}
	}
	base := g.expr(x.X)
	if base.kind == inMem && !isPtrType(base.t) {
		// A struct value in memory.
		m := mem{scratch: base.mem.scratch, off: base.mem.off + int(fi.Field.Offset), size: int(t.Size())}
		if isScalar(t) {
			r := g.reg()
			b, o := g.addrOf(m)
			g.emit(asm.LoadMem(r, b, o, sizeOf(int(fi.Field.Type.Size()))))
			g.extend(r, t, int(fi.Field.Type.Size()))
			return g.regVal(t, r)
		}
		return &val{t: t, kind: inMem, mem: m}
	}
	if fi.Derefs > 1 {
		g.failf(x, "bt run cannot follow a pointer to a pointer here yet")
		return imm(types.Int64, 0)
	}
	return g.readField(x, base, fi, t)
}

// readField reads a struct field through a pointer with probe_read.
func (g *gen) readField(x ast.Node, p *val, fi *sema.FieldInfo, t types.Type) *val {
	if fi.Field.BitSize > 0 {
		v := g.deref(x, p, types.Uint64, fi.Field.Offset)
		r := g.scalar(v)
		g.emit(asm.LSh.Imm(r, int32(64-fi.Field.BitOffset-fi.Field.BitSize)), asm.RSh.Imm(r, int32(64-fi.Field.BitSize)))
		v.t = t
		return v
	}
	ft := fi.Field.Type
	if s, ok := t.(*types.String); ok && !isStringType(ft) {
		// A char array read as a string: copy its bytes.
		m := g.alloc(int(s.Len))
		g.zero(m)
		g.ptrTo(asm.R1, m)
		g.emit(asm.Mov.Imm(asm.R2, int32(s.Len)))
		g.into(asm.R3, p)
		g.emit(asm.Add.Imm(asm.R3, int32(fi.Field.Offset)))
		g.drop(p)
		g.call(readFn(spaceOf(p.t), false))
		return &val{t: t, kind: inMem, mem: m}
	}
	return g.deref(x, p, t, fi.Field.Offset)
}

func isStringType(t types.Type) bool { _, ok := t.(*types.String); return ok }

func spaceOf(t types.Type) types.AddrSpace {
	if p, ok := t.(*types.Pointer); ok && p.AddrSpace != types.AddrNone {
		return p.AddrSpace
	}
	return types.AddrKernel
}

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
		r := g.reg()
		g.emit(asm.LoadMem(r, regCtx, off, asm.DWord))
		return g.regVal(t, r)
	}
	if s, ok := ft.(*types.String); ok && s.Len == 0 {
		// __data_loc char[]: a u32 holding (length << 16 | offset).
		r := g.reg()
		g.emit(asm.LoadMem(r, regCtx, off, asm.Word), asm.And.Imm(r, 0xffff), asm.Add.Reg(r, regCtx))
		p := g.regVal(&types.Pointer{Elem: types.Int8, AddrSpace: types.AddrKernel}, r)
		return g.readString(p, 0, int(g.c.opts.MaxStrlen), types.AddrKernel)
	}
	if isScalar(t) {
		size := int(ft.Size())
		if size > 8 || size == 0 {
			size = 8
		}
		r := g.reg()
		g.emit(asm.LoadMem(r, regCtx, off, sizeOf(size)))
		g.extend(r, t, size)
		return g.regVal(t, r)
	}
	// Arrays (char[16] comm fields) and other aggregates: copy the bytes.
	n := int(ft.Size())
	m := g.alloc(n)
	g.zero(m)
	g.ptrTo(asm.R1, m)
	g.emit(asm.Mov.Imm(asm.R2, int32(n)), asm.Mov.Reg(asm.R3, regCtx), asm.Add.Imm(asm.R3, int32(off)))
	g.call(asm.FnProbeReadKernel)
	return &val{t: t, kind: inMem, mem: m}
}

func (g *gen) isBuiltin(id *ast.Ident) bool {
	o := g.info.Idents[id]
	return o != nil && o.Kind == sema.ObjBuiltin
}

// index reads x[i] on strings, arrays, tuples and pointers.
func (g *gen) index(x *ast.IndexExpr) *val {
	t := g.typeOf(x)
	bt := g.typeOf(x.X)
	if p, ok := bt.(*types.Pointer); ok {
		base := g.expr(x.X)
		k, isConst := g.info.Consts[x.Index]
		if !isConst {
			g.failf(x.Index, "bt run needs a constant index into a pointer")
			return imm(types.Int64, 0)
		}
		return g.deref(x, base, t, k.Int*p.Elem.Size())
	}
	base := g.expr(x.X)
	if base.kind != inMem {
		g.failf(x, "bt run cannot index this value yet")
		return imm(types.Int64, 0)
	}
	k, isConst := g.info.Consts[x.Index]
	if !isConst {
		g.failf(x.Index, "bt run needs a constant index here")
		return imm(types.Int64, 0)
	}
	esize := int64(1)
	if a, ok := bt.(*types.Array); ok {
		esize = a.Elem.Size()
	}
	if tt := tupleOf(storage(bt)); tt != nil {
		m := mem{scratch: base.mem.scratch, off: base.mem.off + int(tt.Offset(int(k.Int))), size: 8}
		r := g.reg()
		b, o := g.addrOf(m)
		g.emit(asm.LoadMem(r, b, o, asm.DWord))
		return g.regVal(t, r)
	}
	m := mem{scratch: base.mem.scratch, off: base.mem.off + int(k.Int*esize), size: int(esize)}
	if isScalar(t) {
		r := g.reg()
		b, o := g.addrOf(m)
		g.emit(asm.LoadMem(r, b, o, sizeOf(int(esize))))
		g.extend(r, t, int(esize))
		return g.regVal(t, r)
	}
	return &val{t: t, kind: inMem, mem: m}
}
