package compile

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"

	"github.com/bt-tools/bt/engine/plan"
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
)

// BPF map update flags.
const bpfAny = 0

// umap is a user map and how the compiler stores it.
//
// Keyed maps are hash maps (per-CPU for aggregations): the key is the
// user key in 8-byte slots, followed for hist and lhist by a u64 bucket
// index. Scalar maps avoid hashing: a scalar aggregation is a one-entry
// PERCPU_ARRAY (a scalar hist or lhist one entry per bucket, keyed by the
// u32 index) and any other scalar a one-entry ARRAY whose value starts
// with a u64 that is 1 once the map was assigned (arrays have no absent
// entries; engine/render shows an unset scalar as an empty map). A scalar
// aggregation that the script deletes stays a hash map, since deleting
// from a per-CPU array cannot clear the other CPUs' values.
type umap struct {
	*plan.Map
	array bool // scalar in an array: key u32 0 (or the bucket index)
	flag  bool // the value starts with the "set" word
}

// valueOff is where the user value starts in a map value.
func (m *umap) valueOff() int16 {
	if m.flag {
		return 8
	}
	return 0
}

func (g *gen) userMap(x *ast.MapExpr) *umap {
	um := g.c.maps["@"+x.Name]
	if um == nil {
		g.failf(x, "internal error: no storage for map @%s", x.Name)
	}
	return um
}

// mapKey builds the key of @m[keys] (or of a scalar map) in memory; extra
// reserves room for a trailing bucket index.
func (g *gen) mapKey(um *umap, keys []ast.Expr, extra int) mem {
	if um.array {
		m := g.alloc(8)
		base, off := g.addrOf(m)
		g.st(base, off, 0, asm.Word)
		return m
	}
	if um.Scalar || len(keys) == 0 {
		if um.Scalar && extra > 0 {
			return g.alloc(extra) // a scalar hist is keyed by the bucket alone
		}
		m := g.alloc(8 + extra)
		base, off := g.addrOf(m)
		g.st(base, off, 0, asm.DWord)
		return m
	}
	size := slotSize(um.Key)
	if len(keys) == 1 && extra == 0 {
		// A variable in memory of the key's type is the key as it is:
		// variables are kept NUL-padded.
		if x, ok := ast.Unparen(keys[0]).(*ast.VarExpr); ok {
			if v := g.info.Vars[x]; v != nil {
				if l := g.varLoc(v); !l.inReg && types.Identical(g.c.storage(v.Type), um.Key) && slotSize(g.c.storage(v.Type)) == size && l.mem.size >= size {
					if st, ok := um.Key.(*types.String); !ok || st.Len == g.c.storage(v.Type).(*types.String).Len {
						return l.mem
					}
				}
			}
		}
	}
	m := g.alloc(size + extra)
	if len(keys) == 1 {
		g.exprTo(keys[0], m.at(0, size), um.Key, true)
		return m
	}
	tt, _ := um.Key.(*types.Tuple)
	if tt == nil || len(tt.Elems) != len(keys) {
		g.failf(keys[0], "internal error: key of type %s", um.Key)
		return m
	}
	for i, k := range keys {
		off := int(tt.Offset(i))
		g.exprTo(k, m.at(off, slotSize(tt.Elems[i])), tt.Elems[i], true)
	}
	return m
}

// lookup emits map_lookup_elem(map, &key); R0 is the value pointer or 0.
func (g *gen) lookup(um *umap, key mem) {
	g.ldMap(r1, um.Name)
	g.ptrTo(r2, key)
	g.call(asm.FnMapLookupElem)
}

// update emits map_update_elem(map, &key, &value, BPF_ANY).
func (g *gen) update(um *umap, key, value mem) {
	g.ldMap(r1, um.Name)
	g.ptrTo(r2, key)
	g.ptrTo(r3, value)
	g.movImm(r4, bpfAny)
	g.call(asm.FnMapUpdateElem)
}

