package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"sync"
	"time"

	"go.lsp.dev/jsonrpc2"

	"github.com/bt-tools/bt/lang"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/kernel"
	"github.com/bt-tools/bt/lsp/internal/protocol"
)

// FormatFunc formats a whole program, as fmt/'s format.Source does: it
// returns the canonical text, or an error when the program does not
// parse.
type FormatFunc func(filename string, src []byte) ([]byte, error)

// LintFunc runs the linter over a checked program and returns its
// findings. Fixes on the findings become code actions.
type LintFunc func(u *lang.Unit, k kernel.Info) diag.List

// Options configure a server.
type Options struct {
	// Kernel answers questions about the running kernel (BTF, tracepoints,
	// functions). Nil means no kernel knowledge. When it can preload its
	// BTF (kernel.Live and kernel.Fixture can), the server does so after
	// initialization and reports $/progress meanwhile.
	Kernel kernel.Info
	// Format formats documents; nil disables formatting.
	Format FormatFunc
	// Lint adds lint findings to the diagnostics; nil means none.
	Lint LintFunc
	// DiagnosticsDelay is the least time between two diagnostics runs on
	// a document while it is being edited (default 50ms). A change after
	// a quiet spell is diagnosed at once; changes during a run cancel it.
	DiagnosticsDelay time.Duration
	// Version is reported in serverInfo.
	Version string
	// Log, if set, receives the server's log (what it also sends the
	// client as window/logMessage).
	Log io.Writer
}

// ErrExitWithoutShutdown is returned by [Serve] when the client sent exit
// without shutdown first; the process should exit with status 1.
var ErrExitWithoutShutdown = errors.New("exit without shutdown")

// Serve runs a language server on rwc (stdin and stdout for `bt lsp`)
// until the client sends exit, the connection closes or ctx ends.
func Serve(ctx context.Context, rwc io.ReadWriteCloser, opts Options) error {
	s := newServer(opts)
	st := newStream(rwc, func(reason string) { s.logf(protocol.MessageTypeWarning, "rejected message: %s", reason) })
	s.conn = jsonrpc2.NewConn(st, jsonrpc2.WithCodec(codec{}))
	s.conn.Go(ctx, s.handle)
	select {
	case <-s.conn.Done():
	case <-ctx.Done():
	case <-s.exit:
	}
	s.stop()
	return s.result(ctx, s.close())
}

// close closes the connection. Close waits for the read loop, which a
// reader that cannot be interrupted (a blocking stdin) may never leave:
// close gives it a moment, then returns anyway; the process is about to
// end.
func (s *server) close() error {
	closed := make(chan error, 1)
	go func() { closed <- s.conn.Close() }()
	select {
	case err := <-closed:
		return err
	case <-time.After(time.Second):
		return nil
	}
}

// result is what Serve returns: nil after shutdown and exit or when ctx
// ended, ErrExitWithoutShutdown, or what ended the connection.
func (s *server) result(ctx context.Context, closeErr error) error {
	s.mu.Lock()
	exited, shutdown := s.exited, s.shutdown
	s.mu.Unlock()
	switch {
	case exited && !shutdown:
		return ErrExitWithoutShutdown
	case exited || ctx.Err() != nil:
		return nil
	}
	if err := s.conn.Err(); err != nil {
		return fmt.Errorf("lsp connection: %w", err)
	}
	if closeErr != nil && !errors.Is(closeErr, io.ErrClosedPipe) {
		return fmt.Errorf("lsp connection: %w", closeErr)
	}
	return nil
}

// server is the state of one connection. Its handlers are thin: they
// decode parameters, take the document's snapshot and call the feature
// function, which is pure over the snapshot.
type server struct {
	opts    Options
	env     *env
	session *session
	diags   *debouncer
	conn    jsonrpc2.Conn

	exit chan struct{} // closed by the exit notification

	// running holds the cancel function of each request being handled,
	// for $/cancelRequest.
	runMu   sync.Mutex
	running map[jsonrpc2.ID]context.CancelFunc

	mu          sync.Mutex
	initialized bool // initialize answered
	shutdown    bool // shutdown received
	exited      bool
	bg          context.Context // background work (kernel loading); ended by stop
	stopBG      context.CancelFunc
}

func newServer(opts Options) *server {
	if opts.DiagnosticsDelay <= 0 {
		opts.DiagnosticsDelay = 50 * time.Millisecond
	}
	s := &server{opts: opts, exit: make(chan struct{}), running: map[jsonrpc2.ID]context.CancelFunc{}}
	s.bg, s.stopBG = context.WithCancel(context.Background())
	s.env = &env{kernel: opts.Kernel, format: opts.Format, lint: opts.Lint, bug: s.bugf}
	s.session = newSession(s.env)
	s.diags = newDebouncer(opts.DiagnosticsDelay, s.diagnose, func(p *protocol.PublishDiagnosticsParams) {
		s.notify(protocol.MethodTextDocumentPublishDiagnostics, p)
	})
	return s
}

