package compile

import (
	"strconv"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"

	"github.com/bt-tools/bt/engine/plan"
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lang/types"
)

// ident generates a bare identifier: a builtin, an enum constant, a C
// #define or a zero-argument macro.
func (g *gen) ident(x *ast.Ident) *val {
	obj := g.info.Idents[x]
	if obj == nil {
		g.failf(x, "internal error: unresolved identifier %s", x.Name)
		return imm(types.Int64, 0)
	}
	switch obj.Kind {
	case sema.ObjEnumConst:
		return imm(g.typeOf(x), obj.Value)
	case sema.ObjDefine:
		return g.expr(obj.Expr)
	case sema.ObjMacro:
		if e := g.info.Expansions[x]; e != nil {
			return g.blockValue(e.Body)
		}
	case sema.ObjBuiltin:
		return g.builtinVar(x, x.Name, nil)
	}
	g.failf(x, "bt run does not support %s here yet", x.Name)
	return imm(types.Int64, 0)
}

// helperValue calls a helper without arguments and returns R0.
func (g *gen) helperValue(fn asm.BuiltinFunc, t types.Type) *val {
	g.call(fn)
	return g.fromR0(t)
}

// builtinVar generates a builtin variable (args are for pid(), comm() ...).
func (g *gen) builtinVar(x ast.Expr, name string, args []ast.Expr) *val {
	t := g.typeOf(x)
	switch {
	case strings.HasPrefix(name, "arg") && isDigits(name[3:]):
		n, _ := strconv.Atoi(name[3:])
		return g.argN(x, n)
	}
	switch name {
	case "pid", "tid":
		v := g.helperValue(asm.FnGetCurrentPidTgid, t)
		if name == "pid" {
			g.emit(asm.RSh.Imm(v.reg, 32))
		} else {
			g.emit(asm.LSh.Imm(v.reg, 32), asm.RSh.Imm(v.reg, 32))
		}
		return v
	case "uid", "gid", "username":
		v := g.helperValue(asm.FnGetCurrentUidGid, t)
		if name == "gid" {
			g.emit(asm.RSh.Imm(v.reg, 32))
		} else {
			g.emit(asm.LSh.Imm(v.reg, 32), asm.RSh.Imm(v.reg, 32))
		}
		return v
	case "nsecs":
		return g.helperValue(asm.FnKtimeGetBootNs, t)
	case "elapsed":
		v := g.helperValue(asm.FnKtimeGetBootNs, t)
		g.emit(
			asm.LoadMapValue(asm.R1, 0, 0).WithReference(plan.StartMap),
			asm.LoadMem(asm.R1, asm.R1, 0, asm.DWord),
			asm.Sub.Reg(v.reg, asm.R1),
		)
		return v
	case "cpu":
		return g.helperValue(asm.FnGetSmpProcessorId, t)
	case "numaid":
		return g.helperValue(asm.FnGetNumaNodeId, t)
	case "rand":
		return g.helperValue(asm.FnGetPrandomU32, t)
	case "cgroup":
		return g.helperValue(asm.FnGetCurrentCgroupId, t)
	case "jiffies":
		return g.helperValue(asm.FnJiffies64, t)
	case "curtask":
		return g.helperValue(asm.FnGetCurrentTask, t)
	case "ncpus":
		n, _ := ebpf.PossibleCPU()
		return imm(t, int64(n))
	case "comm":
		m := g.alloc(16)
		g.zero(m)
		g.ptrTo(asm.R1, m)
		g.emit(asm.Mov.Imm(asm.R2, 16))
		g.call(asm.FnGetCurrentComm)
		return &val{t: &types.String{Len: 16}, kind: inMem, mem: m}
	case "kstack", "ustack":
		return g.stackVal(x, name == "ustack", t)
	case "func":
		return g.funcAddr(x, t)
	case "retval":
		return g.retval(x)
	case "probe":
		return g.stringConst(g.pt.AP.ProbeName(), nil)
	case "probetype":
		return g.stringConst(g.pt.AP.Provider.TypeName, nil)
	case "ctx":
		return g.regVal(t, g.copyReg(regCtx))
	case "cpid":
		return imm(t, int64(g.c.opts.CPID))
	}
	g.failf(x, "bt run does not support %s yet", name)
	return imm(types.Int64, 0)
}

