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

// Child is the -c command. [StartChild] creates it stopped right after
// exec, so that its pid is known to the compiler (cpid) and its binary is
// in place for uprobes, but it runs no instruction until [Child.Release]
// (bpftrace holds its child the same way when it needs to).
//
// The hold uses ptrace: the child is started with PTRACE_TRACEME, stops
// at the exec, and Release detaches from it. ptrace requests must come
// from the thread that started the child, so one goroutine, locked to its
// thread, owns the child until then.
type Child struct {
	cmd     *exec.Cmd
	release chan bool     // true: run, false: kill
	done    chan struct{} // closed when the child has exited and is reaped
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
	cmd.SysProcAttr = &syscall.SysProcAttr{Ptrace: true, Pdeathsig: syscall.SIGTERM}
	c := &Child{cmd: cmd, release: make(chan bool, 1), done: make(chan struct{})}
	started := make(chan error)
	go c.hold(started)
	if err := <-started; err != nil {
		return nil, fmt.Errorf("start child %s: %w", argv[0], err)
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
	c.mu.Lock()
	c.running = run && err == nil
	c.mu.Unlock()
	c.waitErr = c.cmd.Wait()
	close(c.done)
}

// Pid is the child's process id (the cpid builtin).
func (c *Child) Pid() int { return c.cmd.Process.Pid }

// Release lets the child run.
func (c *Child) Release() error {
	released := false
	c.once.Do(func() { c.release <- true; released = true })
	if !released {
		return errors.New("child was already released or killed")
	}
	return nil
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

// Kill kills the child if it has not exited (a held child never runs)
// and waits until it is reaped.
func (c *Child) Kill() {
	c.once.Do(func() { c.release <- false })
	select {
	case <-c.done:
		return
	default:
	}
	c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.done
}
