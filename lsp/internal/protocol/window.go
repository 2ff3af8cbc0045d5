package protocol

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// ---------------------------------------------------------------------------
// Messages

// LogMessageParams are the parameters of window/logMessage, a line for
// the client's log of the server.
type LogMessageParams struct {
	Type    MessageType `json:"type"`
	Message string      `json:"message"`
}

// MessageType is the importance of a message to the client.
type MessageType int32

// The message types, most important first.
const (
	MessageTypeError   MessageType = 1
	MessageTypeWarning MessageType = 2
	MessageTypeInfo    MessageType = 3
	MessageTypeLog     MessageType = 4
)

// ---------------------------------------------------------------------------
// Progress

// ProgressToken names one piece of work whose progress is reported with
// $/progress: an integer or a string. The zero value is the empty string.
type ProgressToken struct {
	str   string
	num   int32
	isNum bool
}

// NewProgressToken returns a token that is a string.
func NewProgressToken(s string) *ProgressToken {
	return &ProgressToken{str: s}
}

// String returns the token as it is written in JSON, without the quotes
// of a string.
func (t ProgressToken) String() string {
	if t.isNum {
		return strconv.Itoa(int(t.num))
	}
	return t.str
}

// MarshalJSON encodes the token as a JSON string or number.
func (t ProgressToken) MarshalJSON() ([]byte, error) {
	if t.isNum {
		return strconv.AppendInt(nil, int64(t.num), 10), nil
	}
	return marshal(t.str)
}

// UnmarshalJSON decodes a JSON string or integer.
func (t *ProgressToken) UnmarshalJSON(data []byte) error {
	if d := bytes.TrimSpace(data); len(d) > 0 && d[0] == '"' {
		var s string
		if err := json.Unmarshal(d, &s); err != nil {
			return err
		}
		*t = ProgressToken{str: s}
		return nil
	}
	var n int32
	if err := json.Unmarshal(data, &n); err != nil {
		return err
	}
	*t = ProgressToken{num: n, isNum: true}
	return nil
}

// WorkDoneProgressCreateParams are the parameters of
// window/workDoneProgress/create, the server's request that the client
// create a token before the server reports progress under it.
type WorkDoneProgressCreateParams struct {
	Token ProgressToken `json:"token"`
}

// ProgressParams are the parameters of $/progress: a report under a
// token. For work done progress, Value is a *WorkDoneProgressBegin, a
// *WorkDoneProgressReport or a *WorkDoneProgressEnd.
type ProgressParams struct {
	Token ProgressToken `json:"token"`
	Value any           `json:"value"`
}

// WorkDoneProgressKind tells the three reports of work done progress
// apart.
type WorkDoneProgressKind string

// The work done progress kinds.
const (
	WorkDoneProgressKindBegin  WorkDoneProgressKind = "begin"
	WorkDoneProgressKindReport WorkDoneProgressKind = "report"
	WorkDoneProgressKindEnd    WorkDoneProgressKind = "end"
)

// WorkDoneProgressBegin starts the progress of a piece of work; the
// client shows its title until the end. (Cancellation is not offered and
// no percentage is given at the start.)
type WorkDoneProgressBegin struct {
	// Kind is WorkDoneProgressKindBegin.
	Kind  WorkDoneProgressKind `json:"kind"`
	Title string               `json:"title"`
	// Message is more detail, shown with the title.
	Message string `json:"message,omitempty"`
}

// WorkDoneProgressReport says how the work is going.
type WorkDoneProgressReport struct {
	// Kind is WorkDoneProgressKindReport.
	Kind    WorkDoneProgressKind `json:"kind"`
	Message string               `json:"message,omitempty"`
	// Percentage, from 0 to 100, is left out when 0 (no percentage).
	Percentage uint32 `json:"percentage,omitempty"`
}

// WorkDoneProgressEnd ends the progress of a piece of work.
type WorkDoneProgressEnd struct {
	// Kind is WorkDoneProgressKindEnd.
	Kind WorkDoneProgressKind `json:"kind"`
	// Message is the outcome.
	Message string `json:"message,omitempty"`
}
