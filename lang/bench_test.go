package lang

import (
	"testing"

	"github.com/bt-tools/bt/lang/kernel/kerneltest"
	"github.com/bt-tools/bt/lang/sema"
)

// BenchmarkCheckTools parses and checks every tool of a corpus (Debian's
// /usr/sbin/*.bt, upstream's tools/ and tools/old/) with a warm kernel
// fixture: BTF and tracefs are loaded, and each tool has been checked
// once, before timing starts. ns/op is the time for the whole corpus;
// tools/op says how many scripts that is.
func BenchmarkCheckTools(b *testing.B) {
	k := kerneltest.Fixture(b)
	tools := allTools(b)
	corpora := map[string][]toolScript{"all": tools}
	var names []string
	for _, t := range tools {
		c := t.corpus
		if c == "upstream/old" {
			c = "upstream-old"
		}
		if _, ok := corpora[c]; !ok {
			names = append(names, c)
		}
		corpora[c] = append(corpora[c], t)
	}
	opts := sema.Options{Kernel: k}
	for _, t := range tools {
		Check(t.id(), t.src, opts) // warm the kernel's caches
	}
	for _, name := range append(names, "all") {
		corpus := corpora[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, t := range corpus {
					Check(t.id(), t.src, opts)
				}
			}
			b.ReportMetric(float64(len(corpus)), "tools/op")
		})
	}
}
