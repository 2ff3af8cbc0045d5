// Command btfmt formats bpftrace programs, with gofmt's flags: -w writes
// files in place, -l lists the files that would change, -d shows diffs,
// --check fails when anything would change; without paths it formats
// standard input. It is the same command as "bt fmt".
package main

import (
	"github.com/bt-tools/bt/internal/cli"
	"github.com/bt-tools/bt/internal/cli/fmtcmd"
)

func main() {
	cmd := fmtcmd.Command()
	cmd.Use = "btfmt [flags] [path ...]"
	cli.Main(cmd)
}