// mapRead reads @m or @m[keys]; a missing entry reads as zero.
func (g *gen) mapRead(x *ast.MapExpr, keys []ast.Expr) *val {
	um := g.userMap(x)
	if um == nil {
		return imm(types.Int64, 0)
	}
	key := g.mapKey(um, keys, 0)
	if agg, ok := um.Value.(*types.Agg); ok {
		if !agg.Castable() {
			g.failf(x, "%s values cannot be read in the kernel", agg)
			return imm(types.Int64, 0)
		}
		return g.aggRead(um, key, agg)
	}
	t := um.Value
	g.lookup(um, key)
	if isScalar(t) {
		r := g.newReg()
		done := g.newLabel("miss")
		g.movImm(r, 0)
		g.jmpImm(asm.JEq, r0, 0, done)
		g.ldx(r, r0, um.valueOff(), asm.DWord)
		g.mark(done)
		return regVal(t, r)
	}
	m := g.alloc(slotSize(t))
	p := g.newReg()
	g.mov(p, r0)
	miss, done := g.newLabel("miss"), g.newLabel("read")
	g.jmpImm(asm.JEq, p, 0, miss)
	b, off := g.addrOf(m)
	tmp := g.newReg()
	for i := 0; i < m.size; i += 8 {
		g.ldx(tmp, p, um.valueOff()+int16(i), asm.DWord)
		g.stx(b, off+int16(i), tmp, asm.DWord)
	}
	g.ja(done)
	g.mark(miss)
	g.zero(m)
	g.mark(done)
	return memVal(t, m)
}

// aggRead reads a castable aggregation in the kernel: the sum over every
// CPU's slot for count and sum, the combined average, and the smallest or
// largest value set on any CPU.
func (g *gen) aggRead(um *umap, key mem, agg *types.Agg) *val {
	ncpu, err := ebpf.PossibleCPU()
	if err != nil || ncpu < 1 {
		ncpu = 1
	}
	res := g.newReg()
	cnt := g.newReg() // avg: entries; min/max: whether any CPU had a value
	cpu := g.newReg()
	g.movImm(res, 0)
	g.movImm(cnt, 0)
	g.movImm(cpu, 0)
	loop, next := g.newLabel("cpu"), g.newLabel("cpu_next")
	g.mark(loop)
	g.ldMap(r1, um.Name)
	g.ptrTo(r2, key)
	g.mov(r3, cpu)
	g.call(asm.FnMapLookupPercpuElem)
	g.jmpImm(asm.JEq, r0, 0, next)
	v := g.newReg()
	g.ldx(v, r0, 0, asm.DWord)
	switch agg.Kind {
	case types.Count, types.Sum:
		g.alu(asm.Add, res, v)
	case types.Avg:
		g.alu(asm.Add, res, v)
		g.ldx(v, r0, 8, asm.DWord)
		g.alu(asm.Add, cnt, v)
	case types.Min, types.Max:
		set := g.newReg()
		g.ldx(set, r0, 8, asm.DWord)
		g.jmpImm(asm.JEq, set, 0, next)
		take := g.newLabel("take")
		g.jmpImm(asm.JEq, cnt, 0, take)
		var keep asm.JumpOp
		switch {
		case agg.Kind == types.Min && agg.Signed:
			keep = asm.JSGE
		case agg.Kind == types.Min:
			keep = asm.JGE
		case agg.Signed:
			keep = asm.JSLE
		default:
			keep = asm.JLE
		}
		g.jmp(keep, v, res, next)
		g.mark(take)
		g.mov(res, v)
		g.movImm(cnt, 1)
	}
	g.mark(next)
	g.aluImm(asm.Add, cpu, 1)
	g.jmpImm(asm.JLT, cpu, int32(ncpu), loop)
	if agg.Kind == types.Avg {
		done := g.newLabel("avg")
		g.jmpImm(asm.JEq, cnt, 0, done)
		if agg.Signed {
			q := g.signedDiv(token.QUO, regVal(types.Int64, res), regVal(types.Int64, cnt), types.Int64)
			g.mov(res, q.reg)
		} else {
			g.alu(asm.Div, res, cnt)
		}
		g.mark(done)
	}
	return regVal(types.IntOf(64, agg.Signed), res)
}

