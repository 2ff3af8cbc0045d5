package runtime

import (
	"strconv"
	"time"
)

// Strftime appends t formatted as C's strftime(3) would in the C locale,
// for time(): %a %A %b %B %c %C %d %D %e %F %g %G %h %H %I %j %k %l %m %M
// %n %p %P %r %R %s %S %t %T %u %U %V %w %y %Y %z %Z %%. An unknown
// conversion is copied as it is.
func Strftime(dst []byte, format string, t time.Time) []byte {
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 == len(format) {
			dst = append(dst, c)
			continue
		}
		i++
		dst = conversion(dst, format[i], t)
	}
	return dst
}

func conversion(dst []byte, c byte, t time.Time) []byte {
	switch c {
	case 'a':
		return append(dst, t.Weekday().String()[:3]...)
	case 'A':
		return append(dst, t.Weekday().String()...)
	case 'b', 'h':
		return append(dst, t.Month().String()[:3]...)
	case 'B':
		return append(dst, t.Month().String()...)
	case 'c':
		return Strftime(dst, "%a %b %e %H:%M:%S %Y", t)
	case 'C':
		return pad(dst, t.Year()/100, 2, '0')
	case 'd':
		return pad(dst, t.Day(), 2, '0')
	case 'D':
		return Strftime(dst, "%m/%d/%y", t)
	case 'e':
		return pad(dst, t.Day(), 2, ' ')
	case 'F':
		return Strftime(dst, "%Y-%m-%d", t)
	case 'g':
		y, _ := t.ISOWeek()
		return pad(dst, y%100, 2, '0')
	case 'G':
		y, _ := t.ISOWeek()
		return strconv.AppendInt(dst, int64(y), 10)
	case 'H':
		return pad(dst, t.Hour(), 2, '0')
	case 'I':
		return pad(dst, hour12(t), 2, '0')
	case 'j':
		return pad(dst, t.YearDay(), 3, '0')
	case 'k':
		return pad(dst, t.Hour(), 2, ' ')
	case 'l':
		return pad(dst, hour12(t), 2, ' ')
	case 'm':
		return pad(dst, int(t.Month()), 2, '0')
	case 'M':
		return pad(dst, t.Minute(), 2, '0')
	case 'n':
		return append(dst, '\n')
	case 'p':
		return append(dst, ampm(t, "AM", "PM")...)
	case 'P':
		return append(dst, ampm(t, "am", "pm")...)
	case 'r':
		return Strftime(dst, "%I:%M:%S %p", t)
	case 'R':
		return Strftime(dst, "%H:%M", t)
	case 's':
		return strconv.AppendInt(dst, t.Unix(), 10)
	case 'S':
		return pad(dst, t.Second(), 2, '0')
	case 't':
		return append(dst, '\t')
	case 'T':
		return Strftime(dst, "%H:%M:%S", t)
	case 'u':
		return strconv.AppendInt(dst, int64((int(t.Weekday())+6)%7+1), 10)
	case 'U':
		return pad(dst, (t.YearDay()+6-int(t.Weekday()))/7, 2, '0')
	case 'V':
		_, w := t.ISOWeek()
		return pad(dst, w, 2, '0')
	case 'w':
		return strconv.AppendInt(dst, int64(t.Weekday()), 10)
	case 'y':
		return pad(dst, t.Year()%100, 2, '0')
	case 'Y':
		return strconv.AppendInt(dst, int64(t.Year()), 10)
	case 'z':
		return append(dst, t.Format("-0700")...)
	case 'Z':
		return append(dst, t.Format("MST")...)
	case '%':
		return append(dst, '%')
	}
	return append(dst, '%', c)
}

func hour12(t time.Time) int {
	if h := t.Hour() % 12; h != 0 {
		return h
	}
	return 12
}

func ampm(t time.Time, am, pm string) string {
	if t.Hour() < 12 {
		return am
	}
	return pm
}

// pad appends n, at least width wide, padded on the left with p.
func pad(dst []byte, n, width int, p byte) []byte {
	s := strconv.Itoa(n)
	for i := len(s); i < width; i++ {
		dst = append(dst, p)
	}
	return append(dst, s...)
}
