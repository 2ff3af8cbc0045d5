package probes

// PerfEvent is a software or hardware event of the software and hardware
// probe types.
type PerfEvent struct {
	Name    string // "page-faults"
	Alias   string // "faults", or ""
	Default uint64 // the sample period used when the attach point gives none
}

var softwareEvents = []PerfEvent{
	{"alignment-faults", "", 1},
	{"bpf-output", "", 1},
	{"context-switches", "cs", 1000},
	{"cpu-clock", "cpu", 1000000},
	{"cpu-migrations", "", 1},
	{"dummy", "", 1},
	{"emulation-faults", "", 1},
	{"major-faults", "", 1},
	{"minor-faults", "", 100},
	{"page-faults", "faults", 100},
	{"task-clock", "", 1},
}

var hardwareEvents = []PerfEvent{
	{"backend-stalls", "", 1000000},
	{"branch-instructions", "branches", 100000},
	{"branch-misses", "", 100000},
	{"bus-cycles", "", 100000},
	{"cache-misses", "", 1000000},
	{"cache-references", "", 1000000},
	{"cpu-cycles", "cycles", 1000000},
	{"frontend-stalls", "", 1000000},
	{"instructions", "", 1000000},
	{"ref-cycles", "", 1000000},
}

// PerfEvents returns the events of the "software" or "hardware" provider
// (nil for others), sorted by name. The slice is a copy.
func PerfEvents(provider string) []PerfEvent {
	var src []PerfEvent
	switch provider {
	case "software":
		src = softwareEvents
	case "hardware":
		src = hardwareEvents
	}
	return append([]PerfEvent(nil), src...)
}

// LookupPerfEvent finds a software or hardware event by name or alias.
func LookupPerfEvent(provider, name string) (PerfEvent, bool) {
	for _, e := range PerfEvents(provider) {
		if e.Name == name || e.Alias != "" && e.Alias == name {
			return e, true
		}
	}
	return PerfEvent{}, false
}

func perfEventNames(provider string) []string {
	var out []string
	for _, e := range PerfEvents(provider) {
		out = append(out, e.Name)
	}
	return out
}
