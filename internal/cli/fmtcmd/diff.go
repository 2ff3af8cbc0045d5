package fmtcmd

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// ----------------------------------------------------------------------------
// Line diff: Myers's O(ND) algorithm in linear space (the "middle snake"
// bisection), which finds a shortest edit script without the quadratic
// memory of the plain version, so reformatting every line of a large file
// costs no more than a few copies of it.

// differ marks which lines of a are removed and which lines of b are added
// by a shortest edit script from a to b.
type differ struct {
	a, b           []string
	removed, added []bool
}

func diffLines(a, b []string) *differ {
	d := &differ{a: a, b: b, removed: make([]bool, len(a)), added: make([]bool, len(b))}
	d.compare(0, len(a), 0, len(b))
	return d
}

// compare marks the edits from a[aLo:aHi] to b[bLo:bHi].
func (d *differ) compare(aLo, aHi, bLo, bHi int) {
	for aLo < aHi && bLo < bHi && d.a[aLo] == d.b[bLo] {
		aLo, bLo = aLo+1, bLo+1
	}
	for aLo < aHi && bLo < bHi && d.a[aHi-1] == d.b[bHi-1] {
		aHi, bHi = aHi-1, bHi-1
	}
	if aLo == aHi || bLo == bHi {
		d.change(aLo, aHi, bLo, bHi)
		return
	}
	x, y, ok := d.bisect(aLo, aHi, bLo, bHi)
	// A split at a corner would not make progress; it cannot happen once
	// the common prefix and suffix are gone, but never loop on it.
	if !ok || x+y == aLo+bLo || x+y == aHi+bHi {
		d.change(aLo, aHi, bLo, bHi)
		return
	}
	d.compare(aLo, x, bLo, y)
	d.compare(x, aHi, y, bHi)
}

// change marks a whole range as replaced.
func (d *differ) change(aLo, aHi, bLo, bHi int) {
	for i := aLo; i < aHi; i++ {
		d.removed[i] = true
	}
	for j := bLo; j < bHi; j++ {
		d.added[j] = true
	}
}

// bisect finds a point (x, y) on a shortest edit path from (aLo, bLo) to
// (aHi, bHi) by running the search from both ends until the furthest
// paths meet. ok is false when the ranges have nothing in common.
func (d *differ) bisect(aLo, aHi, bLo, bHi int) (x, y int, ok bool) {
	n, m := aHi-aLo, bHi-bLo
	maxD := (n + m + 1) / 2
	off, size := maxD, 2*maxD+2
	fwd, bwd := make([]int, size), make([]int, size)
	for i := range fwd {
		fwd[i], bwd[i] = -1, -1
	}
	fwd[off+1], bwd[off+1] = 0, 0
	delta := n - m
	odd := delta%2 != 0
	var fStart, fEnd, bStart, bEnd int
	for D := 0; D < maxD; D++ {
		for k := -D + fStart; k <= D-fEnd; k += 2 {
			x := furthest(fwd, off, k, D)
			y := x - k
			for x < n && y < m && d.a[aLo+x] == d.b[bLo+y] {
				x, y = x+1, y+1
			}
			fwd[off+k] = x
			switch {
			case x > n:
				fEnd += 2
			case y > m:
				fStart += 2
			case odd:
				if kb := off + delta - k; kb >= 0 && kb < size && bwd[kb] != -1 && x >= n-bwd[kb] {
					return aLo + x, bLo + y, true
				}
			}
		}
		for k := -D + bStart; k <= D-bEnd; k += 2 {
			x := furthest(bwd, off, k, D)
			y := x - k
			for x < n && y < m && d.a[aHi-1-x] == d.b[bHi-1-y] {
				x, y = x+1, y+1
			}
			bwd[off+k] = x
			switch {
			case x > n:
				bEnd += 2
			case y > m:
				bStart += 2
			case !odd:
				if kf := off + delta - k; kf >= 0 && kf < size && fwd[kf] != -1 {
					fx := fwd[kf]
					if fx >= n-x {
						return aLo + fx, bLo + fx - (kf - off), true
					}
				}
			}
		}
	}
	return 0, 0, false
}

// furthest returns where a D-path on diagonal k starts before its snake:
// one step down from diagonal k+1 or right from k-1, whichever got further.
func furthest(v []int, off, k, D int) int {
	if k == -D || k != D && v[off+k-1] < v[off+k+1] {
		return v[off+k+1]
	}
	return v[off+k-1] + 1
}

// ----------------------------------------------------------------------------
// Unified output

const contextLines = 3

// splitLines splits text into lines that keep their '\n', so that a last
// line without one differs from the same line with one.
func splitLines(text []byte) []string {
	if len(text) == 0 {
		return nil
	}
	lines := strings.SplitAfter(string(text), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// op is one line of an edit script: ' ', '-' or '+', and the line's index
// in a (for ' ' and '-') or b (for '+').
type op struct {
	kind byte
	i, j int // positions in a and b before this line
}

func (d *differ) ops() []op {
	var ops []op
	i, j := 0, 0
	for i < len(d.a) || j < len(d.b) {
		switch {
		case i < len(d.a) && d.removed[i]:
			ops = append(ops, op{'-', i, j})
			i++
		case j < len(d.b) && d.added[j]:
			ops = append(ops, op{'+', i, j})
			j++
		default:
			ops = append(ops, op{' ', i, j})
			i, j = i+1, j+1
		}
	}
	return ops
}

// unifiedDiff writes the differences between a and b in unified format,
// with gofmt's header ("diff NAME.orig NAME"). It writes nothing if they
// are equal.
func unifiedDiff(w io.Writer, name string, a, b []byte) error {
	if bytes.Equal(a, b) {
		return nil
	}
	al, bl := splitLines(a), splitLines(b)
	d := diffLines(al, bl)
	var out bytes.Buffer
	fmt.Fprintf(&out, "diff %s.orig %s\n--- %s.orig\n+++ %s\n", name, name, name, name)
	ops := d.ops()
	for start := 0; start < len(ops); {
		for start < len(ops) && ops[start].kind == ' ' {
			start++
		}
		if start == len(ops) {
			break
		}
		end := hunkEnd(ops, start)
		from := max(0, start-contextLines)
		writeHunk(&out, d, ops[from:end])
		start = end
	}
	_, err := w.Write(out.Bytes())
	return err
}

// hunkEnd returns the end of the hunk whose first change is at start:
// changes closer than twice the context join one hunk.
func hunkEnd(ops []op, start int) int {
	end, equal := start, 0
	for i := start; i < len(ops); i++ {
		if ops[i].kind != ' ' {
			end, equal = i+1, 0
			continue
		}
		equal++
		if equal > 2*contextLines {
			break
		}
	}
	return min(len(ops), end+contextLines)
}

func writeHunk(out *bytes.Buffer, d *differ, ops []op) {
	var aLen, bLen int
	for _, o := range ops {
		if o.kind != '+' {
			aLen++
		}
		if o.kind != '-' {
			bLen++
		}
	}
	fmt.Fprintf(out, "@@ -%s +%s @@\n", hunkRange(ops[0].i, aLen), hunkRange(ops[0].j, bLen))
	for _, o := range ops {
		var line string
		if o.kind == '+' {
			line = d.b[o.j]
		} else {
			line = d.a[o.i]
		}
		out.WriteByte(o.kind)
		out.WriteString(line)
		if !strings.HasSuffix(line, "\n") {
			out.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// hunkRange formats the "start,count" of a hunk as diff does: lines count
// from 1, ",1" is left out, and an empty range names the line before it.
func hunkRange(start, count int) string {
	switch count {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, count)
}
