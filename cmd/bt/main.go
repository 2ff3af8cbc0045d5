// Command bt is the bpftrace toolchain: check, list, fmt, lint, lsp, run.
package main

import "github.com/bt-tools/bt/internal/cli"

func main() { cli.Main(rootCommand()) }
