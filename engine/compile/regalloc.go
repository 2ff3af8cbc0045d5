package compile

import (
	"fmt"
	"math/bits"
	"slices"
	"sort"

	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/btf"
)

// Register allocation maps the virtual registers of one function to
// machine registers, by linear scan over live intervals computed from a
// liveness analysis of the control-flow graph:
//
//   - a value live across a helper call must be in a callee-saved
//     register (R6-R9), since calls clobber R0-R5;
//   - a value may take one of R0-R5 only where the generator does not use
//     that register itself (helper arguments, results);
//   - when registers run out, the interval that ends last is spilled to
//     an 8-byte stack slot, loaded before each use and stored after each
//     definition through a register free at that instruction.
//
// Before allocation, unreachable code is removed (the verifier rejects
// it); after, moves of a register to itself and jumps to the next
// instruction go.

// ----------------------------------------------------------------------------
// Operands

// operands returns the registers ins reads and the one it writes (noReg
// for none). Helper calls read R1-R5 and write R0-R5 (clobbered).
func operands(in *insn) (uses []reg, def reg, call bool) {
	op := in.ins.OpCode
	def = noReg
	switch op.Class() {
	case asm.ALUClass, asm.ALU64Class:
		switch op.ALUOp() {
		case asm.Mov, asm.MovSX8, asm.MovSX16, asm.MovSX32:
			def = in.dst
			if op.Source() == asm.RegSource {
				uses = []reg{in.src}
			}
		case asm.Neg, asm.Swap:
			uses, def = []reg{in.dst}, in.dst
		default:
			uses, def = []reg{in.dst}, in.dst
			if op.Source() == asm.RegSource {
				uses = append(uses, in.src)
			}
		}
	case asm.LdClass:
		def = in.dst
	case asm.LdXClass:
		uses, def = []reg{in.src}, in.dst
	case asm.StClass:
		uses = []reg{in.dst}
	case asm.StXClass:
		uses = []reg{in.dst, in.src}
		if op.Mode() == asm.AtomicMode && op.AtomicOp() == asm.FetchAdd {
			def = in.src // the old value
		}
	case asm.JumpClass, asm.Jump32Class:
		switch op.JumpOp() {
		case asm.Call:
			n := 5
			if k, ok := helperArgs[asm.BuiltinFunc(in.ins.Constant)]; ok && in.ins.Src == 0 {
				n = k
			}
			return argRegs5[:n], noReg, true
		case asm.Exit:
			uses = []reg{r0}
		case asm.Ja:
		default:
			uses = []reg{in.dst}
			if op.Source() == asm.RegSource {
				uses = append(uses, in.src)
			}
		}
	}
	return uses, def, false
}

var argRegs5 = []reg{r1, r2, r3, r4, r5}

// helperArgs is the number of arguments of the helpers the compiler
// calls, so that liveness knows which of R1-R5 a call reads.
var helperArgs = map[asm.BuiltinFunc]int{
	asm.FnMapLookupElem: 2, asm.FnMapUpdateElem: 4, asm.FnMapDeleteElem: 2,
	asm.FnMapLookupPercpuElem: 3, asm.FnForEachMapElem: 4, asm.FnLoop: 4,
	asm.FnProbeRead: 3, asm.FnProbeReadStr: 3, asm.FnProbeReadKernel: 3, asm.FnProbeReadUser: 3,
	asm.FnProbeReadKernelStr: 3, asm.FnProbeReadUserStr: 3,
	asm.FnKtimeGetNs: 0, asm.FnKtimeGetBootNs: 0, asm.FnKtimeGetTaiNs: 0, asm.FnJiffies64: 0,
	asm.FnGetPrandomU32: 0, asm.FnGetSmpProcessorId: 0, asm.FnGetNumaNodeId: 0,
	asm.FnGetCurrentPidTgid: 0, asm.FnGetCurrentUidGid: 0, asm.FnGetCurrentComm: 2,
	asm.FnGetCurrentCgroupId: 0, asm.FnGetCurrentTask: 0, asm.FnGetCurrentTaskBtf: 0,
	asm.FnGetNsCurrentPidTgid: 4, asm.FnGetStack: 4, asm.FnGetStackid: 3, asm.FnGetFuncIp: 1,
	asm.FnRingbufOutput: 4, asm.FnRingbufReserve: 3, asm.FnRingbufSubmit: 2, asm.FnRingbufDiscard: 2,
	asm.FnSendSignal: 1, asm.FnSendSignalThread: 1, asm.FnOverrideReturn: 2, asm.FnProbeWriteUser: 3,
	asm.FnStrncmp: 3, asm.FnPerfEventOutput: 5, asm.FnTracePrintk: 5, asm.FnSeqPrintf: 5, asm.FnDPath: 3, asm.FnGetSocketCookie: 1,
}

