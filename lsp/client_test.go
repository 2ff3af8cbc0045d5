package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"

	format "github.com/bt-tools/bt/fmt"
	"github.com/bt-tools/bt/lang"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/kernel"
	"github.com/bt-tools/bt/lang/kernel/kerneltest"
	"github.com/bt-tools/bt/lint"
	"github.com/bt-tools/bt/lint/rules"
	"github.com/bt-tools/bt/lsp/internal/protocol"
)

// testClient is an LSP client on the other end of a real JSON-RPC
// connection (net.Pipe, header framing) to a server run by Serve.
type testClient struct {
	t    testing.TB
	conn jsonrpc2.Conn
	ctx  context.Context
	done chan error // Serve's result

	mu       sync.Mutex
	cond     *sync.Cond
	diags    map[protocol.DocumentURI]*protocol.PublishDiagnosticsParams
	history  map[protocol.DocumentURI][]uint32 // versions of the published diagnostics, in order
	progress []string                          // $/progress values, as JSON
	logs     []string
	versions map[protocol.DocumentURI]int32
}

// testOptions are the server options of the tests: the kernel fixture and
// the real linter.
func testOptions(tb testing.TB) Options {
	return Options{
		Kernel:           kerneltest.Fixture(tb),
		Lint:             testLinter(),
		Format:           format.Source,
		DiagnosticsDelay: time.Millisecond,
	}
}

func testLinter() LintFunc {
	cfg := lint.NewConfig(rules.All())
	return func(u *lang.Unit, k kernel.Info) diag.List {
		return lint.LintUnit(u, lint.Options{Config: cfg, Kernel: k}).Findings
	}
}

// defaultCaps are the client capabilities of the tests: what VS Code
// offers.
var defaultCaps = json.RawMessage(`{
  "textDocument": {
    "completion": {"completionItem": {"snippetSupport": true, "documentationFormat": ["markdown", "plaintext"]}},
    "hover": {"contentFormat": ["markdown", "plaintext"]},
    "signatureHelp": {"signatureInformation": {"parameterInformation": {"labelOffsetSupport": true}}},
    "documentSymbol": {"hierarchicalDocumentSymbolSupport": true},
    "foldingRange": {"lineFoldingOnly": true}
  },
  "window": {"workDoneProgress": true}
}`)

// newTestClient starts a server with opts and initializes it.
func newTestClient(t testing.TB, opts Options) *testClient {
	t.Helper()
	c := startServer(t, opts)
	c.initialize(defaultCaps)
	return c
}

// startServer starts a server without initializing it.
func startServer(t testing.TB, opts Options) *testClient {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	serverSide, clientSide := net.Pipe()
	c := &testClient{
		t: t, ctx: ctx, done: make(chan error, 1),
		diags:    map[protocol.DocumentURI]*protocol.PublishDiagnosticsParams{},
		history:  map[protocol.DocumentURI][]uint32{},
		versions: map[protocol.DocumentURI]int32{},
	}
	c.cond = sync.NewCond(&c.mu)
	go func() { c.done <- Serve(ctx, serverSide, opts) }()
	c.conn = jsonrpc2.NewConn(jsonrpc2.NewHeaderStream(clientSide), jsonrpc2.WithCodec(codec{}))
	c.conn.Go(ctx, c.handle)
	t.Cleanup(func() {
		cancel()
		c.conn.Close()
		serverSide.Close()
		select {
		case <-c.done:
		case <-time.After(10 * time.Second):
			t.Errorf("server did not stop")
		}
	})
	return c
}

