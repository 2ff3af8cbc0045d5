package output

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// timestampText formats a strftime() value. Both eras expand bpftrace's
// %f (microseconds, 6 digits) before calling strftime; 0.26 also expands
// %k (nanoseconds, 9 digits) and %l (milliseconds, 3 digits), shadowing
// glibc's space-padded hours, and prints "(?)" for the epoch itself.
// Like bpftrace, the expansion is a plain textual replacement.
func (p *Printer) timestampText(ts Timestamp) string {
	if p.BootToWall == nil {
		return "(?)"
	}
	t := p.BootToWall(ts.NS).In(p.location())
	if !p.old() && t.Unix() == 0 {
		return "(?)"
	}
	ns := t.Nanosecond()
	f := strings.ReplaceAll(ts.Format, "%f", fmt.Sprintf("%06d", ns/1000))
	if !p.old() {
		f = strings.ReplaceAll(f, "%k", fmt.Sprintf("%09d", ns))
		f = strings.ReplaceAll(f, "%l", fmt.Sprintf("%03d", ns/1000000))
	}
	s := Strftime(f, t)
	if s == "" {
		return "(?)" // strftime returned 0
	}
	return s
}

// Strftime formats t as C's strftime(3) does in the C locale, with glibc's
// flags (_ - 0 ^ #) and field widths. E and O modifiers are accepted and
// ignored; unknown conversions are copied as they are.
func Strftime(format string, t time.Time) string {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 == len(format) {
			b.WriteByte(c)
			continue
		}
		j, conv := parseConv(format, i+1)
		s, ok := conv.format(t)
		if !ok {
			b.WriteString(format[i : j+1])
		} else {
			b.WriteString(s)
		}
		i = j
	}
	return b.String()
}

// timeConv is one parsed strftime conversion.
type timeConv struct {
	flag  byte // 0, '_', '-', '0'
	upper bool // ^: upper case
	swap  bool // #: the other case (lower for %p and %Z)
	width int
	verb  byte
}

// parseConv parses the conversion after a '%' at i and returns the index
// of its last byte.
func parseConv(f string, i int) (int, timeConv) {
	var c timeConv
	for ; i < len(f) && strings.IndexByte("_-0^#", f[i]) >= 0; i++ {
		switch f[i] {
		case '^':
			c.upper = true
		case '#':
			c.swap = true
		default:
			c.flag = f[i]
		}
	}
	for ; i < len(f) && f[i] >= '0' && f[i] <= '9'; i++ {
		c.width = min(c.width*10+int(f[i]-'0'), maxWidth)
	}
	if i < len(f) && (f[i] == 'E' || f[i] == 'O') {
		i++
	}
	if i >= len(f) {
		return len(f) - 1, timeConv{}
	}
	c.verb = f[i]
	return i, c
}

var (
	weekdays = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	months   = [...]string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
)

// format renders the conversion; ok is false for unknown verbs.
func (c timeConv) format(t time.Time) (string, bool) {
	if s, ok := c.composite(t); ok {
		return c.pad(s, ' ', 0), true
	}
	if s, ok := c.name(t); ok {
		return c.pad(s, ' ', 0), true
	}
	n, width, fill, ok := c.number(t)
	if !ok {
		return "", false
	}
	return c.pad(strconv.Itoa(n), fill, width), true
}

// expansions are the conversions that stand for other formats (C locale).
var expansions = map[byte]string{
	'c': "%a %b %e %H:%M:%S %Y", 'D': "%m/%d/%y", 'F': "%Y-%m-%d", 'r': "%I:%M:%S %p",
	'R': "%H:%M", 'T': "%H:%M:%S", 'x': "%m/%d/%y", 'X': "%H:%M:%S",
}

