package lsp

import (
	"sync"

	"go.lsp.dev/jsonrpc2"

	"github.com/bt-tools/bt/lsp/internal/protocol"
)

// session holds the open documents: the latest snapshot of each. The
// server's notification handlers, which run in the order the client sent
// them, are the only writers.
type session struct {
	env *env

	mu   sync.Mutex
	docs map[protocol.DocumentURI]*Snapshot
}

func newSession(e *env) *session {
	return &session{env: e, docs: map[protocol.DocumentURI]*Snapshot{}}
}

// errNotOpen answers a request about a document the client has not opened.
func errNotOpen(uri protocol.DocumentURI) error {
	return jsonrpc2.Errorf(jsonrpc2.InvalidParams, "document %s is not open", uri)
}

// snapshot returns the latest snapshot of an open document.
func (s *session) snapshot(uri protocol.DocumentURI) (*Snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap, ok := s.docs[uri]
	if !ok {
		return nil, errNotOpen(uri)
	}
	return snap, nil
}

// open records a document the client opened (again, if it was open).
func (s *session) open(uri protocol.DocumentURI, version int32, text string) *Snapshot {
	snap := newSnapshot(s.env, uri, version, []byte(text))
	s.mu.Lock()
	s.docs[uri] = snap
	s.mu.Unlock()
	return snap
}

// change applies the changes of a didChange notification, in order, and
// returns the new snapshot.
func (s *session) change(uri protocol.DocumentURI, version int32, changes []protocol.TextDocumentContentChangeEvent) (*Snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.docs[uri]
	if !ok {
		return nil, errNotOpen(uri)
	}
	snap := newSnapshot(s.env, uri, version, applyChanges(old.Src, changes))
	s.docs[uri] = snap
	return snap, nil
}

// close forgets a document.
func (s *session) close(uri protocol.DocumentURI) {
	s.mu.Lock()
	delete(s.docs, uri)
	s.mu.Unlock()
}

// applyChanges applies changes to src: a change without a range replaces
// the whole document, one with a range (incremental sync) that range.
// Each range is resolved against the text as the changes before it left
// it, as the protocol says.
func applyChanges(src []byte, changes []protocol.TextDocumentContentChangeEvent) []byte {
	for _, c := range changes {
		if c.Range == nil {
			src = []byte(c.Text)
			continue
		}
		m := NewMapper(src)
		start, end := m.OffsetRange(*c.Range)
		out := make([]byte, 0, len(src)-(end-start)+len(c.Text))
		out = append(out, src[:start]...)
		out = append(out, c.Text...)
		out = append(out, src[end:]...)
		src = out
	}
	return src
}
