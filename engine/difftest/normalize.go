package difftest

import (
	"debug/elf"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// A Rule rewrites a tracer's output before the comparison. Rules remove
// only differences that are legitimate (a timestamp, the tracer's own pid,
// the order bpftrace leaves unspecified); they never drop lines.
type Rule func(string) string

// Replace is a rule that replaces every match of rx with repl (which may
// refer to groups as $1).
func Replace(rx *regexp.Regexp, repl string) Rule {
	return func(s string) string { return rx.ReplaceAllString(s, repl) }
}

// An entry is one printed map entry: "@m[k]: 5" on one line, or a key
// that spans lines (a stack: "@[", frames, "]: 5").
type entry struct {
	lines []string
	name  string // "@m"
	value string // "5"
}

var (
	scalarEntry = regexp.MustCompile(`^(@\w*)(\[.*\])?: (-?\d+)$`)
	openEntry   = regexp.MustCompile(`^(@\w*)\[.*$`)
	closeEntry  = regexp.MustCompile(`^.*\]: (-?\d+)$`)
)

// entries splits lines into map entries and other lines (entries with a
// nil name).
func entries(lines []string) []entry {
	var es []entry
	for i := 0; i < len(lines); i++ {
		if m := scalarEntry.FindStringSubmatch(lines[i]); m != nil {
			es = append(es, entry{lines[i : i+1], m[1], m[3]})
			continue
		}
		if m := openEntry.FindStringSubmatch(lines[i]); m != nil {
			j := i + 1
			for j < len(lines) && !closeEntry.MatchString(lines[j]) && !strings.HasPrefix(lines[j], "@") {
				j++
			}
			if j < len(lines) && closeEntry.MatchString(lines[j]) {
				v := closeEntry.FindStringSubmatch(lines[j])[1]
				es = append(es, entry{lines[i : j+1], m[1], v})
				i = j
				continue
			}
		}
		es = append(es, entry{lines: lines[i : i+1]})
	}
	return es
}

func join(es []entry) string {
	var lines []string
	for _, e := range es {
		lines = append(lines, e.lines...)
	}
	return strings.Join(lines, "\n")
}

// SortTies sorts runs of consecutive entries of one map that have equal
// values. bpftrace sorts entries by value with an unstable sort over the
// order the kernel's hash map iterates in, so ties come out in no
// particular order.
func SortTies(s string) string {
	es := entries(strings.Split(s, "\n"))
	for i := 0; i < len(es); {
		j := i + 1
		for es[i].name != "" && j < len(es) && es[j].name == es[i].name && es[j].value == es[i].value {
			j++
		}
		slices.SortStableFunc(es[i:j], func(a, b entry) int {
			return strings.Compare(strings.Join(a.lines, "\n"), strings.Join(b.lines, "\n"))
		})
		i = j
	}
	return join(es)
}

// Dedupe collapses runs of identical consecutive map entries into one. It
// is for sampled keys that differed only in what an earlier rule removed
// (the instruction offsets of profile samples in one function).
func Dedupe(s string) string {
	es := entries(strings.Split(s, "\n"))
	out := es[:0]
	for _, e := range es {
		if n := len(out); n > 0 && e.name != "" && out[n-1].name == e.name &&
			slices.Equal(out[n-1].lines, e.lines) {
			continue
		}
		out = append(out, e)
	}
	return join(out)
}

var (
	symFrame  = regexp.MustCompile(`(?m)^(\s+)([^\s+]+)\+\d+$`)
	addrFrame = regexp.MustCompile(`(?m)^(\s+)(?:0x)?([0-9a-f]{6,})$`)
)

// LooseFrames compares stack frames by symbol: "    vfs_read+37"
// becomes "    vfs_read". A frame that is a bare address (bt prints those
// while it does not symbolize) is looked up in /proc/kallsyms, or in the
// workload's executable ([WorkloadExe]; Go builds it position dependent),
// and becomes its symbol too, so the comparison still checks the frames;
// any other bare address becomes "ADDR".
func LooseFrames(s string) string {
	s = symFrame.ReplaceAllString(s, "$1$2")
	return addrFrame.ReplaceAllStringFunc(s, func(line string) string {
		m := addrFrame.FindStringSubmatch(line)
		addr, err := strconv.ParseUint(m[2], 16, 64)
		if err == nil {
			if sym := KernelSymbol(addr); sym != "" {
				return m[1] + sym
			}
			if sym := WorkloadSymbol(addr); sym != "" {
				return m[1] + sym
			}
		}
		return m[1] + "ADDR"
	})
}

var (
	kallsymsOnce sync.Once
	kallsyms     []ksym // sorted by address
)

type ksym struct {
	addr, size uint64 // size 0: up to the next symbol
	name       string
}

// KernelSymbol returns the name of the kernel function that contains
// addr, from /proc/kallsyms (root sees the addresses), or "".
func KernelSymbol(addr uint64) string {
	kallsymsOnce.Do(loadKallsyms)
	i := sort.Search(len(kallsyms), func(i int) bool { return kallsyms[i].addr > addr })
	if i == 0 || addr < 0xffff000000000000 {
		return ""
	}
	return kallsyms[i-1].name
}

func loadKallsyms() {
	b, err := os.ReadFile("/proc/kallsyms")
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || (f[1] != "t" && f[1] != "T") {
			continue
		}
		a, err := strconv.ParseUint(f[0], 16, 64)
		if err != nil || a == 0 {
			continue
		}
		kallsyms = append(kallsyms, ksym{addr: a, name: f[2]})
	}
	sort.Slice(kallsyms, func(i, j int) bool { return kallsyms[i].addr < kallsyms[j].addr })
}

// WorkloadExe is the workload's executable, whose symbols LooseFrames
// uses.
var WorkloadExe string

var (
	exeSymsMu sync.Mutex
	exeSyms   = map[string][]ksym{} // by path, sorted by address
)

// WorkloadSymbol returns the function of [WorkloadExe] that contains addr,
// or "".
func WorkloadSymbol(addr uint64) string {
	syms := exeSymbols(WorkloadExe)
	i := sort.Search(len(syms), func(i int) bool { return syms[i].addr > addr })
	if i == 0 || addr >= syms[i-1].addr+syms[i-1].size {
		return ""
	}
	return syms[i-1].name
}

// exeSymbols reads the function symbols of a position-dependent
// executable, once.
func exeSymbols(path string) []ksym {
	exeSymsMu.Lock()
	defer exeSymsMu.Unlock()
	if syms, ok := exeSyms[path]; ok {
		return syms
	}
	var syms []ksym
	defer func() { exeSyms[path] = syms }()
	f, err := elf.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	if f.Type != elf.ET_EXEC {
		return nil // position independent: addresses depend on the run
	}
	all, err := f.Symbols()
	if err != nil {
		return nil
	}
	for _, sym := range all {
		if elf.ST_TYPE(sym.Info) == elf.STT_FUNC && sym.Value != 0 {
			syms = append(syms, ksym{sym.Value, sym.Size, sym.Name})
		}
	}
	sort.Slice(syms, func(i, j int) bool { return syms[i].addr < syms[j].addr })
	return syms
}
