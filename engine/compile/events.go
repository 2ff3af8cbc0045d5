// Async events: printf and friends, sent to user space through the ring
// buffer (or, in iterators, written to the seq_file).

package compile

import (
	"strings"

	"github.com/cilium/ebpf/asm"

	"github.com/bt-tools/bt/engine/plan"
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/types"
)

// debugf writes to the kernel's trace pipe with bpf_trace_printk: the
// format on the stack, at most three arguments, strings by address.
func (g *gen) debugf(x *ast.CallExpr) *val {
	format := g.stringArg(x, 0)
	if !strings.HasSuffix(format, "\n") {
		format += "\n" // bpftrace ends each message with a newline
	}
	args := x.Args[1:]
	if len(args) > 3 {
		g.failf(x, "debugf() takes at most 3 arguments after the format")
		return imm(types.Void, 0)
	}
	vals := make([]*val, len(args))
	for i, a := range args {
		vals[i] = g.expr(a)
		if isScalar(vals[i].t) {
			g.scalar(vals[i])
		}
	}
	f := g.stringConst(format, nil)
	g.ptrTo(r1, f.mem)
	g.movImm(r2, int64(len(format)+1))
	for i, v := range vals {
		g.into(r3+reg(i), v)
	}
	g.call(asm.FnTracePrintk)
	return imm(types.Void, 0)
}

// formatEvent sends printf-like calls to user space: the format is in the
// plan, the arguments in the event.
func (g *gen) formatEvent(x *ast.CallExpr, name string) *val {
	kinds := map[string]plan.EventKind{
		"printf": plan.EventPrintf, "errorf": plan.EventErrorf, "warnf": plan.EventWarnf,
		"system": plan.EventSystem, "cat": plan.EventCat,
	}
	format := g.stringArg(x, 0)
	if name == "printf" && g.pt.AP.Provider.Name == "iter" {
		// An iterator's output is its seq_file.
		g.seqPrintf(x, format)
		return imm(types.Void, 0)
	}
	e := g.c.event(&plan.Event{Kind: kinds[name], Format: format, Pos: x.Pos(), End: x.End()})
	g.sendEvent(e, x.Args[1:])
	return imm(types.Void, 0)
}

// seqPrintf prints into an iterator's seq_file with bpf_seq_printf: the
// kernel formats, from an array of u64 (integers, and addresses of
// strings for %s).
func (g *gen) seqPrintf(x *ast.CallExpr, format string) {
	args := x.Args[1:]
	data := g.alloc(8 * max(len(args), 1))
	var ints []bool
	for i, a := range args {
		v := g.expr(a)
		slot := data.at(8*i, 8)
		switch {
		case isScalar(v.t) || v.t == types.Bool:
			g.store(slot, v)
			ints = append(ints, true)
		case v.kind == inMem && types.IsString(v.t):
			p := g.newReg()
			g.ptrTo(p, v.mem)
			base, off := g.addrOf(slot)
			g.stx(base, off, p, asm.DWord)
			ints = append(ints, false)
		default:
			g.failf(a, "bt run cannot print a %s in an iterator", v.t)
			return
		}
	}
	format = kernelFormat(format, ints)
	f := g.stringConst(format, nil)
	meta := g.newReg()
	g.ldx(meta, g.ctx, 0, asm.DWord) // ctx->meta
	g.ldx(r1, meta, 0, asm.DWord)    // meta->seq
	g.ptrTo(r2, f.mem)
	g.movImm(r3, int64(len(format)+1))
	if len(args) > 0 {
		g.ptrTo(r4, data)
	} else {
		g.movImm(r4, 0)
	}
	g.movImm(r5, int64(8*len(args)))
	g.call(asm.FnSeqPrintf)
}

// kernelFormat adapts a printf format to the kernel's: %s of an integer
// prints it as a number.
func kernelFormat(format string, ints []bool) string {
	var b strings.Builder
	arg := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		b.WriteByte(c)
		if c != '%' {
			continue
		}
		j := i + 1
		for j < len(format) && strings.IndexByte("-+ #0123456789.hlLjzt", format[j]) >= 0 {
			j++
		}
		if j >= len(format) {
			break
		}
		if format[j] == '%' {
			b.WriteByte('%')
			i = j
			continue
		}
		if format[j] == 's' && arg < len(ints) && ints[arg] {
			b.WriteString(format[i+1:j] + "lld")
		} else {
			b.WriteString(format[i+1 : j+1])
		}
		arg++
		i = j
	}
	return b.String()
}

func (g *gen) print(x *ast.CallExpr) *val {
	if m, ok := ast.Unparen(x.Args[0]).(*ast.MapExpr); ok {
		e := &plan.Event{Kind: plan.EventPrint, Map: "@" + m.Name, Pos: x.Pos(), End: x.End()}
		if len(x.Args) > 1 {
			e.Top = uint64(g.constArg(x, 1))
		}
		if len(x.Args) > 2 {
			e.Div = uint64(g.constArg(x, 2))
		}
		g.sendEvent(g.c.event(e), nil)
		return imm(types.Void, 0)
	}
	g.sendEvent(g.c.event(&plan.Event{Kind: plan.EventPrintNonMap, Pos: x.Pos(), End: x.End()}), x.Args[:1])
	return imm(types.Void, 0)
}

