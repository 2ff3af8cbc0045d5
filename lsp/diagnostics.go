package lsp

import (
	"strings"

	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lsp/internal/protocol"
)

// toProtocolDiagnostics converts the front end's and the linter's
// diagnostics: code, severity, hints (appended to the message, which is
// what every client shows) and related locations.
func toProtocolDiagnostics(snap *Snapshot, list diag.List) []protocol.Diagnostic {
	out := make([]protocol.Diagnostic, 0, len(list))
	for _, d := range list {
		out = append(out, toProtocolDiagnostic(snap, d))
	}
	return out
}

func toProtocolDiagnostic(snap *Snapshot, d *diag.Diagnostic) protocol.Diagnostic {
	msg := d.Message
	for _, h := range d.Hints {
		msg += "\nhint: " + h
	}
	pd := protocol.Diagnostic{
		Range:    snap.Mapper.Range(d.Pos, d.End),
		Severity: toSeverity(d.Severity),
		Source:   diagSource(d.Code),
		Message:  msg,
	}
	if d.Code != "" {
		pd.Code = d.Code
	}
	for _, r := range d.Related {
		pd.RelatedInformation = append(pd.RelatedInformation, protocol.DiagnosticRelatedInformation{
			Location: protocol.Location{URI: snap.URI, Range: snap.Mapper.Range(r.Pos, r.End)},
			Message:  r.Message,
		})
	}
	if strings.Contains(strings.ToLower(d.Message), "deprecated") {
		pd.Tags = []protocol.DiagnosticTag{protocol.DiagnosticTagDeprecated}
	}
	return pd
}

func toSeverity(s diag.Severity) protocol.DiagnosticSeverity {
	switch s {
	case diag.Error:
		return protocol.DiagnosticSeverityError
	case diag.Warning:
		return protocol.DiagnosticSeverityWarning
	case diag.Info:
		return protocol.DiagnosticSeverityInformation
	}
	return protocol.DiagnosticSeverityHint
}

// diagSource names who found a problem: the linter's codes are BTnnn, the
// front end's Ennn and Wnnn.
func diagSource(code string) string {
	if strings.HasPrefix(code, "BT") {
		return "btlint"
	}
	return "bt"
}
