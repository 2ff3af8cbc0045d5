package output

import (
	"testing"

	"github.com/bt-tools/bt/lang/types"
)

func benchHistMap() MapDump {
	m := MapDump{Name: "@lat", Key: types.Int64, Value: histT}
	for k := range int64(16) {
		var samples []int64
		for v := range int64(2000) {
			samples = append(samples, v*v*(k+1))
		}
		m.Entries = append(m.Entries, Entry{Key: i64(k), Value: hist(0, samples...), Raw: rawKey(k)})
	}
	return m
}

func BenchmarkHistText(b *testing.B) {
	for _, era := range []Era{Era026, Era017} {
		b.Run(era.String(), func(b *testing.B) {
			p, m := NewPrinter(era, Text), benchHistMap()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.FormatMap(m, MapOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkHistJSON(b *testing.B) {
	p, m := NewPrinter(Era026, JSON), benchHistMap()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.FormatMap(m, MapOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSprintf(b *testing.B) {
	const format = "%-16s %6d %08x %s %lu\n"
	args := []Value{s("comm"), i64(1234), i64(0xbeef), Inet{Family: afInet, Addr: [16]byte{10, 0, 0, 1}}, u64(1 << 40)}
	for _, era := range []Era{Era026, Era017} {
		p := NewPrinter(era, Text)
		b.Run(era.String()+"/parse-each-time", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = p.Sprintf(format, args)
			}
		})
		b.Run(era.String()+"/parsed", func(b *testing.B) {
			f := ParsePrintf(format, era)
			b.ReportAllocs()
			for b.Loop() {
				_ = p.SprintfParsed(f, args)
			}
		})
	}
}
