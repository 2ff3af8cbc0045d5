package compile

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"golang.org/x/sys/unix"

	"github.com/bt-tools/bt/engine/plan"
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lang/types"
)

// ident generates a bare identifier: a builtin, an enum constant, a C
// #define or a zero-argument macro.
func (g *gen) ident(x *ast.Ident) *val {
	obj := g.info.Idents[x]
	if name, ok := strings.CutPrefix(x.Name, "__builtin_"); ok && (obj == nil || obj.Kind == sema.ObjBuiltin) {
		// The stdlib's spelling of a builtin.
		return g.builtinVar(x, name, nil)
	}
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

// pureHelper returns the result of a helper without arguments whose
// result does not change while a program runs (the current task, its
// pid, uid, cgroup, the CPU), computed once where that dominates the
// later uses (see [gen.inBranch]). The caller must not modify the result.
func (g *gen) pureHelper(fn asm.BuiltinFunc, t types.Type) *val {
	if r, ok := g.f.cache[fn]; ok {
		return &val{t: t, kind: inReg, reg: r, shared: true}
	}
	g.call(fn)
	r := g.newReg()
	g.mov(r, r0)
	if g.f.cache == nil {
		g.f.cache = map[asm.BuiltinFunc]reg{}
	}
	g.f.cache[fn] = r
	if n := len(g.f.scopes); n > 0 {
		g.f.scopes[n-1] = append(g.f.scopes[n-1], fn)
	}
	return &val{t: t, kind: inReg, reg: r, shared: true}
}

// inBranch generates code that runs conditionally: what it computes for
// pureHelper does not dominate the code after it.
func (g *gen) inBranch(f func()) {
	g.f.scopes = append(g.f.scopes, nil)
	f()
	n := len(g.f.scopes)
	for _, fn := range g.f.scopes[n-1] {
		delete(g.f.cache, fn)
	}
	g.f.scopes = g.f.scopes[:n-1]
}

// builtinVar generates a builtin variable (args are for pid(), comm() ...).
func (g *gen) builtinVar(x ast.Expr, name string, args []ast.Expr) *val {
	t := g.typeOf(x)
	if strings.HasPrefix(name, "arg") && isDigits(name[3:]) {
		n, _ := strconv.Atoi(name[3:])
		return g.argN(x, n)
	}
	switch name {
	case "pid", "tid":
		raw := g.pureHelper(asm.FnGetCurrentPidTgid, t)
		r := g.newReg()
		if name == "pid" {
			g.mov(r, raw.reg)
			g.aluImm(asm.RSh, r, 32)
		} else {
			g.add(asm.Mov.Reg32(0, 0), r, raw.reg)
		}
		return regVal(t, r)
	case "uid", "gid", "username":
		raw := g.pureHelper(asm.FnGetCurrentUidGid, t)
		r := g.newReg()
		if name == "gid" {
			g.mov(r, raw.reg)
			g.aluImm(asm.RSh, r, 32)
		} else {
			g.add(asm.Mov.Reg32(0, 0), r, raw.reg)
		}
		return regVal(t, r)
	case "nsecs":
		fn := asm.FnKtimeGetBootNs
		if len(args) > 0 {
			if id, ok := ast.Unparen(args[0]).(*ast.Ident); ok {
				switch id.Name {
				case "monotonic":
					fn = asm.FnKtimeGetNs
				case "tai":
					fn = asm.FnKtimeGetTaiNs
				}
			}
		}
		return g.helperValue(fn, t)
	case "elapsed":
		v := g.helperValue(asm.FnKtimeGetBootNs, t)
		s := g.newReg()
		g.ldMapValue(s, plan.StartMap, 0)
		g.ldx(s, s, 0, asm.DWord)
		g.alu(asm.Sub, v.reg, s)
		return v
	case "cpu":
		return g.pureHelper(asm.FnGetSmpProcessorId, t)
	case "numaid":
		return g.helperValue(asm.FnGetNumaNodeId, t)
	case "rand":
		return g.helperValue(asm.FnGetPrandomU32, t)
	case "cgroup":
		return g.pureHelper(asm.FnGetCurrentCgroupId, t)
	case "jiffies":
		return g.helperValue(asm.FnJiffies64, t)
	case "curtask":
		return g.pureHelper(asm.FnGetCurrentTask, t)
	case "ncpus":
		n, _ := ebpf.PossibleCPU()
		return imm(t, int64(n))
	case "cpid":
		return imm(t, int64(g.c.opts.CPID))
	case "has_cpid":
		return imm(types.Bool, b2i(g.c.opts.CPID > 0))
	case "comm":
		if len(args) > 0 {
			g.failf(x, "bt run does not support comm(pid) yet")
			return imm(types.Int64, 0)
		}
		m := g.alloc(16)
		g.ptrTo(r1, m)
		g.movImm(r2, 16)
		g.call(asm.FnGetCurrentComm)
		return memVal(&types.String{Len: 16}, m)
	case "pcomm", "leader_comm":
		return g.taskField(x, name, "comm")
	case "ppid", "leader_tid":
		return g.taskField(x, name, "tgid")
	case "usermode":
		if !g.ctxPtRegs() {
			g.failf(x, "usermode needs a probe with registers")
			return imm(types.Uint8, 0)
		}
		r := g.newReg()
		g.ldx(r, g.ctx, ptRegs["cs"], asm.DWord)
		g.aluImm(asm.And, r, 3)
		done := g.newLabel("usermode")
		res := g.newReg()
		g.movImm(res, 0)
		g.jmpImm(asm.JNE, r, 3, done)
		g.movImm(res, 1)
		g.mark(done)
		return regVal(t, res)
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
		return &val{t: t, kind: inReg, reg: g.ctx, shared: true}
	}
	g.failf(x, "bt run does not support %s yet", name)
	return imm(types.Int64, 0)
}

// taskField reads a field of the current task's real parent (pcomm,
// ppid) or group leader (leader_comm, leader_tid).
func (g *gen) taskField(x ast.Expr, name, field string) *val {
	task, err := g.c.task()
	if err != nil {
		g.failf(x, "%s needs the kernel's struct task_struct: %v", name, err)
		return imm(types.Int64, 0)
	}
	link := "real_parent"
	if strings.HasPrefix(name, "leader") {
		link = "group_leader"
	}
	lf, ok1 := task.Field(link)
	ff, ok2 := task.Field(field)
	if !ok1 || !ok2 {
		g.failf(x, "%s: struct task_struct has no %s.%s", name, link, field)
		return imm(types.Int64, 0)
	}
	ptr := &types.Pointer{Elem: task, AddrSpace: types.AddrKernel}
	cur := g.pureHelper(asm.FnGetCurrentTask, ptr)
	parent := g.deref(cur, ptr, lf.Offset)
	parent.t = ptr
	t := g.typeOf(x)
	if field == "comm" {
		return g.readBytes(parent, ff.Offset, 16, &types.String{Len: 16})
	}
	return g.deref(parent, t, ff.Offset)
}

// task returns the kernel's struct task_struct, once.
func (c *compiler) task() (*types.Struct, error) {
	if c.taskStruct == nil && c.taskErr == nil {
		if c.opts.Kernel == nil {
			c.taskErr = fmt.Errorf("no kernel information")
		} else {
			c.taskStruct, c.taskErr = c.opts.Kernel.Struct("task_struct", false)
		}
	}
	return c.taskStruct, c.taskErr
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
	var v *val
	switch g.pt.AP.Provider.Name {
	case "kprobe", "uprobe":
		r := g.newReg()
		g.ldx(r, g.ctx, ptRegs["ip"], asm.DWord)
		v = regVal(types.Uint64, r)
	default:
		g.mov(r1, g.ctx)
		v = g.helperValue(asm.FnGetFuncIp, types.Uint64)
	}
	if t == types.Usym {
		return g.usym(v)
	}
	v.t = t
	return v
}

// usym packs an address with the current pid for symbolisation.
func (g *gen) usym(addr *val) *val {
	m := g.alloc(16)
	g.store(m.at(0, 8), addr)
	g.call(asm.FnGetCurrentPidTgid)
	g.aluImm(asm.RSh, r0, 32)
	base, off := g.addrOf(m)
	g.stx(base, off+8, r0, asm.DWord)
	return memVal(types.Usym, m)
}

// stackVal captures a kernel or user stack by value: the frame count, the
// pid for user stacks, then the frames.
func (g *gen) stackVal(x ast.Expr, user bool, t types.Type) *val {
	st, ok := t.(*types.Stack)
	if !ok {
		st = &types.Stack{User: user, Limit: 127}
	}
	if st.Limit <= 0 {
		st = &types.Stack{User: st.User, Mode: st.Mode, Limit: 127}
	}
	m := g.alloc(int(st.Size()))
	hdr := 8
	if user {
		hdr = 16
	}
	frames := m.at(hdr, 8*st.Limit)
	// Frames the stack does not fill must be zero: stacks are map keys.
	g.zero(frames)
	g.mov(r1, g.ctx)
	g.ptrTo(r2, frames)
	flags := int64(0)
	if user {
		flags = 1 << 8 // BPF_F_USER_STACK
	}
	g.movImm(r3, int64(8*st.Limit))
	g.movImm(r4, flags)
	g.call(asm.FnGetStack)
	n := g.newReg()
	g.mov(n, r0)
	ok2 := g.newLabel("stack_ok")
	g.jmpImm(asm.JSGE, n, 0, ok2)
	g.movImm(n, 0)
	g.mark(ok2)
	g.aluImm(asm.RSh, n, 3)
	base, off := g.addrOf(m)
	g.stx(base, off, n, asm.DWord)
	if user {
		g.call(asm.FnGetCurrentPidTgid)
		g.aluImm(asm.RSh, r0, 32)
		base, off = g.addrOf(m)
		g.stx(base, off+8, r0, asm.DWord)
	}
	return memVal(st, m)
}

// ----------------------------------------------------------------------------
// Calls

func (g *gen) callExpr(x *ast.CallExpr) *val {
	if e := g.info.Expansions[x]; e != nil {
		return g.blockValue(e.Body)
	}
	if k, ok := g.info.Consts[x]; ok {
		// Folded by the checker: sizeof, offsetof, is_integer ...
		if !k.IsStr {
			v, _ := g.constInt(x)
			return imm(g.typeOf(x), v)
		}
		return g.stringConst(k.Str, g.typeOf(x))
	}
	callee := g.info.Calls[x]
	if callee == nil || callee.Builtin == nil {
		what := "calling " + x.Fun.Name
		if callee != nil && callee.Fn != nil {
			what = "fn functions (" + x.Fun.Name + ")"
		}
		g.failf(x, "bt run does not support %s yet", what)
		return imm(types.Int64, 0)
	}
	name := strings.TrimPrefix(callee.Builtin.Name, "__builtin_")
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
		m, ok := ast.Unparen(x.Args[0]).(*ast.MapExpr)
		if !ok {
			g.failf(x, "%s() expects a map", name)
			return imm(types.Void, 0)
		}
		g.sendEvent(g.c.event(&plan.Event{Kind: kind, Map: "@" + m.Name, Pos: x.Pos(), End: x.End()}), nil)
		return imm(types.Void, 0)
	case "exit":
		e := &plan.Event{Kind: plan.EventExit, Pos: x.Pos(), End: x.End()}
		var args []ast.Expr
		if len(x.Args) > 0 {
			args = x.Args[:1]
		}
		g.sendEvent(g.c.event(e), args)
		g.ja(g.f.exit)
		return imm(types.Void, 0)
	case "time":
		format := "%H:%M:%S\n"
		if len(x.Args) > 0 {
			if k, ok := g.info.Consts[x.Args[0]]; ok && k.IsStr {
				format = k.Str
			}
		}
		g.sendEvent(g.c.event(&plan.Event{Kind: plan.EventTime, Format: format, Pos: x.Pos(), End: x.End()}), nil)
		return imm(types.Void, 0)
	case "join":
		return g.join(x)
	case "delete":
		switch a := ast.Unparen(x.Args[0]).(type) {
		case *ast.MapAccess:
			return g.mapDelete(a.Map, a.Keys)
		case *ast.MapExpr:
			return g.mapDelete(a, x.Args[1:])
		}
	case "has_key":
		if m, ok := ast.Unparen(x.Args[0]).(*ast.MapExpr); ok {
			return g.hasKey(m, x.Args[1:])
		}
	case "len":
		if m, ok := ast.Unparen(x.Args[0]).(*ast.MapExpr); ok {
			if um := g.userMap(m); um != nil {
				return g.mapLen(um.Map)
			}
			return imm(types.Int64, 0)
		}
		v := g.expr(x.Args[0])
		if _, ok := v.t.(*types.Stack); ok && v.kind == inMem {
			r := g.newReg()
			base, off := g.addrOf(v.mem)
			g.ldx(r, base, off, asm.DWord)
			return regVal(types.Int64, r)
		}
	case "str":
		return g.str(x)
	case "buf":
		return g.buf(x)
	case "strftime":
		v := g.expr(x.Args[1])
		g.scalar(v)
		v.t = types.Timestamp
		return v
	case "ksym":
		v := g.expr(x.Args[0])
		g.scalar(v)
		v.t = types.Ksym
		return v
	case "usym":
		v := g.expr(x.Args[0])
		g.scalar(v)
		return g.usym(v)
	case "cgroup_path":
		v := g.expr(x.Args[0])
		g.scalar(v)
		v.t = types.CgroupPath
		return v
	case "kaddr":
		return g.kaddr(x)
	case "cgroupid":
		return g.cgroupid(x)
	case "ntop":
		return g.ntop(x)
	case "macaddr":
		v := g.expr(x.Args[0])
		if v.kind != inMem {
			g.failf(x, "macaddr() expects a 6-byte array")
			return imm(types.Uint64, 0)
		}
		m := g.alloc(8)
		g.copyMem(m, v.mem, 6)
		g.zeroTail(m, 6)
		return memVal(types.Macaddr, m)
	case "reg":
		return g.regRead(x)
	case "kstack", "ustack", "pid", "tid", "comm", "nsecs", "uid", "gid", "cpu", "elapsed", "cgroup",
		"rand", "curtask", "func", "retval", "probe", "probetype", "username", "numaid", "jiffies",
		"pcomm", "ppid", "leader_comm", "leader_tid", "usermode", "cpid", "has_cpid", "ncpus", "ctx", "args":
		return g.builtinVar(x, name, x.Args)
	case "bswap":
		v := g.expr(x.Args[0])
		size := int(g.typeOf(x.Args[0]).Size())
		if size < 2 || size > 8 {
			return v
		}
		r := g.owned(v)
		g.add(asm.HostTo(asm.BE, 0, sizeOf(size)), r, noReg)
		v.t = g.typeOf(x)
		return v
	case "signal":
		return g.signal(x)
	case "override":
		v := g.expr(x.Args[0])
		g.into(r2, v)
		g.mov(r1, g.ctx)
		g.call(asm.FnOverrideReturn)
		return imm(types.Void, 0)
	case "strncmp":
		return g.strncmp(x)
	case "getopt":
		return g.getopt(x)
	case "debugf":
		return g.debugf(x)
	case "strlen":
		return g.strlen(x)
	case "strcontains":
		return g.strcontains(x)
	case "find":
		if m, ok := ast.Unparen(x.Args[0]).(*ast.MapExpr); ok && len(x.Args) == 3 {
			return g.find(x, m)
		}
	case "strerror":
		return g.stringTable(x, "strerror", errnoStrings, "Unknown error", true)
	case "signal_name":
		return g.stringTable(x, "signal_name", signalStrings, "N/A", false)
	case "syscall_name":
		return g.stringTable(x, "syscall_name", syscallStrings, "Unknown syscall", false)
	case "kptr", "uptr":
		v := g.expr(x.Args[0])
		v.t = g.typeOf(x)
		return v
	case "pton":
		return g.pton(x)
	}
	if k, ok := g.constInt(x); ok {
		return imm(g.typeOf(x), k)
	}
	if k, ok := g.info.Consts[x]; ok && k.IsStr {
		return g.stringConst(k.Str, g.typeOf(x))
	}
	g.failf(x, "bt run does not support %s() yet", name)
	return imm(types.Int64, 0)
}

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

