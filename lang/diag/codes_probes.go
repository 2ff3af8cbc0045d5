package diag

// Codes for probes, attach points and probe context (E5xx, W5xx). Owned by lang/probes.
var probeCodes = []CodeInfo{
	{"E500", "attach-point", "an attach point could not be processed"},
	{"E501", "unknown-probe-type", "the attach point names a probe type that does not exist"},
	{"E502", "attach-point-fields", "the attach point has the wrong number of ':'-separated fields for its probe type"},
	{"E503", "invalid-attach-point", "a field of the attach point is malformed (offset, address, length, mode, name)"},
	{"E504", "invalid-probe-rate", "a profile/interval unit or rate, or a software/hardware count, is invalid"},
	{"E505", "unknown-probe-event", "unknown software/hardware event, self trigger or signal"},
	{"E506", "wildcard-not-allowed", "a wildcard appears where the probe type does not allow one"},
	{"E507", "attach-point-param", "a positional parameter inside an attach point is malformed"},
	{"E508", "unsafe-attach-point", "probing a raw address needs --unsafe"},
	{"E509", "probe-target-not-found", "the tracepoint, function or symbol the attach point names does not exist"},
	{"E510", "no-probe-match", "a wildcard attach point matches nothing"},
	{"E511", "context-builtin", "args, argN, retval, func, ctx or reg() is used in a probe type that does not provide it"},
	{"E512", "no-args-layout", "the layout of args cannot be determined for this attach point"},
	{"W501", "not-traceable", "the kprobe target is not in the list of traceable functions; attaching will likely fail"},
	{"W502", "probe-skipped", "an attach point with no match was skipped (missing_probes = warn)"},
	{"W503", "probe-target-missing", "the attach point's target does not exist on this kernel; attaching will fail"},
}
