package kernel

import (
	"cmp"
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Kallsym implements [Info]. Without root the kernel shows every address
// in kallsyms as 0; that is an error, not an address.
func (l *Live) Kallsym(name string) (uint64, error) {
	syms, err := l.ksyms.get(l.loadKallsyms)
	if err != nil {
		return 0, err
	}
	addr, ok := syms[name]
	if !ok {
		return 0, notFound("kernel symbol", name)
	}
	return addr, nil
}

func (l *Live) loadKallsyms() (map[string]uint64, error) {
	data, err := os.ReadFile(l.src.kallsyms)
	if err != nil {
		return nil, fmt.Errorf("read kallsyms: %w", err)
	}
	syms, err := parseKallsyms(data)
	if err != nil {
		return nil, fmt.Errorf("read kallsyms %s: %w", l.src.kallsyms, err)
	}
	return syms, nil
}

// parseKallsyms parses "address type name [module]" lines. The first
// symbol of a name wins, as it does for bpftrace's kaddr.
func parseKallsyms(data []byte) (map[string]uint64, error) {
	syms := make(map[string]uint64)
	nonzero := false
	for line := range strings.Lines(string(data)) {
		f := strings.Fields(line)
		if len(f) < 3 {
			continue
		}
		addr, err := strconv.ParseUint(f[0], 16, 64)
		if err != nil {
			return nil, fmt.Errorf("bad address in %q: %w", strings.TrimSpace(line), err)
		}
		nonzero = nonzero || addr != 0
		if _, dup := syms[f[2]]; !dup {
			syms[f[2]] = addr
		}
	}
	if len(syms) > 0 && !nonzero {
		return nil, errors.New("addresses are hidden (kptr_restrict): needs root")
	}
	return syms, nil
}

// elfKey identifies one version of a file, so that a rebuilt binary is
// read again.
type elfKey struct {
	path  string
	size  int64
	mtime time.Time
}

// Symbols implements [Info]: the named function and object symbols of the
// symbol table and the dynamic symbol table (defined ones only), sorted by
// address then name, without duplicates.
func (l *Live) Symbols(path string) ([]Symbol, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read symbols: %w", err)
	}
	return l.elfSyms.get(elfKey{path, fi.Size(), fi.ModTime()}, func() ([]Symbol, error) {
		syms, err := readSymbols(path)
		if err != nil {
			return nil, fmt.Errorf("read symbols %s: %w", path, err)
		}
		return syms, nil
	})
}

func readSymbols(path string) ([]Symbol, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Symbol
	for _, read := range []func() ([]elf.Symbol, error){f.Symbols, f.DynamicSymbols} {
		syms, err := read()
		if err != nil && !errors.Is(err, elf.ErrNoSymbols) {
			return nil, err
		}
		for _, s := range syms {
			typ := elf.ST_TYPE(s.Info)
			if s.Name == "" || s.Section == elf.SHN_UNDEF || (typ != elf.STT_FUNC && typ != elf.STT_OBJECT) {
				continue
			}
			out = append(out, Symbol{Name: s.Name, Addr: s.Value, Size: s.Size, Func: typ == elf.STT_FUNC})
		}
	}
	slices.SortFunc(out, func(a, b Symbol) int {
		return cmp.Or(cmp.Compare(a.Addr, b.Addr), strings.Compare(a.Name, b.Name))
	})
	return slices.CompactFunc(out, func(a, b Symbol) bool { return a.Name == b.Name && a.Addr == b.Addr }), nil
}