// mapAssign generates @m[k] = v, @m[k] op= v and @m[k] = agg(...).
func (g *gen) mapAssign(s *ast.AssignStmt, x *ast.MapExpr, keys []ast.Expr) {
	um := g.userMap(x)
	if um == nil {
		return
	}
	if _, isAgg := um.Value.(*types.Agg); isAgg && s.Tok == token.ASSIGN {
		rhs := ast.Unparen(s.RHS)
		// @m = { stmts; agg(...) }: the statements, then the aggregation.
		for {
			b, ok := rhs.(*ast.Block)
			if !ok || b.Value == nil {
				break
			}
			for _, st := range b.Stmts {
				g.stmt(st)
			}
			rhs = ast.Unparen(b.Value)
		}
		if call, ok := rhs.(*ast.CallExpr); ok {
			g.aggregate(um, keys, call)
			return
		}
	}
	if s.Tok != token.ASSIGN {
		if b, ok := g.constInt(s.RHS); ok && (s.Tok == token.ADDASSIGN || s.Tok == token.SUBASSIGN) {
			if s.Tok == token.SUBASSIGN {
				b = -b
			}
			g.mapAdd(x, keys, b, false)
			return
		}
		g.mapStore(um, keys, g.compound(s, g.mapRead(x, keys)))
		return
	}
	g.mapStore(um, keys, g.expr(s.RHS))
}

// mapStore writes v under keys.
func (g *gen) mapStore(um *umap, keys []ast.Expr, v *val) {
	if isScalar(v.t) {
		g.scalar(v) // compute before the key
	}
	key := g.mapKey(um, keys, 0)
	if um.array {
		g.lookup(um, key)
		p := g.newReg()
		g.mov(p, r0)
		done := g.newLabel("stored")
		g.jmpImm(asm.JEq, p, 0, done)
		g.st(p, 0, 1, asm.DWord)
		g.storeAt(p, 8, slotSize(um.Value), v, um.Value)
		g.mark(done)
		return
	}
	value := g.alloc(slotSize(um.Value))
	g.storeAs(value, v, um.Value)
	g.update(um, key, value)
}

// storeAt stores v (of map type t, size bytes) at p+off, p a map value.
func (g *gen) storeAt(p reg, off int16, size int, v *val, t types.Type) {
	if v.kind != inMem || isScalar(v.t) {
		if v.kind == inImm && fitsImm(v.imm) {
			g.st(p, off, int32(v.imm), asm.DWord)
			return
		}
		g.stx(p, off, g.scalar(v), asm.DWord)
		return
	}
	n := min(size, v.mem.size)
	if st, ok := t.(*types.String); ok {
		n = min(n, int(st.Len))
	}
	if vs, ok := v.t.(*types.String); ok {
		n = min(n, int(vs.Len))
	}
	sb, soff := g.addrOf(v.mem)
	tmp := g.newReg()
	i := 0
	for ; i+8 <= n; i += 8 {
		g.ldx(tmp, sb, soff+int16(i), asm.DWord)
		g.stx(p, off+int16(i), tmp, asm.DWord)
	}
	for ; i < n; i++ {
		g.ldx(tmp, sb, soff+int16(i), asm.Byte)
		g.stx(p, off+int16(i), tmp, asm.Byte)
	}
	for ; i%8 != 0 && i < size; i++ {
		g.st(p, off+int16(i), 0, asm.Byte)
	}
	for ; i < size; i += 8 {
		g.st(p, off+int16(i), 0, asm.DWord)
	}
}

// mapAdd implements @m[k]++, @m[k] += c and friends: in place when the
// entry exists, else a new entry with the delta. It returns the old or
// the new value.
func (g *gen) mapAdd(x *ast.MapExpr, keys []ast.Expr, delta int64, post bool) *val {
	um := g.userMap(x)
	if um == nil {
		return imm(types.Int64, 0)
	}
	t := um.Value
	if _, isAgg := t.(*types.Agg); isAgg || !isScalar(t) {
		g.failf(x, "bt run cannot increment this map")
		return imm(types.Int64, 0)
	}
	key := g.mapKey(um, keys, 0)
	g.lookup(um, key)
	p := g.newReg()
	g.mov(p, r0)
	old, nv := g.newReg(), g.newReg()
	miss, done := g.newLabel("add_new"), g.newLabel("added")
	g.jmpImm(asm.JEq, p, 0, miss)
	// Atomically: other CPUs may update the same entry.
	g.movImm(old, delta)
	g.add(asm.FetchAdd.Mem(0, 0, asm.DWord, um.valueOff()), p, old)
	g.mov(nv, old)
	g.aluConst(asm.Add, nv, delta)
	if um.flag {
		g.st(p, 0, 1, asm.DWord)
	}
	g.ja(done)
	g.mark(miss)
	g.movImm(old, 0)
	g.movImm(nv, delta)
	if !um.array {
		value := g.alloc(8)
		g.store(value, regVal(t, nv))
		g.update(um, key, value)
	}
	g.mark(done)
	if post {
		return regVal(t, old)
	}
	return regVal(t, nv)
}

