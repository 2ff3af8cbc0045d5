package compile

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"

	"github.com/bt-tools/bt/engine/plan"
	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lang/types"
)

// BPF map update flags.
const (
	bpfAny     = 0
	bpfNoExist = 1
)

func (g *gen) userMap(x *ast.MapExpr) *plan.Map {
	pm := g.c.maps["@"+x.Name]
	if pm == nil {
		g.failf(x, "internal error: no storage for map @%s", x.Name)
	}
	return pm
}

// mapKey builds the key of @m[keys] (or of a scalar map) in memory; extra
// reserves room for a trailing bucket index.
func (g *gen) mapKey(pm *plan.Map, keys []ast.Expr, extra int) mem {
	if pm.Scalar && extra > 0 {
		m := g.alloc(extra) // a scalar hist is keyed by the bucket alone
		g.zero(m)
		return m
	}
	if pm.Scalar || len(keys) == 0 {
		m := g.alloc(8 + extra)
		g.zero(m)
		return m
	}
	size := slotSize(pm.Key)
	m := g.alloc(size + extra)
	g.zero(m)
	if len(keys) == 1 {
		v := g.expr(keys[0])
		g.storeAs(mem{scratch: m.scratch, off: m.off, size: size}, v, pm.Key)
		g.drop(v)
		return m
	}
	tt, _ := pm.Key.(*types.Tuple)
	for i, k := range keys {
		v := g.expr(k)
		off := int(tt.Offset(i))
		g.storeAs(mem{scratch: m.scratch, off: m.off + off, size: slotSize(tt.Elems[i])}, v, tt.Elems[i])
		g.drop(v)
	}
	return m
}

// storeAs stores v into a slot of type t (copying at most t's size, so a
// shorter string never drags garbage into a key).
func (g *gen) storeAs(m mem, v *val, t types.Type) {
	if st, ok := t.(*types.String); ok && v.kind == inMem {
		n := min(int(st.Len), v.mem.size)
		if vs, ok := v.t.(*types.String); ok {
			n = min(n, int(vs.Len))
		}
		g.copyMem(m, v.mem, n)
		return
	}
	g.store(m, v)
}

// lookup emits map_lookup_elem(map, &key); R0 is the value pointer or 0.
func (g *gen) lookup(pm *plan.Map, key mem) {
	g.emit(asm.LoadMapPtr(asm.R1, 0).WithReference(pm.Name))
	g.ptrTo(asm.R2, key)
	g.call(asm.FnMapLookupElem)
}

// update emits map_update_elem(map, &key, &value, flags).
func (g *gen) update(pm *plan.Map, key, value mem, flags int32) {
	g.emit(asm.LoadMapPtr(asm.R1, 0).WithReference(pm.Name))
	g.ptrTo(asm.R2, key)
	g.ptrTo(asm.R3, value)
	g.emit(asm.Mov.Imm(asm.R4, flags))
	g.call(asm.FnMapUpdateElem)
}

// mapRead reads @m or @m[keys]; a missing entry reads as zero.
func (g *gen) mapRead(x *ast.MapExpr, keys []ast.Expr) *val {
	pm := g.userMap(x)
	if pm == nil {
		return imm(types.Int64, 0)
	}
	key := g.mapKey(pm, keys, 0)
	if agg, ok := pm.Value.(*types.Agg); ok {
		return g.aggRead(pm, key, agg)
	}
	t := pm.Value
	g.lookup(pm, key)
	if isScalar(t) {
		r := g.reg()
		v := g.regVal(t, r)
		done := g.newLabel("miss")
		g.emit(asm.Mov.Imm(r, 0), asm.JEq.Imm(asm.R0, 0, done), asm.LoadMem(r, asm.R0, 0, asm.DWord))
		g.mark(done)
		return v
	}
	m := g.alloc(slotSize(t))
	g.zero(m)
	done := g.newLabel("miss")
	g.emit(asm.JEq.Imm(asm.R0, 0, done), asm.Mov.Reg(asm.R2, asm.R0))
	g.ptrTo(asm.R1, m)
	n := slotSize(t)
	for i := 0; i < n; i += 8 {
		g.emit(asm.LoadMem(asm.R3, asm.R2, int16(i), asm.DWord), asm.StoreMem(asm.R1, int16(i), asm.R3, asm.DWord))
	}
	g.mark(done)
	g.emit(asm.Mov.Imm(asm.R0, 0))
	return &val{t: t, kind: inMem, mem: m}
}

