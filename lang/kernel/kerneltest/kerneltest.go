// Package kerneltest gives tests the kernel fixture of testdata/kernel.
package kerneltest

import (
	"sync"
	"testing"

	"github.com/bt-tools/bt/lang/kernel"
)

// shared is one fixture for all the tests of a test binary: loading BTF
// costs tens of milliseconds, and a Fixture is safe for concurrent use
// and never changes.
var shared struct {
	once sync.Once
	fx   *kernel.Fixture
	err  error
}

// Fixture returns the kernel fixture of the module's testdata/kernel,
// shared by the tests of the binary. It fails tb if there is none.
func Fixture(tb testing.TB) *kernel.Fixture {
	tb.Helper()
	shared.once.Do(func() {
		dir, err := kernel.FixtureDir()
		if err != nil {
			shared.err = err
			return
		}
		shared.fx, shared.err = kernel.NewFixture(dir)
	})
	if shared.err != nil {
		tb.Fatal(shared.err)
	}
	return shared.fx
}
