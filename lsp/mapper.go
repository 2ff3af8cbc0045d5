package lsp

import (
	"unicode/utf8"

	"github.com/bt-tools/bt/lang/token"
	"github.com/bt-tools/bt/lsp/internal/protocol"
)

// A Mapper converts between the kinds of position lsp/ meets, for one
// version of one document:
//
//   - a byte offset into the source, counted from 0: the canonical form;
//   - a [token.Pos], the front end's byte offset plus one (NoPos is 0);
//   - a [protocol.Position], the protocol's zero-based line and column,
//     where the column counts UTF-16 code units.
//
// Every conversion to or from UTF-16 goes through a Mapper, as gopls's
// protocol.Mapper does: features work in offsets and token.Pos and meet
// the protocol's columns only here.
//
// Lines end at "\n", "\r\n" or a lone "\r", the three line ends of the
// protocol; a position past the end of a line is clamped to the line's
// end, and a line past the last one to the end of the document, as
// vscode-languageserver's TextDocument does. Bytes that are not UTF-8
// count as one code unit each (they decode to U+FFFD).
type Mapper struct {
	src   []byte
	lines []int  // offset of the first byte of each line; lines[0] == 0
	ascii []bool // whether each line is pure ASCII (columns are bytes)
}

// NewMapper returns a Mapper for src, which it keeps and must not change.
func NewMapper(src []byte) *Mapper {
	m := &Mapper{src: src, lines: []int{0}}
	ascii := true
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c >= utf8.RuneSelf {
			ascii = false
			continue
		}
		if c != '\n' && c != '\r' {
			continue
		}
		if c == '\r' && i+1 < len(src) && src[i+1] == '\n' {
			i++
		}
		m.lines = append(m.lines, i+1)
		m.ascii = append(m.ascii, ascii)
		ascii = true
	}
	m.ascii = append(m.ascii, ascii)
	return m
}

// LineCount returns the number of lines.
func (m *Mapper) LineCount() int { return len(m.lines) }

// lineOf returns the zero-based line that contains offset off.
func (m *Mapper) lineOf(off int) int {
	lo, hi := 0, len(m.lines)
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if m.lines[mid] <= off {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// lineEnd returns the offset of the line end of line (before its "\n",
// "\r\n" or "\r").
func (m *Mapper) lineEnd(line int) int {
	if line+1 >= len(m.lines) {
		return len(m.src)
	}
	end := m.lines[line+1] - 1
	if m.src[end] == '\n' && end > m.lines[line] && m.src[end-1] == '\r' {
		end--
	}
	return end
}

// clamp limits an offset to [0, len(src)].
func (m *Mapper) clamp(off int) int {
	return max(0, min(off, len(m.src)))
}

// Position returns the protocol position of a byte offset. An offset
// inside a line end is the end of its line; one inside a multi-byte
// character is that character's start.
func (m *Mapper) Position(off int) protocol.Position {
	off = m.clamp(off)
	line := m.lineOf(off)
	start := m.lines[line]
	off = min(off, m.lineEnd(line))
	if m.ascii[line] {
		return protocol.Position{Line: uint32(line), Character: uint32(off - start)}
	}
	col := 0
	for i := start; i < off; {
		r, n := utf8.DecodeRune(m.src[i:])
		if i+n > off {
			break // off is inside this character
		}
		col += utf16Len(r)
		i += n
	}
	return protocol.Position{Line: uint32(line), Character: uint32(col)}
}

// Offset returns the byte offset of a protocol position, clamped to the
// document as described on [Mapper]. A column inside a surrogate pair
// is the start of its character.
func (m *Mapper) Offset(p protocol.Position) int {
	line := int(p.Line)
	if line >= len(m.lines) {
		return len(m.src)
	}
	start, end := m.lines[line], m.lineEnd(line)
	want := int(p.Character)
	if m.ascii[line] {
		return start + min(want, end-start)
	}
	col := 0
	i := start
	for i < end {
		r, n := utf8.DecodeRune(m.src[i:])
		w := utf16Len(r)
		if col+w > want {
			break
		}
		col += w
		i += n
	}
	return i
}

// PosPosition returns the protocol position of a token.Pos; NoPos maps
// to the start of the document.
func (m *Mapper) PosPosition(p token.Pos) protocol.Position {
	return m.Position(int(p) - 1)
}

// Pos returns the token.Pos of a protocol position.
func (m *Mapper) Pos(p protocol.Position) token.Pos {
	return token.Pos(m.Offset(p) + 1)
}

// Range returns the protocol range of [from, to). An end inside a
// multi-byte character is moved to the character's end, so that a span
// over part of a character (a scanner error on one byte of it) still
// covers it.
func (m *Mapper) Range(from, to token.Pos) protocol.Range {
	if to < from {
		to = from
	}
	end := m.clamp(int(to) - 1)
	for end < len(m.src) && end > 0 && !utf8.RuneStart(m.src[end]) {
		end++
	}
	return protocol.Range{Start: m.PosPosition(from), End: m.Position(end)}
}

// OffsetRange returns the byte offsets of a protocol range, with end no
// smaller than start.
func (m *Mapper) OffsetRange(r protocol.Range) (start, end int) {
	start, end = m.Offset(r.Start), m.Offset(r.End)
	if end < start {
		end = start
	}
	return start, end
}

// UTF16Len returns the length of s in UTF-16 code units.
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16Len(r)
	}
	return n
}

// utf16Len returns the number of UTF-16 code units of r (RuneError, which
// stands for a byte that is not UTF-8, counts as one).
func utf16Len(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}