// aggRead reads a castable aggregation in the kernel: the sum over every
// CPU's slot (count, sum) or the combined average; min and max read this
// CPU's value.
func (g *gen) aggRead(pm *plan.Map, key mem, agg *types.Agg) *val {
	r := g.reg()
	v := g.regVal(types.IntOf(64, agg.Signed), r)
	g.emit(asm.Mov.Imm(r, 0))
	ncpu, err := ebpf.PossibleCPU()
	if err != nil || ncpu < 1 {
		ncpu = 1
	}
	cnt := g.alloc(8)
	g.zero(cnt)
	for cpu := 0; cpu < ncpu; cpu++ {
		skip := g.newLabel("cpu")
		g.emit(asm.LoadMapPtr(asm.R1, 0).WithReference(pm.Name))
		g.ptrTo(asm.R2, key)
		g.emit(asm.Mov.Imm(asm.R3, int32(cpu)))
		g.call(asm.FnMapLookupPercpuElem)
		g.emit(asm.JEq.Imm(asm.R0, 0, skip), asm.LoadMem(asm.R1, asm.R0, 0, asm.DWord), asm.Add.Reg(r, asm.R1))
		if agg.Kind == types.Avg {
			base, off := g.addrOf(cnt)
			_ = base
			g.emit(asm.LoadMem(asm.R1, asm.R0, 8, asm.DWord))
			base, off = g.addrOf(cnt)
			g.emit(asm.LoadMem(asm.R2, base, off, asm.DWord), asm.Add.Reg(asm.R2, asm.R1))
			base, off = g.addrOf(cnt)
			g.emit(asm.StoreMem(base, off, asm.R2, asm.DWord))
		}
		g.mark(skip)
		g.emit(asm.Mov.Imm(asm.R0, 0))
	}
	if agg.Kind == types.Avg {
		done := g.newLabel("avg")
		base, off := g.addrOf(cnt)
		g.emit(asm.LoadMem(asm.R1, base, off, asm.DWord), asm.JEq.Imm(asm.R1, 0, done), asm.Div.Reg(r, asm.R1))
		g.mark(done)
		g.emit(asm.Mov.Imm(asm.R0, 0))
	}
	return v
}

// mapAssign generates @m[k] = v, @m[k] op= v and @m[k] = agg(...).
func (g *gen) mapAssign(s *ast.AssignStmt, x *ast.MapExpr, keys []ast.Expr) {
	pm := g.userMap(x)
	if pm == nil {
		return
	}
	if call, ok := ast.Unparen(s.RHS).(*ast.CallExpr); ok {
		if _, isAgg := pm.Value.(*types.Agg); isAgg && s.Tok == token.ASSIGN {
			g.aggregate(pm, keys, call)
			return
		}
	}
	var v *val
	if s.Tok == token.ASSIGN {
		v = g.expr(s.RHS)
	} else {
		v = g.compound(s, g.mapRead(x, keys))
	}
	g.mapStore(pm, keys, v)
}

// mapStore writes v under keys.
func (g *gen) mapStore(pm *plan.Map, keys []ast.Expr, v *val) {
	if isScalar(v.t) {
		g.scalar(v) // compute before the key clobbers scratch registers
	}
	key := g.mapKey(pm, keys, 0)
	value := g.alloc(slotSize(pm.Value))
	if !isScalar(pm.Value) {
		g.zero(value)
	}
	g.storeAs(value, v, pm.Value)
	g.drop(v)
	g.update(pm, key, value, bpfAny)
}

// mapAdd implements @m[k]++ and friends: read, add, write.
func (g *gen) mapAdd(x *ast.MapExpr, keys []ast.Expr, delta *val, post bool) *val {
	pm := g.userMap(x)
	if pm == nil {
		return imm(types.Int64, 0)
	}
	cur := g.mapRead(x, keys)
	r := g.scalar(cur)
	res := g.regVal(cur.t, g.reg())
	g.emit(asm.Mov.Reg(res.reg, r))
	g.emit(asm.Add.Imm(r, int32(delta.imm)))
	if !post {
		g.emit(asm.Mov.Reg(res.reg, r))
	}
	g.mapStore(pm, keys, cur)
	return res
}