// stop ends background work.
func (s *server) stop() {
	s.stopBG()
	s.diags.stop()
}

// ---------------------------------------------------------------------------
// Dispatch

// handlerFunc handles one method. For a notification the result is
// dropped and an error is only logged.
type handlerFunc func(ctx context.Context, s *server, params json.RawMessage) (any, error)

// handlers maps each method the server implements to its handler.
var handlers map[string]handlerFunc

func init() {
	handlers = map[string]handlerFunc{
		protocol.MethodInitialize:                         initialize,
		protocol.MethodInitialized:                        initializedNote,
		protocol.MethodShutdown:                           shutdown,
		protocol.MethodExit:                               exitNote,
		"$/cancelRequest":                                 cancelNote,
		"$/setTrace":                                      ignoreNote,
		protocol.MethodWorkspaceDidChangeConfiguration:    ignoreNote,
		protocol.MethodWorkspaceDidChangeWatchedFiles:     ignoreNote,
		protocol.MethodWorkspaceDidChangeWorkspaceFolders: ignoreNote,
		protocol.MethodTextDocumentDidOpen:                didOpen,
		protocol.MethodTextDocumentDidChange:              didChange,
		protocol.MethodTextDocumentDidClose:               didClose,
		protocol.MethodTextDocumentDidSave:                ignoreNote,
		protocol.MethodTextDocumentWillSave:               ignoreNote,

		protocol.MethodTextDocumentHover:             docRequest(hoverRequest),
		protocol.MethodTextDocumentCompletion:        docRequest(completionRequest),
		protocol.MethodTextDocumentSignatureHelp:     docRequest(signatureHelpRequest),
		protocol.MethodTextDocumentDefinition:        docRequest(definitionRequest),
		protocol.MethodTextDocumentReferences:        docRequest(referencesRequest),
		protocol.MethodTextDocumentDocumentHighlight: docRequest(highlightRequest),
		protocol.MethodTextDocumentPrepareRename:     docRequest(prepareRenameRequest),
		protocol.MethodTextDocumentRename:            docRequest(renameRequest),
		protocol.MethodTextDocumentDocumentSymbol:    docRequest(symbolsRequest),
		protocol.MethodTextDocumentFormatting:        docRequest(formattingRequest),
		protocol.MethodTextDocumentCodeAction:        docRequest(codeActionRequest),
		protocol.MethodSemanticTokensFull:            docRequest(semanticTokensRequest),
		protocol.MethodTextDocumentFoldingRange:      docRequest(foldingRequest),
		protocol.MethodTextDocumentInlayHint:         docRequest(inlayHintRequest),
	}
}

// requestKey keys the jsonrpc2 request context in a handler's context.
type requestKey struct{}

// handle is the connection's handler: it checks the server's state,
// recovers from panics (a bug is reported and answered as an internal
// error; the server goes on) and never lets a notification's error
// reach jsonrpc2, which would end the connection.
//
// Handlers get a context of their own, cancelled by $/cancelRequest and
// when the handler returns. It is not derived from jsonrpc2's request
// context: that one is pooled and recycled when the handler returns, and
// a context.WithCancel over it leaves a goroutine that may touch it after
// that (which is also why jsonrpc2.CancelHandler is not used). The
// request context travels as a value, for jsonrpc2.Async only.
func (s *server) handle(rctx context.Context, req *jsonrpc2.Request) (result any, err error) {
	method, call := req.Method(), req.IsCall()
	ctx, done := s.requestContext(rctx, req)
	defer done()
	defer func() { result, err = s.finish(ctx, method, call, result, err, recover()) }()

	h, ok := handlers[method]
	if !ok {
		if !call {
			return nil, nil // unknown notifications ($/... and others) are ignored
		}
		return nil, jsonrpc2.Errorf(jsonrpc2.MethodNotFound, "method not found: %s", method)
	}
	if err := s.checkState(method, call); err != nil {
		return nil, err
	}
	// Copy the params: the request's bytes are only valid until the
	// handler returns or releases itself with jsonrpc2.Async.
	params := append(json.RawMessage(nil), req.Params()...)
	return h(ctx, s, params)
}