func (g *gen) copyReg(src asm.Register) asm.Register {
	r := g.reg()
	g.emit(asm.Mov.Reg(r, src))
	return r
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// funcAddr is the traced function's address: the instruction pointer on
// entry, bpf_get_func_ip where the IP is elsewhere.
func (g *gen) funcAddr(x ast.Expr, t types.Type) *val {
	switch g.pt.AP.Provider.Name {
	case "kprobe", "uprobe":
		r := g.reg()
		g.emit(asm.LoadMem(r, regCtx, ptRegs["ip"], asm.DWord))
		if t == types.Usym {
			return g.usym(g.regVal(types.Uint64, r))
		}
		return g.regVal(t, r)
	}
	g.emit(asm.Mov.Reg(asm.R1, regCtx))
	v := g.helperValue(asm.FnGetFuncIp, types.Uint64)
	if t == types.Usym {
		return g.usym(v)
	}
	v.t = t
	return v
}

// usym packs an address with the current pid for symbolisation.
func (g *gen) usym(addr *val) *val {
	m := g.alloc(16)
	g.store(mem{scratch: m.scratch, off: m.off, size: 8}, addr)
	g.drop(addr)
	g.call(asm.FnGetCurrentPidTgid)
	g.emit(asm.RSh.Imm(asm.R0, 32))
	base, off := g.addrOf(mem{scratch: m.scratch, off: m.off + 8, size: 8})
	if base == asm.R0 {
		g.failf(nil, "usym in scratch")
	}
	g.emit(asm.StoreMem(base, off, asm.R0, asm.DWord))
	return &val{t: types.Usym, kind: inMem, mem: m}
}

// stack captures a kernel or user stack by value: the frame count, the
// pid for user stacks, then the frames.
func (g *gen) stackVal(x ast.Expr, user bool, t types.Type) *val {
	st, ok := t.(*types.Stack)
	if !ok {
		st = &types.Stack{User: user, Limit: 127}
	}
	if st.Limit <= 0 {
		st.Limit = 127
	}
	m := g.alloc(int(st.Size()))
	g.zero(m)
	hdr := 8
	if user {
		hdr = 16
	}
	frames := mem{scratch: m.scratch, off: m.off + hdr, size: 8 * st.Limit}
	g.emit(asm.Mov.Reg(asm.R1, regCtx))
	g.ptrTo(asm.R2, frames)
	flags := int32(0)
	if user {
		flags = 1 << 8 // BPF_F_USER_STACK
	}
	g.emit(asm.Mov.Imm(asm.R3, int32(8*st.Limit)), asm.Mov.Imm(asm.R4, flags))
	g.call(asm.FnGetStack)
	ok2 := g.newLabel("stack_ok")
	g.emit(asm.JSGE.Imm(asm.R0, 0, ok2), asm.Mov.Imm(asm.R0, 0))
	g.mark(ok2)
	g.emit(asm.RSh.Imm(asm.R0, 3), asm.Mov.Reg(asm.R5, asm.R0))
	base, off := g.addrOf(m)
	if base == asm.R0 {
		g.emit(asm.Mov.Reg(asm.R1, asm.R0))
		base = asm.R1
	}
	g.emit(asm.StoreMem(base, off, asm.R5, asm.DWord))
	if user {
		g.call(asm.FnGetCurrentPidTgid)
		g.emit(asm.RSh.Imm(asm.R0, 32))
		base, off = g.addrOf(m)
		if base == asm.R0 {
			g.emit(asm.Mov.Reg(asm.R1, asm.R0))
			base = asm.R1
		}
		g.emit(asm.StoreMem(base, off+8, asm.R0, asm.DWord))
	}
	return &val{t: st, kind: inMem, mem: m}
}

// ----------------------------------------------------------------------------
// Calls

func (g *gen) callExpr(x *ast.CallExpr) *val {
	if e := g.info.Expansions[x]; e != nil {
		return g.blockValue(e.Body)
	}
	callee := g.info.Calls[x]
	if callee == nil || callee.Builtin == nil {
		g.failf(x, "bt run does not support calling %s yet", x.Fun.Name)
		return imm(types.Int64, 0)
	}
	name := callee.Builtin.Name
	switch name {
	case "printf", "errorf", "warnf", "system", "cat":
		return g.formatEvent(x, name)
	case "print":
		return g.print(x)
	case "clear", "zero":
		kind := plan.EventClear
		if name == "zero" {
			kind = plan.EventZero
		}
		m := ast.Unparen(x.Args[0]).(*ast.MapExpr)
		g.sendEvent(g.c.event(&plan.Event{Kind: kind, Map: "@" + m.Name, Pos: x.Pos()}), nil)
		return imm(types.Void, 0)
	case "exit":
		g.sendEvent(g.c.event(&plan.Event{Kind: plan.EventExit, Pos: x.Pos()}), nil)
		g.emit(asm.Ja.Label(g.exit))
		return imm(types.Void, 0)
	case "time":
		format := "%H:%M:%S\n"
		if len(x.Args) > 0 {
			if k, ok := g.info.Consts[x.Args[0]]; ok && k.IsStr {
				format = k.Str
			}
		}
		g.sendEvent(g.c.event(&plan.Event{Kind: plan.EventTime, Format: format, Pos: x.Pos()}), nil)
		return imm(types.Void, 0)
	case "delete":
		switch a := ast.Unparen(x.Args[0]).(type) {
		case *ast.MapAccess:
			return g.mapDelete(a.Map, a.Keys)
		case *ast.MapExpr:
			return g.mapDelete(a, x.Args[1:])
		}
	case "has_key":
		m := ast.Unparen(x.Args[0]).(*ast.MapExpr)
		pm := g.userMap(m)
		key := g.mapKey(pm, x.Args[1:], 0)
		g.lookup(pm, key)
		r := g.reg()
		done := g.newLabel("has")
		g.emit(asm.Mov.Imm(r, 0), asm.JEq.Imm(asm.R0, 0, done), asm.Mov.Imm(r, 1))
		g.mark(done)
		g.emit(asm.Mov.Imm(asm.R0, 0))
		return g.regVal(types.Bool, r)
	case "str":
		return g.str(x)
	case "ksym":
		v := g.expr(x.Args[0])
		g.scalar(v)
		v.t = types.Ksym
		return v
	case "usym":
		v := g.expr(x.Args[0])
		g.scalar(v)
		return g.usym(v)
	case "kstack", "ustack", "pid", "tid", "comm", "nsecs", "uid", "gid", "cpu", "elapsed", "cgroup", "rand", "curtask", "func", "retval", "probe":
		return g.builtinVar(x, name, x.Args)
	case "bswap":
		v := g.expr(x.Args[0])
		r := g.scalar(v)
		size := int(g.typeOf(x.Args[0]).Size())
		if size < 2 {
			return v
		}
		g.emit(asm.HostTo(asm.BE, r, sizeOf(size)))
		return v
	case "signal":
		v := g.expr(x.Args[0])
		g.into(asm.R1, v)
		g.drop(v)
		g.call(asm.FnSendSignal)
		return imm(types.Void, 0)
	}
	if k, ok := g.info.Consts[x]; ok && !k.IsStr {
		return imm(g.typeOf(x), k.Int)
	}
	g.failf(x, "bt run does not support %s() yet", name)
	return imm(types.Int64, 0)
}

// str reads a string from a pointer, or passes a string through.
func (g *gen) str(x *ast.CallExpr) *val {
	t := g.typeOf(x)
	n := int(g.c.opts.MaxStrlen)
	if st, ok := t.(*types.String); ok && st.Len > 0 {
		n = int(st.Len)
	}
	if k, ok := g.info.Consts[x.Args[0]]; ok && k.IsStr {
		return g.stringConst(k.Str, t)
	}
	v := g.expr(x.Args[0])
	if v.kind == inMem && isStringType(v.t) {
		return v
	}
	if len(x.Args) > 1 {
		if k, ok := g.info.Consts[x.Args[1]]; ok && int(k.Int)+1 < n {
			n = int(k.Int) + 1
		}
	}
	return g.readString(v, 0, n, spaceOf(v.t))
}

// formatEvent sends printf-like calls to user space: the format is in the
// plan, the arguments in the event.
func (g *gen) formatEvent(x *ast.CallExpr, name string) *val {
	kinds := map[string]plan.EventKind{
		"printf": plan.EventPrintf, "errorf": plan.EventErrorf, "warnf": plan.EventWarnf,
		"system": plan.EventSystem, "cat": plan.EventCat,
	}
	format := ""
	if k, ok := g.info.Consts[x.Args[0]]; ok && k.IsStr {
		format = k.Str
	} else if s, ok := ast.Unparen(x.Args[0]).(*ast.StringLit); ok {
		format = s.Value
	}
	e := g.c.event(&plan.Event{Kind: kinds[name], Format: format, Pos: x.Pos()})
	g.sendEvent(e, x.Args[1:])
	return imm(types.Void, 0)
}

func (g *gen) print(x *ast.CallExpr) *val {
	if m, ok := ast.Unparen(x.Args[0]).(*ast.MapExpr); ok {
		e := &plan.Event{Kind: plan.EventPrint, Map: "@" + m.Name, Pos: x.Pos()}
		if len(x.Args) > 1 {
			e.Top = uint64(g.constArg(x, 1))
		}
		if len(x.Args) > 2 {
			e.Div = uint64(g.constArg(x, 2))
		}
		g.sendEvent(g.c.event(e), nil)
		return imm(types.Void, 0)
	}
	g.sendEvent(g.c.event(&plan.Event{Kind: plan.EventPrintNonMap, Pos: x.Pos()}), x.Args[:1])
	return imm(types.Void, 0)
}

// sendEvent writes [id, args...] to the ring buffer, each argument in an
// 8-byte aligned slot of its storage type, and counts a loss on failure.
func (g *gen) sendEvent(e *plan.Event, args []ast.Expr) {
	vals := make([]*val, len(args))
	size := 8
	for i, a := range args {
		vals[i] = g.expr(a)
		if isScalar(vals[i].t) {
			g.scalar(vals[i])
		}
		st := storage(vals[i].t)
		e.Args = append(e.Args, st)
		size += slotSize(st)
	}
	m := g.alloc(size)
	if len(args) > 0 {
		g.zero(m)
	}
	base, off := g.addrOf(m)
	if base == asm.R0 {
		g.emit(asm.Mov.Reg(asm.R1, asm.R0))
		base = asm.R1
	}
	g.emit(asm.LoadImm(asm.R2, int64(e.ID), asm.DWord), asm.StoreMem(base, off, asm.R2, asm.DWord))
	pos := 8
	for i, v := range vals {
		slot := mem{scratch: m.scratch, off: m.off + pos, size: slotSize(e.Args[i])}
		g.storeAs(slot, v, e.Args[i])
		g.drop(v)
		pos += slot.size
	}
	g.emit(asm.LoadMapPtr(asm.R1, 0).WithReference(plan.RingBufMap))
	g.ptrTo(asm.R2, m)
	g.emit(asm.Mov.Imm(asm.R3, int32(size)), asm.Mov.Imm(asm.R4, 0))
	g.call(asm.FnRingbufOutput)
	sent := g.newLabel("sent")
	g.emit(asm.JEq.Imm(asm.R0, 0, sent))
	g.countLost()
	g.mark(sent)
	g.emit(asm.Mov.Imm(asm.R0, 0))
}

// countLost increments this CPU's lost-event counter.
func (g *gen) countLost() {
	key := g.alloc(8)
	g.zero(key)
	g.emit(asm.LoadMapPtr(asm.R1, 0).WithReference(plan.LostMap))
	g.ptrTo(asm.R2, key)
	g.call(asm.FnMapLookupElem)
	skip := g.newLabel("nolost")
	g.emit(
		asm.JEq.Imm(asm.R0, 0, skip),
		asm.LoadMem(asm.R1, asm.R0, 0, asm.DWord), asm.Add.Imm(asm.R1, 1), asm.StoreMem(asm.R0, 0, asm.R1, asm.DWord),
	)
	g.mark(skip)
}
