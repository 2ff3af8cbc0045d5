// Package symbols resolves code addresses to symbols for printing
// (ksym, usym, func, kstack, ustack): kernel addresses through
// /proc/kallsyms, user addresses through the traced process's
// /proc/PID/maps and the ELF symbol tables of the files mapped there. A
// [Resolver] implements engine/output's Symbolizer.
//
// Tables are read on first use and cached: kallsyms once, each ELF file
// once, each process's mappings until an address falls outside them.
package symbols

import (
	"bufio"
	"bytes"
	"debug/elf"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/bt-tools/bt/engine/output"
)

// Resolver resolves kernel and user addresses. It is safe for concurrent
// use.
type Resolver struct {
	// Kallsyms is the kernel symbol file; "" means /proc/kallsyms.
	Kallsyms string
	// Proc is the proc file system's root; "" means /proc.
	Proc string

	mu     sync.Mutex
	kernel *table
	kerr   error
	files  map[string]*elfTable // ELF symbols by path
	procs  map[int][]mapping
}

var _ output.Symbolizer = (*Resolver)(nil)

// New returns a Resolver over the running system.
func New() *Resolver { return &Resolver{} }

// sym is one symbol: [addr, addr+size) (size 0: up to the next symbol).
type sym struct {
	addr, size uint64
	name       string
}

// table is a set of symbols sorted by address.
type table struct{ syms []sym }

// lookup finds the symbol containing addr.
func (t *table) lookup(addr uint64) (sym, bool) {
	if t == nil {
		return sym{}, false
	}
	i := sort.Search(len(t.syms), func(i int) bool { return t.syms[i].addr > addr }) - 1
	for ; i >= 0; i-- {
		s := t.syms[i]
		if s.size == 0 || addr < s.addr+s.size {
			return s, true
		}
		// A sized symbol that ends before addr: an earlier one may still
		// contain it (nested symbols), else there is none.
		if i > 0 && t.syms[i-1].addr == s.addr {
			continue
		}
		return sym{}, false
	}
	return sym{}, false
}

func newTable(syms []sym) *table {
	sort.SliceStable(syms, func(i, j int) bool { return syms[i].addr < syms[j].addr })
	return &table{syms: syms}
}

// ----------------------------------------------------------------------------
// Kernel

// Kernel implements output.Symbolizer.
func (r *Resolver) Kernel(addr uint64) output.Symbol {
	r.mu.Lock()
	if r.kernel == nil && r.kerr == nil {
		r.kernel, r.kerr = r.loadKallsyms()
	}
	t := r.kernel
	r.mu.Unlock()
	s, ok := t.lookup(addr)
	if !ok {
		return output.Symbol{}
	}
	return output.Symbol{Name: s.name, Offset: addr - s.addr}
}

func (r *Resolver) loadKallsyms() (*table, error) {
	path := r.Kallsyms
	if path == "" {
		path = "/proc/kallsyms"
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseKallsyms(data), nil
}

// parseKallsyms reads "ADDR TYPE NAME [MODULE]" lines; symbols at
// address 0 (hidden without privileges) are left out.
func parseKallsyms(data []byte) *table {
	var syms []sym
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		f := strings.Fields(string(line))
		if len(f) < 3 {
			continue
		}
		addr, err := strconv.ParseUint(f[0], 16, 64)
		if err != nil || addr == 0 {
			continue
		}
		switch f[1] {
		case "t", "T", "w", "W":
		default:
			continue
		}
		syms = append(syms, sym{addr: addr, name: f[2]})
	}
	return newTable(syms)
}

// ----------------------------------------------------------------------------
// User

// mapping is one executable mapping of a process.
type mapping struct {
	start, end, off uint64
	path            string
}

// User implements output.Symbolizer.
func (r *Resolver) User(pid int, addr uint64) output.Symbol {
	m, ok := r.mappingOf(pid, addr)
	if !ok {
		return output.Symbol{}
	}
	t := r.file(pid, m.path)
	if t == nil {
		return output.Symbol{Module: m.path}
	}
	// The address as the ELF file sees it.
	vaddr := t.vaddr(addr - m.start + m.off)
	s, ok := t.lookup(vaddr)
	if !ok {
		return output.Symbol{Module: m.path}
	}
	return output.Symbol{Name: s.name, Offset: vaddr - s.addr, Module: m.path}
}

