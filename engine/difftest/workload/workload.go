// Package workload is the process that the differential tests and the
// benchmark trace: a fixed list of syscalls (ops), run once, on one
// thread, by a process whose name (its comm) the test chooses, so that the
// scripts can filter on it.
//
// The process is the btwl command (./btwl), started through a symlink
// whose name becomes its comm, with the ops in $BT_WORKLOAD and a scratch
// directory in $BT_WORKLOAD_DIR. When the ops are done it prints
// [Done] and waits for its standard input to close, so that it is still
// there when the tracers resolve its user symbols.
package workload

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// An Op is one step of a workload: a syscall done a fixed number of times.
type Op struct {
	Name string
	N    int      // repetitions
	Arg  int      // size or milliseconds, by op
	Str  string   // path or text, by op
	Argv []string // exec's command
}

// opArgs lists the ops and the arguments each takes:
// n = count, a = integer argument, s = string.
var opArgs = map[string]string{
	"getpid":  "n",   // getpid N
	"getppid": "n",   // getppid N: scripts use it as an end-of-workload marker
	"open":    "sn",  // open PATH N: openat(AT_FDCWD, PATH, O_RDONLY), closed if it opened
	"read":    "na",  // read N SIZE: read SIZE bytes from /dev/zero
	"write":   "na",  // write N SIZE: write SIZE bytes to /dev/null
	"text":    "ns",  // text N TEXT: write TEXT (no spaces; \n allowed) to /dev/null
	"prefix":  "nsa", // prefix N TEXT LEN: write the first LEN bytes of TEXT to /dev/null
	"sleep":   "na",  // sleep N MS: nanosleep
	"dio":     "na",  // dio N SIZE: O_DIRECT writes of SIZE bytes to a file in {{dir}}, then fsync
	"spin":    "a",   // spin M: burn CPU in user space for M million iterations of one function
	"kill":    "n",   // kill N: kill(self, 0)
	"yield":   "n",   // yield N: sched_yield
	"close":   "n",   // close N: close(-1), failing with EBADF
	"exec":    "s..", // exec PATH ARGV0 ARGS...: run a child and wait
	"execas":  "s..", // execas NAME PATH ARGS...: run PATH through a symlink NAME (its comm) in a new directory under {{dir}}, and wait
	"spawnas": "s..", // spawnas NAME PATH ARGS...: as execas, but leave it running once it reads its standard input, until the workload ends
}

// Parse parses a workload: ops separated by ";", each a name and its
// arguments separated by spaces.
func Parse(s string) ([]Op, error) {
	var ops []Op
	for _, part := range strings.Split(s, ";") {
		f := strings.Fields(part)
		if len(f) == 0 {
			continue
		}
		op, err := parseOp(f)
		if err != nil {
			return nil, fmt.Errorf("workload op %q: %w", strings.TrimSpace(part), err)
		}
		ops = append(ops, op)
	}
	return ops, nil
}

func parseOp(f []string) (Op, error) {
	op := Op{Name: f[0], N: 1}
	spec, ok := opArgs[op.Name]
	if !ok {
		return op, fmt.Errorf("unknown op")
	}
	args := f[1:]
	if spec == "s.." {
		if len(args) == 0 {
			return op, fmt.Errorf("want a command")
		}
		op.Str, op.Argv = args[0], args
		return op, nil
	}
	if len(args) > len(spec) || (spec != "n" && len(args) < len(spec)) {
		return op, fmt.Errorf("want arguments %q", spec)
	}
	for i, a := range args {
		switch spec[i] {
		case 's':
			op.Str = strings.ReplaceAll(a, `\n`, "\n")
		case 'n', 'a':
			v, err := strconv.Atoi(a)
			if err != nil || v < 0 {
				return op, fmt.Errorf("bad number %q", a)
			}
			if spec[i] == 'n' {
				op.N = v
			} else {
				op.Arg = v
			}
		}
	}
	return op, nil
}

// Environment of the workload process.
const (
	OpsEnv = "BT_WORKLOAD"     // the ops
	DirEnv = "BT_WORKLOAD_DIR" // scratch directory
)

// Done is the line the process prints when its ops are done.
const Done = "workload done"

// Main is the workload process: it runs the ops in $BT_WORKLOAD, prints
// Done and waits for standard input to close. It returns the exit code.
func Main() int {
	// Every op runs on this thread, which the test pins to one CPU, so
	// that bpftrace 0.17's per-CPU buffers see the events in order.
	runtime.LockOSThread()
	ops, err := Parse(os.Getenv(OpsEnv))
	if err == nil {
		err = Run(ops, os.Getenv(DirEnv))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "workload:", err)
		return 1
	}
	fmt.Println(Done)
	io.Copy(io.Discard, os.Stdin)
	return 0
}

// Run runs the ops in order on the calling thread (the caller locks it).
// dir is where dio and execas create files.
func Run(ops []Op, dir string) error {
	for _, op := range ops {
		if err := runOp(op, dir); err != nil {
			return fmt.Errorf("%s: %w", op.Name, err)
		}
	}
	return nil
}

