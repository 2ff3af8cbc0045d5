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
		return g.scalarAs(x.Args[1], types.Timestamp)
	case "ksym":
		return g.scalarAs(x.Args[0], types.Ksym)
	case "usym":
		v := g.expr(x.Args[0])
		g.scalar(v)
		return g.usym(v)
	case "cgroup_path":
		return g.scalarAs(x.Args[0], types.CgroupPath)
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
	case "assert":
		return g.assert(x)
	case "static_assert":
		if k, ok := g.constInt(x.Args[0]); ok && k != 0 {
			return imm(types.Void, 0)
		}
		g.failf(x, "static assertion failed")
		return imm(types.Void, 0)
	case "path":
		return g.path(x)
	case "is_err":
		// IS_ERR: the last 4095 values of the address space.
		v := g.expr(x.Args[0])
		r := g.newReg()
		done := g.newLabel("is_err")
		g.movImm(r, 0)
		g.jmpImm(asm.JLT, g.scalar(v), -4095, done)
		g.movImm(r, 1)
		g.mark(done)
		return regVal(types.Bool, r)
	case "container_of":
		return g.containerOf(x)
	case "socket_cookie":
		g.into(r1, g.expr(x.Args[0]))
		g.call(asm.FnGetSocketCookie)
		return g.fromR0(types.Uint64)
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

// assert reports an error and exits when the condition is false.
func (g *gen) assert(x *ast.CallExpr) *val {
	ok := g.newLabel("assert_ok")
	els := g.newLabel("assert_failed")
	g.condJump(x.Args[0], els)
	g.ja(ok)
	g.mark(els)
	g.inBranch(func() {
		e := g.c.event(&plan.Event{Kind: plan.EventErrorf, Format: "assert failed: %s", Pos: x.Pos(), End: x.End()})
		g.sendEvent(e, x.Args[1:2])
		exit := g.c.event(&plan.Event{Kind: plan.EventExit, Pos: x.Pos(), End: x.End()})
		g.sendEvent(exit, []ast.Expr{&ast.IntLit{ValuePos: x.Pos(), Lit: "1", Value: 1}})
		g.ja(g.f.exit)
	})
	g.mark(ok)
	return imm(types.Void, 0)
}

// path is the path of a struct path, from bpf_d_path (fentry, fexit and
// iterators only).
func (g *gen) path(x *ast.CallExpr) *val {
	n := int(g.c.opts.MaxStrlen)
	if st, ok := g.typeOf(x).(*types.String); ok && st.Len > 0 {
		n = int(st.Len)
	}
	p := g.expr(x.Args[0])
	m := g.alloc(n)
	g.zero(m)
	g.into(r1, p)
	g.ptrTo(r2, m)
	g.movImm(r3, int64(n))
	g.call(asm.FnDPath)
	return memVal(&types.String{Len: int64(n)}, m)
}

// containerOf is the address of the struct that holds a member at ptr.
func (g *gen) containerOf(x *ast.CallExpr) *val {
	t := g.typeOf(x)
	pt, ok := t.(*types.Pointer)
	var st *types.Struct
	if ok {
		st, _ = pt.Elem.(*types.Struct)
	}
	id, ok2 := ast.Unparen(x.Args[2]).(*ast.Ident)
	if st == nil || !ok2 {
		g.failf(x, "container_of() needs a struct type and a member")
		return imm(types.Uint64, 0)
	}
	f, ok := st.Field(id.Name)
	if !ok {
		g.failf(x.Args[2], "%s has no member %s", st, id.Name)
		return imm(types.Uint64, 0)
	}
	v := g.expr(x.Args[0])
	r := g.owned(v)
	if f.Offset != 0 {
		g.aluConst(asm.Sub, r, f.Offset)
	}
	return regVal(t, r)
}

// scalarAs evaluates x into a register and gives it type t: the
// print-only types (timestamp, ksym, cgroup path) are their argument's
// bits, resolved in user space.
func (g *gen) scalarAs(x ast.Expr, t types.Type) *val {
	v := g.expr(x)
	g.scalar(v)
	v.t = t
	return v
}