// handle answers the server's requests and records its notifications.
func (c *testClient) handle(ctx context.Context, req *jsonrpc2.Request) (any, error) {
	params := append(json.RawMessage(nil), req.Params()...)
	c.mu.Lock()
	defer c.mu.Unlock()
	defer c.cond.Broadcast()
	switch req.Method() {
	case protocol.MethodTextDocumentPublishDiagnostics:
		var p protocol.PublishDiagnosticsParams
		if err := json.Unmarshal(params, &p); err != nil {
			c.t.Errorf("publishDiagnostics: %v", err)
			return nil, nil
		}
		c.diags[p.URI] = &p
		c.history[p.URI] = append(c.history[p.URI], p.Version)
	case protocol.MethodProgress:
		c.progress = append(c.progress, string(params))
	case protocol.MethodWindowLogMessage:
		c.logs = append(c.logs, string(params))
	case protocol.MethodWorkDoneProgressCreate:
		return nil, nil
	default:
		if req.IsCall() {
			return nil, jsonrpc2.ErrMethodNotFound
		}
	}
	return nil, nil
}

func (c *testClient) initialize(caps json.RawMessage) {
	c.t.Helper()
	var res protocol.InitializeResult
	c.call(protocol.MethodInitialize, map[string]any{"processId": nil, "rootUri": nil, "capabilities": caps}, &res)
	c.notify(protocol.MethodInitialized, struct{}{})
}

// call sends a request and decodes its result into result, failing the
// test on an error response.
func (c *testClient) call(method string, params, result any) {
	c.t.Helper()
	if err := c.callErr(method, params, result); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

func (c *testClient) callErr(method string, params, result any) error {
	ctx, cancel := context.WithTimeout(c.ctx, 30*time.Second)
	defer cancel()
	var raw json.RawMessage
	if _, err := c.conn.Call(ctx, method, params, &raw); err != nil {
		return err
	}
	if result == nil || len(raw) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, result); err != nil {
		return fmt.Errorf("decode result %s: %w", raw, err)
	}
	return nil
}

func (c *testClient) notify(method string, params any) {
	c.t.Helper()
	if err := c.conn.Notify(c.ctx, method, params); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

// open opens a document and waits for its diagnostics.
func (c *testClient) open(uri protocol.DocumentURI, text string) *protocol.PublishDiagnosticsParams {
	c.t.Helper()
	c.mu.Lock()
	c.versions[uri] = 1
	delete(c.diags, uri)
	c.mu.Unlock()
	c.notify(protocol.MethodTextDocumentDidOpen, &protocol.DidOpenTextDocumentParams{
		TextDocument: protocol.TextDocumentItem{URI: uri, LanguageID: "bpftrace", Version: 1, Text: text},
	})
	return c.waitDiagnostics(uri, 1)
}

// change sends changes and waits for the diagnostics of the new version.
func (c *testClient) change(uri protocol.DocumentURI, changes ...protocol.TextDocumentContentChangeEvent) *protocol.PublishDiagnosticsParams {
	c.t.Helper()
	c.mu.Lock()
	c.versions[uri]++
	v := c.versions[uri]
	c.mu.Unlock()
	c.notify(protocol.MethodTextDocumentDidChange, &protocol.DidChangeTextDocumentParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: uri}, Version: v},
		ContentChanges: changes,
	})
	return c.waitDiagnostics(uri, v)
}

// waitDiagnostics waits for the diagnostics of a version of a document.
func (c *testClient) waitDiagnostics(uri protocol.DocumentURI, version int32) *protocol.PublishDiagnosticsParams {
	c.t.Helper()
	var got *protocol.PublishDiagnosticsParams
	if !c.waitFor(30*time.Second, func() bool {
		got = c.diags[uri]
		return got != nil && int32(got.Version) == version
	}) {
		c.t.Fatalf("no diagnostics for %s version %d", uri, version)
	}
	return got
}

// waitFor waits until cond (called with c.mu held) holds.
func (c *testClient) waitFor(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	timer := time.AfterFunc(d, func() { c.mu.Lock(); c.cond.Broadcast(); c.mu.Unlock() })
	defer timer.Stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		c.cond.Wait()
	}
	return true
}

// shutdown ends the session politely and returns Serve's result.
func (c *testClient) shutdown() error {
	c.t.Helper()
	c.call(protocol.MethodShutdown, nil, nil)
	c.notify(protocol.MethodExit, nil)
	select {
	case err := <-c.done:
		c.done <- err // for the cleanup
		return err
	case <-time.After(10 * time.Second):
		c.t.Fatal("server did not exit")
	}
	return nil
}