// join sends the strings of a NULL-terminated array of string pointers
// (at most joinMax of them), each in a max_strlen slot.
func (g *gen) join(x *ast.CallExpr) *val {
	sep := " "
	if len(x.Args) > 1 {
		sep = g.stringArg(x, 1)
	}
	n := int(g.c.opts.MaxStrlen)
	e := g.c.event(&plan.Event{Kind: plan.EventJoin, Format: sep, Pos: x.Pos(), End: x.End()})
	for i := 0; i < joinMax; i++ {
		e.Args = append(e.Args, &types.String{Len: int64(n)})
	}
	arr := g.expr(x.Args[0])
	space := g.spaceOf(arr.t)
	p := g.newReg()
	g.into(p, arr)
	size := 8 + joinMax*((n+7)&^7)
	rec := g.alloc(size)
	base, off := g.addrOf(rec)
	id := g.newReg()
	g.movImm(id, int64(e.ID))
	g.stx(base, off, id, asm.DWord)
	slot := g.alloc(8)
	done := g.newLabel("join_done")
	s := g.newReg()
	for i := 0; i < joinMax; i++ {
		// An empty string ends the list: until a string is read here,
		// this one is. (A failed read zeroes the slot too.)
		rb, roff := g.addrOf(rec)
		g.st(rb, roff+int16(8+i*((n+7)&^7)), 0, asm.Byte)
		g.ptrTo(r1, slot)
		g.movImm(r2, 8)
		g.mov(r3, p)
		if i > 0 {
			g.aluImm(asm.Add, r3, int32(8*i))
		}
		g.call(readFn(space, false))
		g.jmpImm(asm.JNE, r0, 0, done)
		sb, soff := g.addrOf(slot)
		g.ldx(s, sb, soff, asm.DWord)
		g.jmpImm(asm.JEq, s, 0, done)
		g.ptrTo(r1, rec.at(8+i*((n+7)&^7), n))
		g.movImm(r2, int64(n))
		g.mov(r3, s)
		g.call(readFn(space, true))
	}
	g.mark(done)
	g.output(rec, size)
	return imm(types.Void, 0)
}

// joinMax is how many strings join() reads, as bpftrace.
const joinMax = 16

// sendEvent writes [id, args...] to the ring buffer, each argument in an
// 8-byte aligned slot of its storage type, and counts a loss on failure.
// Strings and tuples whose type the checker knows are evaluated straight
// into their slots.
func (g *gen) sendEvent(e *plan.Event, args []ast.Expr) {
	vals := make([]*val, len(args))
	size := 8
	for i, a := range args {
		var st types.Type
		switch t := g.typeOf(a).(type) {
		case *types.String, *types.Tuple:
			if t.Size() > 0 && e.Kind != plan.EventExit {
				st = g.c.storage(t)
			}
		}
		if st == nil {
			vals[i] = g.expr(a)
			st = g.c.storage(g.eventType(a, vals[i].t))
		}
		if e.Kind == plan.EventExit {
			st = types.Int64
		}
		e.Args = append(e.Args, st)
		size += slotSize(st)
	}
	rec := g.alloc(size)
	base, off := g.addrOf(rec)
	if fitsImm(int64(e.ID)) {
		g.st(base, off, int32(e.ID), asm.DWord)
	} else {
		t := g.newReg()
		g.movImm(t, int64(e.ID))
		g.stx(base, off, t, asm.DWord)
	}
	pos := 8
	for i, v := range vals {
		slot := rec.at(pos, slotSize(e.Args[i]))
		if v == nil {
			g.exprTo(args[i], slot, e.Args[i], false)
		} else {
			g.storeAs(slot, v, e.Args[i])
		}
		pos += slot.size
	}
	g.output(rec, size)
}

// eventType is the type an event argument is sent as: a strftime() value
// carries its format.
func (g *gen) eventType(x ast.Expr, t types.Type) types.Type {
	if t != types.Timestamp {
		return t
	}
	if call, ok := ast.Unparen(x).(*ast.CallExpr); ok && call.Fun.Name == "strftime" && len(call.Args) > 0 {
		if k, ok := g.info.Consts[call.Args[0]]; ok && k.IsStr {
			return &Timestamp{Format: k.Str}
		}
	}
	if v, ok := ast.Unparen(x).(*ast.VarExpr); ok {
		if f, ok := g.c.strftime[g.info.Vars[v]]; ok {
			return &Timestamp{Format: f}
		}
	}
	return t
}

// output writes size bytes of rec to the ring buffer.
func (g *gen) output(rec mem, size int) {
	g.ldMap(r1, plan.RingBufMap)
	g.ptrTo(r2, rec)
	g.movImm(r3, int64(size))
	g.movImm(r4, 0)
	g.call(asm.FnRingbufOutput)
	sent := g.newLabel("sent")
	g.jmpImm(asm.JEq, r0, 0, sent)
	g.countLost()
	g.mark(sent)
}

// countLost increments this CPU's lost-event counter.
func (g *gen) countLost() {
	key := g.alloc(8)
	base, off := g.addrOf(key)
	g.st(base, off, 0, asm.DWord)
	g.ldMap(r1, plan.LostMap)
	g.ptrTo(r2, key)
	g.call(asm.FnMapLookupElem)
	skip := g.newLabel("nolost")
	g.jmpImm(asm.JEq, r0, 0, skip)
	t := g.newReg()
	g.ldx(t, r0, 0, asm.DWord)
	g.aluImm(asm.Add, t, 1)
	g.stx(r0, 0, t, asm.DWord)
	g.mark(skip)
}
