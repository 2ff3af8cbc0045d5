package compile_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bt-tools/bt/engine/compile"
	"github.com/bt-tools/bt/lang"
	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/kernel/kerneltest"
	"github.com/bt-tools/bt/lang/sema"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// listingDir holds scripts (NAME.bt) and their listings (NAME.golden).
const listingDir = "../../testdata/run/listing"

// TestListings compiles each script against the kernel fixture and
// compares its listing (bt run -d) with the golden file.
func TestListings(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(listingDir, "*.bt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts in %s: %v", listingDir, err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".bt")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			have := listing(t, name+".bt", src)
			golden := strings.TrimSuffix(file, ".bt") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(have), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if have != string(want) {
				t.Errorf("listing of %s differs from %s (run with -update to accept):\n%s", file, golden, have)
			}
		})
	}
}

func listing(t *testing.T, name string, src []byte) string {
	t.Helper()
	u := lang.Check(name, src, sema.Options{Kernel: kerneltest.Fixture(t), ParamsGiven: true, MaxStrlen: 64})
	for _, d := range u.Diags {
		if d.Severity == diag.Error {
			t.Fatalf("%s", diag.Format(u.Tok, d))
		}
	}
	p, err := compile.Compile(u.Prog, compile.Options{SyncStart: true, MaxStrlen: 64, Kernel: kerneltest.Fixture(t)})
	if err != nil {
		t.Fatal(err)
	}
	return compile.Listing(p)
}
