package output

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// Symbol is what a [Symbolizer] knows about an address.
type Symbol struct {
	Name   string // "" when the address is unknown
	Offset uint64 // addr - start of the symbol
	Module string // the object file, shown for user frames in perf mode
}

// Symbolizer resolves code addresses. The runner implements it over
// /proc/kallsyms and ELF symbol tables; this package only formats what it
// returns (name, name+offset, the module in perf mode, or the bare address
// when Name is empty), so the formats of ksym(), usym() and the stack modes
// stay in one place.
type Symbolizer interface {
	// Kernel resolves a kernel address.
	Kernel(addr uint64) Symbol
	// User resolves an address in process pid.
	User(pid int, addr uint64) Symbol
}

// UserLookup resolves uids for the username builtin.
type UserLookup interface {
	// Username returns the name of uid, or ok false.
	Username(uid uint64) (name string, ok bool)
}

// CgroupResolver resolves cgroup ids for cgroup_path().
type CgroupResolver interface {
	// CgroupPath returns the text bpftrace prints for the cgroup: one
	// "hierarchy:path" per matching hierarchy, joined by commas.
	CgroupPath(id uint64, filter string) string
}

// PasswdUsers looks uids up in a passwd(5) file, reading it on every call
// as bpftrace does, so users added while tracing are found.
type PasswdUsers struct {
	Path string // "" means /etc/passwd
}

// Username implements [UserLookup].
func (p PasswdUsers) Username(uid uint64) (string, bool) {
	path := p.Path
	if path == "" {
		path = "/etc/passwd"
	}
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	want := strconv.FormatUint(uid, 10)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ":")
		if len(fields) >= 3 && fields[2] == want {
			return fields[0], true
		}
	}
	return "", false
}

// StaticSymbols is a [Symbolizer] over fixed tables, for tests and for
// callers that resolved the addresses already.
type StaticSymbols struct {
	Kern map[uint64]Symbol
	Usr  map[uint64]Symbol // keyed by address, any pid
}

// Kernel implements [Symbolizer].
func (s StaticSymbols) Kernel(addr uint64) Symbol { return s.Kern[addr] }

// User implements [Symbolizer].
func (s StaticSymbols) User(_ int, addr uint64) Symbol { return s.Usr[addr] }
