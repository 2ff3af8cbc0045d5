package format

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/bt-tools/bt/lang/ast"
	"github.com/bt-tools/bt/lang/token"
)

// Layout constants of upstream `bpftrace --fmt`.
const (
	maxWidth    = 90 // target line width
	indentWidth = 2  // one level of block indentation
)

// ----------------------------------------------------------------------------
// Boxes
//
// A box is a piece of output laid out relative to its own first column: the
// parent decides where the box goes and shifts every line after the first
// by that column (aligned append) or by one indentation level (block
// append). Rendering a node once into a box lets the parent measure it
// before choosing between one line and several, as upstream's printer does,
// without printing anything twice (comments are consumed exactly once).

// line is one line of a box.
type line struct {
	indent   int    // leading columns, applied when the box is written out
	text     string // the line's text after its indentation
	closed   bool   // ends with a // comment, or a block comment the source followed by a newline
	verbatim bool   // continuation of a multi-line comment or C text: never re-indented
	exact    bool   // C text, # line, shebang: not even trailing space is trimmed
}

// box is a rectangle of lines; the last line is the one being written.
type box struct {
	lines       []line
	breakBefore bool    // starts with a comment that had a line of its own
	leadSpace   bool    // starts with a comment that followed the previous token
	space       bool    // a block comment ended the last line: separate the next text
	first       [1]line // backs lines while the box has one line
}

func newBox() *box {
	b := &box{}
	b.lines = b.first[:1:1]
	return b
}

// cur returns the line being written.
func (b *box) cur() *line { return &b.lines[len(b.lines)-1] }

// lineEmpty reports whether nothing has been written on the current line.
func (b *box) lineEmpty() bool {
	l := b.cur()
	return l.text == "" && !l.verbatim
}

// isEmpty reports whether nothing at all has been written.
func (b *box) isEmpty() bool { return len(b.lines) == 1 && b.lineEmpty() }

// blankOnly reports whether the box holds at most blank lines.
func (b *box) blankOnly() bool {
	for _, l := range b.lines {
		if l.text != "" || l.verbatim {
			return false
		}
	}
	return true
}

// newline starts a new line.
func (b *box) newline() {
	b.lines = append(b.lines, line{})
	b.space = false
}

// blank ends the current line, if any, and leaves one empty line before the
// next.
func (b *box) blank() {
	if !b.lineEmpty() {
		b.newline()
	}
	b.newline()
}

// text appends s to the current line, on a new line if the current one is
// closed. Leading spaces are dropped at the start of a line.
func (b *box) text(s string) {
	if s == "" {
		return
	}
	if b.cur().closed {
		b.newline()
	}
	l := b.cur()
	if l.text == "" && !l.verbatim {
		s = strings.TrimLeft(s, " ")
	} else if b.space && !startsWithCloser(s) {
		l.text += " "
	}
	b.space = false
	l.text += s
}

// exact appends text that must be written byte for byte (C definitions, #
// lines, the shebang), splitting it into lines.
func (b *box) exact(s string) {
	parts := strings.Split(s, "\n")
	b.text(parts[0])
	b.cur().exact, b.cur().verbatim = true, true
	for _, part := range parts[1:] {
		b.lines = append(b.lines, line{text: part, verbatim: true, exact: true})
	}
}

func startsWithCloser(s string) bool {
	return s != "" && strings.IndexByte(",;)]", s[0]) >= 0
}

// col returns the column after the current line's text.
func (b *box) col() int {
	l := b.cur()
	if l.verbatim {
		return runeLen(l.text)
	}
	return l.indent + runeLen(l.text)
}

// width returns the width of the widest line.
func (b *box) width() int {
	w := 0
	for i := range b.lines {
		l := &b.lines[i]
		n := runeLen(l.text)
		if !l.verbatim {
			n += l.indent
		}
		w = max(w, n)
	}
	return w
}

// nlines returns the number of lines, not counting an empty last line.
func (b *box) nlines() int {
	if b.lineEmpty() && !b.cur().closed {
		return len(b.lines) - 1
	}
	return len(b.lines)
}

// endsClosed reports whether nothing may follow on the box's last line.
func (b *box) endsClosed() bool { return b.cur().closed }

// append places o at the current column: its first line continues the
// current line and its other lines are shifted to start under it.
func (b *box) append(o *box) { b.add(o, true) }

