// Command snapshot writes the kernel fixture that lang/kernel's Fixture
// reads, from the running machine:
//
//	go run ./lang/kernel/internal/snapshot -out testdata/kernel
//
// It needs root to read tracefs, and mounts tracefs if it is not mounted.
// See the README.md it writes for what the files hold.
package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"text/template"

	"golang.org/x/sys/unix"

	"github.com/bt-tools/bt/lang/kernel"
	"github.com/bt-tools/bt/lang/kernel/internal/archive"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "snapshot:", err)
		os.Exit(1)
	}
}

func run() error {
	out := flag.String("out", "", "output `directory` (testdata/kernel)")
	btfPath := flag.String("btf", "/sys/kernel/btf/vmlinux", "raw vmlinux BTF `file`")
	tracefs := flag.String("tracefs", "/sys/kernel/tracing", "tracefs mount `point`; mounted if needed")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	if err := mountTraceFS(*tracefs); err != nil {
		return err
	}
	s := &stats{Arch: runtime.GOARCH}
	steps := []func() error{
		func() error { return writeBTF(*out, *btfPath, s) },
		func() error { return writeTraceFS(*out, *tracefs, s) },
		func() error { return writeFile(filepath.Join(*out, kernel.FixtureKallsyms), []byte(kallsyms)) },
		func() error { return writeREADME(*out, s) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// stats are what the README reports about the snapshot.
type stats struct {
	Release, Arch  string
	BTFBytes       int
	Events         int
	FilterFuncs    bool
	FilterFuncsErr string
}

func mountTraceFS(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, "available_events")); err == nil {
		return nil
	}
	if err := unix.Mount("tracefs", dir, "tracefs", 0, ""); err != nil {
		return fmt.Errorf("mount tracefs on %s (needs root): %w", dir, err)
	}
	return nil
}

func writeBTF(out, btfPath string, s *stats) error {
	raw, err := os.ReadFile(btfPath)
	if err != nil {
		return fmt.Errorf("read BTF: %w", err)
	}
	s.BTFBytes = len(raw)
	var uts unix.Utsname
	if err := unix.Uname(&uts); err == nil {
		s.Release = unix.ByteSliceToString(uts.Release[:])
	}
	return writeGzip(filepath.Join(out, kernel.FixtureBTF), raw)
}

// writeTraceFS archives available_events, the format file of each event it
// lists and, when readable, available_filter_functions.
func writeTraceFS(out, dir string, s *stats) error {
	read := func(name string) ([]byte, error) {
		return os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	}
	events, err := read("available_events")
	if err != nil {
		return fmt.Errorf("read tracefs (needs root): %w", err)
	}
	files := []archive.File{{Name: "available_events", Data: events}}
	var names []string
	for line := range strings.Lines(string(events)) {
		cat, ev, ok := strings.Cut(strings.TrimSpace(line), ":")
		if ok {
			names = append(names, path.Join("events", cat, ev, "format"))
		}
	}
	slices.Sort(names)
	for _, name := range slices.Compact(names) {
		data, err := read(name)
		if err != nil {
			return fmt.Errorf("read tracefs: %w", err)
		}
		files = append(files, archive.File{Name: name, Data: data})
	}
	s.Events = len(files) - 1
	switch fns, err := read("available_filter_functions"); {
	case err == nil:
		files = append(files, archive.File{Name: "available_filter_functions", Data: fns})
		s.FilterFuncs = true
	case errors.Is(err, fs.ErrPermission), errors.Is(err, fs.ErrNotExist):
		s.FilterFuncsErr = err.Error()
	default:
		return fmt.Errorf("read tracefs: %w", err)
	}
	var buf bytes.Buffer
	if err := archive.Write(&buf, files); err != nil {
		return err
	}
	if err := writeGzip(filepath.Join(out, kernel.FixtureTraceFS), buf.Bytes()); err != nil {
		return err
	}
	return writeSyscalls(files)
}

// writeSyscalls writes the formats of the syscalls tracepoints into the
// kernel package, which embeds them: syscall arguments are ABI, the same
// on every kernel, and BTF does not describe most of them, so they are
// what bt falls back on when tracefs cannot be read (editors, non-root).
func writeSyscalls(files []archive.File) error {
	var sys []archive.File
	for _, f := range files {
		if strings.HasPrefix(f.Name, "events/syscalls/") {
			sys = append(sys, f)
		}
	}
	var buf bytes.Buffer
	if err := archive.Write(&buf, sys); err != nil {
		return err
	}
	return writeGzip(filepath.Join("lang", "kernel", kernel.SyscallFormats), buf.Bytes())
}

// writeGzip writes data compressed, without a timestamp so that the same
// input always makes the same file.
func writeGzip(name string, data []byte) error {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := zw.Write(data); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return writeFile(name, buf.Bytes())
}

func writeFile(name string, data []byte) error {
	if err := os.WriteFile(name, data, 0o644); err != nil {
		return fmt.Errorf("write snapshot: %w", err)
	}
	return nil
}

// kallsyms is the fixture's symbol table: a few symbols that scripts pass
// to kaddr(), at made-up addresses that stay the same from one snapshot
// to the next (the real ones move with KASLR, and most data symbols are
// absent from kallsyms without CONFIG_KALLSYMS_ALL).
const kallsyms = `ffffffff81000000 T _stext
ffffffff81000000 T _text
ffffffff81412340 T vfs_read
ffffffff81412680 T vfs_write
ffffffff81437c10 T do_sys_openat2
ffffffff82a05000 D jiffies
ffffffff82a05000 D jiffies_64
ffffffff82a1b2c0 D avenrun
ffffffff82c15940 D init_task
ffffffff82e0a010 D nr_cpu_ids
ffffffffc0a01000 t xfs_fs_fill_super	[xfs]
`

func writeREADME(out string, s *stats) error {
	var buf bytes.Buffer
	if err := readme.Execute(&buf, s); err != nil {
		return err
	}
	return writeFile(filepath.Join(out, "README.md"), buf.Bytes())
}

var readme = template.Must(template.New("").Parse(`# Kernel fixture

A snapshot of what lang/kernel reads from a running kernel, so that tests of
the front end, the linter and the language server are deterministic and run
without root. ` + "`kernel.NewFixture`" + ` reads it with the same code that
reads the live files.

Taken from Linux {{.Release}} ({{.Arch}}). Regenerate it, as root, with

    go run ./lang/kernel/internal/snapshot -out testdata/kernel

| File | What |
|---|---|
| ` + "`vmlinux.btf.gz`" + ` | /sys/kernel/btf/vmlinux ({{.BTFBytes}} bytes), gzipped |
| ` + "`tracefs.txt.gz`" + ` | tracefs files, gzipped: ` + "`available_events`" + `, the ` + "`events/CATEGORY/EVENT/format`" + ` file of each of its {{.Events}} events{{if .FilterFuncs}}, ` + "`available_filter_functions`" + `{{end}} |
| ` + "`kallsyms.txt`" + ` | a few symbols in /proc/kallsyms's format, at made-up, stable addresses |

tracefs.txt.gz decompresses to a text archive: each file starts with a line
` + "`-- PATH --`" + `, PATH relative to the tracefs mount point, and its
contents follow.
{{if not .FilterFuncs}}
available_filter_functions could not be read on this kernel
({{.FilterFuncsErr}}), so Functions() lists the functions in BTF.
{{end}}`))
