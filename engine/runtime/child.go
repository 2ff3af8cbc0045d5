package runtime

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	goruntime "runtime"
	"strings"
	"sync"
	"syscall"
)

// Child is the -c command. [StartChild] creates it held, so that its pid
// is known to the compiler (cpid) before any probe exists, but it runs no
// instruction of the command until [Child.Release].
//
// The hold uses ptrace, as bpftrace's does when it must: the child starts
// with PTRACE_TRACEME, stops right after its exec (so /proc/PID/exe is
// already the command's binary, for uprobes), and Release detaches from
// it. ptrace requests must come from the thread that started the child,
// so one goroutine, locked to its thread, owns the child until then.
// Where ptrace is refused (seccomp, bt itself under strace -f), the child
// is a shell that waits on a pipe and then execs the command, which
// keeps the pid.
type Child struct {
	cmd     *exec.Cmd
	release chan bool // ptrace hold: true to run, false to kill
	pipe    *os.File  // pipe hold: write end, closed to release
	done    chan struct{}
	once    sync.Once
	mu      sync.Mutex
	running bool
	waitErr error
}

// ChildOptions are the standard streams of the child; nil means this
// process's own. The -o file is not the child's output: bpftrace leaves
// the child on the terminal.
type ChildOptions struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

// SplitCommand splits a -c command line into arguments at spaces, as
// bpftrace does (there is no shell: no quoting, no expansion).
func SplitCommand(cmd string) []string { return strings.Fields(cmd) }

// StartChild starts argv held (see [Child]). The program is looked up in
// $PATH when argv[0] has no '/'. If bt dies, the child gets SIGTERM.
func StartChild(argv []string, opts ChildOptions) (*Child, error) {
	if len(argv) == 0 {
		return nil, errors.New("start child: empty command")
	}
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return nil, fmt.Errorf("start child: %w", err)
	}
	c, err := startTraced(command(path, argv, opts))
	if errors.Is(err, syscall.EPERM) {
		c, err = startPiped(path, argv, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("start child %s: %w", argv[0], err)
	}
	return c, nil
}

func command(path string, argv []string, opts ChildOptions) *exec.Cmd {
	cmd := &exec.Cmd{Path: path, Args: argv, Stdin: opts.Stdin, Stdout: opts.Stdout, Stderr: opts.Stderr}
	if cmd.Stdin == nil {
		cmd.Stdin = os.Stdin
	}
	if cmd.Stdout == nil {
		cmd.Stdout = os.Stdout
	}
	if cmd.Stderr == nil {
		cmd.Stderr = os.Stderr
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	return cmd
}

// startTraced starts cmd under ptrace, stopped at its exec.
func startTraced(cmd *exec.Cmd) (*Child, error) {
	cmd.SysProcAttr.Ptrace = true
	c := &Child{cmd: cmd, release: make(chan bool, 1), done: make(chan struct{})}
	started := make(chan error)
	go c.hold(started)
	if err := <-started; err != nil {
		return nil, err
	}
	return c, nil
}

// hold starts the child, waits for its exec stop, and keeps it stopped
// until Release or Kill; then it reaps the child.
func (c *Child) hold(started chan<- error) {
	goruntime.LockOSThread()
	if err := c.cmd.Start(); err != nil {
		goruntime.UnlockOSThread()
		started <- err
		return
	}
	pid := c.cmd.Process.Pid
	var ws syscall.WaitStatus
	if _, err := syscall.Wait4(pid, &ws, 0, nil); err != nil || !ws.Stopped() {
		c.cmd.Process.Kill()
		goruntime.UnlockOSThread()
		c.cmd.Wait()
		started <- fmt.Errorf("child did not stop at exec (status %v): %v", ws, err)
		return
	}
	started <- nil
	run := <-c.release
	if !run {
		syscall.Kill(pid, syscall.SIGKILL)
	}
	err := syscall.PtraceDetach(pid)
	// Unlock only now: a goroutine that exits locked ends its thread, and
	// the end of the thread that forked the child sends it Pdeathsig.
	goruntime.UnlockOSThread()
	c.setRunning(run && err == nil)
	c.reap()
}

// holdScript waits for a line on fd 3, then becomes the command; if bt
// goes away first, the read fails and the shell exits.
const holdScript = `read -r _ <&3 || exit 127; exec 3<&-; exec "$0" "$@"`

// startPiped starts a shell that execs the command once Release writes to
// its pipe.
func startPiped(path string, argv []string, opts ChildOptions) (*Child, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd := command("/bin/sh", append([]string{"sh", "-c", holdScript, path}, argv[1:]...), opts)
	cmd.ExtraFiles = []*os.File{r}
	err = cmd.Start()
	r.Close()
	if err != nil {
		w.Close()
		return nil, err
	}
	c := &Child{cmd: cmd, pipe: w, done: make(chan struct{})}
	go c.reap()
	return c, nil
}

func (c *Child) reap() {
	c.waitErr = c.cmd.Wait()
	close(c.done)
}

func (c *Child) setRunning(v bool) {
	c.mu.Lock()
	c.running = v
	c.mu.Unlock()
}

// Pid is the child's process id (the cpid builtin).
func (c *Child) Pid() int { return c.cmd.Process.Pid }

// Release lets the child run.
func (c *Child) Release() error {
	released := false
	c.once.Do(func() { c.let(true); released = true })
	if !released {
		return errors.New("child was already released or killed")
	}
	return nil
}

// let ends the hold: the child runs, or dies.
func (c *Child) let(run bool) {
	if c.pipe == nil {
		c.release <- run
		return
	}
	if run {
		c.pipe.Write([]byte("\n"))
		c.setRunning(true)
	}
	c.pipe.Close()
}

// Done is closed when the child has exited.
func (c *Child) Done() <-chan struct{} { return c.done }

// ExitError is how the child ended (an *exec.ExitError when it failed);
// valid after Done is closed.
func (c *Child) ExitError() error { return c.waitErr }

// Terminate sends SIGTERM to a running child, as bpftrace does when it
// stops before its child has exited.
func (c *Child) Terminate() {
	c.mu.Lock()
	running := c.running
	c.mu.Unlock()
	select {
	case <-c.done:
	default:
		if running {
			c.cmd.Process.Signal(syscall.SIGTERM)
		}
	}
}

// Kill kills the child if it has not exited (a held child never runs the
// command) and waits until it is reaped.
func (c *Child) Kill() {
	c.once.Do(func() { c.let(false) })
	select {
	case <-c.done:
		return
	default:
	}
	c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.done
}
