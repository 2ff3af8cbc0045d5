package probes

import (
	"errors"
	"fmt"
)

// Diagnostic codes for probes, attach points and probe context. They are
// documented in lang/diag (codes_probes.go).
const (
	CodeAttachPoint     = "E500" // an attach point that could not be processed (generic)
	CodeUnknownProvider = "E501" // unknown probe type
	CodePartCount       = "E502" // wrong number of ':'-separated parts
	CodeInvalidAP       = "E503" // a malformed attach point: bad offset, address, length, mode, name
	CodeInvalidRate     = "E504" // profile/interval unit or rate, software/hardware count
	CodeUnknownEvent    = "E505" // unknown software/hardware event, self trigger or signal
	CodeWildcard        = "E506" // a wildcard where the probe type allows none
	CodePositional      = "E507" // a bad positional parameter inside an attach point
	CodeUnsafeAP        = "E508" // probing by address without --unsafe
	CodeNotFound        = "E509" // the tracepoint, function or symbol does not exist
	CodeNoMatch         = "E510" // a wildcard matched nothing
	CodeContext         = "E511" // args/argN/retval/func/ctx used where the probe type lacks it
	CodeNoLayout        = "E512" // the layout of args cannot be known for this attach point

	CodeNotTraceable = "W501" // a kprobe target is not in the traceable function list
	CodeSkipped      = "W502" // missing_probes=warn: an attach point was skipped
	CodeMissing      = "W503" // the target is missing on this kernel: the script checks, attaching fails
)

// ErrNoMatch is wrapped by the error [Expand] returns when a wildcard
// matches nothing; the checker decides, per the missing_probes config,
// whether that is an error, a warning or nothing.
var ErrNoMatch = errors.New("no match")

// ErrNotSupported is wrapped when an operation is not available for a
// probe type or attach-point form (expanding USDT notes, args for uprobes).
var ErrNotSupported = errors.New("not supported")

// ProbeError is an error about an attach point, with a stable code.
type ProbeError struct {
	Code string
	Msg  string
	Hint string // a known fix, or ""
	// Off and End delimit the offending bytes of the raw attach-point text;
	// both are 0 when the whole attach point is meant.
	Off, End int
	Err      error // the underlying error (kernel.ErrNotFound, ErrNoMatch), or nil
}

func (e *ProbeError) Error() string { return e.Msg }

// Unwrap returns the underlying error.
func (e *ProbeError) Unwrap() error { return e.Err }

func errorf(code, format string, args ...any) *ProbeError {
	return &ProbeError{Code: code, Msg: fmt.Sprintf(format, args...)}
}

func (e *ProbeError) at(off, end int) *ProbeError {
	e.Off, e.End = off, end
	return e
}

func (e *ProbeError) hint(format string, args ...any) *ProbeError {
	e.Hint = fmt.Sprintf(format, args...)
	return e
}

func (e *ProbeError) wrap(err error) *ProbeError {
	e.Err = err
	return e
}
