package lspcmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
)

// repoRoot is the module's root, from this package's directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

var built struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

// buildBT builds cmd/bt once per test binary, into a directory that any
// user may read and execute (for the unprivileged test).
func buildBT(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		gobin, err := exec.LookPath("go")
		if err != nil {
			built.err = fmt.Errorf("needs the go tool to build bt: %w", err)
			return
		}
		dir, err := os.MkdirTemp("", "bt-lspcmd-test-")
		if err != nil {
			built.err = err
			return
		}
		built.dir = dir
		if err := os.Chmod(dir, 0o755); err != nil {
			built.err = err
			return
		}
		built.bin = filepath.Join(dir, "bt")
		cmd := exec.Command(gobin, "build", "-o", built.bin, "github.com/bt-tools/bt/cmd/bt")
		if out, err := cmd.CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build ./cmd/bt: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// TestNeovim runs the headless Neovim test of editors/nvim against a bt
// built from this tree, with the kernel fixture. It skips when nvim is
// missing (the script exits 77).
func TestNeovim(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Neovim")
	}
	bin := buildBT(t)
	root := repoRoot(t)
	cmd := exec.Command("sh", filepath.Join(root, "editors/nvim/test/run.sh"))
	cmd.Env = append(os.Environ(), "BT="+bin, "BT_KERNEL=fixture:"+filepath.Join(root, "testdata/kernel"))
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.ExitCode() == 77:
		t.Skipf("skipped by the script: %s", bytes.TrimSpace(out))
	default:
		t.Fatalf("editors/nvim/test/run.sh: %v", err)
	}
	if !bytes.Contains(out, []byte("PASS")) {
		t.Errorf("no PASS in the output")
	}
}

// TestUnprivileged runs `bt lsp` as nobody (uid and gid 65534, no
// supplementary groups) on the live kernel, where tracefs is not
// readable, and checks that it still completes tracepoint events, args
// fields of a tracepoint and BTF struct fields: all from BTF, which is
// world-readable.
func TestUnprivileged(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root, to drop to nobody with setpriv")
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("needs setpriv (util-linux)")
	}
	if _, err := os.Stat("/sys/kernel/btf/vmlinux"); err != nil {
		t.Skipf("needs kernel BTF: %v", err)
	}
	bin := buildBT(t)
	drop := []string{"--reuid=65534", "--regid=65534", "--clear-groups"}
	if out, err := exec.Command(setpriv, append(drop, "cat", "/sys/kernel/tracing/available_events")...).CombinedOutput(); err == nil {
		t.Logf("note: tracefs is readable by nobody here; the BTF fallback is not exercised")
	} else {
		t.Logf("as nobody, tracefs is unreadable: %s", bytes.TrimSpace(out))
	}

	cmd := exec.Command(setpriv, append(drop, bin, "lsp")...)
	cmd.Env = append(os.Environ(), "BT_KERNEL=live")
	c := startProcess(t, cmd)
	if uid := procUID(cmd.Process.Pid); uid != "65534" {
		t.Fatalf("the server runs as uid %q, want 65534", uid)
	}

	tests := []struct {
		name, text string
		want       []string
	}{
		{"tracepoint events", "tracepoint:sched:sched_sw", []string{"sched_switch"}},
		// Not a syscalls tracepoint: for most of them the kernel's BTF
		// lacks what the fallback needs (__do_sys_NAME) on this kernel.
		{"args fields", "tracepoint:sched:sched_switch { $f = args.", []string{"next_comm", "prev_pid"}},
		{"BTF struct fields", "fentry:vfs_read { $i = args.file->f_in", []string{"f_inode"}},
	}
	for i, tt := range tests {
		uri := fmt.Sprintf("file:///nobody%d.bt", i)
		c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
			"uri": uri, "languageId": "bpftrace", "version": 1, "text": tt.text}})
		var list struct {
			Items []struct {
				Label string `json:"label"`
			} `json:"items"`
		}
		c.call("textDocument/completion", map[string]any{
			"textDocument": map[string]any{"uri": uri},
			"position":     map[string]any{"line": 0, "character": len(tt.text)},
		}, &list)
		labels := map[string]bool{}
		for _, it := range list.Items {
			labels[it.Label] = true
		}
		for _, w := range tt.want {
			if !labels[w] {
				t.Errorf("%s: completion of %q lacks %s (%d items)", tt.name, tt.text, w, len(list.Items))
			}
		}
	}
	c.call("shutdown", nil, nil)
	c.notify("exit", nil)
	if err := c.wait(); err != nil {
		t.Errorf("bt lsp: %v", err)
	}
}

func procUID(pid int) string {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[0] == "Uid:" {
			return f[1]
		}
	}
	return ""
}

// procClient is an LSP client for a server process.
type procClient struct {
	t      *testing.T
	cmd    *exec.Cmd
	conn   jsonrpc2.Conn
	stderr *bytes.Buffer
}

type pipes struct {
	io.Reader
	io.WriteCloser
}

func startProcess(t *testing.T, cmd *exec.Cmd) *procClient {
	t.Helper()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c := &procClient{t: t, cmd: cmd, stderr: new(bytes.Buffer)}
	cmd.Stderr = c.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	c.conn = jsonrpc2.NewConn(jsonrpc2.NewHeaderStream(pipes{stdout, stdin}))
	c.conn.Go(context.Background(), func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		return nil, nil // progress tokens and the like
	})
	c.call("initialize", map[string]any{"processId": nil, "rootUri": nil, "capabilities": map[string]any{}}, nil)
	c.notify("initialized", map[string]any{})
	return c
}

func (c *procClient) call(method string, params, result any) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var raw jsonrpc2.RawMessage
	if _, err := c.conn.Call(ctx, method, params, &raw); err != nil {
		c.t.Fatalf("%s: %v\nstderr: %s", method, err, c.stderr)
	}
	if result != nil {
		if err := json.Unmarshal(raw, result); err != nil {
			c.t.Fatalf("%s: %v", method, err)
		}
	}
}

func (c *procClient) notify(method string, params any) {
	c.t.Helper()
	if err := c.conn.Notify(context.Background(), method, params); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

// wait waits for the server to exit after exit.
func (c *procClient) wait() error {
	done := make(chan error, 1)
	go func() { done <- c.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("%v\nstderr: %s", err, c.stderr)
		}
		return nil
	case <-time.After(10 * time.Second):
		return errors.New("did not exit")
	}
}