// find looks a key up and, when it is there, copies its value into the
// variable.
func (g *gen) find(x *ast.CallExpr, m *ast.MapExpr) *val {
	um := g.userMap(m)
	vx, ok := ast.Unparen(x.Args[2]).(*ast.VarExpr)
	if um == nil || !ok || g.info.Vars[vx] == nil {
		g.failf(x, "find() expects a map, a key and a variable")
		return imm(types.Bool, 0)
	}
	if _, isAgg := um.Value.(*types.Agg); isAgg {
		g.failf(x, "bt run cannot find() in an aggregation yet")
		return imm(types.Bool, 0)
	}
	v := g.info.Vars[vx]
	key := g.mapKey(um, x.Args[1:2], 0)
	g.lookup(um, key)
	p := g.newReg()
	g.mov(p, r0)
	res := g.newReg()
	done := g.newLabel("find")
	g.movImm(res, 0)
	g.jmpImm(asm.JEq, p, 0, done)
	g.movImm(res, 1)
	l := g.varLoc(v)
	if l.inReg {
		g.ldx(l.reg, p, um.valueOff(), asm.DWord)
	} else {
		vb, voff := g.addrOf(l.mem)
		t := g.newReg()
		for i := 0; i < min(l.mem.size, slotSize(um.Value)); i += 8 {
			g.ldx(t, p, um.valueOff()+int16(i), asm.DWord)
			g.stx(vb, voff+int16(i), t, asm.DWord)
		}
	}
	g.mark(done)
	return regVal(types.Bool, res)
}

