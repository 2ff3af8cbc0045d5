package lsp

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// fuzzSeeds are message bodies: a session's worth of valid requests, and
// broken ones.
var fuzzSeeds = []string{
	initializeFrame,
	`{"jsonrpc":"2.0","method":"initialized","params":{}}`,
	`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///f.bt","languageId":"bpftrace","version":1,"text":"kprobe:vfs_read { @x[tid] = count(); $y = args. }\n"}}}`,
	`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///f.bt","version":2},"contentChanges":[{"range":{"start":{"line":0,"character":5},"end":{"line":0,"character":9}},"text":"😀"}]}}`,
	`{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///f.bt"},"position":{"line":0,"character":20}}}`,
	`{"jsonrpc":"2.0","id":3,"method":"textDocument/completion","params":{"textDocument":{"uri":"file:///f.bt"},"position":{"line":0,"character":45}}}`,
	`{"jsonrpc":"2.0","id":4,"method":"textDocument/semanticTokens/full","params":{"textDocument":{"uri":"file:///f.bt"}}}`,
	`{"jsonrpc":"2.0","id":5,"method":"textDocument/rename","params":{"textDocument":{"uri":"file:///f.bt"},"position":{"line":0,"character":19},"newName":"@z"}}`,
	`{"jsonrpc":"2.0","id":6,"method":"textDocument/codeAction","params":{"textDocument":{"uri":"file:///f.bt"},"range":{"start":{"line":0,"character":0},"end":{"line":9,"character":0}},"context":{"diagnostics":[]}}}`,
	`{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":3}}`,
	`{"jsonrpc":"2.0","id":7,"method":"shutdown"}`,
	`{"jsonrpc":"2.0","id":8,"method":`,
	`[{"jsonrpc":"2.0","id":9,"method":"shutdown"}]`,
	`{"jsonrpc":"2.0","id":{"a":1},"method":"textDocument/hover","params":null}`,
	`{"jsonrpc":"2.0","id":10,"method":"textDocument/signatureHelp","params":{"textDocument":{"uri":"file:///f.bt"},"position":{"line":4294967295,"character":4294967295}}}`,
}

// FuzzServer feeds the server random and mutated messages, each framed
// with a correct header (the input is split at NUL bytes). Whatever they
// are, the server must not panic, and must answer a request afterwards.
func FuzzServer(f *testing.F) {
	f.Add([]byte(strings.Join(fuzzSeeds, "\x00")))
	for _, s := range fuzzSeeds {
		f.Add([]byte(initializeFrame + "\x00" + s))
	}
	opts := testOptions(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.Contains(data, []byte("exit")) {
			t.Skip("exit ends the server, as it should")
		}
		r := startRaw(t, opts)
		for _, body := range bytes.Split(data, []byte{0}) {
			if len(body) > 0 {
				r.frame(string(body))
			}
		}
		r.frame(`{"jsonrpc":"2.0","id":"ping","method":"$/ping"}`)
		deadline := time.After(30 * time.Second)
		for {
			select {
			case body, ok := <-r.msgs:
				if !ok {
					t.Fatal("the server closed the connection")
				}
				var resp response
				if json.Unmarshal(body, &resp) == nil && string(resp.ID) == `"ping"` {
					if resp.Error == nil {
						t.Fatalf("ping: want an error response (no such method), got %s", body)
					}
					return
				}
			case <-deadline:
				t.Fatal("no answer to the ping")
			}
		}
	})
}

// TestFuzzSeedsAnswered runs the seed session in order and checks that
// every request in it is answered.
func TestFuzzSeedsAnswered(t *testing.T) {
	r := startRaw(t, testOptions(t))
	want := 0
	for _, s := range fuzzSeeds {
		r.frame(s)
		var head struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
		}
		if json.Unmarshal([]byte(s), &head) != nil || len(head.ID) > 0 || strings.HasPrefix(s, "[") {
			want++
		}
	}
	var got []string
	for len(got) < want {
		got = append(got, string(r.read().ID))
	}
	t.Logf("%d answers: %s", len(got), strings.Join(got, " "))
}
