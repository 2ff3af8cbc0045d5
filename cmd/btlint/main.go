// Command btlint is bt's linter: btlint ./tools reports likely bugs,
// portability problems and deprecated forms in bpftrace programs. It is
// `bt lint` under its own name.
package main

import (
	"github.com/bt-tools/bt/internal/cli"
	"github.com/bt-tools/bt/internal/cli/lintcmd"
)

func main() {
	cmd := lintcmd.Command()
	cmd.Use = "btlint [flags] [FILE | DIR | DIR/...]..."
	cli.Main(cmd)
}
