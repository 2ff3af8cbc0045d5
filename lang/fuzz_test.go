package lang

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lang/token"
)

// FuzzCheck parses and checks arbitrary input against the kernel fixture:
// no panic, no hang, and every diagnostic within the file.
func FuzzCheck(f *testing.F) {
	k := newTestKernel(f)
	for _, dir := range []string{"ok", "bad"} {
		for _, rel := range corpusFiles(f, dir) {
			src, err := os.ReadFile(filepath.Join(corpusDir, rel))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		done := make(chan *Unit, 1)
		go func() { done <- Check("fuzz.bt", src, sema.Options{Kernel: k}) }()
		var u *Unit
		select {
		case u = <-done:
		case <-time.After(20 * time.Second):
			// A hang detector, not a performance bound.
			t.Fatalf("Check(%q) does not return", src)
		}
		if err := diagsInRange(u); err != nil {
			t.Fatal(err)
		}
	})
}

func diagsInRange(u *Unit) error {
	limit := token.Pos(u.Tok.Size() + 1)
	for _, d := range u.Diags {
		if d.Pos < 1 || d.Pos > d.End || d.End > limit {
			return fmt.Errorf("diagnostic %s %q spans [%d, %d), outside [1, %d]", d.Code, d.Message, d.Pos, d.End, limit)
		}
		for _, r := range d.Related {
			if r.Pos < 1 || r.Pos > r.End || r.End > limit {
				return fmt.Errorf("note %q of %s spans [%d, %d), outside [1, %d]", r.Message, d.Code, r.Pos, r.End, limit)
			}
		}
	}
	return nil
}