// ----------------------------------------------------------------------------
// Aggregations

// aggregate generates @m[k] = count() / sum(v) / min / max / avg / stats
// / hist / lhist: the value is computed first, then the entry is looked
// up and updated in place, or created.
func (g *gen) aggregate(pm *plan.Map, keys []ast.Expr, call *ast.CallExpr) {
	agg := pm.Value.(*types.Agg)
	var v *val
	if len(call.Args) > 0 {
		v = g.expr(call.Args[0])
		g.scalar(v)
	}
	extra := 0
	if pm.Bucketed {
		extra = 8
	}
	key := g.mapKey(pm, keys, extra)
	if pm.Bucketed {
		idx := g.bucket(agg, call, v)
		keyOff := 0
		if !pm.Scalar && len(keys) > 0 {
			keyOff = slotSize(pm.Key)
		}
		base, off := g.addrOf(key)
		g.emit(asm.StoreMem(base, off+int16(keyOff), idx.reg, asm.DWord))
		g.drop(idx)
		g.drop(v)
		v = nil
	}
	g.lookup(pm, key)
	upd, done := g.newLabel("agg_upd"), g.newLabel("agg_done")
	g.emit(asm.JNE.Imm(asm.R0, 0, upd))
	// A new entry: its first value.
	init := g.alloc(max(int(agg.Size()), 8))
	g.zero(init)
	base, off := g.addrOf(init)
	if base == asm.R0 {
		g.emit(asm.Mov.Reg(asm.R5, asm.R0))
		base = asm.R5
	}
	switch agg.Kind {
	case types.Count, types.Hist, types.Lhist:
		g.storeConst(base, off, 1)
	case types.Sum:
		g.emit(asm.StoreMem(base, off, v.reg, asm.DWord))
	case types.Min, types.Max, types.Avg, types.Stats:
		g.emit(asm.StoreMem(base, off, v.reg, asm.DWord))
		g.storeConst(base, off+8, 1)
	}
	g.update(pm, key, init, bpfNoExist)
	g.emit(asm.Ja.Label(done))
	// An existing entry, this CPU's slot: update in place.
	g.mark(upd)
	switch agg.Kind {
	case types.Count, types.Hist, types.Lhist:
		g.emit(asm.LoadMem(asm.R1, asm.R0, 0, asm.DWord), asm.Add.Imm(asm.R1, 1), asm.StoreMem(asm.R0, 0, asm.R1, asm.DWord))
	case types.Sum:
		g.emit(asm.LoadMem(asm.R1, asm.R0, 0, asm.DWord), asm.Add.Reg(asm.R1, v.reg), asm.StoreMem(asm.R0, 0, asm.R1, asm.DWord))
	case types.Avg, types.Stats:
		g.emit(
			asm.LoadMem(asm.R1, asm.R0, 0, asm.DWord), asm.Add.Reg(asm.R1, v.reg), asm.StoreMem(asm.R0, 0, asm.R1, asm.DWord),
			asm.LoadMem(asm.R1, asm.R0, 8, asm.DWord), asm.Add.Imm(asm.R1, 1), asm.StoreMem(asm.R0, 8, asm.R1, asm.DWord),
		)
	case types.Min, types.Max:
		set := g.newLabel("minmax_set")
		g.emit(
			asm.LoadMem(asm.R1, asm.R0, 8, asm.DWord), asm.JEq.Imm(asm.R1, 0, set),
			asm.LoadMem(asm.R1, asm.R0, 0, asm.DWord),
		)
		skip := done
		var jump asm.JumpOp
		switch {
		case agg.Kind == types.Min && agg.Signed:
			jump = asm.JSLE // keep when cur <= v
		case agg.Kind == types.Min:
			jump = asm.JLE
		case agg.Signed:
			jump = asm.JSGE
		default:
			jump = asm.JGE
		}
		g.emit(jump.Reg(asm.R1, v.reg, skip))
		g.mark(set)
		g.emit(asm.StoreMem(asm.R0, 0, v.reg, asm.DWord))
		g.storeConst(asm.R0, 8, 1)
	default:
		g.failf(call, "bt run does not support %s() yet", agg.Kind)
	}
	g.mark(done)
	g.emit(asm.Mov.Imm(asm.R0, 0))
	g.drop(v)
}