// getopt reads a named program parameter, or its default.
func (g *gen) getopt(x *ast.CallExpr) *val {
	name := g.stringArg(x, 0)
	t := g.typeOf(x)
	value, given := g.c.opts.NamedParams[name]
	switch {
	case t == types.Bool:
		def := false
		if len(x.Args) > 1 {
			k, _ := g.constInt(x.Args[1])
			def = k != 0
		}
		if given {
			def = value == "" || value == "true" || value == "1" || value == "yes"
		}
		return imm(types.Bool, b2i(def))
	case types.IsString(t):
		s := g.stringArg(x, 1)
		if given {
			s = value
		}
		return g.stringConst(s, t)
	}
	def, _ := g.constInt(x.Args[1])
	if given {
		n, err := strconv.ParseInt(value, 0, 64)
		if err != nil {
			g.failf(x, "getopt(%q): --%s=%s is not an integer", name, name, value)
		}
		def = n
	}
	return imm(t, def)
}

// pton is an address literal: 4 or 16 bytes.
func (g *gen) pton(x *ast.CallExpr) *val {
	s := g.stringArg(x, 0)
	ip := net.ParseIP(s)
	if ip == nil {
		g.failf(x, "pton(%q): not an IP address", s)
		return imm(types.Uint64, 0)
	}
	if v4 := ip.To4(); v4 != nil && !strings.Contains(s, ":") {
		ip = v4
	}
	m := g.alloc(len(ip))
	g.storeBytes(m, ip)
	return memVal(g.typeOf(x), m)
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

// kaddr is the address of a kernel symbol, from kallsyms at compile time.
func (g *gen) kaddr(x *ast.CallExpr) *val {
	name := g.stringArg(x, 0)
	if g.c.opts.Kernel == nil {
		g.failf(x, "kaddr() needs kernel symbols")
		return imm(types.Uint64, 0)
	}
	addr, err := g.c.opts.Kernel.Kallsym(name)
	if err != nil || addr == 0 {
		g.failf(x, "kaddr(%q): no such kernel symbol", name)
		return imm(types.Uint64, 0)
	}
	return imm(g.typeOf(x), int64(addr))
}

// cgroupid is the id of a cgroup v2 directory: the 64-bit file handle
// the kernel gives it, as bpftrace reads it.
func (g *gen) cgroupid(x *ast.CallExpr) *val {
	path := g.stringArg(x, 0)
	h, _, err := unix.NameToHandleAt(unix.AT_FDCWD, path, 0)
	if err == nil && len(h.Bytes()) == 8 {
		b := h.Bytes()
		var id uint64
		for i := 7; i >= 0; i-- {
			id = id<<8 | uint64(b[i])
		}
		return imm(types.Uint64, int64(id))
	}
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		g.failf(x, "cgroupid(%q): %v", path, err)
		return imm(types.Uint64, 0)
	}
	return imm(types.Uint64, int64(st.Ino))
}