// Preload reads the mappings of pid now, so that its addresses resolve
// after it has exited (a -c command, a -p process).
func (r *Resolver) Preload(pid int) {
	ms, err := readMaps(fmt.Sprintf("%s/%d/maps", r.proc(), pid))
	if err != nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.procs == nil {
		r.procs = map[int][]mapping{}
	}
	r.procs[pid] = ms
	for _, m := range ms {
		if _, ok := r.files[m.path]; !ok {
			r.mu.Unlock()
			r.file(pid, m.path)
			r.mu.Lock()
		}
	}
}

func (r *Resolver) proc() string {
	if r.Proc == "" {
		return "/proc"
	}
	return r.Proc
}

// mappingOf finds the mapping of pid that contains addr, rereading the
// process's maps once when the cached ones do not have it.
func (r *Resolver) mappingOf(pid int, addr uint64) (mapping, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.procs == nil {
		r.procs = map[int][]mapping{}
	}
	for attempt := 0; attempt < 2; attempt++ {
		ms, ok := r.procs[pid]
		if !ok || attempt == 1 {
			fresh, err := readMaps(fmt.Sprintf("%s/%d/maps", r.proc(), pid))
			if err != nil {
				return mapping{}, false // gone: keep what was cached
			}
			ms = fresh
			r.procs[pid] = ms
		}
		for _, m := range ms {
			if addr >= m.start && addr < m.end {
				return m, true
			}
		}
		if !ok {
			break // just read
		}
	}
	return mapping{}, false
}

// readMaps reads the file-backed mappings of /proc/PID/maps.
func readMaps(path string) ([]mapping, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []mapping
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// start-end perms offset dev inode path
		fs := strings.Fields(sc.Text())
		if len(fs) < 6 || !strings.HasPrefix(fs[5], "/") {
			continue
		}
		se := strings.SplitN(fs[0], "-", 2)
		if len(se) != 2 {
			continue
		}
		start, err1 := strconv.ParseUint(se[0], 16, 64)
		end, err2 := strconv.ParseUint(se[1], 16, 64)
		off, err3 := strconv.ParseUint(fs[2], 16, 64)
		if err1 != nil || err2 != nil || err3 != nil {
			continue
		}
		out = append(out, mapping{start: start, end: end, off: off, path: strings.Join(fs[5:], " ")})
	}
	return out, sc.Err()
}

// elfTable is a file's symbols and its loadable segments, to turn file
// offsets into the addresses symbols use.
type elfTable struct {
	table
	progs []elf.ProgHeader
}

func (t *elfTable) vaddr(fileOff uint64) uint64 {
	for _, p := range t.progs {
		if p.Type == elf.PT_LOAD && fileOff >= p.Off && fileOff < p.Off+p.Filesz {
			return fileOff - p.Off + p.Vaddr
		}
	}
	return fileOff
}

// file returns the symbols of a file mapped by pid, read through the
// process's root so that files in containers are found; nil when it
// cannot be read.
func (r *Resolver) file(pid int, path string) *elfTable {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.files == nil {
		r.files = map[string]*elfTable{}
	}
	if t, ok := r.files[path]; ok {
		return t
	}
	f, err := elf.Open(fmt.Sprintf("%s/%d/root%s", r.proc(), pid, path))
	if err != nil {
		f, err = elf.Open(path)
	}
	if err != nil {
		r.files[path] = nil
		return nil
	}
	defer f.Close()
	t := readELF(f)
	r.files[path] = t
	return t
}

// readELF collects the function and object symbols of .symtab and
// .dynsym.
func readELF(f *elf.File) *elfTable {
	var syms []sym
	seen := map[uint64]bool{}
	add := func(list []elf.Symbol) {
		for _, s := range list {
			typ := elf.ST_TYPE(s.Info)
			if (typ != elf.STT_FUNC && typ != elf.STT_OBJECT && typ != elf.STT_GNU_IFUNC) || s.Value == 0 || s.Name == "" {
				continue
			}
			if seen[s.Value] {
				continue
			}
			seen[s.Value] = true
			syms = append(syms, sym{addr: s.Value, size: s.Size, name: s.Name})
		}
	}
	if list, err := f.Symbols(); err == nil {
		add(list)
	}
	if list, err := f.DynamicSymbols(); err == nil {
		add(list)
	}
	t := &elfTable{table: *newTable(syms)}
	for _, p := range f.Progs {
		t.progs = append(t.progs, p.ProgHeader)
	}
	return t
}