// appendUnaligned places o like append, but leaves its other lines where
// they are: a block value after "$x = " keeps its lines at the statement's
// indentation.
func (b *box) appendUnaligned(o *box) { b.add(o, false) }

func (b *box) add(o *box, align bool) {
	if o.isEmpty() {
		return
	}
	switch {
	case b.isEmpty():
		b.breakBefore = b.breakBefore || o.breakBefore
		b.leadSpace = b.leadSpace || o.leadSpace
	case b.cur().closed || (o.breakBefore && !b.lineEmpty()):
		b.newline()
	case o.leadSpace && !b.lineEmpty() && needsSpace(b.cur().text):
		b.cur().text += " "
	}
	col := b.col()
	first := o.lines[0]
	l := b.cur()
	switch {
	case l.text == "" && !l.verbatim:
		l.indent += first.indent
		l.text = first.text
	default:
		if b.space && !startsWithCloser(first.text) {
			l.text += " "
		}
		l.text += strings.Repeat(" ", first.indent) + first.text
	}
	l.closed = first.closed
	l.verbatim = l.verbatim || first.verbatim
	l.exact = l.exact || first.exact
	for _, ol := range o.lines[1:] {
		if align && !ol.verbatim {
			ol.indent += col
		}
		b.lines = append(b.lines, ol)
	}
	b.space = o.space
}

// block places o's lines on new lines indented by n, and starts a new line
// after them, where the closing brace goes.
func (b *box) block(o *box, n int) {
	if o.blankOnly() {
		return
	}
	for _, ol := range o.lines[:o.nlines()] {
		if !ol.verbatim {
			ol.indent += n
		}
		b.lines = append(b.lines, ol)
	}
	b.newline()
}

// needsSpace reports whether a comment that follows text on its line needs
// a space before it.
func needsSpace(text string) bool {
	if text == "" {
		return false
	}
	switch text[len(text)-1] {
	case ' ', '(', '[':
		return false
	}
	return true
}

// bytes writes the box out: indentation applied, trailing space trimmed
// (except in exact lines), runs of blank lines collapsed to one, and no
// blank lines at the start or the end.
func (b *box) bytes() []byte {
	var out bytes.Buffer
	started, pendingBlank := false, false
	for _, l := range b.lines[:b.nlines()] {
		s := l.text
		if !l.verbatim && s != "" {
			s = strings.Repeat(" ", l.indent) + s
		}
		if !l.exact {
			s = strings.TrimRight(s, " \t\r")
		}
		if s == "" && !l.verbatim {
			pendingBlank = started
			continue
		}
		if pendingBlank {
			out.WriteByte('\n')
			pendingBlank = false
		}
		out.WriteString(s)
		out.WriteByte('\n')
		started = true
	}
	return out.Bytes()
}

// String returns the box's text without indentation, for inspection.
func (b *box) String() string {
	texts := make([]string, len(b.lines))
	for i, l := range b.lines {
		texts[i] = l.text
	}
	return strings.Join(texts, "\n")
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }

// ----------------------------------------------------------------------------
// The printer and comments

// printer holds what rendering shares: the source and the comments not yet
// printed.
type printer struct {
	file     *token.File
	src      []byte
	comments []*ast.Comment
	next     int // index of the next comment to print
	lastEnd  int // offset after the last token or comment printed; -1 before any
}

func newPrinter(file *token.File, comments []*ast.Comment) *printer {
	return &printer{file: file, src: file.Src, comments: comments, lastEnd: -1}
}

func (p *printer) offset(pos token.Pos) int { return p.file.Offset(pos) }

// token writes the text of the token at pos into b, after the comments that
// come before it. A token without a position (one the printer adds, such as
// a parenthesis, or a ';' the source left out before '}') flushes nothing.
func (p *printer) token(b *box, pos token.Pos, text string) {
	p.tokenEnd(b, pos, pos+token.Pos(len(text)), text)
}

// tokenEnd is token for a token whose source spelling ends at end (a string
// literal that is re-escaped).
func (p *printer) tokenEnd(b *box, pos, end token.Pos, text string) {
	p.flush(b, pos)
	b.text(text)
	if pos.IsValid() {
		p.lastEnd = p.offset(end)
	}
}

// flush writes into b every comment that comes before pos.
func (p *printer) flush(b *box, pos token.Pos) {
	if !pos.IsValid() {
		return
	}
	for p.next < len(p.comments) && p.comments[p.next].Pos() < pos {
		p.comment(b, p.nextStart(pos))
	}
}

