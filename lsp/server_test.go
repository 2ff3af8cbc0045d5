package lsp

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"

	"github.com/bt-tools/bt/lang"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/kernel"
	"github.com/bt-tools/bt/lsp/internal/protocol"
)

// rawConn talks to a server byte by byte, to send what no client library
// would.
type rawConn struct {
	t    testing.TB
	conn net.Conn
	msgs chan []byte // messages from the server, read as they come
	done chan error
}

func startRaw(t testing.TB, opts Options) *rawConn {
	t.Helper()
	serverSide, clientSide := net.Pipe()
	r := &rawConn{t: t, conn: clientSide, msgs: make(chan []byte, 1000), done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { r.done <- Serve(ctx, serverSide, opts) }()
	// Read all the time: net.Pipe is synchronous, and a server blocked
	// writing a log message would not read the next frame.
	go r.readLoop(bufio.NewReader(clientSide))
	t.Cleanup(func() {
		cancel()
		clientSide.Close()
		serverSide.Close()
		<-r.done
	})
	return r
}

// frame writes body with a correct header.
func (r *rawConn) frame(body string) {
	r.write(fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body))
}

func (r *rawConn) write(s string) {
	r.t.Helper()
	r.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(r.conn, s); err != nil {
		r.t.Fatalf("write: %v", err)
	}
}

// response is the part of a message the tests look at.
type response struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func (r *rawConn) readLoop(in *bufio.Reader) {
	defer close(r.msgs)
	for {
		body, err := readMessage(in)
		if err != nil {
			return
		}
		r.msgs <- body
	}
}

// readMessage reads one framed message.
func readMessage(in *bufio.Reader) ([]byte, error) {
	length := -1
	for {
		line, err := in.ReadString('\n')
		if err != nil {
			return nil, err
		}
		line = strings.TrimSpace(line)
		if line == "" {
			break
		}
		if v, ok := strings.CutPrefix(line, "Content-Length: "); ok {
			length, _ = strconv.Atoi(v)
		}
	}
	if length < 0 {
		return nil, errors.New("no Content-Length")
	}
	body := make([]byte, length)
	_, err := io.ReadFull(in, body)
	return body, err
}

// read returns the next message from the server that is not a
// notification (logMessage, diagnostics).
func (r *rawConn) read() response {
	r.t.Helper()
	for {
		select {
		case body, ok := <-r.msgs:
			if !ok {
				r.t.Fatal("connection closed")
			}
			var resp response
			if err := json.Unmarshal(body, &resp); err != nil {
				r.t.Fatalf("bad response %s: %v", body, err)
			}
			if resp.Method == "" {
				return resp
			}
		case <-time.After(10 * time.Second):
			r.t.Fatal("no response")
		}
	}
}

// expectError reads a response and checks its id and error code.
func (r *rawConn) expectError(id string, code jsonrpc2.Code) {
	r.t.Helper()
	resp := r.read()
	if string(resp.ID) != id || resp.Error == nil || resp.Error.Code != int(code) {
		r.t.Errorf("got id %s error %+v, want id %s code %d", resp.ID, resp.Error, id, code)
	}
}

