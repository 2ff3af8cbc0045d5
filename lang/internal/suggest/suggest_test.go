package suggest

import "testing"

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"kprobe", "kprobe", 0}, {"kprobx", "kprobe", 1},
		{"pid", "tid", 1}, {"comm", "cmm", 1}, {"abc", "", 3}, {"flaw", "lawn", 2},
	} {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestClosest(t *testing.T) {
	cands := []string{"nsecs", "pid", "tid", "comm"}
	if got := Closest("nsec", cands, 3); got != "nsecs" {
		t.Errorf("Closest(nsec) = %q", got)
	}
	if got := Closest("pid", cands, 3); got == "pid" {
		t.Errorf("Closest must not return the name itself")
	}
	if got := Closest("completely", cands, 3); got != "" {
		t.Errorf("Closest(completely) = %q, want none", got)
	}
}