// isMove says whether in copies one register into another.
func isMove(in *insn) bool {
	op := in.ins.OpCode
	return op.Class() == asm.ALU64Class && op.ALUOp() == asm.Mov && op.Source() == asm.RegSource
}

func isJump(in *insn) bool {
	op := in.ins.OpCode
	if !op.Class().IsJump() {
		return false
	}
	switch op.JumpOp() {
	case asm.Call:
		return false
	}
	return true
}

func isUncond(in *insn) bool {
	op := in.ins.OpCode
	return op.Class().IsJump() && (op.JumpOp() == asm.Ja || op.JumpOp() == asm.Exit)
}

// ----------------------------------------------------------------------------
// Bit sets

type bitset []uint64

func newBitset(n int) bitset         { return make(bitset, (n+63)/64) }
func (b bitset) has(i int) bool      { return b[i/64]&(1<<(i%64)) != 0 }
func (b bitset) set(i int)           { b[i/64] |= 1 << (i % 64) }
func (b bitset) clear(i int)         { b[i/64] &^= 1 << (i % 64) }
func (b bitset) copyFrom(o bitset)   { copy(b, o) }
func (b bitset) equal(o bitset) bool { return slices.Equal(b, o) }
func (b bitset) or(o bitset) {
	for i := range b {
		b[i] |= o[i]
	}
}
func (b bitset) each(f func(int)) {
	for w, x := range b {
		for x != 0 {
			t := bits.TrailingZeros64(x)
			f(w*64 + t)
			x &^= 1 << t
		}
	}
}

// ----------------------------------------------------------------------------
// Control flow

type block struct {
	start, end      int // instructions [start, end)
	succ            []int
	liveIn, liveOut bitset
}

// blocks splits insns into basic blocks.
func blocks(insns []insn) ([]*block, error) {
	leader := make([]bool, len(insns)+1)
	leader[0] = true
	for i := range insns {
		if len(insns[i].labels) > 0 {
			leader[i] = true
		}
		if isJump(&insns[i]) {
			leader[i+1] = true
		}
	}
	var bs []*block
	at := map[string]int{}
	for i := 0; i < len(insns); {
		j := i + 1
		for j < len(insns) && !leader[j] {
			j++
		}
		for _, l := range insns[i].labels {
			at[l] = len(bs)
		}
		bs = append(bs, &block{start: i, end: j})
		i = j
	}
	for bi, b := range bs {
		last := &insns[b.end-1]
		if isJump(last) && last.ins.OpCode.JumpOp() != asm.Exit {
			t, ok := at[last.target]
			if !ok {
				return nil, fmt.Errorf("internal error: jump to unknown label %q", last.target)
			}
			b.succ = append(b.succ, t)
		}
		if !isUncond(last) && bi+1 < len(bs) {
			b.succ = append(b.succ, bi+1)
		}
	}
	return bs, nil
}

// removeUnreachable drops the blocks that cannot run.
func removeUnreachable(insns []insn) ([]insn, error) {
	bs, err := blocks(insns)
	if err != nil {
		return nil, err
	}
	seen := make([]bool, len(bs))
	stack := []int{0}
	seen[0] = true
	for len(stack) > 0 {
		b := bs[stack[len(stack)-1]]
		stack = stack[:len(stack)-1]
		for _, s := range b.succ {
			if !seen[s] {
				seen[s] = true
				stack = append(stack, s)
			}
		}
	}
	out := insns[:0:0]
	for i, b := range bs {
		if seen[i] {
			out = append(out, insns[b.start:b.end]...)
		}
	}
	return out, nil
}