// composite handles the conversions that expand to other formats.
func (c timeConv) composite(t time.Time) (string, bool) {
	switch c.verb {
	case 'n':
		return "\n", true
	case 't':
		return "\t", true
	case '%':
		return "%", true
	case 's':
		return strconv.FormatInt(t.Unix(), 10), true
	case 'z':
		_, off := t.Zone()
		sign := '+'
		if off < 0 {
			sign, off = '-', -off
		}
		return fmt.Sprintf("%c%02d%02d", sign, off/3600, off/60%60), true
	}
	if f, ok := expansions[c.verb]; ok {
		return Strftime(f, t), true
	}
	return "", false
}

// name handles the conversions that print names.
func (c timeConv) name(t time.Time) (string, bool) {
	var s string
	switch c.verb {
	case 'a':
		s = weekdays[t.Weekday()][:3]
	case 'A':
		s = weekdays[t.Weekday()]
	case 'b', 'h':
		s = months[t.Month()-1][:3]
	case 'B':
		s = months[t.Month()-1]
	case 'p':
		s = "AM"
		if t.Hour() >= 12 {
			s = "PM"
		}
	case 'P':
		s = "am"
		if t.Hour() >= 12 {
			s = "pm"
		}
	case 'Z':
		s, _ = t.Zone()
	default:
		return "", false
	}
	switch {
	case c.upper:
		s = strings.ToUpper(s)
	case c.swap && (c.verb == 'p' || c.verb == 'Z'):
		s = strings.ToLower(s)
	case c.swap:
		s = strings.ToUpper(s)
	}
	return s, true
}

// number handles the numeric conversions: the value, its natural width
// and padding.
func (c timeConv) number(t time.Time) (n, width int, fill byte, ok bool) {
	isoYear, isoWeek := t.ISOWeek()
	hour12 := (t.Hour()+11)%12 + 1
	switch c.verb {
	case 'C':
		return t.Year() / 100, 2, '0', true
	case 'd':
		return t.Day(), 2, '0', true
	case 'e':
		return t.Day(), 2, ' ', true
	case 'G':
		return isoYear, 1, '0', true
	case 'g':
		return isoYear % 100, 2, '0', true
	case 'H':
		return t.Hour(), 2, '0', true
	case 'I':
		return hour12, 2, '0', true
	case 'j':
		return t.YearDay(), 3, '0', true
	case 'k':
		return t.Hour(), 2, ' ', true
	case 'l':
		return hour12, 2, ' ', true
	case 'm':
		return int(t.Month()), 2, '0', true
	case 'M':
		return t.Minute(), 2, '0', true
	case 'S':
		return t.Second(), 2, '0', true
	case 'u':
		return (int(t.Weekday())+6)%7 + 1, 1, '0', true
	case 'U':
		return (t.YearDay() + 6 - int(t.Weekday())) / 7, 2, '0', true
	case 'V':
		return isoWeek, 2, '0', true
	case 'w':
		return int(t.Weekday()), 1, '0', true
	case 'W':
		return (t.YearDay() + 6 - (int(t.Weekday())+6)%7) / 7, 2, '0', true
	case 'y':
		return t.Year() % 100, 2, '0', true
	case 'Y':
		return t.Year(), 1, '0', true
	}
	return 0, 0, 0, false
}

// pad applies the conversion's flag and width: '-' drops the natural
// padding (an explicit width still pads, with spaces), '_' pads with
// spaces, '0' with zeros; an explicit width overrides the natural one.
func (c timeConv) pad(s string, fill byte, width int) string {
	switch c.flag {
	case '-':
		if c.width == 0 {
			return s
		}
		fill = ' '
	case '_':
		fill = ' '
	case '0':
		fill = '0'
	}
	if c.width > 0 {
		width = c.width
	}
	if len(s) >= width {
		return s
	}
	neg := strings.HasPrefix(s, "-")
	if neg && fill == '0' {
		return "-" + strings.Repeat("0", width-len(s)) + s[1:]
	}
	return strings.Repeat(string(fill), width-len(s)) + s
}
