package output

import (
	"testing"
	"time"
)

// The expectations are glibc's strftime in the C locale (checked with
// Python's time.strftime, which calls it).
func TestStrftime(t *testing.T) {
	utc := time.FixedZone("UTC", 0)
	tue := time.Unix(1700000000, 0).In(utc) // 2023-11-14 22:13:20 Tuesday
	sun := time.Date(2023, 12, 31, 0, 0, 0, 0, utc)
	mon := time.Date(2024, 1, 1, 0, 0, 0, 0, utc)
	tests := []struct {
		t      time.Time
		format string
		want   string
	}{
		{tue, "%a %A %b %B %h", "Tue Tuesday Nov November Nov"},
		{tue, "%c", "Tue Nov 14 22:13:20 2023"},
		{tue, "%C %d %D %e %F", "20 14 11/14/23 14 2023-11-14"},
		{tue, "%g %G %H %I %j", "23 2023 22 10 318"},
		{tue, "%k|%l", "22|10"},
		{tue, "%m %M %n %p %r %R", "11 13 \n PM 10:13:20 PM 22:13"},
		{tue, "%s %S %t %T", "1700000000 20 \t 22:13:20"},
		{tue, "%u %U %V %w %W", "2 46 46 2 46"},
		{tue, "%x %X %y %Y %z %Z %%", "11/14/23 22:13:20 23 2023 +0000 UTC %"},
		{tue, "%-d %_m %05Y %^a %#b %10A|%-10A", "14 11 02023 TUE NOV    Tuesday|   Tuesday"},
		{tue, "%Ey %Od %Q %", "23 14 %Q %"},
		{tue, "%-5d|%_5d|%05d|%5d|%5a|%05a|", "   14|   14|00014|00014|  Tue|00Tue|"},
		{tue, "%-y|%-j|%_j|%_H|%-e|%0e|%3e|", "23|318|318|22|14|14| 14|"},
		{tue, "%^B %^p %#p %^10b|", "NOVEMBER PM pm        NOV|"},
		{tue, "%_3C|%1H|%3Y|%-Y", " 20|22|2023|2023"},
		{sun, "%U %V %W %G %g %j %a %u %w", "53 52 52 2023 23 365 Sun 7 0"},
		{mon, "%U %V %W %G %g %j %a %u %w %I %p %l", "00 01 01 2024 24 001 Mon 1 1 12 AM 12"},
	}
	for _, tt := range tests {
		if got := Strftime(tt.format, tt.t); got != tt.want {
			t.Errorf("Strftime(%q) = %q, want %q", tt.format, got, tt.want)
		}
	}
}

func TestTimestamp(t *testing.T) {
	utc := time.FixedZone("UTC", 0)
	boot := time.Date(2024, 3, 1, 12, 0, 0, 0, utc)
	toWall := func(ns uint64) time.Time { return boot.Add(time.Duration(ns)) }
	ts := Timestamp{NS: 3_123_456_789, Format: "%H:%M:%S.%f %k %l"}
	tests := []struct {
		era  Era
		hook func(uint64) time.Time
		ts   Timestamp
		want string
	}{
		// 0.26 expands %f, %k (ns) and %l (ms); 0.17 only %f.
		{Era026, toWall, ts, "12:00:03.123456 123456789 123"},
		{Era017, toWall, ts, "12:00:03.123456 12 12"},
		{Era026, nil, ts, "(?)"},
		{Era026, func(uint64) time.Time { return time.Unix(0, 5) }, ts, "(?)"},
		{Era026, toWall, Timestamp{NS: 1, Format: ""}, "(?)"},
	}
	for _, tt := range tests {
		p := NewPrinter(tt.era, Text)
		p.BootToWall, p.Location = tt.hook, utc
		if got := p.Text(tt.ts); got != tt.want {
			t.Errorf("%s: %q = %q, want %q", tt.era, tt.ts.Format, got, tt.want)
		}
	}
	p := NewPrinter(Era026, Text)
	p.Location = utc
	if got := p.TimeText("%H:%M:%S\n", boot); got != "12:00:00\n" {
		t.Errorf("TimeText = %q", got)
	}
}