// ----------------------------------------------------------------------------
// Liveness

// liveness splits insns into blocks and computes the registers live at
// the start and end of each.
func liveness(insns []insn, nregs int) ([]*block, error) {
	bs, err := blocks(insns)
	if err != nil {
		return nil, err
	}
	nbits := int(vbase) + nregs
	gen := make([]bitset, len(bs))
	kill := make([]bitset, len(bs))
	for bi, b := range bs {
		gen[bi], kill[bi] = newBitset(nbits), newBitset(nbits)
		b.liveIn, b.liveOut = newBitset(nbits), newBitset(nbits)
		for i := b.start; i < b.end; i++ {
			uses, def, call := operands(&insns[i])
			for _, u := range uses {
				if u >= 0 && u != r10 && !kill[bi].has(int(u)) {
					gen[bi].set(int(u))
				}
			}
			if call {
				for r := r0; r <= r5; r++ {
					kill[bi].set(int(r))
				}
			}
			if def >= 0 {
				kill[bi].set(int(def))
			}
		}
	}
	tmp := newBitset(nbits)
	for changed := true; changed; {
		changed = false
		for bi := len(bs) - 1; bi >= 0; bi-- {
			b := bs[bi]
			for _, s := range b.succ {
				b.liveOut.or(bs[s].liveIn)
			}
			// in = gen | (out &^ kill)
			for w := range tmp {
				tmp[w] = gen[bi][w] | b.liveOut[w]&^kill[bi][w]
			}
			if !tmp.equal(b.liveIn) {
				b.liveIn.copyFrom(tmp)
				changed = true
			}
		}
	}
	return bs, nil
}

// removeDeadStores drops instructions without side effects whose result
// is overwritten before anything reads it (a variable's initial zero
// when every path assigns it first).
func removeDeadStores(insns []insn, nregs int) ([]insn, error) {
	for {
		bs, err := liveness(insns, nregs)
		if err != nil {
			return nil, err
		}
		dead := make([]bool, len(insns))
		any := false
		live := newBitset(int(vbase) + nregs)
		for _, b := range bs {
			live.copyFrom(b.liveOut)
			for i := b.end - 1; i >= b.start; i-- {
				uses, def, call := operands(&insns[i])
				if def.virtual() && !live.has(int(def)) && pure(&insns[i]) {
					dead[i], any = true, true
					continue
				}
				if def >= 0 {
					live.clear(int(def))
				}
				if call {
					for r := r0; r <= r5; r++ {
						live.clear(int(r))
					}
				}
				for _, u := range uses {
					if u >= 0 && u != r10 {
						live.set(int(u))
					}
				}
			}
		}
		if !any {
			return insns, nil
		}
		out := insns[:0:0]
		var carry []string
		for i := range insns {
			in := insns[i]
			in.labels = append(carry, in.labels...)
			carry = nil
			if dead[i] {
				carry = in.labels
				continue
			}
			out = append(out, in)
		}
		if len(carry) > 0 {
			return nil, fmt.Errorf("internal error: label %v at the end", carry)
		}
		insns = out
	}
}

// pure says whether an instruction only writes its destination register.
func pure(in *insn) bool {
	switch in.ins.OpCode.Class() {
	case asm.ALUClass, asm.ALU64Class, asm.LdClass, asm.LdXClass:
		return true
	}
	return false
}

// ----------------------------------------------------------------------------
// Allocation

type interval struct {
	r          reg
	start, end int
	across     bool // live across a helper call
	phys       reg  // assigned machine register, or noReg
	slot       int  // spill slot (offset from R10), when phys is noReg
}

// allocate assigns machine registers to f's virtual registers, spilling
// below stackUsed bytes of the frame, and returns the instructions with
// machine registers only and the new frame size.
func allocate(insns []insn, nregs int, stackUsed int) ([]insn, int, error) {
	out, stack, spilled, err := allocateWith(insns, nregs, stackUsed, 0)
	if spilled {
		// Reloading spilled values needs registers free at every
		// instruction: keep R0 and R5 for that.
		out, stack, _, err = allocateWith(insns, nregs, stackUsed, 1<<r0|1<<r5)
	}
	return out, stack, err
}