const initializeFrame = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}`

// TestMalformedMessages sends what a broken client might: each gets an
// error response as JSON-RPC asks, and the server goes on answering.
func TestMalformedMessages(t *testing.T) {
	r := startRaw(t, Options{})
	r.frame(`{"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":{}}`)
	r.expectError("7", jsonrpc2.ServerNotInitialized)
	r.frame(initializeFrame)
	if resp := r.read(); string(resp.ID) != "1" || resp.Error != nil {
		t.Fatalf("initialize: %+v", resp)
	}
	r.frame(`{"jsonrpc":"2.0","method":"initialized","params":{}}`)

	r.frame(`{"jsonrpc":"2.0","id":2,"method":`) // not JSON
	r.expectError("null", jsonrpc2.ParseError)
	r.frame(`{"jsonrpc":"1.0","id":3,"method":"shutdown"}`) // wrong version
	r.expectError("3", jsonrpc2.InvalidRequest)
	r.frame(`{"jsonrpc":"2.0","id":4,"method":"x","result":1}`) // request and response at once
	r.expectError("4", jsonrpc2.InvalidRequest)
	r.frame(`[{"jsonrpc":"2.0","id":5,"method":"shutdown"}]`) // a batch
	r.expectError("null", jsonrpc2.InvalidRequest)
	r.frame(`{"jsonrpc":"2.0","id":6,"method":"no/such/method"}`)
	r.expectError("6", jsonrpc2.MethodNotFound)
	r.frame(`{"jsonrpc":"2.0","id":8,"method":"textDocument/hover","params":[1,2]}`)
	r.expectError("8", jsonrpc2.InvalidParams)
	r.frame(`{"jsonrpc":"2.0","id":9,"method":"textDocument/hover"}`) // no params
	r.expectError("9", jsonrpc2.InvalidParams)
	r.frame(`{"jsonrpc":"2.0","id":"s","method":"textDocument/hover","params":{"textDocument":{"uri":"file:///none.bt"},"position":{"line":0,"character":0}}}`)
	r.expectError(`"s"`, jsonrpc2.InvalidParams) // not open
	r.frame(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///none.bt","version":2},"contentChanges":[]}}`)
	r.write("garbage without a header\r\n\r\n") // no Content-Length: answered, skipped
	r.expectError("null", jsonrpc2.ParseError)
	r.write("Content-Length: 99999999999\r\n\r\n") // too large to read
	r.expectError("null", jsonrpc2.ParseError)
	r.frame(`{"jsonrpc":"2.0","id":10,"method":"initialize","params":{}}`) // twice
	r.expectError("10", jsonrpc2.InvalidRequest)
	r.frame(`{"jsonrpc":"2.0","id":11,"method":"shutdown"}`)
	if resp := r.read(); string(resp.ID) != "11" || resp.Error != nil {
		t.Fatalf("shutdown after bad input: %+v", resp)
	}
	r.frame(`{"jsonrpc":"2.0","id":12,"method":"textDocument/hover","params":{}}`)
	r.expectError("12", jsonrpc2.InvalidRequest) // after shutdown
	r.frame(`{"jsonrpc":"2.0","method":"exit"}`)
	select {
	case err := <-r.done:
		r.done <- err
		if err != nil {
			t.Errorf("Serve after shutdown and exit = %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server did not exit")
	}
}

func TestExitWithoutShutdown(t *testing.T) {
	r := startRaw(t, Options{})
	r.frame(`{"jsonrpc":"2.0","method":"exit"}`)
	select {
	case err := <-r.done:
		r.done <- err
		if !errors.Is(err, ErrExitWithoutShutdown) {
			t.Errorf("Serve = %v, want ErrExitWithoutShutdown", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server did not exit")
	}
}

func TestShutdown(t *testing.T) {
	c := newTestClient(t, Options{})
	if err := c.shutdown(); err != nil {
		t.Errorf("Serve = %v", err)
	}
}

// TestPanicRecovered: a panic in a feature (here the formatter, which runs
// in the request's handler) is answered with an internal error and logged,
// and the server goes on; so does a panic in the linter, which runs with
// the check.
func TestPanicRecovered(t *testing.T) {
	opts := Options{
		Format: func(string, []byte) ([]byte, error) { panic("formatter bug") },
		Lint:   func(*lang.Unit, kernel.Info) diag.List { panic("linter bug") },
	}
	c := newTestClient(t, opts)
	uri := protocol.DocumentURI("file:///p.bt")
	c.notify(protocol.MethodTextDocumentDidOpen, &protocol.DidOpenTextDocumentParams{
		TextDocument: protocol.TextDocumentItem{URI: uri, Version: 1, Text: "BEGIN { @x = 1; }\n"}})
	err := c.callErr(protocol.MethodTextDocumentFormatting, &protocol.DocumentFormattingParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri}}, nil)
	var rerr *jsonrpc2.Error
	if !errors.As(err, &rerr) || rerr.Code != jsonrpc2.InternalError || !strings.Contains(rerr.Message, "formatter bug") {
		t.Errorf("formatting with a panicking formatter: %v, want an internal error", err)
	}
	err = c.callErr(protocol.MethodTextDocumentCodeAction, &protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri}}, nil)
	if err == nil || !strings.Contains(err.Error(), "linter bug") {
		t.Errorf("code actions with a panicking linter: %v, want an error", err)
	}
	var h *protocol.Hover
	c.call(protocol.MethodTextDocumentHover, &protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: pos(0, 9)}, &h)
	if h == nil || !strings.Contains(h.Contents.Value, "@x") {
		t.Errorf("hover after the panics = %+v", h)
	}
	c.mu.Lock()
	logs := strings.Join(c.logs, "\n")
	c.mu.Unlock()
	if !strings.Contains(logs, "formatter bug") || !strings.Contains(logs, "goroutine") {
		t.Errorf("the panic was not logged with its stack: %s", logs)
	}
}