// flushAll writes into b every comment not yet printed.
func (p *printer) flushAll(b *box) {
	for p.next < len(p.comments) {
		p.comment(b, p.nextStart(token.NoPos))
	}
}

// flushSplit writes the comments before pos that continue the line of the
// previous token into prev, and the rest, from the first comment that had a
// line of its own, into next. Lists use it so that a trailing comment stays
// with the item it follows.
func (p *printer) flushSplit(prev, next *box, pos token.Pos) {
	if !pos.IsValid() {
		return
	}
	for p.next < len(p.comments) && p.comments[p.next].Pos() < pos {
		b := next
		if p.followsToken(p.comments[p.next]) {
			b = prev
		}
		p.comment(b, p.nextStart(pos))
	}
}

// nextStart returns the offset of what follows the next comment: the
// comment after it if that one also comes before pos, else pos (or the end
// of the source when pos is NoPos).
func (p *printer) nextStart(pos token.Pos) int {
	if p.next+1 < len(p.comments) {
		c := p.comments[p.next+1]
		if !pos.IsValid() || c.Pos() < pos {
			return p.offset(c.Pos())
		}
	}
	if !pos.IsValid() {
		return len(p.src)
	}
	return p.offset(pos)
}

// followsToken reports whether c starts on the line where the last printed
// token or comment ended.
func (p *printer) followsToken(c *ast.Comment) bool {
	return p.lastEnd >= 0 && !p.newlineBetween(p.lastEnd, p.offset(c.Pos()))
}

// comment writes the next comment into b. next is the offset of what
// follows it in the source, which decides whether a block comment ends its
// line.
func (p *printer) comment(b *box, next int) {
	c := p.comments[p.next]
	p.next++
	if p.followsToken(c) {
		placeAfterToken(b)
	} else {
		p.placeOnOwnLine(b, p.offset(c.Pos()))
	}
	b.space = false
	p.writeComment(b, c.Text)
	p.lastEnd = min(p.offset(c.Pos())+len(c.Text), len(p.src))
	if !c.IsBlock() || p.newlineBetween(p.lastEnd, next) {
		b.cur().closed = true
	} else {
		b.space = true
	}
}

// placeAfterToken prepares b for a comment that follows the previous token
// on its line.
func placeAfterToken(b *box) {
	switch {
	case b.isEmpty():
		b.leadSpace = true
	case b.cur().closed:
		b.newline()
	case needsSpace(b.cur().text):
		b.cur().text += " "
	}
}

// placeOnOwnLine prepares b for a comment at offset start that has a line
// of its own, after a blank line if the source has one.
func (p *printer) placeOnOwnLine(b *box, start int) {
	if b.isEmpty() {
		b.breakBefore = true
	}
	switch {
	case p.lastEnd >= 0 && p.blankBetween(p.lastEnd, start):
		b.blank()
	case !b.lineEmpty():
		b.newline()
	}
}

// writeComment writes a comment's text: its first line on the current
// line, the others verbatim, because their layout is the author's.
func (p *printer) writeComment(b *box, text string) {
	parts := strings.Split(text, "\n")
	b.text(strings.TrimRight(parts[0], " \t\r"))
	for _, part := range parts[1:] {
		b.lines = append(b.lines, line{text: strings.TrimRight(part, " \t\r"), verbatim: true})
	}
}

// newlineBetween reports whether the source has a newline in [from, to).
func (p *printer) newlineBetween(from, to int) bool {
	if from < 0 || to > len(p.src) || from >= to {
		return false
	}
	return bytes.IndexByte(p.src[from:to], '\n') >= 0
}

// blankBetween reports whether the source has an empty line in [from, to).
func (p *printer) blankBetween(from, to int) bool {
	if from < 0 || to > len(p.src) || from >= to {
		return false
	}
	newlines := 0
	for _, c := range p.src[from:to] {
		switch c {
		case '\n':
			newlines++
			if newlines == 2 {
				return true
			}
		case ' ', '\t', '\r', '\f', '\v':
		default:
			newlines = 0
		}
	}
	return false
}

// startLine flushes the comments before pos into b and starts the line of
// the item at pos, after one blank line if the source had one there.
func (p *printer) startLine(b *box, pos token.Pos) {
	p.flush(b, pos)
	if !b.lineEmpty() {
		b.newline()
	}
	p.blankBefore(b, pos)
}