// allocateWith allocates without the registers in reserved; spilled
// says whether some value went to the stack.
func allocateWith(insns []insn, nregs int, stackUsed int, reserved uint16) ([]insn, int, bool, error) {
	bs, err := liveness(insns, nregs)
	if err != nil {
		return nil, 0, false, err
	}
	nbits := int(vbase) + nregs
	// Intervals of virtual registers; busy points of R0-R5.
	ivs := map[reg]*interval{}
	touch := func(r reg, i int) {
		if !r.virtual() {
			return
		}
		iv := ivs[r]
		if iv == nil {
			iv = &interval{r: r, start: i, end: i, phys: noReg}
			ivs[r] = iv
		}
		iv.start, iv.end = min(iv.start, i), max(iv.end, i)
	}
	// For R0-R5: gapBusy[i] holds those live after instruction i or
	// written by it (a value occupies the gaps between its definition and
	// its last use); opBusy[i] adds those i reads, for the registers
	// spill code may use at i.
	var physBusy [6][]int // prefix counts of gapBusy per register
	for k := range physBusy {
		physBusy[k] = make([]int, len(insns)+1)
	}
	gapBusy := make([]uint8, len(insns))
	busyAt := make([]uint8, len(insns))
	var calls []int
	live := newBitset(nbits)
	for _, b := range bs {
		live.copyFrom(b.liveOut)
		for i := b.end - 1; i >= b.start; i-- {
			uses, def, call := operands(&insns[i])
			var mask uint8
			live.each(func(r int) {
				if r < int(vbase) {
					if r <= int(r5) {
						mask |= 1 << r
					}
					return
				}
				touch(reg(r), i)
			})
			if def >= 0 {
				touch(def, i)
				if def <= r5 {
					mask |= 1 << def
				}
				live.clear(int(def))
			}
			if call {
				calls = append(calls, i)
				for r := r0; r <= r5; r++ {
					live.clear(int(r))
				}
			}
			gapBusy[i] = mask
			for _, u := range uses {
				if u >= 0 && u != r10 {
					live.set(int(u))
					touch(u, i)
					if u <= r5 {
						mask |= 1 << u
					}
				}
			}
			if call {
				mask = 0x3f
			}
			busyAt[i] = mask
		}
	}
	for i, m := range gapBusy {
		for k := range physBusy {
			physBusy[k][i+1] = physBusy[k][i]
			if m&(1<<k) != 0 {
				physBusy[k][i+1]++
			}
		}
	}
	sort.Ints(calls)
	list := make([]*interval, 0, len(ivs))
	for _, iv := range ivs {
		// Across a call: some call strictly inside the interval.
		j := sort.SearchInts(calls, iv.start+1)
		iv.across = j < len(calls) && calls[j] < iv.end
		list = append(list, iv)
	}
	sort.Slice(list, func(a, b int) bool {
		if list[a].start != list[b].start {
			return list[a].start < list[b].start
		}
		return list[a].r < list[b].r
	})

	// Linear scan.
	var active []*interval
	var inUse [10]bool
	slots := 0
	spill := func(iv *interval) {
		slots++
		iv.phys = noReg
		iv.slot = -(stackUsed + 8*slots)
	}
	// physFree says whether machine register k (R0-R5) is free over the
	// gaps iv occupies: from its first instruction to before its last
	// (and at its only one, for a value never read).
	physFree := func(k reg, iv *interval) bool {
		last := max(iv.start, iv.end-1)
		return physBusy[k][last+1]-physBusy[k][iv.start] == 0
	}
	free := func(iv *interval) (reg, bool) {
		// A value moved from or to a machine register would rather be in
		// it: the move then disappears.
		for _, k := range hints(insns, iv) {
			if !inUse[k] && reserved&(1<<k) == 0 && (k >= r6 || !iv.across && physFree(k, iv)) {
				return k, true
			}
		}
		if !iv.across {
			for k := r0; k <= r5; k++ {
				if !inUse[k] && reserved&(1<<k) == 0 && physFree(k, iv) {
					return k, true
				}
			}
		}
		for k := r6; k <= r9; k++ {
			if !inUse[k] && reserved&(1<<k) == 0 {
				return k, true
			}
		}
		return noReg, false
	}
	for _, iv := range list {
		// Expire intervals that ended before iv starts. One ending where
		// iv starts may share: an instruction reads its operands before
		// it writes.
		keep := active[:0]
		for _, a := range active {
			if a.end <= iv.start {
				inUse[a.phys] = false
			} else {
				keep = append(keep, a)
			}
		}
		active = keep
		if p, ok := free(iv); ok {
			iv.phys = p
			inUse[p] = true
			active = append(active, iv)
			continue
		}
		// Spill whichever ends last and can give iv its register.
		var victim *interval
		for _, a := range active {
			if a.end <= iv.end || a.phys < r6 && iv.across {
				continue
			}
			if a.phys <= r5 && !physFree(a.phys, iv) {
				continue
			}
			if victim == nil || a.end > victim.end {
				victim = a
			}
		}
		if victim == nil {
			spill(iv)
			continue
		}
		iv.phys = victim.phys
		spill(victim)
		active = slices.DeleteFunc(active, func(a *interval) bool { return a == victim })
		active = append(active, iv)
	}
	if slots > 0 {
		stackUsed += 8 * slots
		if reserved == 0 {
			return nil, 0, true, nil
		}
	}
	out, err := rewrite(insns, ivs, busyAt)
	return out, stackUsed, slots > 0, err
}