// ----------------------------------------------------------------------------
// Aggregations

// aggregate generates @m[k] = count() / sum(v) / min / max / avg / stats
// / hist / lhist: the value is computed first, then the entry is looked
// up and updated in place (per-CPU values need no atomics), or created.
func (g *gen) aggregate(um *umap, keys []ast.Expr, call *ast.CallExpr) {
	agg := um.Value.(*types.Agg)
	var v reg = noReg
	if len(call.Args) > 0 && agg.Kind != types.Count {
		v = g.owned(g.expr(call.Args[0]))
	}
	var key mem
	switch {
	case um.Bucketed && um.array:
		idx := g.bucket(agg, call, v)
		key = g.alloc(8)
		base, off := g.addrOf(key)
		g.stx(base, off, idx, asm.Word)
	case um.Bucketed:
		keyOff := 0
		if !um.Scalar && len(keys) > 0 {
			keyOff = slotSize(um.Key)
		}
		key = g.mapKey(um, keys, 8)
		idx := g.bucket(agg, call, v)
		base, off := g.addrOf(key)
		g.stx(base, off+int16(keyOff), idx, asm.DWord)
	default:
		key = g.mapKey(um, keys, 0)
	}
	g.lookup(um, key)
	p := g.newReg()
	g.mov(p, r0)
	miss, done := g.newLabel("agg_new"), g.newLabel("agg_done")
	g.jmpImm(asm.JEq, p, 0, miss)
	// An existing entry, this CPU's slot: update in place.
	t := g.newReg()
	switch agg.Kind {
	case types.Count, types.Hist, types.Lhist:
		g.ldx(t, p, 0, asm.DWord)
		g.aluImm(asm.Add, t, 1)
		g.stx(p, 0, t, asm.DWord)
	case types.Sum:
		g.ldx(t, p, 0, asm.DWord)
		g.alu(asm.Add, t, v)
		g.stx(p, 0, t, asm.DWord)
	case types.Avg, types.Stats:
		g.ldx(t, p, 0, asm.DWord)
		g.alu(asm.Add, t, v)
		g.stx(p, 0, t, asm.DWord)
		g.ldx(t, p, 8, asm.DWord)
		g.aluImm(asm.Add, t, 1)
		g.stx(p, 8, t, asm.DWord)
	case types.Min, types.Max:
		set := g.newLabel("minmax_set")
		g.ldx(t, p, 8, asm.DWord)
		g.jmpImm(asm.JEq, t, 0, set)
		g.ldx(t, p, 0, asm.DWord)
		var keep asm.JumpOp
		switch {
		case agg.Kind == types.Min && agg.Signed:
			keep = asm.JSLE // keep when cur <= v
		case agg.Kind == types.Min:
			keep = asm.JLE
		case agg.Signed:
			keep = asm.JSGE
		default:
			keep = asm.JGE
		}
		g.jmp(keep, t, v, done)
		g.mark(set)
		g.stx(p, 0, v, asm.DWord)
		g.st(p, 8, 1, asm.DWord)
	default:
		g.failf(call, "bt run does not support %s() yet", agg.Kind)
	}
	g.ja(done)
	// A new entry (hash maps only: arrays always have theirs): its first
	// value.
	g.mark(miss)
	if !um.array {
		init := g.alloc(max(int(agg.Size()), 8))
		base, off := g.addrOf(init)
		switch agg.Kind {
		case types.Count, types.Hist, types.Lhist:
			g.st(base, off, 1, asm.DWord)
		case types.Sum:
			g.stx(base, off, v, asm.DWord)
		case types.Min, types.Max, types.Avg, types.Stats:
			g.stx(base, off, v, asm.DWord)
			g.st(base, off+8, 1, asm.DWord)
		}
		g.update(um, key, init)
	}
	g.mark(done)
}

