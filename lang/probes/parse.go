package probes

import (
	"errors"
	"fmt"
	"github.com/bt-tools/bt/lang/internal/suggest"
	"slices"
	"strings"
)

// Parse parses the raw text of one attach point, as the scanner captured
// it and after [Substitute] has replaced positional parameters:
// "kprobe:vfs_read", "t:syscalls:sys_enter_*", `uprobe:"/a b":f`,
// "myname=interval:1s". Parts are separated by unquoted ':' (and '@'
// before a uprobe source location); double quotes protect ':' and may
// hold '\' escapes. The error is a [*ProbeError] with a code.
func Parse(raw string) (*AttachPoint, error) {
	parts, err := lex(raw)
	if err != nil {
		return nil, err
	}
	p := &apParser{parts: parts, ap: &AttachPoint{Raw: raw}}
	if err := p.provider(); err != nil {
		return nil, err
	}
	if err := p.checkWildcards(); err != nil {
		return nil, err
	}
	if err := p.ap.Provider.parse(p); err != nil {
		return nil, err
	}
	return p.ap, nil
}

// ---------------------------------------------------------------------------
// Lexing

// part is one ':'-separated field of an attach point, unquoted.
type part struct {
	text     string
	off, end int  // byte range in the raw text
	marker   bool // the '@' before a uprobe source location
}

func lex(raw string) ([]part, error) {
	if raw == "" {
		return nil, errorf(CodeInvalidAP, "empty attach point")
	}
	var (
		parts   []part
		b       strings.Builder
		start   int
		quoteAt = -1
	)
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '"':
			if quoteAt >= 0 {
				quoteAt = -1
			} else {
				quoteAt = i
			}
		case quoteAt >= 0 && c == '\\' && i+1 < len(raw):
			i++
			b.WriteByte(raw[i])
		case quoteAt >= 0:
			b.WriteByte(c)
		case c == ':' || c == '@':
			parts = append(parts, part{text: b.String(), off: start, end: i})
			b.Reset()
			start = i + 1
			if c == '@' {
				parts = append(parts, part{text: "@", off: i, end: i + 1, marker: true})
			}
		case c == '$':
			return nil, errorf(CodePositional, "positional parameter left in attach point %q", raw).
				at(i, i+1).hint("positional parameters are replaced before attach points are parsed; quote the part if '$' is meant literally")
		default:
			b.WriteByte(c)
		}
	}
	if quoteAt >= 0 {
		return nil, errorf(CodeInvalidAP, "unterminated quote in attach point %q", raw).at(quoteAt, len(raw))
	}
	return append(parts, part{text: b.String(), off: start, end: len(raw)}), nil
}

// ---------------------------------------------------------------------------
// The provider

// apParser holds the parts of one attach point while a provider's parse
// hook fills in the fields.
type apParser struct {
	parts []part // parts[0] is the provider
	ap    *AttachPoint
}

// n is the number of parts after the provider.
func (p *apParser) n() int { return len(p.parts) - 1 }

// text returns part i's unquoted text.
func (p *apParser) text(i int) string { return p.parts[i].text }

// errAt returns an error located at part i.
func (p *apParser) errAt(i int, code, format string, args ...any) *ProbeError {
	return errorf(code, format, args...).at(p.parts[i].off, p.parts[i].end)
}

// countErr reports a wrong number of parts; want is "1 or 2 fields".
func (p *apParser) countErr(want string) error {
	prov := p.ap.Provider
	return errorf(CodePartCount, "%s attach point takes %s after the probe type, found %d",
		prov.Name, want, p.n()).hint("forms: %s", strings.Join(prov.Forms, ", "))
}

