package format

import "testing"

// BenchmarkFormat formats a corpus (upstream's tools, else Debian's, else
// the scripts under testdata/) and reports the throughput in MB/s of
// source. Parsing is included, as in Source.
func BenchmarkFormat(b *testing.B) {
	corpus, from := upstreamTools(b)
	if len(corpus) == 0 {
		corpus, from = debianScripts(b), "/usr/sbin"
	}
	if len(corpus) == 0 {
		corpus, from = testdataScripts(b), "testdata"
	}
	var size int64
	for _, s := range corpus {
		if _, err := Source(s.name, s.src); err != nil {
			b.Fatalf("%s: %v", s.name, err)
		}
		size += int64(len(s.src))
	}
	b.Logf("corpus: %d scripts, %d bytes, from %s", len(corpus), size, from)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range corpus {
			if _, err := Source(s.name, s.src); err != nil {
				b.Fatal(err)
			}
		}
	}
}
