package attach

import (
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"

	"github.com/bt-tools/bt/lang/probes"
)

// attachUprobe attaches a uprobe or uretprobe to a function of a user
// binary (or a raw address in it, or FUNC+OFFSET). With opts.Symbols it
// is one uprobe_multi link (6.6); with opts.PID the probe fires only in
// that process.
func attachUprobe(prog *ebpf.Program, ap *probes.AttachPoint, opts Options) (Attachment, error) {
	if ap.SourceFile != "" && !ap.HasAddr {
		return nil, fmt.Errorf("source locations must be resolved to an address before attaching: %w", ErrNotSupported)
	}
	path, err := ResolveBinary(ap.Target, opts.PID)
	if err != nil {
		return nil, err
	}
	ex, err := link.OpenExecutable(path)
	if err != nil {
		return nil, err
	}
	ret := ap.Provider.Name == "uretprobe"
	if len(opts.Symbols) > 0 {
		l, err := uprobeMulti(ex, opts.Symbols, prog, &link.UprobeMultiOptions{PID: uint32(opts.PID)}, ret)
		if err != nil {
			return nil, err
		}
		return &links{closers: []io.Closer{l}, probes: len(opts.Symbols)}, nil
	}
	uo := &link.UprobeOptions{Offset: ap.Offset, PID: opts.PID}
	if ap.HasAddr {
		if uo.Address, err = fileOffset(path, ap.Addr); err != nil {
			return nil, err
		}
	}
	l, err := uprobe(ex, ap.Func, prog, uo, ret)
	if err != nil {
		return nil, err
	}
	return single(l), nil
}

// attachUSDT attaches one uprobe per USDT site, with the kernel managing
// the semaphore when the probe has one.
func attachUSDT(prog *ebpf.Program, ap *probes.AttachPoint, opts Options) (Attachment, error) {
	if len(opts.USDT) == 0 {
		return nil, fmt.Errorf("no USDT sites were resolved for %s", ap.Func)
	}
	path, err := ResolveBinary(ap.Target, opts.PID)
	if err != nil {
		return nil, err
	}
	ex, err := link.OpenExecutable(path)
	if err != nil {
		return nil, err
	}
	ls := &links{probes: 1}
	for _, site := range opts.USDT {
		uo := &link.UprobeOptions{Address: site.Offset, RefCtrOffset: site.Semaphore, PID: opts.PID}
		l, err := ex.Uprobe(ap.Func, prog, uo)
		if err != nil {
			ls.Close()
			return nil, fmt.Errorf("site at offset %#x: %w", site.Offset, err)
		}
		ls.closers = append(ls.closers, l)
	}
	return ls, nil
}

func uprobe(ex *link.Executable, sym string, prog *ebpf.Program, o *link.UprobeOptions, ret bool) (link.Link, error) {
	if ret {
		return ex.Uretprobe(sym, prog, o)
	}
	return ex.Uprobe(sym, prog, o)
}

func uprobeMulti(ex *link.Executable, syms []string, prog *ebpf.Program, o *link.UprobeMultiOptions, ret bool) (link.Link, error) {
	if ret {
		return ex.UretprobeMulti(syms, prog, o)
	}
	return ex.UprobeMulti(syms, prog, o)
}

// ResolveBinary finds the file a uprobe target names. An empty target
// with a pid is the process's executable (/proc/PID/exe, which also works
// across mount namespaces). A name without a '/' is looked up as a
// command in $PATH and then as a library in the usual library
// directories ("libc" and "libc.so.6" both find libc.so.6).
func ResolveBinary(target string, pid int) (string, error) {
	switch {
	case target == "" && pid > 0:
		return "/proc/" + strconv.Itoa(pid) + "/exe", nil
	case target == "":
		return "", errors.New("uprobe needs a binary (or -p PID)")
	case strings.Contains(target, "/"):
		return target, nil
	}
	if strings.HasPrefix(target, "lib") || strings.Contains(target, ".so") {
		if p := findLibrary(target); p != "" {
			return p, nil
		}
	}
	if p, err := exec.LookPath(target); err == nil {
		return filepath.Abs(p)
	}
	if p := findLibrary(target); p != "" {
		return p, nil
	}
	return "", fmt.Errorf("binary %q not found in $PATH or the library directories", target)
}

// libDirs are searched for libraries named without a path, in order, as
// ld.so.cache would list them on a Debian or Fedora system.
var libDirs = []string{
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
	"/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
	"/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib",
}

// findLibrary returns the first NAME, NAME.so or NAME.so.* in libDirs.
func findLibrary(name string) string {
	for _, dir := range libDirs {
		for _, pat := range []string{name, name + ".so", name + ".so.*"} {
			m, _ := filepath.Glob(filepath.Join(dir, pat))
			sort.Strings(m)
			for _, p := range m {
				if isELF(p) {
					return p
				}
			}
		}
	}
	return ""
}

func isELF(path string) bool {
	f, err := elf.Open(path)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// fileOffset converts a virtual address in an ELF file (as uprobe:BIN:ADDR
// gives it) to the file offset the kernel's uprobes take.
func fileOffset(path string, vaddr uint64) (uint64, error) {
	f, err := elf.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD && p.Vaddr <= vaddr && vaddr < p.Vaddr+p.Memsz {
			return vaddr - p.Vaddr + p.Off, nil
		}
	}
	return 0, fmt.Errorf("address %#x is not in a loadable segment of %s", vaddr, path)
}