// requestContext returns the context of a handler (see handle), which
// $/cancelRequest cancels, and the function to call when it is done.
func (s *server) requestContext(rctx context.Context, req *jsonrpc2.Request) (context.Context, func()) {
	ctx, cancel := context.WithCancel(jsonrpc2.DetachContext(rctx))
	ctx = context.WithValue(ctx, requestKey{}, rctx)
	if !req.IsCall() {
		return ctx, cancel
	}
	id := req.ID()
	s.runMu.Lock()
	s.running[id] = cancel
	s.runMu.Unlock()
	return ctx, func() {
		s.runMu.Lock()
		delete(s.running, id)
		s.runMu.Unlock()
		cancel()
	}
}

// finish turns a handler's outcome into what jsonrpc2 sends: a panic
// (recovered) becomes an internal error, a notification's error is only
// logged, and errors get their JSON-RPC codes.
func (s *server) finish(ctx context.Context, method string, call bool, result any, err error, panicked any) (any, error) {
	if panicked != nil {
		s.bugf("panic in %s: %v\n%s", method, panicked, debug.Stack())
		result, err = nil, jsonrpc2.Errorf(jsonrpc2.InternalError, "internal error in %s: %v", method, panicked)
	}
	switch {
	case err == nil:
		return result, nil
	case !call:
		s.logf(protocol.MessageTypeError, "%s: %v", method, err)
		return nil, nil
	}
	return nil, wireError(ctx, err)
}

// checkState enforces the lifecycle: nothing but initialize (and exit)
// before initialize, nothing but exit after shutdown.
func (s *server) checkState(method string, call bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case method == protocol.MethodExit:
		return nil
	case method == protocol.MethodInitialize:
		if s.initialized {
			return jsonrpc2.NewError(jsonrpc2.InvalidRequest, "server already initialized")
		}
		return nil
	case !s.initialized:
		if !call {
			return errors.New("notification before initialize dropped")
		}
		return jsonrpc2.NewError(jsonrpc2.ServerNotInitialized, "server not initialized")
	case s.shutdown:
		return jsonrpc2.NewError(jsonrpc2.InvalidRequest, "server is shutting down")
	}
	return nil
}

// wireError gives an error the JSON-RPC shape the client should see.
func wireError(ctx context.Context, err error) error {
	var rerr *jsonrpc2.Error
	switch {
	case errors.As(err, &rerr):
		return rerr
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil:
		return protocol.ErrRequestCancelled
	}
	return jsonrpc2.NewError(codeRequestFailed, err.Error())
}

// codeRequestFailed is LSP 3.17's RequestFailed: a request that was valid
// but could not be done (formatting a program that does not parse).
const codeRequestFailed jsonrpc2.Code = -32803

// errorf returns a RequestFailed error: the request made sense but
// cannot be done.
func errorf(format string, args ...any) error {
	return jsonrpc2.Errorf(codeRequestFailed, format, args...)
}

// decode unmarshals params; a mismatch is an invalid-params error.
func decode(params json.RawMessage, v any) error {
	if len(params) == 0 {
		return jsonrpc2.NewError(jsonrpc2.InvalidParams, "missing params")
	}
	if err := json.Unmarshal(params, v); err != nil {
		return jsonrpc2.Errorf(jsonrpc2.InvalidParams, "invalid params: %v", err)
	}
	return nil
}

// docParams are the params of every request about one document.
type docParams interface {
	document() protocol.DocumentURI
}

// docRequest makes the handler of a request about one document: decode
// the params, take the document's current snapshot (in the order the
// client sent its messages), then release the connection's read loop
// with jsonrpc2.Async and run the feature concurrently, so that a slow
// feature never holds up the messages behind it and a $/cancelRequest
// reaches it.
func docRequest[P any, PP interface {
	*P
	docParams
}, R any](feature func(ctx context.Context, snap *Snapshot, p *P) (R, error)) handlerFunc {
	return func(ctx context.Context, s *server, raw json.RawMessage) (any, error) {
		p := new(P)
		if err := decode(raw, p); err != nil {
			return nil, err
		}
		snap, err := s.session.snapshot(PP(p).document())
		if err != nil {
			return nil, err
		}
		release(ctx)
		r, err := feature(ctx, snap, p)
		if err == nil && ctx.Err() != nil {
			err = ctx.Err()
		}
		if err != nil {
			return nil, err
		}
		return r, nil
	}
}

// ---------------------------------------------------------------------------
// Lifecycle