func (g *gen) stringArg(x *ast.CallExpr, i int) string {
	if i < len(x.Args) {
		if k, ok := g.info.Consts[x.Args[i]]; ok && k.IsStr {
			return k.Str
		}
		if s, ok := ast.Unparen(x.Args[i]).(*ast.StringLit); ok {
			return s.Value
		}
	}
	g.failf(x, "%s() expects a string literal", x.Fun.Name)
	return ""
}

// ntop builds an inet value: the address family as a u64 and 16 address
// bytes.
func (g *gen) ntop(x *ast.CallExpr) *val {
	addrArg := x.Args[len(x.Args)-1]
	at := g.typeOf(addrArg)
	m := g.alloc(24)
	base, off := g.addrOf(m)
	family := int64(unix.AF_INET)
	if n := at.Size(); !types.IsInt(at) && n == 16 {
		family = unix.AF_INET6
	}
	if len(x.Args) == 2 {
		af := g.expr(x.Args[0])
		g.store(m.at(0, 8), af)
	} else {
		g.st(base, off, int32(family), asm.DWord)
	}
	g.st(base, off+8, 0, asm.DWord)
	g.st(base, off+16, 0, asm.DWord)
	v := g.expr(addrArg)
	if v.kind == inMem && !isScalar(v.t) {
		g.copyMem(m.at(8, 16), v.mem, min(16, v.mem.size))
	} else {
		r := g.scalar(v)
		base, off = g.addrOf(m)
		g.stx(base, off+8, r, asm.Word)
	}
	return memVal(&types.Inet{}, m)
}

// signal sends a signal to the current process.
func (g *gen) signal(x *ast.CallExpr) *val {
	if k, ok := g.info.Consts[x.Args[0]]; ok && k.IsStr {
		name := strings.ToUpper(k.Str)
		if !strings.HasPrefix(name, "SIG") {
			name = "SIG" + name
		}
		sig := unix.SignalNum(name)
		if sig == 0 {
			g.failf(x.Args[0], "unknown signal %s", k.Str)
			return imm(types.Void, 0)
		}
		g.movImm(r1, int64(sig))
	} else {
		g.into(r1, g.expr(x.Args[0]))
	}
	g.call(asm.FnSendSignal)
	return imm(types.Void, 0)
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

// ----------------------------------------------------------------------------
// Async events

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
	g.zero(rec)
	base, off := g.addrOf(rec)
	id := g.newReg()
	g.movImm(id, int64(e.ID))
	g.stx(base, off, id, asm.DWord)
	slot := g.alloc(8)
	done := g.newLabel("join_done")
	s := g.newReg()
	for i := 0; i < joinMax; i++ {
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