func (p *apParser) provider() error {
	first := &p.parts[0]
	if i := strings.IndexByte(first.text, '='); i > 0 && i < len(first.text)-1 {
		p.ap.UserName = first.text[:i]
		first.text = first.text[i+1:]
		first.off += i + 1
	}
	name := first.text
	switch {
	case name == "":
		return p.errAt(0, CodeInvalidAP, "missing probe type in attach point %q", p.ap.Raw)
	case HasWildcard(name):
		return p.errAt(0, CodeWildcard, "wildcard in probe type %q: only listing supports it", name)
	}
	prov, ok := Lookup(name)
	if !ok {
		e := p.errAt(0, CodeUnknownProvider, "unknown probe type %q", name)
		if s := suggestProvider(name); s != "" {
			e.Msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		return e
	}
	p.ap.Provider = prov
	return nil
}

// checkWildcards rejects wildcards in the parts of probe types that take
// none. begin and end accept a lone "*" (bpftrace's listing of them).
func (p *apParser) checkWildcards() error {
	prov := p.ap.Provider
	if prov.Wildcards || prov.Name == "begin" || prov.Name == "end" {
		return nil
	}
	for i := 1; i < len(p.parts); i++ {
		if HasWildcard(p.text(i)) {
			return p.errAt(i, CodeWildcard, "wildcards are not allowed in %s attach points", prov.Name)
		}
	}
	return nil
}

// markWildcard sets ap.Wildcard if any of the texts holds one.
func (p *apParser) markWildcard(texts ...string) {
	for _, t := range texts {
		if HasWildcard(t) {
			p.ap.Wildcard = true
		}
	}
}

// suggestProvider returns the probe type closest to name, if any is close enough.
func suggestProvider(name string) string {
	best, bestDist := "", len(name)/3+1
	for _, prov := range registry {
		for _, cand := range append([]string{prov.Name}, prov.Aliases...) {
			if len(cand) < 3 {
				continue
			}
			if d := suggest.Distance(strings.ToLower(name), strings.ToLower(cand)); d < bestDist {
				best, bestDist = prov.Name, d
			}
		}
	}
	return best
}

// ---------------------------------------------------------------------------
// Shared field parsers

// funcOrAddr parses part i as FUNC, FUNC+OFFSET or ADDR.
func (p *apParser) funcOrAddr(i int, allowOffset bool) error {
	t := p.text(i)
	if strings.Contains(t, "+") {
		return p.funcOffset(i, allowOffset)
	}
	v, err := parseUint(t)
	switch {
	case err == nil:
		p.ap.Addr, p.ap.HasAddr = v, true
	case errors.Is(err, errNotNumber):
		p.ap.Func = t
	default:
		return p.errAt(i, CodeInvalidAP, "invalid address %q: %v", t, err)
	}
	return nil
}

func (p *apParser) funcOffset(i int, allowOffset bool) error {
	t := p.text(i)
	if !allowOffset {
		return p.errAt(i, CodeInvalidAP, "%s attach points cannot take an offset", p.ap.Provider.Name)
	}
	if strings.Count(t, "+") > 1 {
		return p.errAt(i, CodeInvalidAP, "more than one offset in %q", t)
	}
	fn, off, _ := strings.Cut(t, "+")
	if fn == "" || off == "" {
		return p.errAt(i, CodeInvalidAP, "invalid offset in %q (want FUNC+OFFSET)", t)
	}
	v, err := parseUint(off)
	if err != nil {
		return p.errAt(i, CodeInvalidAP, "invalid offset %q: %v", off, numErr(err))
	}
	p.ap.Func, p.ap.Offset = fn, v
	return nil
}

// uintPart parses part i as a number; what names it in the error.
func (p *apParser) uintPart(i int, code, what string) (uint64, error) {
	v, err := parseUint(p.text(i))
	if err != nil {
		return 0, p.errAt(i, code, "invalid %s %q: %v", what, p.text(i), numErr(err))
	}
	return v, nil
}

func numErr(err error) error {
	if errors.Is(err, errNotNumber) {
		return errors.New("not a number")
	}
	return err
}

// noMarkers rejects a '@' outside a uprobe source location.
func (p *apParser) noMarkers() error {
	for i, pt := range p.parts {
		if pt.marker {
			return p.errAt(i, CodeInvalidAP, "unexpected '@' in %s attach point", p.ap.Provider.Name)
		}
	}
	return nil
}

// ---------------------------------------------------------------------------
// Provider hooks

func parseNoArgs(p *apParser) error {
	if p.n() == 1 && p.text(1) == "*" {
		return nil
	}
	if p.n() != 0 {
		return p.countErr("no fields")
	}
	return nil
}

func parseSelf(p *apParser) error {
	if p.n() != 2 {
		return p.countErr("2 fields")
	}
	p.ap.Category, p.ap.Event = p.text(1), p.text(2)
	if p.ap.Category != "signal" {
		return p.errAt(1, CodeUnknownEvent, "%q is not a self probe trigger (want \"signal\")", p.ap.Category)
	}
	if p.ap.Event != "SIGUSR1" {
		return p.errAt(2, CodeUnknownEvent, "%q is not a supported signal for self probes (want SIGUSR1)", p.ap.Event)
	}
	return nil
}

func parseName(p *apParser) error {
	if p.n() != 1 {
		return p.countErr("1 field")
	}
	if p.ap.Func = p.text(1); p.ap.Func == "" {
		return p.errAt(1, CodeInvalidAP, "%s probe needs a name", p.ap.Provider.Name)
	}
	return nil
}

func parseKprobe(p *apParser) error    { return kprobeCommon(p, true) }
func parseKretprobe(p *apParser) error { return kprobeCommon(p, false) }

func kprobeCommon(p *apParser, allowOffset bool) error {
	if err := p.noMarkers(); err != nil {
		return err
	}
	fi := 1
	switch p.n() {
	case 1:
	case 2:
		p.ap.Module, fi = p.text(1), 2
	default:
		return p.countErr("1 or 2 fields")
	}
	if err := p.funcOrAddr(fi, allowOffset); err != nil {
		return err
	}
	if p.ap.Func == "" && !p.ap.HasAddr {
		return p.errAt(fi, CodeInvalidAP, "%s needs a function or an address", p.ap.Provider.Name)
	}
	p.markWildcard(p.ap.Module, p.ap.Func)
	return nil
}

func parseUprobe(p *apParser) error    { return uprobeCommon(p, true) }
func parseUretprobe(p *apParser) error { return uprobeCommon(p, false) }

// uprobeCommon parses BIN:FUNC, BIN:FUNC+OFF, BIN:ADDR, BIN:cpp:FUNC,
// FUNC (target from -p) and, for uprobes, BIN@FILE:LINE[:COL].
func uprobeCommon(p *apParser, entry bool) error {
	if len(p.parts) > 2 && p.parts[2].marker {
		return uprobeSourceLoc(p, entry)
	}
	if err := p.noMarkers(); err != nil {
		return err
	}
	fi := p.n()
	switch p.n() {
	case 1:
	case 2:
		p.ap.Target = p.text(1)
	case 3:
		p.ap.Target, p.ap.Lang = p.text(1), p.text(2)
		if p.ap.Lang != "cpp" {
			return p.errAt(2, CodeInvalidAP, "unsupported language %q in %s attach point (want cpp)", p.ap.Lang, p.ap.Provider.Name)
		}
	default:
		return p.countErr("2 or 3 fields")
	}
	if p.n() > 1 && p.ap.Target == "" {
		return p.errAt(1, CodeInvalidAP, "%s needs a binary", p.ap.Provider.Name)
	}
	return uprobeFunc(p, fi, entry)
}

func uprobeFunc(p *apParser, fi int, entry bool) error {
	if err := p.funcOrAddr(fi, entry); err != nil {
		return err
	}
	switch {
	case p.ap.HasAddr && HasWildcard(p.ap.Target):
		return p.errAt(fi, CodeInvalidAP, "an address cannot be combined with a wildcard binary")
	case p.ap.Func == "" && !p.ap.HasAddr:
		return p.errAt(fi, CodeInvalidAP, "%s needs a function or an address", p.ap.Provider.Name)
	}
	p.markWildcard(p.ap.Target, p.ap.Func)
	return nil
}

func uprobeSourceLoc(p *apParser, entry bool) error {
	prov := p.ap.Provider.Name
	switch {
	case !entry:
		return p.errAt(2, CodeInvalidAP, "%s attach points cannot take a source location", prov)
	case (p.n() != 4 && p.n() != 5) || p.text(3) == "" || p.text(4) == "":
		return errorf(CodeInvalidAP, "invalid source location in %q", p.ap.Raw).hint("want %s:BIN@FILE:LINE[:COL]", prov)
	case HasWildcard(p.text(1)):
		return p.errAt(1, CodeWildcard, "wildcards cannot be combined with a source location")
	}
	p.ap.Target, p.ap.SourceFile = p.text(1), p.text(3)
	var err error
	if p.ap.Line, err = p.uintPart(4, CodeInvalidAP, "line number"); err != nil {
		return err
	}
	if p.n() == 5 {
		p.ap.Column, err = p.uintPart(5, CodeInvalidAP, "column number")
	}
	return err
}

func parseUsdt(p *apParser) error {
	if err := p.noMarkers(); err != nil {
		return err
	}
	switch p.n() {
	case 1:
		p.ap.Func = p.text(1)
	case 2:
		p.ap.Target, p.ap.Func = p.text(1), p.text(2)
	case 3:
		p.ap.Target, p.ap.Namespace, p.ap.Func = p.text(1), p.text(2), p.text(3)
	default:
		return p.countErr("2 or 3 fields")
	}
	if p.ap.Func == "" {
		return p.errAt(p.n(), CodeInvalidAP, "usdt needs a probe name")
	}
	p.markWildcard(p.ap.Target, p.ap.Namespace, p.ap.Func)
	return nil
}

func parseTracepoint(p *apParser) error {
	if err := p.noMarkers(); err != nil {
		return err
	}
	switch {
	case p.n() == 1 && HasWildcard(p.text(1)):
		// t:*foo* is short for t:*:*foo*: people look for the event name.
		p.ap.Category, p.ap.Event = "*", p.text(1)
	case p.n() == 2:
		p.ap.Category, p.ap.Event = p.text(1), p.text(2)
	default:
		return p.countErr("2 fields")
	}
	if p.ap.Category == "" || p.ap.Event == "" {
		return errorf(CodeInvalidAP, "tracepoint needs a category and an event").hint("want tracepoint:CATEGORY:EVENT")
	}
	p.markWildcard(p.ap.Category, p.ap.Event)
	return nil
}

func parseRawTracepoint(p *apParser) error {
	if err := p.noMarkers(); err != nil {
		return err
	}
	switch p.n() {
	case 1:
		p.ap.Func = p.text(1)
	case 2:
		p.ap.Module, p.ap.Func = p.text(1), p.text(2)
	default:
		return p.countErr("1 or 2 fields")
	}
	if p.ap.Func == "" {
		return p.errAt(p.n(), CodeInvalidAP, "rawtracepoint needs an event")
	}
	p.markWildcard(p.ap.Module, p.ap.Func)
	return nil
}

func parseFentry(p *apParser) error {
	if err := p.noMarkers(); err != nil {
		return err
	}
	if p.n() < 1 || p.n() > 3 {
		return p.countErr("1 to 3 fields")
	}
	if p.text(1) == "bpf" {
		return parseFentryBPF(p)
	}
	switch p.n() {
	case 1:
		p.ap.Func = p.text(1)
	case 2:
		p.ap.Module, p.ap.Func = p.text(1), p.text(2)
	default:
		return p.errAt(3, CodePartCount, "only %s:bpf attach points take 3 fields", p.ap.Provider.Name)
	}
	if p.ap.Func == "" {
		return p.errAt(p.n(), CodeInvalidAP, "%s needs a function", p.ap.Provider.Name)
	}
	p.markWildcard(p.ap.Module, p.ap.Func)
	return nil
}

// parseFentryBPF parses fentry:bpf:PROG and fentry:bpf:ID:PROG (ID may be
// "*").
func parseFentryBPF(p *apParser) error {
	p.ap.Target = "bpf"
	switch p.n() {
	case 1:
		return errorf(CodeInvalidAP, "%s:bpf needs a BPF program name, optionally preceded by its id",
			p.ap.Provider.Name)
	case 2:
		p.ap.Func = p.text(2)
	case 3:
		p.ap.Func = p.text(3)
		if p.text(2) != "*" {
			id, err := p.uintPart(2, CodeInvalidAP, "BPF program id")
			if err != nil {
				return err
			}
			p.ap.ProgID = id
		}
	}
	p.markWildcard(p.ap.Func)
	return nil
}

// timeUnits are the units of profile and interval probes.
var timeUnits = []string{"hz", "s", "ms", "us"}

// parseTimer parses profile and interval attach points: UNIT:N or a bare
// duration (nanoseconds, at least 1us), which is normalised to us:N.
func parseTimer(p *apParser) error {
	name := p.ap.Provider.Name
	switch p.n() {
	case 1:
		ns, err := p.uintPart(1, CodeInvalidRate, name+" period")
		if err != nil {
			return err
		}
		if ns < 1000 {
			return p.errAt(1, CodeInvalidRate, "%s period %q is too short: the minimum is 1us (1000 nanoseconds)", name, p.text(1))
		}
		p.ap.Unit, p.ap.Rate = "us", ns/1000
		return nil
	case 2:
	default:
		return p.countErr("1 or 2 fields")
	}
	if p.ap.Unit = p.text(1); !slices.Contains(timeUnits, p.ap.Unit) {
		return p.errAt(1, CodeInvalidRate, "%q is not a time unit (want hz, s, ms or us)", p.ap.Unit)
	}
	rate, err := p.uintPart(2, CodeInvalidRate, name+" rate")
	if err != nil {
		return err
	}
	if rate == 0 {
		return p.errAt(2, CodeInvalidRate, "%s rate must be a positive integer", name)
	}
	p.ap.Rate = rate
	return nil
}

// parsePerf parses software and hardware attach points: EVENT[:COUNT].
func parsePerf(p *apParser) error {
	name := p.ap.Provider.Name
	if p.n() != 1 && p.n() != 2 {
		return p.countErr("1 or 2 fields")
	}
	p.ap.Event = p.text(1)
	if p.ap.Event == "" {
		return p.errAt(1, CodeInvalidAP, "%s probe needs an event name", name)
	}
	if _, ok := LookupPerfEvent(name, p.ap.Event); !ok {
		return p.errAt(1, CodeUnknownEvent, "%q is not a %s event", p.ap.Event, name).
			hint("events: %s", strings.Join(perfEventNames(name), ", "))
	}
	if p.n() == 2 && p.text(2) != "*" {
		count, err := p.uintPart(2, CodeInvalidRate, name+" count")
		if err != nil {
			return err
		}
		p.ap.Rate = count
	}
	return nil
}

// watchpointModes are the modes x86-64 debug registers support.
var watchpointModes = []string{"rw", "w", "x"}

func parseWatchpoint(p *apParser) error {
	if p.n() != 3 {
		return p.countErr("3 fields")
	}
	var err error
	if p.ap.Addr, err = p.uintPart(1, CodeInvalidAP, "watchpoint address"); err != nil {
		return err
	}
	if p.ap.Addr == 0 {
		return p.errAt(1, CodeInvalidAP, "watchpoint needs a non-zero address")
	}
	p.ap.HasAddr = true
	if p.ap.Len, err = p.uintPart(2, CodeInvalidAP, "watchpoint length"); err != nil {
		return err
	}
	if !slices.Contains([]uint64{1, 2, 4, 8}, p.ap.Len) {
		return p.errAt(2, CodeInvalidAP, "watchpoint length must be 1, 2, 4 or 8 (found %d)", p.ap.Len)
	}
	return parseWatchMode(p)
}

func parseWatchMode(p *apParser) error {
	mode := []byte(p.text(3))
	slices.Sort(mode)
	for i, c := range mode {
		if c != 'r' && c != 'w' && c != 'x' {
			return p.errAt(3, CodeInvalidAP, "watchpoint mode must combine r, w and x (found %q)", p.text(3))
		}
		if i > 0 && mode[i-1] == c {
			return p.errAt(3, CodeInvalidAP, "watchpoint mode %q repeats %q", p.text(3), string(c))
		}
	}
	p.ap.Mode = string(mode)
	if !slices.Contains(watchpointModes, p.ap.Mode) {
		return p.errAt(3, CodeInvalidAP, "watchpoint mode %q is not supported (want rw, w or x)", p.text(3))
	}
	return nil
}

func parseIter(p *apParser) error {
	switch p.n() {
	case 1:
	case 2:
		p.ap.Pin = p.text(2)
	default:
		return p.countErr("1 or 2 fields")
	}
	if p.ap.Func = p.text(1); p.ap.Func == "" {
		return p.errAt(1, CodeInvalidAP, "iter needs an iterator name")
	}
	return nil
}
