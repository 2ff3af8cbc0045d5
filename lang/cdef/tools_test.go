package cdef

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/parser"
	"github.com/bt-tools/bt/lang/token"
)

// toolSets are the bpftrace tool collections the tests read if present.
var toolSets = []struct{ name, glob string }{
	{"debian", "/usr/sbin/*.bt"},
	{"upstream", "/tmp/upstream/tools/*.bt"},
	{"upstream-old", "/tmp/upstream/tools/old/*.bt"},
}

// processTool parses a tool and processes its prologue.
func processTool(t *testing.T, path string, opts Options) (*Result, diag.List, *token.File) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	file := token.NewFile(path, src)
	f, _ := parser.ParseFile(file) // the parser's errors are its tests' business
	res, errs := Process(file, f.Decls, opts)
	return res, errs, file
}

// TestTools processes the prologue of every bpftrace tool, with and
// without BTF: none may draw a diagnostic.
func TestTools(t *testing.T) {
	for _, set := range toolSets {
		t.Run(set.name, func(t *testing.T) {
			paths, _ := filepath.Glob(set.glob)
			if len(paths) == 0 {
				t.Skipf("no tools match %s (bpftrace tools not installed)", set.glob)
			}
			for _, path := range paths {
				for _, btf := range []bool{false, true} {
					name := strings.TrimSuffix(filepath.Base(path), ".bt")
					if btf {
						name += "/btf"
					}
					t.Run(name, func(t *testing.T) {
						_, errs, file := processTool(t, path, fakeKernel(btf))
						for _, d := range errs {
							t.Errorf("%s", diag.Format(file, d))
						}
					})
				}
			}
		})
	}
}

// TestToolDetails checks what some tools' prologues define.
func TestToolDetails(t *testing.T) {
	t.Run("runqlen without BTF", func(t *testing.T) {
		path := "/usr/sbin/runqlen.bt"
		if _, err := os.Stat(path); err != nil {
			t.Skipf("%s not installed", path)
		}
		res, _, _ := processTool(t, path, fakeKernel(false))
		cfs := res.Structs["cfs_rq"]
		if cfs == nil {
			t.Fatalf("struct cfs_rq not defined")
		}
		// load_weight is 16 bytes, then unsigned long, then two unsigned ints.
		if got := fieldsString(cfs); got != "load@0 runnable_weight@16 nr_running@24 h_nr_running@28" || cfs.Size() != 32 {
			t.Errorf("cfs_rq = %s size %d", got, cfs.Size())
		}
		if len(res.Includes) != 1 || res.Includes[0].Path != "linux/sched.h" {
			t.Errorf("includes = %+v", res.Includes)
		}
	})
	t.Run("runqlen with BTF", func(t *testing.T) {
		path := "/usr/sbin/runqlen.bt"
		if _, err := os.Stat(path); err != nil {
			t.Skipf("%s not installed", path)
		}
		res, _, file := processTool(t, path, fakeKernel(true))
		if len(res.Structs) != 0 || len(res.Includes) != 0 || len(res.Inactive) != 1 {
			t.Errorf("with BTF: structs %v, includes %v, inactive %v", res.Structs, res.Includes, res.Inactive)
		}
		if len(res.Inactive) == 1 && !strings.Contains(file.Text(res.Inactive[0].Pos, res.Inactive[0].End), "struct cfs_rq") {
			t.Errorf("the inactive region does not cover struct cfs_rq")
		}
	})
	t.Run("tcpconnect with BTF", func(t *testing.T) {
		path := "/tmp/upstream/tools/tcpconnect.bt"
		if _, err := os.Stat(path); err != nil {
			t.Skipf("%s not present", path)
		}
		res, _, _ := processTool(t, path, fakeKernel(true))
		if res.Defines["AF_INET"].Body != "2" || res.Defines["AF_INET6"].Body != "10" {
			t.Errorf("AF_INET = %q, AF_INET6 = %q", res.Defines["AF_INET"].Body, res.Defines["AF_INET6"].Body)
		}
	})
}
