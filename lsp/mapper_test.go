package lsp

import (
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/bt-tools/bt/lsp/internal/protocol"
)

func pos(line, char uint32) protocol.Position { return protocol.Position{Line: line, Character: char} }

func TestMapper(t *testing.T) {
	// "a😀b" is 1+4+1 bytes and 1+2+1 UTF-16 units; "é" is 2 bytes, 1 unit;
	// "中" 3 bytes, 1 unit.
	src := "a😀b\r\né中x\rlast\n"
	m := NewMapper([]byte(src))
	if got := m.LineCount(); got != 4 {
		t.Errorf("LineCount = %d, want 4 (\\r\\n, \\r and \\n end lines)", got)
	}
	tests := []struct {
		off  int
		want protocol.Position
	}{
		{0, pos(0, 0)},
		{1, pos(0, 1)},  // before 😀
		{2, pos(0, 1)},  // inside 😀: its start
		{5, pos(0, 3)},  // b, after the surrogate pair
		{6, pos(0, 4)},  // \r: the line's end
		{7, pos(0, 4)},  // \n of \r\n: still the line's end
		{8, pos(1, 0)},  // é
		{10, pos(1, 1)}, // 中
		{13, pos(1, 2)}, // x
		{14, pos(1, 3)}, // lone \r
		{15, pos(2, 0)}, // last
		{20, pos(3, 0)}, // after the final \n
		{99, pos(3, 0)}, // clamped
	}
	for _, tt := range tests {
		if got := m.Position(tt.off); got != tt.want {
			t.Errorf("Position(%d) = %v, want %v", tt.off, got, tt.want)
		}
	}
	offsets := []struct {
		p    protocol.Position
		want int
	}{
		{pos(0, 0), 0},
		{pos(0, 1), 1},
		{pos(0, 2), 1}, // inside the surrogate pair: the character's start
		{pos(0, 3), 5},
		{pos(0, 4), 6},
		{pos(0, 99), 6}, // past the line: its end, before \r\n
		{pos(1, 1), 10},
		{pos(1, 3), 14},
		{pos(2, 4), 19},
		{pos(3, 0), 20},
		{pos(7, 3), 20}, // past the last line: the end
	}
	for _, tt := range offsets {
		if got := m.Offset(tt.p); got != tt.want {
			t.Errorf("Offset(%v) = %d, want %d", tt.p, got, tt.want)
		}
	}
	// A range that ends inside a character covers it.
	if r := m.Range(2, 3); r.Start != pos(0, 1) || r.End != pos(0, 3) {
		t.Errorf("Range over a partial character = %v", r)
	}
}

// TestMapperRoundTrip checks Offset(Position(off)) == off at every
// character boundary that is not inside a line end, against an
// independent UTF-16 count.
func TestMapperRoundTrip(t *testing.T) {
	for _, src := range []string{
		"", "abc", "\n\n", "é\r\n😀\r中\n", "x\xffy\n", "😀😀😀", "a\r\r\nb",
	} {
		m := NewMapper([]byte(src))
		line, col := 0, 0
		for off := 0; off <= len(src); {
			if off < len(src) && (src[off] == '\n' || src[off] == '\r') {
				if src[off] == '\r' && off+1 < len(src) && src[off+1] == '\n' {
					off++
				}
				off++
				line, col = line+1, 0
				continue
			}
			want := pos(uint32(line), uint32(col))
			if got := m.Position(off); got != want {
				t.Errorf("%q: Position(%d) = %v, want %v", src, off, got, want)
			}
			if got := m.Offset(want); got != off {
				t.Errorf("%q: Offset(%v) = %d, want %d", src, want, got, off)
			}
			if off == len(src) {
				break
			}
			r, n := utf8.DecodeRuneInString(src[off:])
			col += len(utf16.Encode([]rune{r}))
			off += n
		}
	}
}

func TestApplyChanges(t *testing.T) {
	rng := func(l1, c1, l2, c2 uint32) *protocol.Range {
		return &protocol.Range{Start: pos(l1, c1), End: pos(l2, c2)}
	}
	src := []byte("BEGIN {\n  @😀x = 1;\n}\n")
	got := applyChanges(src, []protocol.TextDocumentContentChangeEvent{
		{Range: rng(1, 3, 1, 5), Text: "é"},   // the emoji (two units)
		{Range: rng(1, 4, 1, 5), Text: "y"},   // x, after the new é
		{Range: rng(2, 1, 2, 1), Text: " \n"}, // insert at the end
	})
	if want := "BEGIN {\n  @éy = 1;\n} \n\n"; string(got) != want {
		t.Errorf("applyChanges = %q, want %q", got, want)
	}
	got = applyChanges(src, []protocol.TextDocumentContentChangeEvent{{Text: "END {}"}})
	if string(got) != "END {}" {
		t.Errorf("full change = %q", got)
	}
}
