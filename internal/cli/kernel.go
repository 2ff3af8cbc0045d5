package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/bt-tools/bt/lang/kernel"
)

// KernelEnv selects the kernel info the tools use: unset or "live" for
// the running kernel, "fixture:DIR" for a snapshot (tests use the one in
// testdata/kernel), "none" for no kernel knowledge.
const KernelEnv = "BT_KERNEL"

// Kernel returns the kernel info selected by $BT_KERNEL.
func Kernel() (kernel.Info, error) {
	spec := os.Getenv(KernelEnv)
	switch {
	case spec == "" || spec == "live":
		return kernel.NewLive(kernel.LiveOptions{}), nil
	case spec == "none":
		return nil, nil
	case strings.HasPrefix(spec, "fixture:"):
		k, err := kernel.NewFixture(strings.TrimPrefix(spec, "fixture:"))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", KernelEnv, err)
		}
		return k, nil
	}
	return nil, fmt.Errorf("%s=%q: want live, none or fixture:DIR", KernelEnv, spec)
}
