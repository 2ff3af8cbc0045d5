// Package attachtest helps the tests of engine/attach and engine/runtime:
// skipping without root or kernel support, building small BPF programs by
// hand with cilium/ebpf's asm (there is no compiler in these tests), and
// checking that nothing a test loaded is left in the kernel.
//
// Programs reference maps by name (asm.LoadMapPtr(...).WithReference), so
// they go into a CollectionSpec or a plan and are resolved at load time.
package attachtest

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/rlimit"
)

// RequireRoot skips the test unless it runs as root, and removes the
// memlock limit for kernels that still charge BPF memory to it.
func RequireRoot(tb testing.TB) {
	tb.Helper()
	if os.Geteuid() != 0 {
		tb.Skip("needs root")
	}
	_ = rlimit.RemoveMemlock()
}

// SkipIfNotSupported skips the test when err says the kernel lacks
// something (it wraps ebpf.ErrNotSupported), with err as the reason
// ("kernel lacks kprobes"). Any other non-nil error fails the test.
func SkipIfNotSupported(tb testing.TB, err error) {
	tb.Helper()
	if err == nil {
		return
	}
	if errors.Is(err, ebpf.ErrNotSupported) {
		if err == ebpf.ErrNotSupported {
			tb.Fatal("bare ErrNotSupported says nothing about what is missing")
		}
		tb.Skip(err.Error())
	}
	tb.Fatal(err)
}

// Prefix returns a fresh program-name prefix ("bt_3fa2"), so that a test
// can find exactly the programs it loaded even while other tests load
// programs named "bt_...". Kernel object names hold 15 bytes, so keep what
// follows short.
func Prefix() string {
	var b [2]byte
	_, _ = rand.Read(b[:])
	return "bt_" + hex.EncodeToString(b[:])
}

// Programs returns the ids of the loaded programs whose name starts with
// prefix.
func Programs(prefix string) []ebpf.ProgramID {
	var ids []ebpf.ProgramID
	var id ebpf.ProgramID
	for {
		next, err := ebpf.ProgramGetNextID(id)
		if err != nil {
			return ids
		}
		id = next
		p, err := ebpf.NewProgramFromID(id)
		if err != nil {
			continue
		}
		info, err := p.Info()
		p.Close()
		if err == nil && strings.HasPrefix(info.Name, prefix) {
			ids = append(ids, id)
		}
	}
}

// Maps returns the ids of the maps whose name starts with prefix.
func Maps(prefix string) []ebpf.MapID {
	var ids []ebpf.MapID
	var id ebpf.MapID
	for {
		next, err := ebpf.MapGetNextID(id)
		if err != nil {
			return ids
		}
		id = next
		m, err := ebpf.NewMapFromID(id)
		if err != nil {
			continue
		}
		info, err := m.Info()
		m.Close()
		if err == nil && strings.HasPrefix(info.Name, prefix) {
			ids = append(ids, id)
		}
	}
}

// Links returns the ids of the BPF links whose program is one of progs.
func Links(progs []ebpf.ProgramID) []link.ID {
	ours := map[ebpf.ProgramID]bool{}
	for _, id := range progs {
		ours[id] = true
	}
	var ids []link.ID
	var it link.Iterator
	defer it.Close()
	for it.Next() {
		if info, err := it.Link.Info(); err == nil && ours[info.Program] {
			ids = append(ids, it.ID)
		}
	}
	return ids
}