func runOp(op Op, dir string) error {
	switch op.Name {
	case "getpid":
		repeat(op.N, func() { unix.RawSyscall(unix.SYS_GETPID, 0, 0, 0) })
	case "getppid":
		repeat(op.N, func() { unix.RawSyscall(unix.SYS_GETPPID, 0, 0, 0) })
	case "open":
		repeat(op.N, func() {
			if fd, err := unix.Open(op.Str, unix.O_RDONLY, 0); err == nil {
				unix.Close(fd)
			}
		})
	case "read":
		return withFile("/dev/zero", unix.O_RDONLY, func(fd int) error {
			buf := make([]byte, op.Arg)
			return repeatErr(op.N, func() error { _, err := unix.Read(fd, buf); return err })
		})
	case "write":
		return writeN(op.N, make([]byte, op.Arg))
	case "text":
		return writeN(op.N, []byte(op.Str))
	case "prefix":
		if op.Arg > len(op.Str) {
			return fmt.Errorf("LEN %d is longer than TEXT", op.Arg)
		}
		return writeN(op.N, []byte(op.Str)[:op.Arg])
	case "sleep":
		ts := unix.NsecToTimespec(int64(op.Arg) * int64(time.Millisecond))
		repeat(op.N, func() { unix.Nanosleep(&ts, nil) })
	case "dio":
		return directIO(op, dir)
	case "spin":
		spin(op.Arg * 1_000_000)
	case "kill":
		pid := unix.Getpid()
		repeat(op.N, func() { unix.Kill(pid, 0) })
	case "yield":
		repeat(op.N, func() { unix.RawSyscall(unix.SYS_SCHED_YIELD, 0, 0, 0) })
	case "close":
		repeat(op.N, func() { unix.RawSyscall(unix.SYS_CLOSE, ^uintptr(0), 0, 0) })
	case "exec":
		if len(op.Argv) < 2 {
			return errors.New("exec: want PATH ARGV0 ARGS")
		}
		cmd := exec.Command(op.Str, op.Argv[2:]...)
		cmd.Args[0] = op.Argv[1]
		return cmd.Run()
	case "execas":
		cmd, err := commandAs(op, dir)
		if err != nil {
			return err
		}
		return cmd.Run()
	case "spawnas":
		return spawn(op, dir)
	}
	return nil
}

// commandAs is the command of execas and spawnas: op.Argv[1:] run through
// a symlink named op.Argv[0].
func commandAs(op Op, dir string) (*exec.Cmd, error) {
	if len(op.Argv) < 2 {
		return nil, errors.New("exec as: want NAME PATH ARGS")
	}
	sub, err := os.MkdirTemp(dir, "exec")
	if err != nil {
		return nil, err
	}
	name := filepath.Join(sub, op.Argv[0])
	if err := os.Symlink(op.Argv[1], name); err != nil {
		return nil, err
	}
	return exec.Command(name, op.Argv[2:]...), nil
}

// spawn starts a child that stays until this process ends (its standard
// input is a pipe that closes then), and waits until it blocks reading
// that pipe: then it has done its start-up work. Tracers that resolve its
// symbols when they print still find it.
func spawn(op Op, dir string) error {
	cmd, err := commandAs(op, dir)
	if err != nil {
		return err
	}
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	cmd.Stdin = r
	if err := cmd.Start(); err != nil {
		return err
	}
	r.Close()
	spawned = append(spawned, w) // kept open: closed by exit
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		// /proc/PID/syscall starts with "0 0x0" while it blocks in
		// read(0, ...).
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/syscall", cmd.Process.Pid))
		if err != nil {
			return err
		}
		if strings.HasPrefix(string(b), "0 0x0 ") {
			return nil
		}
		time.Sleep(time.Millisecond)
	}
	return fmt.Errorf("%s does not read its standard input", op.Argv[1])
}

// spawned holds the write ends of the spawned children's standard input.
var spawned []*os.File

func repeat(n int, f func()) {
	for range n {
		f()
	}
}

func repeatErr(n int, f func() error) error {
	for range n {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

func withFile(path string, flags int, f func(fd int) error) error {
	fd, err := unix.Open(path, flags, 0o600)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	return f(fd)
}

func writeN(n int, buf []byte) error {
	return withFile("/dev/null", unix.O_WRONLY, func(fd int) error {
		return repeatErr(n, func() error { _, err := unix.Write(fd, buf); return err })
	})
}

// directIO writes op.N blocks of op.Arg bytes with O_DIRECT, so that each
// becomes a block request of that size, issued from this task.
func directIO(op Op, dir string) error {
	path := filepath.Join(dir, "dio")
	defer os.Remove(path)
	return withFile(path, unix.O_WRONLY|unix.O_CREAT|unix.O_TRUNC|unix.O_DIRECT, func(fd int) error {
		buf := alignedBuf(op.Arg, 4096)
		for i := range buf {
			buf[i] = byte(i)
		}
		if err := repeatErr(op.N, func() error { _, err := unix.Write(fd, buf); return err }); err != nil {
			return err
		}
		return unix.Fsync(fd)
	})
}

// alignedBuf returns n bytes aligned to align, as O_DIRECT wants.
func alignedBuf(n, align int) []byte {
	b := make([]byte, n+align)
	off := int(uintptr(unsafe.Pointer(&b[0])) & uintptr(align-1))
	if off != 0 {
		off = align - off
	}
	return b[off : off+n]
}

var spinSink uint64

// spin burns CPU in user space, in this one function and nowhere else
// (no calls, no syscalls), so that every profile sample of the workload
// has the same user stack leaf.
//
//go:noinline
func spin(n int) {
	x := spinSink
	for i := range n {
		x = x*2654435761 + uint64(i)
	}
	spinSink = x
}