func initialize(ctx context.Context, s *server, raw json.RawMessage) (any, error) {
	var p initializeParams
	if len(raw) > 0 {
		// Clients send capabilities this server has never heard of, in
		// shapes that may not fit: a type mismatch skips that field only.
		var terr *json.UnmarshalTypeError
		if err := json.Unmarshal(raw, &p); err != nil && !errors.As(err, &terr) {
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "invalid params: %v", err)
		}
	}
	s.env.client = p.caps()
	s.mu.Lock()
	s.initialized = true
	s.mu.Unlock()
	return &protocol.InitializeResult{
		Capabilities: serverCapabilities(s.opts),
		ServerInfo:   &protocol.ServerInfo{Name: "bt", Version: s.opts.Version},
	}, nil
}

func initializedNote(ctx context.Context, s *server, raw json.RawMessage) (any, error) {
	go s.loadKernel()
	return nil, nil
}

func shutdown(ctx context.Context, s *server, raw json.RawMessage) (any, error) {
	s.mu.Lock()
	s.shutdown = true
	s.mu.Unlock()
	s.stop()
	return nil, nil
}

func exitNote(ctx context.Context, s *server, raw json.RawMessage) (any, error) {
	s.mu.Lock()
	if !s.exited {
		s.exited = true
		close(s.exit)
	}
	s.mu.Unlock()
	return nil, nil
}

func ignoreNote(ctx context.Context, s *server, raw json.RawMessage) (any, error) {
	return nil, nil
}

func cancelNote(ctx context.Context, s *server, raw json.RawMessage) (any, error) {
	var p struct {
		ID json.RawMessage `json:"id"`
	}
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	if id := parseID(p.ID); id.IsValid() {
		s.runMu.Lock()
		cancel := s.running[id]
		s.runMu.Unlock()
		if cancel != nil {
			cancel()
		}
	}
	return nil, nil
}

// release lets the connection read the messages after the current
// request while its handler goes on (jsonrpc2.Async).
func release(ctx context.Context) {
	if rctx, ok := ctx.Value(requestKey{}).(context.Context); ok {
		jsonrpc2.Async(rctx)
	}
}

// ---------------------------------------------------------------------------
// Documents

func didOpen(ctx context.Context, s *server, raw json.RawMessage) (any, error) {
	var p protocol.DidOpenTextDocumentParams
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	snap := s.session.open(p.TextDocument.URI, p.TextDocument.Version, p.TextDocument.Text)
	s.diags.schedule(snap)
	return nil, nil
}

func didChange(ctx context.Context, s *server, raw json.RawMessage) (any, error) {
	var p protocol.DidChangeTextDocumentParams
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	snap, err := s.session.change(p.TextDocument.URI, p.TextDocument.Version, p.ContentChanges)
	if err != nil {
		return nil, err
	}
	s.diags.schedule(snap)
	return nil, nil
}

func didClose(ctx context.Context, s *server, raw json.RawMessage) (any, error) {
	var p protocol.DidCloseTextDocumentParams
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	s.session.close(p.TextDocument.URI)
	s.diags.forget(p.TextDocument.URI)
	// Clear the document's diagnostics: it is no longer the editor's.
	s.notify(protocol.MethodTextDocumentPublishDiagnostics, &protocol.PublishDiagnosticsParams{
		URI: p.TextDocument.URI, Diagnostics: []protocol.Diagnostic{},
	})
	return nil, nil
}

// diagnose computes a snapshot's diagnostics for the debouncer. It
// returns the notification to send, or an error if ctx ended first.
func (s *server) diagnose(ctx context.Context, snap *Snapshot) (*protocol.PublishDiagnosticsParams, error) {
	list, err := snap.Diagnostics(ctx)
	if err != nil {
		return nil, err
	}
	return &protocol.PublishDiagnosticsParams{
		URI:         snap.URI,
		Version:     uint32(snap.Version),
		Diagnostics: toProtocolDiagnostics(snap, list),
	}, nil
}

// ---------------------------------------------------------------------------
// Talking to the client

func (s *server) notify(method string, params any) {
	if err := s.conn.Notify(context.Background(), method, params); err != nil {
		s.logWrite("notify %s: %v", method, err)
	}
}

// logf sends a window/logMessage and writes the message to Options.Log.
func (s *server) logf(typ protocol.MessageType, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.logWrite("%s", msg)
	if s.conn != nil {
		_ = s.conn.Notify(context.Background(), protocol.MethodWindowLogMessage,
			&protocol.LogMessageParams{Type: typ, Message: msg})
	}
}

// bugf reports a broken invariant and lets the server go on, as gopls's
// bug.Reportf does.
func (s *server) bugf(format string, args ...any) {
	s.logf(protocol.MessageTypeError, "bug: "+format, args...)
}

func (s *server) logWrite(format string, args ...any) {
	if s.opts.Log != nil {
		fmt.Fprintf(s.opts.Log, time.Now().Format("15:04:05.000 ")+format+"\n", args...)
	}
}