// TestCancel: $/cancelRequest ends a request that waits (on a slow
// linter) with RequestCancelled, and the server goes on.
func TestCancel(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	opts := Options{Lint: func(*lang.Unit, kernel.Info) diag.List {
		<-release
		return nil
	}}
	defer once.Do(func() { close(release) })
	r := startRaw(t, opts)
	r.frame(initializeFrame)
	r.read()
	r.frame(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///c.bt","languageId":"bpftrace","version":1,"text":"BEGIN { }"}}}`)
	r.frame(`{"jsonrpc":"2.0","id":2,"method":"textDocument/codeAction","params":{"textDocument":{"uri":"file:///c.bt"},"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":0}},"context":{"diagnostics":[]}}}`)
	// The code action waits for the linter; a hover that needs no lint
	// is answered meanwhile (requests run concurrently).
	r.frame(`{"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///c.bt"},"position":{"line":0,"character":1}}}`)
	if resp := r.read(); string(resp.ID) != "3" {
		t.Fatalf("got %s before the hover's answer", resp.ID)
	}
	r.frame(`{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":2}}`)
	r.expectError("2", protocol.CodeRequestCancelled)
	once.Do(func() { close(release) })
	r.frame(`{"jsonrpc":"2.0","id":4,"method":"shutdown"}`)
	if resp := r.read(); string(resp.ID) != "4" || resp.Error != nil {
		t.Errorf("shutdown: %+v", resp)
	}
}

// TestIncrementalSync edits a document in place, with UTF-16 ranges, and
// checks the server's view through its diagnostics and a hover.
func TestIncrementalSync(t *testing.T) {
	c := newTestClient(t, testOptions(t))
	uri := protocol.DocumentURI("file:///inc.bt")
	d := c.open(uri, "BEGIN\n{\n  /* 😀 */ @x = 1;\n}\n")
	if len(d.Diagnostics) != 0 {
		t.Fatalf("diagnostics on open: %v", d.Diagnostics)
	}
	// Replace "1" (after an emoji: column 16 in UTF-16, 18 in bytes) by
	// "comm +", then complete the expression.
	d = c.change(uri, protocol.TextDocumentContentChangeEvent{
		Range: &protocol.Range{Start: pos(2, 16), End: pos(2, 17)}, Text: "comm +"})
	if len(d.Diagnostics) == 0 || d.Diagnostics[0].Range.Start != pos(2, 22) {
		t.Fatalf("after the first edit, want an error at 3:23: %+v", d.Diagnostics)
	}
	d = c.change(uri, protocol.TextDocumentContentChangeEvent{
		Range: &protocol.Range{Start: pos(2, 22), End: pos(2, 22)}, Text: " 1"})
	if len(d.Diagnostics) == 0 || !strings.Contains(d.Diagnostics[0].Message, "string") {
		t.Fatalf("after the second edit, want a type error (comm + 1): %+v", d.Diagnostics)
	}
	d = c.change(uri, protocol.TextDocumentContentChangeEvent{Text: "BEGIN { @y = 2; }\n"})
	if len(d.Diagnostics) != 0 {
		t.Fatalf("after a full change: %+v", d.Diagnostics)
	}
	var h *protocol.Hover
	c.call(protocol.MethodTextDocumentHover, &protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: pos(0, 9)}, &h)
	if h == nil || !strings.Contains(h.Contents.Value, "@y: int64") {
		t.Errorf("hover = %+v", h)
	}
}

