package rules

import (
	"strconv"
	"strings"
	"time"

	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/probes"
	"github.com/bt-tools/bt/lint"
)

// ProfileLockstep is BT007.
var ProfileLockstep = &lint.Rule{
	Code:     "BT007",
	Name:     "profile-lockstep",
	Severity: diag.Warning,
	Fixable:  true,
	Doc: `a profile probe samples at a round rate, in lockstep with timer ticks

The kernel's timer interrupt fires at a round rate (CONFIG_HZ: 100, 250,
300 or 1000 per second), and so does periodic work scheduled on it. A
profile probe at a round rate (profile:hz:100, profile:ms:10) samples in
step with that activity, and over-counts or entirely misses it. Sample
at a rate just off: 99 or 999 Hz instead of 100 or 1000. The fix
rewrites the attach point.

Bad:

	profile:hz:100 { @[kstack] = count(); }

Good:

	profile:hz:99 { @[kstack] = count(); }
`,
	Run: runProfileLockstep,
}

func runProfileLockstep(pass *lint.Pass) error {
	for _, p := range pass.Prog.Probes {
		for _, pt := range p.Points {
			ap := pt.AP
			if ap == nil || ap.Provider.Name != "profile" {
				continue
			}
			hz := lockstepRate(ap)
			if hz == 0 {
				continue
			}
			src := pt.Source
			d := pass.Reportf(src, "%s samples at %d Hz, in lockstep with the kernel's timer ticks", src.Raw, hz)
			better := strconv.FormatUint(hz-1, 10)
			d.Hints = []string{"sample at " + better + " Hz instead"}
			if !strings.Contains(src.Raw, "$") {
				prefix, _, _ := strings.Cut(src.Raw, ":")
				text := prefix + ":hz:" + better
				d.Fixes = lint.FixOf("sample at "+text, lint.Replace(src, text))
			}
		}
	}
	return nil
}

// lockstepRate returns the sampling frequency of a profile attach point
// if it is a multiple of 10 Hz (and at least 10), or 0.
func lockstepRate(ap *probes.AttachPoint) uint64 {
	hz := ap.Frequency()
	if hz == 0 {
		per := ap.Period()
		if per <= 0 || time.Second%per != 0 {
			return 0
		}
		hz = uint64(time.Second / per)
	}
	if hz < 10 || hz%10 != 0 {
		return 0
	}
	return hz
}
