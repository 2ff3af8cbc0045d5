package lsp

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime/debug"
	"sync"

	"github.com/bt-tools/bt/lang"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/kernel"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lsp/internal/protocol"
)

// A Snapshot is one version of one open document and what the front end
// makes of it. It never changes: an edit makes a new Snapshot, so a
// feature that holds one sees a consistent document however the editor
// goes on typing. The parse, the check and the lint run once per
// snapshot, on first demand, and are shared by every feature and the
// diagnostics.
type Snapshot struct {
	URI     protocol.DocumentURI
	Version int32
	Src     []byte
	Mapper  *Mapper

	env *env

	parsed  future[*lang.Unit]
	checked future[*lang.Unit]
	linted  future[diag.List]
}

// env is what every snapshot of a session shares: the kernel and the
// hooks into the formatter and the linter. It is set up once, at
// initialize, and not modified afterwards.
type env struct {
	kernel kernel.Info
	format FormatFunc
	lint   LintFunc
	client clientCaps
	// bug reports a broken invariant (a panic in the front end, say);
	// the server logs it and goes on.
	bug func(format string, args ...any)
}

func newSnapshot(e *env, uri protocol.DocumentURI, version int32, src []byte) *Snapshot {
	return &Snapshot{URI: uri, Version: version, Src: src, Mapper: NewMapper(src), env: e}
}

// filename is the name the front end reports the document under: the
// path of a file: URI, else the URI itself (untitled:Untitled-1).
func (s *Snapshot) filename() string {
	if u, err := url.Parse(string(s.URI)); err == nil && u.Scheme == "file" && u.Path != "" {
		return filepath.FromSlash(u.Path)
	}
	return string(s.URI)
}

// Kernel returns the kernel info (nil when the server has none).
func (s *Snapshot) Kernel() kernel.Info { return s.env.kernel }

// Checked returns the document parsed and type-checked, as btlint checks
// it:
//   - wildcard attach points are not expanded (sema.Options.NoExpand):
//     `kprobe:*` would be checked once per kernel function, which no
//     editor can wait for;
//   - unsafe functions are allowed (sema.Options.Unsafe): whether system()
//     belongs in a script is the linter's finding (BT002), not an error.
func (s *Snapshot) Checked(ctx context.Context) (*lang.Unit, error) {
	return s.checked.get(ctx, s.env, func() *lang.Unit {
		return lang.Check(s.filename(), s.Src, sema.Options{Kernel: s.env.kernel, NoExpand: true, Unsafe: true})
	})
}

// Parsed returns the document's syntax tree, checked if the check has
// already run: features that need no types (folding, symbols) do not
// wait for the checker.
func (s *Snapshot) Parsed(ctx context.Context) (*lang.Unit, error) {
	if u, ok := s.checked.peek(); ok {
		return u, nil
	}
	return s.parsed.get(ctx, s.env, func() *lang.Unit {
		return lang.Parse(s.filename(), s.Src)
	})
}

// Diagnostics returns the front end's diagnostics and the linter's,
// sorted by position.
func (s *Snapshot) Diagnostics(ctx context.Context) (diag.List, error) {
	u, err := s.Checked(ctx)
	if err != nil {
		return nil, err
	}
	lint, err := s.linted.get(ctx, s.env, func() diag.List {
		if s.env.lint == nil || u.Prog == nil {
			return nil
		}
		return s.env.lint(u, s.env.kernel)
	})
	if err != nil {
		return nil, err
	}
	all := make(diag.List, 0, len(u.Diags)+len(lint))
	all = append(append(all, u.Diags...), lint...)
	all.Sort()
	return all, nil
}

// ---------------------------------------------------------------------------
// Futures

// future is a value computed once, in its own goroutine, on first demand.
// Waiters give up when their context ends; the computation goes on for
// the next one. A panic in the computation is reported as a bug and
// becomes an error for every waiter.
type future[T any] struct {
	once sync.Once
	done chan struct{}
	mu   sync.Mutex // guards done's creation against peek
	val  T
	err  error
}

func (f *future[T]) start(e *env, compute func() T) chan struct{} {
	f.once.Do(func() {
		f.mu.Lock()
		f.done = make(chan struct{})
		f.mu.Unlock()
		go func() {
			defer close(f.done)
			defer func() {
				if r := recover(); r != nil {
					f.err = fmt.Errorf("internal error: %v", r)
					e.bug("panic in the front end: %v\n%s", r, debug.Stack())
				}
			}()
			f.val = compute()
		}()
	})
	return f.done
}

// get waits for the value, starting its computation if needed.
func (f *future[T]) get(ctx context.Context, e *env, compute func() T) (T, error) {
	done := f.start(e, compute)
	select {
	case <-done:
		return f.val, f.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// peek returns the value if it is already computed.
func (f *future[T]) peek() (T, bool) {
	f.mu.Lock()
	done := f.done
	f.mu.Unlock()
	var zero T
	if done == nil {
		return zero, false
	}
	select {
	case <-done:
		return f.val, f.err == nil
	default:
		return zero, false
	}
}