// hints are the machine registers an interval is moved from (where it
// starts) or into (where it ends).
func hints(insns []insn, iv *interval) []reg {
	var out []reg
	if in := &insns[iv.start]; isMove(in) && in.dst == iv.r && in.src >= 0 && !in.src.virtual() && in.src != r10 {
		out = append(out, in.src)
	}
	if in := &insns[iv.end]; isMove(in) && in.src == iv.r && in.dst >= 0 && !in.dst.virtual() {
		out = append(out, in.dst)
	}
	return out
}

// rewrite replaces virtual registers by their machine registers and adds
// the loads and stores of spilled ones.
func rewrite(insns []insn, ivs map[reg]*interval, busyAt []uint8) ([]insn, error) {
	// Registers held by allocated intervals at each instruction.
	held := make([]uint16, len(insns))
	for _, iv := range ivs {
		if iv.phys == noReg {
			continue
		}
		for i := iv.start; i <= iv.end; i++ {
			held[i] |= 1 << iv.phys
		}
	}
	out := make([]insn, 0, len(insns))
	for i, in := range insns {
		var pre, post []insn
		// busyAt[i] has what is live after i, and i's own operands.
		taken := held[i] | uint16(busyAt[i])
		for _, r := range []reg{in.dst, in.src} {
			if r >= 0 && !r.virtual() {
				taken |= 1 << r
			}
		}
		temps := map[reg]reg{}
		uses, def, _ := operands(&in)
		resolve := func(r reg) (reg, error) {
			if !r.virtual() {
				return r, nil
			}
			iv := ivs[r]
			if iv == nil {
				return noReg, fmt.Errorf("internal error: register v%d has no interval", r-vbase)
			}
			if iv.phys != noReg {
				return iv.phys, nil
			}
			if t, ok := temps[r]; ok {
				return t, nil
			}
			for k := r0; k <= r9; k++ {
				if taken&(1<<k) == 0 {
					taken |= 1 << k
					temps[r] = k
					if slices.Contains(uses, r) {
						pre = append(pre, insn{ins: asm.LoadMem(asm.Register(k), asm.R10, int16(iv.slot), asm.DWord), dst: k, src: r10, span: in.span})
					}
					if def == r {
						post = append(post, insn{ins: asm.StoreMem(asm.R10, int16(iv.slot), asm.Register(k), asm.DWord), dst: r10, src: k, span: in.span})
					}
					return k, nil
				}
			}
			return noReg, fmt.Errorf("expression too complex: no register free to reload a spilled value")
		}
		var err error
		if in.dst, err = resolve(in.dst); err != nil {
			return nil, err
		}
		if in.src, err = resolve(in.src); err != nil {
			return nil, err
		}
		if len(pre) > 0 {
			pre[0].labels, in.labels = in.labels, nil
		}
		out = append(out, pre...)
		out = append(out, in)
		out = append(out, post...)
	}
	return out, nil
}

