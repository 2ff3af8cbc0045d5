package lang

import (
	"fmt"
	"testing"

	"github.com/bt-tools/bt/lang/kernel"
	"github.com/bt-tools/bt/lang/kernel/kerneltest"
	"github.com/bt-tools/bt/lang/probes"
)

// testKernel is the kernel fixture with a made-up user space: the ELF
// symbols of a few binaries and the library paths that uprobe targets
// resolve to, so that the corpus's goldens do not depend on the
// libraries installed on the machine that runs the tests.
type testKernel struct {
	*kernel.Fixture
}

var _ probes.BinaryResolver = testKernel{}

func newTestKernel(tb testing.TB) testKernel {
	tb.Helper()
	return testKernel{kerneltest.Fixture(tb)}
}

// testBinaries maps the uprobe targets of the corpus to their paths.
var testBinaries = map[string]string{
	"/bin/bash":                             "/bin/bash",
	"bash":                                  "/bin/bash",
	"libc":                                  "/usr/lib/x86_64-linux-gnu/libc.so.6",
	"/usr/lib/x86_64-linux-gnu/libc.so.6":   "/usr/lib/x86_64-linux-gnu/libc.so.6",
	"libssl":                                "/usr/lib/x86_64-linux-gnu/libssl.so.3",
	"libpthread":                            "/usr/lib/x86_64-linux-gnu/libpthread.so.0",
	"/usr/lib/x86_64-linux-gnu/libssl.so.3": "/usr/lib/x86_64-linux-gnu/libssl.so.3",
	"/usr/bin/myapp":                        "/usr/bin/myapp",
}

// testSymbols are the symbols of the made-up binaries.
var testSymbols = map[string][]kernel.Symbol{
	"/bin/bash": {
		{Name: "main", Addr: 0x30000, Size: 0x200, Func: true},
		{Name: "readline", Addr: 0x31000, Size: 0x100, Func: true},
		{Name: "shell_version", Addr: 0x90000, Size: 8},
	},
	"/usr/lib/x86_64-linux-gnu/libc.so.6": {
		{Name: "malloc", Addr: 0x1000, Size: 0x100, Func: true},
		{Name: "free", Addr: 0x1100, Size: 0x100, Func: true},
		{Name: "calloc", Addr: 0x1200, Size: 0x100, Func: true},
		{Name: "getaddrinfo", Addr: 0x2000, Size: 0x100, Func: true},
		{Name: "gethostbyname", Addr: 0x2100, Size: 0x100, Func: true},
		{Name: "gethostbyname2", Addr: 0x2200, Size: 0x100, Func: true},
		{Name: "pthread_create", Addr: 0x3000, Size: 0x100, Func: true},
		{Name: "open", Addr: 0x4000, Size: 0x100, Func: true},
		{Name: "read", Addr: 0x4100, Size: 0x100, Func: true},
		{Name: "write", Addr: 0x4200, Size: 0x100, Func: true},
		{Name: "strlen", Addr: 0x5000, Size: 0x40, Func: true},
		{Name: "errno", Addr: 0x9000, Size: 4},
	},
	"/usr/lib/x86_64-linux-gnu/libssl.so.3": {
		{Name: "SSL_read", Addr: 0x1000, Size: 0x100, Func: true},
		{Name: "SSL_write", Addr: 0x1100, Size: 0x100, Func: true},
		{Name: "SSL_do_handshake", Addr: 0x1200, Size: 0x100, Func: true},
	},
	"/usr/lib/x86_64-linux-gnu/libpthread.so.0": {
		{Name: "pthread_create", Addr: 0x1000, Size: 0x100, Func: true},
	},
	"/usr/bin/myapp": {
		{Name: "main", Addr: 0x1000, Size: 0x100, Func: true},
		{Name: "handle_request", Addr: 0x1100, Size: 0x100, Func: true},
		{Name: "handle_reply", Addr: 0x1200, Size: 0x100, Func: true},
		{Name: "counter", Addr: 0x8000, Size: 8},
		{Name: "small_counter", Addr: 0x8008, Size: 2},
	},
}

// ResolveBinary implements probes.BinaryResolver.
func (testKernel) ResolveBinary(target string) (string, error) {
	if p, ok := testBinaries[target]; ok {
		return p, nil
	}
	return "", fmt.Errorf("%s: %w", target, kernel.ErrNotFound)
}

// Symbols serves the made-up binaries only.
func (testKernel) Symbols(path string) ([]kernel.Symbol, error) {
	if syms, ok := testSymbols[path]; ok {
		return syms, nil
	}
	return nil, fmt.Errorf("read symbols: %s: %w", path, kernel.ErrNotFound)
}