// blankBefore leaves a blank line in b if the source has one between the
// last printed token or comment and pos.
func (p *printer) blankBefore(b *box, pos token.Pos) {
	if pos.IsValid() && p.lastEnd >= 0 && p.blankBetween(p.lastEnd, p.offset(pos)) {
		b.blank()
	}
}

// dropClose accounts for a closing parenthesis of the source that is not
// printed. Comments before it are left to the next printed token, where
// they will be once the parenthesis is gone; so that they keep their
// place relative to the last printed token, the position is consumed only
// if no comment comes before it.
func (p *printer) dropClose(pos token.Pos) {
	if p.next < len(p.comments) && p.comments[p.next].Pos() < pos {
		return
	}
	p.consume(pos, 1)
}

// consume records that the n-byte token at pos has been accounted for,
// though its text is written later.
func (p *printer) consume(pos token.Pos, n int) {
	if pos.IsValid() {
		p.lastEnd = p.offset(pos) + n
	}
}

// ----------------------------------------------------------------------------
// Lists and line breaking

// listItem is one element of a list: where it starts (for comments) and
// how to render it in a given width.
type listItem struct {
	pos    token.Pos
	render func(w int) *box
	sepPos token.Pos // the separator after the item, if the tree records it
}

// list renders items separated by sep (", ", " && ") in width w, the way
// upstream's format_list does: on one line if the items fit, else broken
// into lines at the first arrangement, in upstream's order, whose lines all
// fit. Lines after the first start under the first item.
func (p *printer) list(items []listItem, sep string, w int) *box {
	boxes := make([]*box, len(items))
	for i, it := range items {
		b := newBox()
		if i == 0 {
			p.flush(b, it.pos)
		} else {
			p.flushSplit(boxes[i-1], b, it.pos)
		}
		iw := w
		if i < len(items)-1 {
			iw = w - 1
		}
		b.append(it.render(iw))
		if i < len(items)-1 {
			p.sep(b, sep, it.sepPos)
		}
		boxes[i] = b
	}
	return arrange(boxes, w)
}

// sep writes a list separator such as ", " or " && "; its token goes
// through token, so that comments before it stay before it.
func (p *printer) sep(b *box, sep string, pos token.Pos) {
	core := strings.TrimSpace(sep)
	lead := sep[:strings.Index(sep, core)]
	b.text(lead)
	p.token(b, pos, core)
	b.text(sep[len(lead)+len(core):])
}

// arrange joins the boxes of a list, breaking lines where comments force it
// and where the width requires it.
func arrange(boxes []*box, w int) *box {
	n := len(boxes)
	widths := make([]int, n)
	forced := make([]bool, n)
	total, anyForced := 0, false
	for i, b := range boxes {
		widths[i] = b.width()
		total += widths[i]
		if i > 0 && (boxes[i-1].endsClosed() || b.breakBefore) {
			forced[i], anyForced = true, true
		}
	}
	breaks := forced
	if total >= w || anyForced {
		breaks = lineBreaks(widths, forced, w)
	}
	out := newBox()
	for i, b := range boxes {
		if i > 0 && breaks[i] && !out.lineEmpty() {
			out.newline()
		}
		out.append(b)
	}
	return out
}

// lineBreaks chooses where to break a list whose items have the given
// widths: breaks[i] means item i starts a line. Upstream tries the break
// sets as binary numbers (bit i-1 for a break before item i) in increasing
// order and keeps the first whose lines all fit in w; this finds the same
// set greedily, deciding the most significant break first. Forced breaks
// are always taken; when nothing fits, only they are.
func lineBreaks(widths []int, forced []bool, w int) []bool {
	n := len(widths)
	br := make([]bool, n)
	for i := 1; i < n; i++ {
		br[i] = true
	}
	if !linesFit(widths, br, w) {
		return forced
	}
	for i := n - 1; i >= 1; i-- {
		if forced[i] {
			continue
		}
		br[i] = false
		if !linesFit(widths, br, w) {
			br[i] = true
		}
	}
	return br
}

// linesFit reports whether every line of the arrangement fits in w.
func linesFit(widths []int, breaks []bool, w int) bool {
	sum := 0
	for i, wd := range widths {
		if i > 0 && breaks[i] {
			sum = 0
		}
		sum += wd
		if sum > w {
			return false
		}
	}
	return true
}