// ----------------------------------------------------------------------------
// After allocation

// peephole removes moves of a register to itself and jumps to the next
// instruction.
func peephole(insns []insn) []insn {
	out := insns[:0:0]
	var carry []string
	for i, in := range insns {
		in.labels = append(carry, in.labels...)
		carry = nil
		op := in.ins.OpCode
		selfMove := op.Class() == asm.ALU64Class && op.ALUOp() == asm.Mov && op.Source() == asm.RegSource && in.dst == in.src
		// Any jump to the next instruction, conditional or not, does
		// nothing.
		nextJump := isJump(&in) && op.JumpOp() != asm.Exit && in.target != "" && i+1 < len(insns) && slices.Contains(insns[i+1].labels, in.target)
		if (selfMove || nextJump) && i+1 < len(insns) {
			carry = in.labels
			continue
		}
		out = append(out, in)
	}
	return out
}

// encode turns IR into cilium/ebpf instructions: machine registers, one
// symbol per labelled instruction (the other labels of it are renamed to
// it in jumps), references for jumps and function loads, source spans.
func encode(insns []insn, name string, fn *btf.Func) asm.Instructions {
	canon := map[string]string{}
	for i, in := range insns {
		for j, l := range in.labels {
			if i == 0 && j == 0 {
				canon[l] = name
				continue
			}
			if j == 0 {
				canon[l] = l
			} else {
				canon[l] = canon[in.labels[0]]
			}
		}
	}
	if len(insns) > 0 && len(insns[0].labels) > 0 {
		for _, l := range insns[0].labels {
			canon[l] = name
		}
	}
	out := make(asm.Instructions, 0, len(insns))
	for i, in := range insns {
		ins := in.ins
		if in.dst >= 0 {
			ins.Dst = asm.Register(in.dst)
		}
		if in.src >= 0 {
			ins.Src = asm.Register(in.src)
		}
		if in.target != "" {
			ref := canon[in.target]
			if ref == "" {
				ref = in.target // a function
			}
			if ins.IsFunctionReference() {
				ins.Constant = -1
			} else {
				ins.Offset = -1
			}
			ins = ins.WithReference(ref)
		}
		switch {
		case i == 0:
			ins = ins.WithSymbol(name)
			if fn != nil {
				ins = btf.WithFuncMetadata(ins, fn)
			}
		case len(in.labels) > 0:
			ins = ins.WithSymbol(canon[in.labels[0]])
		}
		if in.span.Pos.IsValid() {
			ins = ins.WithSource(in.span)
		}
		out = append(out, ins)
	}
	return out
}

// removeDeadDefs drops instructions without side effects whose result
// no instruction reads (the context saved by a program that never uses
// it, a value computed for a discarded expression).
func removeDeadDefs(insns []insn) []insn {
	for {
		used := map[reg]bool{}
		for i := range insns {
			uses, _, _ := operands(&insns[i])
			for _, u := range uses {
				if u.virtual() {
					used[u] = true
				}
			}
		}
		out := insns[:0:0]
		var carry []string
		removed := false
		for i := range insns {
			in := insns[i]
			in.labels = append(carry, in.labels...)
			carry = nil
			_, def, _ := operands(&in)
			switch in.ins.OpCode.Class() {
			case asm.ALUClass, asm.ALU64Class, asm.LdClass, asm.LdXClass:
				if def.virtual() && !used[def] && i+1 < len(insns) {
					carry = in.labels
					removed = true
					continue
				}
			}
			out = append(out, in)
		}
		insns = out
		if !removed {
			return insns
		}
	}
}