// WaitReleased waits until no program or map named with prefix is loaded
// (the kernel frees them after an RCU grace period, so not at once) and
// fails the test if some remain after the timeout.
func WaitReleased(tb testing.TB, prefix string, timeout time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		progs, maps := Programs(prefix), Maps(prefix)
		if len(progs) == 0 && len(maps) == 0 {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("still loaded after %v: programs %v, maps %v (prefix %s)", timeout, progs, maps, prefix)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ---------------------------------------------------------------------------
// Program fragments

// Exit is the label of the program's final "return 0"; fragments jump to
// it to give up.
const Exit = "exit"

// Program assembles fragments into a program of type typ and appends the
// exit label. The first fragment should be Prologue.
func Program(name string, typ ebpf.ProgramType, parts ...asm.Instructions) *ebpf.ProgramSpec {
	var insns asm.Instructions
	for _, p := range parts {
		insns = append(insns, p...)
	}
	insns = append(insns, asm.Mov.Imm(asm.R0, 0).WithSymbol(Exit), asm.Return())
	return &ebpf.ProgramSpec{Name: name, Type: typ, License: "GPL", Instructions: insns}
}

// Prologue saves the context in R6.
func Prologue() asm.Instructions {
	return asm.Instructions{asm.Mov.Reg(asm.R6, asm.R1)}
}

// lookup leaves a pointer to element key of an array map in R0, or jumps
// to Exit when there is none.
func lookup(mapName string, key int32) asm.Instructions {
	return asm.Instructions{
		asm.StoreImm(asm.RFP, -4, int64(key), asm.Word),
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, -4),
		asm.LoadMapPtr(asm.R1, 0).WithReference(mapName),
		asm.FnMapLookupElem.Call(),
		asm.JEq.Imm(asm.R0, 0, Exit),
	}
}

// Gate returns to Exit unless element 0 of the gate map is non-zero: the
// start gate every compiled program begins with.
func Gate(gateMap string) asm.Instructions {
	return append(lookup(gateMap, 0),
		asm.LoadMem(asm.R1, asm.R0, 0, asm.DWord),
		asm.JEq.Imm(asm.R1, 0, Exit),
	)
}

// OnlyTgid returns to Exit unless the current process is tgid.
func OnlyTgid(tgid int) asm.Instructions {
	return asm.Instructions{
		asm.FnGetCurrentPidTgid.Call(),
		asm.RSh.Imm(asm.R0, 32),
		asm.JNE.Imm(asm.R0, int32(tgid), Exit),
	}
}

// Count atomically adds 1 to element key of an array map of uint64.
func Count(mapName string, key int32) asm.Instructions {
	return append(lookup(mapName, key),
		asm.Mov.Imm(asm.R1, 1),
		asm.StoreXAdd(asm.R0, asm.R1, asm.DWord),
	)
}

// Emit writes a ring buffer record of size bytes (a multiple of 8, at
// least 8): the event id followed by vals, zero-padded. When the ring
// buffer is full it adds 1 to element 0 of lostMap (a per-CPU array),
// unless lostMap is "".
func Emit(ringbuf, lostMap string, size int, id uint64, vals ...int64) asm.Instructions {
	base := int16(-8 - size) // below the 4-byte lookup key slot
	insns := asm.Instructions{asm.LoadImm(asm.R1, int64(id), asm.DWord), asm.StoreMem(asm.RFP, base, asm.R1, asm.DWord)}
	for off := 8; off < size; off += 8 {
		var v int64
		if i := off/8 - 1; i < len(vals) {
			v = vals[i]
		}
		insns = append(insns,
			asm.LoadImm(asm.R1, v, asm.DWord),
			asm.StoreMem(asm.RFP, base+int16(off), asm.R1, asm.DWord))
	}
	insns = append(insns,
		asm.LoadMapPtr(asm.R1, 0).WithReference(ringbuf),
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, int32(base)),
		asm.Mov.Imm(asm.R3, int32(size)),
		asm.Mov.Imm(asm.R4, 0),
		asm.FnRingbufOutput.Call(),
	)
	if lostMap == "" {
		return insns
	}
	skip := "emitted" + Prefix()
	insns = append(insns, asm.JSGE.Imm(asm.R0, 0, skip))
	insns = append(insns, Count(lostMap, 0)...)
	return append(insns, asm.Mov.Imm(asm.R0, 0).WithSymbol(skip))
}

// ---------------------------------------------------------------------------
// Map specs

// Array is an ARRAY map of n uint64 values.
func Array(name string, n uint32) *ebpf.MapSpec {
	return &ebpf.MapSpec{Name: name, Type: ebpf.Array, KeySize: 4, ValueSize: 8, MaxEntries: n}
}

// PerCPUArray is a PERCPU_ARRAY map of n uint64 values.
func PerCPUArray(name string, n uint32) *ebpf.MapSpec {
	return &ebpf.MapSpec{Name: name, Type: ebpf.PerCPUArray, KeySize: 4, ValueSize: 8, MaxEntries: n}
}

// RingBuf is a ring buffer of size bytes (a power of two, at least a
// page).
func RingBuf(name string, size uint32) *ebpf.MapSpec {
	return &ebpf.MapSpec{Name: name, Type: ebpf.RingBuf, MaxEntries: size}
}

// Load loads one program with the maps it references.
func Load(tb testing.TB, prog *ebpf.ProgramSpec, maps ...*ebpf.MapSpec) (*ebpf.Program, map[string]*ebpf.Map) {
	tb.Helper()
	spec := &ebpf.CollectionSpec{Maps: map[string]*ebpf.MapSpec{}, Programs: map[string]*ebpf.ProgramSpec{prog.Name: prog}}
	for _, m := range maps {
		spec.Maps[m.Name] = m
	}
	coll, err := ebpf.NewCollection(spec)
	if err != nil {
		tb.Fatalf("load %s: %v", prog.Name, err)
	}
	tb.Cleanup(coll.Close)
	return coll.Programs[prog.Name], coll.Maps
}

// Value reads element key of an array map of uint64.
func Value(tb testing.TB, m *ebpf.Map, key uint32) uint64 {
	tb.Helper()
	var v uint64
	if err := m.Lookup(key, &v); err != nil {
		tb.Fatalf("lookup %d: %v", key, err)
	}
	return v
}
