// Command btwl is the workload of bt's differential tests and benchmark:
// see package workload.
package main

import (
	"os"

	"github.com/bt-tools/bt/engine/difftest/workload"
)

func main() { os.Exit(workload.Main()) }