// bucket computes the hist or lhist bucket index of v.
func (g *gen) bucket(agg *types.Agg, call *ast.CallExpr, x reg) reg {
	r := g.newReg()
	done := g.newLabel("bucket_done")
	if agg.Kind == types.Lhist {
		lo, hi, step := g.constArg(call, 1), g.constArg(call, 2), g.constArg(call, 3)
		if step < 1 {
			step = 1
		}
		over := g.newLabel("over")
		g.movImm(r, 0)
		g.jmpConst(asm.JSLT, x, lo, done)
		g.jmpConst(asm.JSGT, x, hi, over)
		g.mov(r, x)
		g.aluConst(asm.Sub, r, lo)
		if step > 1 {
			g.aluConst(asm.Div, r, step)
		}
		g.aluImm(asm.Add, r, 1)
		g.ja(done)
		g.mark(over)
		g.movImm(r, 1+(hi-lo)/step)
		g.mark(done)
		return r
	}
	k := int32(0)
	if len(call.Args) > 1 {
		k = int32(g.constArg(call, 1))
	}
	small := g.newLabel("small")
	l, y, t := g.newReg(), g.newReg(), g.newReg()
	g.movImm(r, 0)
	g.jmpImm(asm.JSLT, x, 0, done)
	g.jmpImm(asm.JLT, x, 1<<k, small)
	// l = floor(log2 x), by halving the search range.
	g.mov(y, x)
	g.movImm(l, 0)
	for _, sh := range []int32{32, 16, 8, 4, 2, 1} {
		next := g.newLabel("log2")
		g.mov(t, y)
		g.aluImm(asm.RSh, t, sh)
		g.jmpImm(asm.JEq, t, 0, next)
		g.mov(y, t)
		g.aluImm(asm.Add, l, sh)
		g.mark(next)
	}
	// l -= k; x' = (x >> l) & (2^k - 1); idx = ((l+1) << k) + x' + 1
	g.mov(r, l)
	if k > 0 {
		g.aluImm(asm.Sub, l, k)
		g.aluImm(asm.Sub, r, k)
		g.mov(t, x)
		g.alu(asm.RSh, t, l)
		g.aluImm(asm.And, t, (1<<k)-1)
		g.aluImm(asm.Add, r, 1)
		g.aluImm(asm.LSh, r, k)
		g.alu(asm.Add, r, t)
		g.aluImm(asm.Add, r, 1)
	} else {
		g.aluImm(asm.Add, r, 2)
	}
	g.ja(done)
	g.mark(small)
	g.mov(r, x)
	g.aluImm(asm.Add, r, 1)
	g.mark(done)
	return r
}

// histBuckets is the number of hist or lhist buckets.
func histBuckets(agg *types.Agg) int {
	if agg.Kind == types.Lhist {
		step := max(agg.Step, 1)
		return int(2 + (agg.Max-agg.Min)/step)
	}
	return (65-agg.Bits)<<agg.Bits + 1
}

func (g *gen) constArg(call *ast.CallExpr, i int) int64 {
	if i >= len(call.Args) {
		return 0
	}
	k, ok := g.constInt(call.Args[i])
	if !ok {
		g.failf(call.Args[i], "argument must be a constant")
	}
	return k
}

// mapDelete generates delete(@m, k) / delete(@m[k]); the result says
// whether there was an entry.
func (g *gen) mapDelete(x *ast.MapExpr, keys []ast.Expr) *val {
	um := g.userMap(x)
	if um == nil {
		return imm(types.Bool, 0)
	}
	key := g.mapKey(um, keys, 0)
	r := g.newReg()
	if um.array {
		// Clear the value and its set word.
		g.lookup(um, key)
		p := g.newReg()
		g.mov(p, r0)
		done := g.newLabel("deleted")
		g.movImm(r, 0)
		g.jmpImm(asm.JEq, p, 0, done)
		g.ldx(r, p, 0, asm.DWord)
		for i := 0; i < int(um.Spec.ValueSize); i += 8 {
			g.st(p, int16(i), 0, asm.DWord)
		}
		g.mark(done)
		return regVal(types.Bool, r)
	}
	g.ldMap(r1, um.Name)
	g.ptrTo(r2, key)
	g.call(asm.FnMapDeleteElem)
	done := g.newLabel("deleted")
	g.movImm(r, 1)
	g.jmpImm(asm.JEq, r0, 0, done)
	g.movImm(r, 0)
	g.mark(done)
	return regVal(types.Bool, r)
}

// hasKey generates has_key(@m, k).
func (g *gen) hasKey(x *ast.MapExpr, keys []ast.Expr) *val {
	um := g.userMap(x)
	if um == nil {
		return imm(types.Bool, 0)
	}
	key := g.mapKey(um, keys, 0)
	g.lookup(um, key)
	r := g.newReg()
	done := g.newLabel("has")
	g.movImm(r, 0)
	g.jmpImm(asm.JEq, r0, 0, done)
	g.movImm(r, 1)
	g.mark(done)
	return regVal(types.Bool, r)
}