// bucket computes the hist or lhist bucket index of v.
func (g *gen) bucket(agg *types.Agg, call *ast.CallExpr, v *val) *val {
	r := g.reg()
	idx := g.regVal(types.Uint64, r)
	x := v.reg
	done := g.newLabel("bucket_done")
	if agg.Kind == types.Lhist {
		lo, hi, step := g.constArg(call, 1), g.constArg(call, 2), g.constArg(call, 3)
		if step < 1 {
			step = 1
		}
		over := g.newLabel("over")
		g.emit(
			asm.Mov.Imm(r, 0),
			asm.JSLT.Imm(x, int32(lo), done),
			asm.JSGT.Imm(x, int32(hi), over),
			asm.Mov.Reg(r, x), asm.Sub.Imm(r, int32(lo)), asm.Div.Imm(r, int32(step)), asm.Add.Imm(r, 1),
			asm.Ja.Label(done),
		)
		g.mark(over)
		g.emit(asm.Mov.Imm(r, int32(1+(hi-lo)/step)))
		g.mark(done)
		g.emit(asm.Mov.Imm(asm.R0, 0))
		return idx
	}
	k := int32(0)
	if len(call.Args) > 1 {
		k = int32(g.constArg(call, 1))
	}
	small := g.newLabel("small")
	g.emit(
		asm.Mov.Imm(r, 0),
		asm.JSLT.Imm(x, 0, done),
		asm.JLT.Imm(x, 1<<k, small),
		// R1 = floor(log2 x), by halving the search range.
		asm.Mov.Reg(asm.R2, x), asm.Mov.Imm(asm.R1, 0),
	)
	for _, sh := range []int32{32, 16, 8, 4, 2, 1} {
		next := g.newLabel("log2")
		g.emit(
			asm.Mov.Reg(asm.R3, asm.R2), asm.RSh.Imm(asm.R3, sh), asm.JEq.Imm(asm.R3, 0, next),
			asm.Mov.Reg(asm.R2, asm.R3), asm.Add.Imm(asm.R1, sh),
		)
		g.mark(next)
	}
	// l = log2 - k; x' = (x >> l) & (2^k - 1); idx = ((l+1) << k) + x' + 1
	g.emit(
		asm.Sub.Imm(asm.R1, k),
		asm.Mov.Reg(asm.R3, x), asm.RSh.Reg(asm.R3, asm.R1), asm.And.Imm(asm.R3, (1<<k)-1),
		asm.Mov.Reg(r, asm.R1), asm.Add.Imm(r, 1), asm.LSh.Imm(r, k), asm.Add.Reg(r, asm.R3), asm.Add.Imm(r, 1),
		asm.Ja.Label(done),
	)
	g.mark(small)
	g.emit(asm.Mov.Reg(r, x), asm.Add.Imm(r, 1))
	g.mark(done)
	g.emit(asm.Mov.Imm(asm.R0, 0))
	return idx
}

func (g *gen) constArg(call *ast.CallExpr, i int) int64 {
	if i >= len(call.Args) {
		return 0
	}
	k, ok := g.info.Consts[call.Args[i]]
	if !ok {
		g.failf(call.Args[i], "argument must be a constant")
	}
	return k.Int
}

// mapDelete generates delete(@m, k) / delete(@m[k]).
func (g *gen) mapDelete(x *ast.MapExpr, keys []ast.Expr) *val {
	pm := g.userMap(x)
	if pm == nil {
		return imm(types.Bool, 0)
	}
	key := g.mapKey(pm, keys, 0)
	g.emit(asm.LoadMapPtr(asm.R1, 0).WithReference(pm.Name))
	g.ptrTo(asm.R2, key)
	g.call(asm.FnMapDeleteElem)
	r := g.reg()
	done := g.newLabel("deleted")
	g.emit(asm.Mov.Imm(r, 1), asm.JEq.Imm(asm.R0, 0, done), asm.Mov.Imm(r, 0))
	g.mark(done)
	g.emit(asm.Mov.Imm(asm.R0, 0))
	return g.regVal(types.Bool, r)
}

var _ = sema.Check
