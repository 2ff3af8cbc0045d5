package compile_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bt-tools/bt/engine/compile"
	"github.com/bt-tools/bt/lang"
	"github.com/bt-tools/bt/lang/kernel/kerneltest"
	"github.com/bt-tools/bt/lang/sema"
)

// TestCorpus compiles every script of the repository's testdata that
// checks without errors: the compiler may refuse a construct it does not
// support (a *compile.Error at the construct), but it must not fail in
// any other way.
func TestCorpus(t *testing.T) {
	k := kerneltest.Fixture(t)
	n := 0
	err := filepath.WalkDir("../../testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".bt") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		u := lang.Check(path, src, sema.Options{Kernel: k, ParamsGiven: true, Params: []string{"1", "2"}})
		if u.Diags.HasErrors() {
			return nil
		}
		n++
		_, err = compile.Compile(u.Prog, compile.Options{SyncStart: true, Kernel: k})
		for _, e := range unwrap(err) {
			var ce *compile.Error
			if !errors.As(e, &ce) || strings.Contains(ce.Msg, "internal") || !ce.Pos.IsValid() {
				t.Errorf("%s: %v", path, e)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 100 {
		t.Errorf("only %d scripts compiled", n)
	}
}

func unwrap(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
