package protocol

// PublishDiagnosticsParams are the parameters of
// textDocument/publishDiagnostics: the complete set of diagnostics of one
// document, which replaces the set published before. An empty set clears
// them.
type PublishDiagnosticsParams struct {
	URI DocumentURI `json:"uri"`
	// Version is the version of the document the diagnostics are about;
	// optional, and left out when 0.
	Version uint32 `json:"version,omitempty"`
	// Diagnostics is sent as [] when empty.
	Diagnostics []Diagnostic `json:"diagnostics"`
}

// MarshalJSON sends an empty set of diagnostics as [], as the
// specification requires an array.
func (p PublishDiagnosticsParams) MarshalJSON() ([]byte, error) {
	type params PublishDiagnosticsParams // without this method
	if p.Diagnostics == nil {
		p.Diagnostics = []Diagnostic{}
	}
	return marshal(params(p))
}

// Diagnostic is a problem in a document: an error, a warning, a hint.
type Diagnostic struct {
	Range Range `json:"range"`
	// Severity is left to the client when 0.
	Severity DiagnosticSeverity `json:"severity,omitempty"`
	// Code identifies the kind of problem: an integer or a string (bt's
	// are strings, "E100", "BT003"); nil for none.
	Code any `json:"code,omitempty"`
	// Source names who found the problem ("bt", "btlint").
	Source  string          `json:"source,omitempty"`
	Message string          `json:"message"`
	Tags    []DiagnosticTag `json:"tags,omitempty"`
	// RelatedInformation points at other places that explain the
	// problem (where a conflicting definition is).
	RelatedInformation []DiagnosticRelatedInformation `json:"relatedInformation,omitempty"`
}

// DiagnosticSeverity says how bad a problem is.
type DiagnosticSeverity int32

// The severities, worst first.
const (
	DiagnosticSeverityError       DiagnosticSeverity = 1
	DiagnosticSeverityWarning     DiagnosticSeverity = 2
	DiagnosticSeverityInformation DiagnosticSeverity = 3
	DiagnosticSeverityHint        DiagnosticSeverity = 4
)

// DiagnosticTag is extra information about a diagnostic that clients may
// render specially.
type DiagnosticTag int32

// The diagnostic tags.
const (
	// DiagnosticTagUnnecessary marks unused or unreachable code, which
	// clients may fade out.
	DiagnosticTagUnnecessary DiagnosticTag = 1
	// DiagnosticTagDeprecated marks the use of something deprecated,
	// which clients may strike through.
	DiagnosticTagDeprecated DiagnosticTag = 2
)

// DiagnosticRelatedInformation is a place related to a diagnostic, with
// what it has to do with it.
type DiagnosticRelatedInformation struct {
	Location Location `json:"location"`
	Message  string   `json:"message"`
}