// TestDebounce sends a burst of changes: the diagnostics published last
// are those of the last version, and none of an older version comes after.
func TestDebounce(t *testing.T) {
	opts := testOptions(t)
	opts.DiagnosticsDelay = 20 * time.Millisecond
	c := newTestClient(t, opts)
	uri := protocol.DocumentURI("file:///burst.bt")
	c.open(uri, "BEGIN { }\n")
	text := "BEGIN { "
	for i := 0; i < 30; i++ {
		text += fmt.Sprintf("@m%d = %d; ", i, i)
		c.notify(protocol.MethodTextDocumentDidChange, &protocol.DidChangeTextDocumentParams{
			TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: uri}, Version: int32(i + 2)},
			ContentChanges: []protocol.TextDocumentContentChangeEvent{{Text: text + "$bad + ; }"}},
		})
	}
	d := c.waitDiagnostics(uri, 31)
	if len(d.Diagnostics) == 0 {
		t.Errorf("no diagnostics for the last version")
	}
	c.mu.Lock()
	published := c.history[uri][1:] // after the open's
	c.mu.Unlock()
	for i := 1; i < len(published); i++ {
		if published[i] <= published[i-1] {
			t.Errorf("diagnostics of version %d published after version %d", published[i], published[i-1])
		}
	}
	if len(published) > 15 {
		t.Errorf("%d of 30 versions diagnosed (%v): the burst was not debounced", len(published), published)
	}
	t.Logf("diagnosed versions %v", published)
}

// TestProgress: while the kernel info loads after initialized, the client
// sees $/progress begin, report and end on a token it was asked to create.
func TestProgress(t *testing.T) {
	c := newTestClient(t, testOptions(t))
	if !c.waitFor(30*time.Second, func() bool {
		return len(c.progress) > 0 && strings.Contains(c.progress[len(c.progress)-1], `"end"`)
	}) {
		t.Fatalf("no progress end; got %v", c.progress)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var kinds []string
	for _, p := range c.progress {
		var v struct {
			Token string `json:"token"`
			Value struct {
				Kind    string `json:"kind"`
				Message string `json:"message"`
			} `json:"value"`
		}
		if err := json.Unmarshal([]byte(p), &v); err != nil || v.Token != progressToken {
			t.Errorf("bad progress %s: %v", p, err)
		}
		kinds = append(kinds, v.Value.Kind)
		if v.Value.Kind == "end" && !strings.Contains(v.Value.Message, "tracepoints") {
			t.Errorf("end message %q", v.Value.Message)
		}
	}
	if strings.Join(kinds, ",") != "begin,report,report,end" {
		t.Errorf("progress kinds %v", kinds)
	}
}

// TestCompleteUprobe completes a uprobe's binary from the file system
// and its function from the binary's ELF symbols (libc's).
func TestCompleteUprobe(t *testing.T) {
	var libc string
	for _, p := range []string{"/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib64/libc.so.6", "/lib/aarch64-linux-gnu/libc.so.6"} {
		if _, err := os.Stat(p); err == nil {
			libc = p
			break
		}
	}
	if libc == "" {
		t.Skip("needs a libc.so.6 to read symbols from")
	}
	dir := t.TempDir()
	for _, name := range []string{"tool", "tools"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	c := newTestClient(t, testOptions(t))
	complete := func(text string) []string {
		uri := protocol.DocumentURI("file:///u" + strconv.Itoa(len(text)) + ".bt")
		c.open(uri, text)
		var list protocol.CompletionList
		c.call(protocol.MethodTextDocumentCompletion, &protocol.CompletionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
			TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: pos(0, uint32(UTF16Len(text)))}}, &list)
		var labels []string
		for _, it := range list.Items {
			labels = append(labels, it.Label)
		}
		return labels
	}
	got := complete("uprobe:" + dir + "/to")
	if want := []string{dir + "/tool", dir + "/tools"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("binaries: got %v, want %v", got, want)
	}
	got = complete("uprobe:" + libc + ":mallo")
	if !slices.Contains(got, "malloc") {
		t.Errorf("symbols of %s: %v lacks malloc", libc, got)
	}
}

// TestCRLF: a document with \r\n line ends gets positions on the right
// lines and columns.
func TestCRLF(t *testing.T) {
	c := newTestClient(t, testOptions(t))
	uri := protocol.DocumentURI("file:///crlf.bt")
	d := c.open(uri, "BEGIN\r\n{\r\n  @x = 1 +;\r\n}\r\n")
	if len(d.Diagnostics) != 1 || d.Diagnostics[0].Range.Start != pos(2, 10) {
		t.Fatalf("diagnostics: %+v", d.Diagnostics)
	}
	var h *protocol.Hover
	c.call(protocol.MethodTextDocumentHover, &protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: pos(2, 3)}, &h)
	if h == nil || h.Range.Start != pos(2, 2) || h.Range.End != pos(2, 4) {
		t.Errorf("hover on @x: %+v", h)
	}
}
