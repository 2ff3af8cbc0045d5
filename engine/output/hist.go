package output

import (
	"math/bits"
	"strconv"
	"strings"
)

// ---------------------------------------------------------------------------
// Kernel bucket indexes

// HistIndex returns the kernel bucket of v in hist(v, k): 0 for negative
// values, v+1 below 2^k, then 2^k buckets per power of two.
func HistIndex(v int64, k int) uint64 {
	if v < 0 {
		return 0
	}
	u := uint64(v)
	if u < 1<<k {
		return u + 1
	}
	l := bits.Len64(u) - 1 - k
	x := (u >> l) & (1<<k - 1)
	return uint64(l+1)<<k + x + 1
}

// LhistIndex returns the kernel bucket of v in lhist(v, min, max, step): 0
// below min, 1+(max-min)/step above max, else 1+(v-min)/step.
func LhistIndex(v, min, max, step int64) uint64 {
	switch {
	case v < min:
		return 0
	case v > max:
		return uint64(1 + (max-min)/step)
	}
	return uint64(1 + (v-min)/step)
}

// ---------------------------------------------------------------------------
// Rows

// histRow is one printed bucket.
type histRow struct {
	label    string // text label: "[4, 8)", "(..., 0)", "[5]"
	count    uint64 // printed count (after div)
	bar      int    // number of '@'
	min, max string // JSON bounds, "" when the bucket has none
}

const barWidth = 52

// bar computes bpftrace's bar length in single precision, as it does:
// count / float(max) * 52, truncated.
func bar(count uint64, max float32) int {
	if max == 0 {
		return 0
	}
	q := float32(float32(count) / max)
	return int(float32(q * barWidth))
}

// histRows returns the rows of a Hist or Lhist in the printer's era,
// dividing hist counts by div.
func (p *Printer) histRows(v Value, div uint64) []histRow {
	if div == 0 {
		div = 1
	}
	switch v := v.(type) {
	case Hist:
		if p.old() {
			return histRows017(v.Counts, div)
		}
		return histRows026(buildHist(v, div))
	case Lhist:
		if p.old() {
			return lhistRows017(v)
		}
		return histRows026(buildLhist(v))
	}
	return nil
}

// writeHistRows writes the text rows.
func (p *Printer) writeHistRows(b *strings.Builder, v Value, div uint64) {
	for _, r := range p.histRows(v, div) {
		writeRow(b, r)
	}
}

const (
	bars   = "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@"
	spaces = "                                                    "
)

// writeRow writes label left-aligned in 16 columns, the count right-aligned
// in 8, then " |", the bar padded to 52 and "|". Nothing is cut: a longer
// label or bar widens the row, as with iostream's setw.
func writeRow(b *strings.Builder, r histRow) {
	b.WriteString(r.label)
	b.WriteString(spaces[:max(0, 16-len(r.label))])
	var buf [20]byte
	count := strconv.AppendUint(buf[:0], r.count, 10)
	b.WriteString(spaces[:max(0, 8-len(count))])
	b.Write(count)
	b.WriteString(" |")
	n := max(r.bar, 0)
	if n > barWidth {
		b.WriteString(strings.Repeat("@", n))
	} else {
		b.WriteString(bars[:n])
		b.WriteString(spaces[:barWidth-n])
	}
	b.WriteString("|\n")
}

// writeHistJSON writes the JSON array of buckets; 0.17 separated them with
// ", ", 0.26 with ",".
func (p *Printer) writeHistJSON(b *strings.Builder, v Value, div uint64) {
	sep := ","
	if p.old() {
		sep = ", "
	}
	b.WriteByte('[')
	for i, r := range p.histRows(v, div) {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteByte('{')
		if r.min != "" {
			b.WriteString(`"min": ` + r.min + ", ")
		}
		if r.max != "" {
			b.WriteString(`"max": ` + r.max + ", ")
		}
		b.WriteString(`"count": ` + strconv.FormatUint(r.count, 10) + "}")
	}
	b.WriteByte(']')
}

