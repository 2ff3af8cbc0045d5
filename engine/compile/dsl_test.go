package compile

import (
	"testing"

	"github.com/cilium/ebpf/asm"
)

// TestDSL checks the generator's builder calls against the instructions
// they encode to, as cilium/ebpf's TestDSL does for asm: each case runs
// builder calls on a fresh function, allocates registers and lays it out.
func TestDSL(t *testing.T) {
	for _, tc := range []struct {
		name  string
		build func(g *gen)
		want  asm.Instructions
	}{
		{"mov imm", func(g *gen) { g.movImm(r0, 7) }, asm.Instructions{asm.Mov.Imm(asm.R0, 7)}},
		{"mov imm32 zero-extends", func(g *gen) { g.movImm(r0, 0xffffffff) },
			asm.Instructions{asm.Mov.Imm32(asm.R0, -1)}},
		{"mov imm64", func(g *gen) { g.movImm(r0, 1<<40) }, asm.Instructions{asm.LoadImm(asm.R0, 1<<40, asm.DWord)}},
		{"mov to self vanishes", func(g *gen) { g.mov(r3, r3); g.movImm(r0, 0) }, asm.Instructions{asm.Mov.Imm(asm.R0, 0)}},
		{"alu", func(g *gen) { g.movImm(r0, 1); g.aluImm(asm.LSh, r0, 3); g.alu(asm.Add, r0, r0) },
			asm.Instructions{asm.Mov.Imm(asm.R0, 1), asm.LSh.Imm(asm.R0, 3), asm.Add.Reg(asm.R0, asm.R0)}},
		{"64-bit store immediate", func(g *gen) { g.st(r10, -8, 5, asm.DWord); g.movImm(r0, 0) },
			asm.Instructions{
				{OpCode: asm.StoreImmOp(asm.DWord), Dst: asm.R10, Offset: -8, Constant: 5},
				asm.Mov.Imm(asm.R0, 0),
			}},
		{"load and store", func(g *gen) {
			g.ldx(r0, r10, -16, asm.Word)
			g.stx(r10, -8, r0, asm.DWord)
		}, asm.Instructions{asm.LoadMem(asm.R0, asm.R10, -16, asm.Word), asm.StoreMem(asm.R10, -8, asm.R0, asm.DWord)}},
		{"helper call", func(g *gen) { g.call(asm.FnKtimeGetBootNs) }, asm.Instructions{asm.FnKtimeGetBootNs.Call()}},
		{"map pointer", func(g *gen) { g.ldMap(r1, "m") }, asm.Instructions{asm.LoadMapPtr(asm.R1, 0).WithReference("m")}},
		{"virtual register takes a caller-saved one", func(g *gen) {
			v := g.newReg()
			g.movImm(v, 3)
			g.mov(r0, v)
		}, asm.Instructions{asm.Mov.Imm(asm.R0, 3)}},
		{"value live across a call is callee-saved", func(g *gen) {
			v := g.newReg()
			g.movImm(v, 3)
			g.call(asm.FnKtimeGetBootNs)
			g.alu(asm.Add, r0, v)
		}, asm.Instructions{
			asm.Mov.Imm(asm.R6, 3),
			asm.FnKtimeGetBootNs.Call(),
			asm.Add.Reg(asm.R0, asm.R6),
		}},
		{"helper result stays in r0", func(g *gen) {
			v := g.newReg()
			g.call(asm.FnKtimeGetBootNs)
			g.mov(v, r0)
			g.aluImm(asm.Add, v, 1)
			g.mov(r0, v)
		}, asm.Instructions{asm.FnKtimeGetBootNs.Call(), asm.Add.Imm(asm.R0, 1)}},
		{"jump to a label", func(g *gen) {
			g.movImm(r0, 1)
			g.jmpImm(asm.JEq, r0, 0, "out")
			g.movImm(r0, 2)
			g.mark("out")
			g.add(asm.Return(), noReg, noReg)
		}, asm.Instructions{
			asm.Mov.Imm(asm.R0, 1),
			asm.JEq.Imm(asm.R0, 0, "out"),
			asm.Mov.Imm(asm.R0, 2),
			asm.Return().WithSymbol("out"),
		}},
		{"jump to the next instruction vanishes", func(g *gen) {
			g.movImm(r0, 1)
			g.ja("next")
			g.mark("next")
			g.add(asm.Return(), noReg, noReg)
		}, asm.Instructions{asm.Mov.Imm(asm.R0, 1), asm.Return().WithSymbol("next")}},
		{"unreachable code vanishes", func(g *gen) {
			g.movImm(r0, 1)
			g.add(asm.Return(), noReg, noReg)
			g.movImm(r0, 2)
			g.add(asm.Return(), noReg, noReg)
		}, asm.Instructions{asm.Mov.Imm(asm.R0, 1), asm.Return()}},
		{"dead definition vanishes", func(g *gen) {
			v := g.newReg()
			g.movImm(v, 9)
			g.movImm(r0, 0)
		}, asm.Instructions{asm.Mov.Imm(asm.R0, 0)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := &gen{}
			g.f = g.newFn("f")
			tc.build(g)
			if n := len(g.f.insns); n == 0 || !isUncond(&g.f.insns[n-1]) {
				g.add(asm.Return(), noReg, noReg)
				tc.want = append(tc.want, asm.Return())
			}
			insns, err := removeUnreachable(g.f.insns)
			if err != nil {
				t.Fatal(err)
			}
			insns = removeDeadDefs(insns)
			insns, _, err = allocate(insns, g.nregs, 0)
			if err != nil {
				t.Fatal(err)
			}
			have := encode(peephole(insns), "f", nil)
			if len(have) != len(tc.want) {
				t.Fatalf("have\n%v\nwant\n%v", have, tc.want)
			}
			for i := range have {
				w := tc.want[i]
				if i == 0 && w.Symbol() == "" {
					w = w.WithSymbol("f")
				}
				if !sameInsn(have[i], w) {
					t.Errorf("instruction %d: have %v, want %v", i, have[i], w)
				}
			}
		})
	}
}

// sameInsn compares what an instruction encodes and its symbol and
// reference.
func sameInsn(a, b asm.Instruction) bool {
	return a.OpCode == b.OpCode && a.Dst == b.Dst && a.Src == b.Src && a.Offset == b.Offset &&
		a.Constant == b.Constant && a.Symbol() == b.Symbol() && a.Reference() == b.Reference()
}