// nonZeroRange returns the first and last bucket with a count, as
// bpftrace finds them: it reads each count into an int, so a count of 2^31
// or more does not count.
func nonZeroRange(counts []uint64) (first, last int) {
	first, last = -1, -1
	for i, c := range counts {
		if int32(c) > 0 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	return first, last
}

// ---------------------------------------------------------------------------
// 0.26: src/types_format.cpp builds a histogram of labels (the upper bound
// of each bucket) and counts, src/output/{text,json}.cpp prints it.

// label is a bucket bound: a plain integer or a symbol such as "1K".
type label struct {
	n     uint64 // the bound; int64 bits for plain labels
	plain bool
	text  string
}

func plainLabel(n int64) label {
	return label{n: uint64(n), plain: true, text: strconv.FormatInt(n, 10)}
}

// histogram mirrors bpftrace's Value::Histogram: bucket i covers
// [labels[i-1], labels[i]) (lower for i == 0; no upper bound past the end
// of labels).
type histogram struct {
	lower  *label
	labels []label
	counts []uint64
}

// buildHist builds a hist(, k) histogram: indexes up to 2<<k are plain
// numbers, the rest symbols with K, M, G, T, P, E suffixes.
func buildHist(h Hist, div uint64) histogram {
	var out histogram
	first, last := nonZeroRange(h.Counts)
	if first < 0 {
		return out
	}
	k := h.Bits
	if first != 0 {
		l := histLabel(first-1, k)
		out.lower = &l
	}
	for i := first; i <= last; i++ {
		out.labels = append(out.labels, histLabel(i, k))
		out.counts = append(out.counts, h.Counts[i]/div)
	}
	return out
}

func histLabel(i, k int) label {
	if i <= 2<<k {
		return plainLabel(int64(i))
	}
	return histIndexLabel(uint32(i), uint32(k))
}

// histIndexLabel is the start of the interval after bucket index: bucket
// index covers 2^k intervals of size 2^power starting at 2^power * 2^k.
// Shift counts are masked as x86 does for bpftrace's out-of-range shifts.
func histIndexLabel(index, k uint32) label {
	n := uint32(1) << k
	interval := index & (n - 1)
	power := (index >> k) - 1
	value := (uint64(1) << (power & 63)) * uint64(n+interval)
	decade := min(power/10, 6)
	power -= 10 * decade
	text := strconv.FormatUint((uint64(1)<<(power&63))*uint64(n+interval), 10)
	if decade > 0 {
		text += string("KMGTPE"[decade-1])
	}
	return label{n: value, text: text}
}

// buildLhist builds an lhist histogram; labels are plain unless step is a
// multiple of 1024, and the overflow bucket has no upper label.
func buildLhist(l Lhist) histogram {
	var out histogram
	first, last := nonZeroRange(l.Counts)
	if first < 0 {
		return out
	}
	if first != 0 {
		lb := lhistLabel(l.Min+int64(first-1)*l.Step, l.Step)
		out.lower = &lb
	}
	for i := first; i <= last; i++ {
		if bound := l.Min + int64(i)*l.Step; bound <= l.Max {
			out.labels = append(out.labels, lhistLabel(bound, l.Step))
		}
		out.counts = append(out.counts, l.Counts[i])
	}
	return out
}

func lhistLabel(n, step int64) label {
	if step%1024 != 0 {
		return plainLabel(n)
	}
	return label{n: uint64(n), text: suffixed(n)}
}

// suffixed prints n with an M or K suffix when divisible.
func suffixed(n int64) string {
	const kilo, mega = 1024, 1024 * 1024
	switch {
	case n == 0:
		return "0"
	case n%mega == 0:
		return strconv.FormatInt(n/mega, 10) + "M"
	case n%kilo == 0:
		return strconv.FormatInt(n/kilo, 10) + "K"
	}
	return strconv.FormatInt(n, 10)
}

func histRows026(h histogram) []histRow {
	var maxCount uint64
	for _, c := range h.counts {
		maxCount = max(maxCount, c)
	}
	rows := make([]histRow, len(h.counts))
	for i, c := range h.counts {
		lo, hi := h.bounds(i)
		rows[i] = histRow{
			label: rowLabel(lo, hi),
			count: c,
			bar:   bar(c, float32(maxCount)),
			min:   jsonLower(lo),
			max:   jsonUpper(hi),
		}
	}
	return rows
}

// bounds returns the lower and upper label of bucket i (nil when open).
func (h histogram) bounds(i int) (lo, hi *label) {
	if i == 0 {
		lo = h.lower
	} else {
		lo = &h.labels[i-1]
	}
	if i < len(h.labels) {
		hi = &h.labels[i]
	}
	return lo, hi
}

// rowLabel prints "(..., hi)", "[lo, ...)", "[lo]" for adjacent plain
// integers, else "[lo, hi)".
func rowLabel(lo, hi *label) string {
	switch {
	case lo == nil:
		return "(..., " + hi.text + ")"
	case hi == nil:
		return "[" + lo.text + ", ...)"
	case lo.plain && hi.plain && int64(lo.n)+1 == int64(hi.n):
		return "[" + lo.text + "]"
	}
	return "[" + lo.text + ", " + hi.text + ")"
}

func jsonLower(lo *label) string {
	if lo == nil {
		return ""
	}
	if lo.plain {
		return jsonInt(int64(lo.n))
	}
	return jsonUint(lo.n)
}

// jsonUpper prints the closed upper bound: one less than the label.
func jsonUpper(hi *label) string {
	switch {
	case hi == nil:
		return ""
	case hi.plain:
		return jsonInt(int64(hi.n) - 1)
	case hi.n == 0:
		return jsonInt(-1)
	}
	return jsonInt(int64(hi.n - 1))
}

// ---------------------------------------------------------------------------
// 0.17: src/output.cpp prints hist (k = 0 only) and lhist rows directly.
// The bar is computed from the undivided counts and their maximum read as
// an int; JSON bounds are computed in int with x86 shift semantics.

func histRows017(counts []uint64, div uint64) []histRow {
	first, last := nonZeroRange(counts)
	if first < 0 {
		return nil
	}
	maxCount := maxInt32(counts)
	rows := make([]histRow, 0, last-first+1)
	for i := first; i <= last; i++ {
		r := histRow{count: counts[i] / div, bar: bar(counts[i], float32(maxCount))}
		r.label, r.min, r.max = histBucket017(i)
		rows = append(rows, r)
	}
	return rows
}

// maxInt32 is the largest count read into an int, as 0.17 did.
func maxInt32(counts []uint64) int32 {
	var m int32
	for _, c := range counts {
		m = max(m, int32(c))
	}
	return m
}

func histBucket017(i int) (text, jmin, jmax string) {
	switch i {
	case 0:
		return "(..., 0)", "", "-1"
	case 1:
		return "[0]", "0", "0"
	case 2:
		return "[1]", "1", "1"
	}
	text = "[" + histLabel017(i-2) + ", " + histLabel017(i-1) + ")"
	lo := int32(uint32(1) << (uint(i-2) % 32))
	hi := int32(uint32(1)<<(uint(i-1)%32)) - 1
	return text, strconv.Itoa(int(lo)), strconv.Itoa(int(hi))
}

// histLabel017 prints 2^power with a K, M, G or T suffix (0.17 had no P
// or E).
func histLabel017(power int) string {
	suffix := ""
	if d := min(power/10, 4); d > 0 {
		power -= 10 * d
		suffix = string("KMGT"[d-1])
	}
	return strconv.Itoa(1<<power) + suffix
}

func lhistRows017(l Lhist) []histRow {
	buckets := int((l.Max - l.Min) / l.Step)
	first, last, ok := lhistRange017(l.Counts, buckets)
	if !ok {
		return nil
	}
	maxCount := maxInt32(l.Counts)
	rows := make([]histRow, 0, last-first+1)
	for i := first; i <= last; i++ {
		c := at(l.Counts, i)
		r := histRow{count: c, bar: bar(c, float32(maxCount))}
		r.label, r.min, r.max = lhistBucket017(l, i, buckets)
		rows = append(rows, r)
	}
	return rows
}

// lhistRange017 finds the printed range: the empty check reads counts as
// int, the range compares them unsigned over buckets 0..buckets+1.
func lhistRange017(counts []uint64, buckets int) (first, last int, ok bool) {
	for _, c := range counts {
		ok = ok || int32(c) != 0
	}
	if !ok {
		return 0, 0, false
	}
	first = -1
	for i := 0; i <= buckets+1; i++ {
		if at(counts, i) > 0 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	return max(first, 0), last, true
}

func lhistBucket017(l Lhist, i, buckets int) (text, jmin, jmax string) {
	i64 := int64(i)
	switch i {
	case 0:
		return "(..., " + lhistLabel017(l.Min) + ")", "", strconv.FormatInt(l.Min-1, 10)
	case buckets + 1:
		return "[" + lhistLabel017(l.Max) + ", ...)", strconv.FormatInt(l.Max, 10), ""
	}
	lo, hi := (i64-1)*l.Step+l.Min, i64*l.Step+l.Min
	text = "[" + lhistLabel017(lo) + ", " + lhistLabel017(hi) + ")"
	return text, strconv.FormatInt(lo, 10), strconv.FormatInt(hi-1, 10)
}

// lhistLabel017 suffixes K and M whatever the step (0.26 only does for
// steps that are multiples of 1024).
func lhistLabel017(n int64) string { return suffixed(n) }

func at(xs []uint64, i int) uint64 {
	if i < len(xs) {
		return xs[i]
	}
	return 0
}
