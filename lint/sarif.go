package lint

import (
	"encoding/json"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/bt-tools/bt/lang/diag"
	"github.com/bt-tools/bt/lang/token"
)

// SARIF 2.1.0 (OASIS), the subset btlint writes: one run, the rules'
// metadata with their docs as help, results with locations, related
// locations, fixes, and in-source suppressions. Columns are Unicode code
// points (run.columnKind); relative file names are resolved against the
// SRCROOT base, the working directory.

const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	toolURI      = "https://github.com/bt-tools/bt"
	srcRoot      = "SRCROOT"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                   `json:"tool"`
	Invocations        []sarifInvocation           `json:"invocations"`
	OriginalURIBaseIDs map[string]sarifArtifactLoc `json:"originalUriBaseIds,omitempty"`
	ColumnKind         string                      `json:"columnKind"`
	Results            []sarifResult               `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string           `json:"id"`
	Name                 string           `json:"name"`
	ShortDescription     sarifMessage     `json:"shortDescription"`
	FullDescription      sarifMessage     `json:"fullDescription"`
	Help                 sarifMultiformat `json:"help"`
	DefaultConfiguration sarifRuleConfig  `json:"defaultConfiguration"`
	Properties           map[string]any   `json:"properties,omitempty"`
}

type sarifRuleConfig struct {
	Enabled bool   `json:"enabled"`
	Level   string `json:"level"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifMultiformat struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool                `json:"executionSuccessful"`
	Notifications       []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID           string             `json:"ruleId"`
	RuleIndex        int                `json:"ruleIndex"`
	Level            string             `json:"level"`
	Message          sarifMessage       `json:"message"`
	Locations        []sarifLocation    `json:"locations"`
	RelatedLocations []sarifLocation    `json:"relatedLocations,omitempty"`
	Fixes            []sarifFix         `json:"fixes,omitempty"`
	Suppressions     []sarifSuppression `json:"suppressions,omitempty"`
}

type sarifLocation struct {
	ID               *int                  `json:"id,omitempty"`
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	Message          *sarifMessage         `json:"message,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
	Region           *sarifRegion     `json:"region,omitempty"`
}

type sarifArtifactLoc struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

type sarifFix struct {
	Description     sarifMessage          `json:"description"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

type sarifArtifactChange struct {
	ArtifactLocation sarifArtifactLoc   `json:"artifactLocation"`
	Replacements     []sarifReplacement `json:"replacements"`
}

type sarifReplacement struct {
	DeletedRegion   sarifRegion   `json:"deletedRegion"`
	InsertedContent *sarifMessage `json:"insertedContent,omitempty"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification,omitempty"`
}

// WriteSARIF writes the report as a SARIF 2.1.0 log. Suppressed findings
// are included, marked with their in-source suppression, as the format
// expects.
func WriteSARIF(w io.Writer, r *Report) error {
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name: "btlint", Version: r.Version, InformationURI: toolURI, Rules: []sarifRule{},
		}},
		ColumnKind: "unicodeCodePoints",
		Results:    []sarifResult{},
	}
	if wd, err := os.Getwd(); err == nil {
		run.OriginalURIBaseIDs = map[string]sarifArtifactLoc{srcRoot: {URI: fileURI(wd) + "/"}}
	}
	index := map[string]int{}
	for i, rule := range r.Rules {
		index[rule.Code] = i
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(rule))
	}
	inv := sarifInvocation{ExecutionSuccessful: len(r.Errors) == 0}
	for _, res := range r.Results {
		f := res.Unit.Tok
		for _, d := range res.Findings {
			run.Results = append(run.Results, sarifResultOf(f, d, index))
		}
		for _, s := range res.Suppressed {
			sr := sarifResultOf(f, s.Finding, index)
			sr.Suppressions = []sarifSuppression{{Kind: "inSource", Justification: s.Reason}}
			run.Results = append(run.Results, sr)
		}
		for _, d := range res.Syntax {
			inv.ExecutionSuccessful = false
			inv.Notifications = append(inv.Notifications, sarifNotification{
				Level: "error", Message: sarifMessage{d.Code + ": " + d.Message},
				Locations: []sarifLocation{sarifLoc(f, d.Pos, d.End)},
			})
		}
	}
	for _, e := range r.Errors {
		inv.Notifications = append(inv.Notifications, sarifNotification{
			Level: "error", Message: sarifMessage{e.File + ": " + e.Err.Error()},
		})
	}
	run.Invocations = []sarifInvocation{inv}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}

func sarifRuleOf(r *Rule) sarifRule {
	d := parseDoc(r.Doc)
	text := d.text + "\n\nBad:\n\n" + indent(d.bad) + "\nGood:\n\n" + indent(d.good)
	md := d.text + "\n\nBad:\n\n```bpftrace\n" + d.bad + "```\n\nGood:\n\n```bpftrace\n" + d.good + "```\n"
	return sarifRule{
		ID: r.Code, Name: r.Name,
		ShortDescription:     sarifMessage{d.summary},
		FullDescription:      sarifMessage{d.text},
		Help:                 sarifMultiformat{Text: text, Markdown: md},
		DefaultConfiguration: sarifRuleConfig{Enabled: !r.Off, Level: sarifLevel(r.Severity)},
		Properties:           map[string]any{"fixable": r.Fixable},
	}
}

func indent(s string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(s, "\n") {
		if l != "" {
			b.WriteString("    " + l)
		}
	}
	return b.String()
}

func sarifResultOf(f *token.File, d *diag.Diagnostic, index map[string]int) sarifResult {
	msg := d.Message
	for _, h := range d.Hints {
		msg += "\nhint: " + h
	}
	sr := sarifResult{
		RuleID: d.Code, RuleIndex: index[d.Code], Level: sarifLevel(d.Severity),
		Message:   sarifMessage{msg},
		Locations: []sarifLocation{sarifLoc(f, d.Pos, d.End)},
	}
	for i, rel := range d.Related {
		loc := sarifLoc(f, rel.Pos, rel.End)
		id := i + 1
		loc.ID = &id
		loc.Message = &sarifMessage{rel.Message}
		sr.RelatedLocations = append(sr.RelatedLocations, loc)
	}
	for _, fx := range d.Fixes {
		change := sarifArtifactChange{ArtifactLocation: artifact(f.Name)}
		for _, e := range fx.Edits {
			rep := sarifReplacement{DeletedRegion: region(f, e.Pos, e.End)}
			if e.NewText != "" {
				rep.InsertedContent = &sarifMessage{e.NewText}
			}
			change.Replacements = append(change.Replacements, rep)
		}
		sr.Fixes = append(sr.Fixes, sarifFix{Description: sarifMessage{fx.Message}, ArtifactChanges: []sarifArtifactChange{change}})
	}
	return sr
}

func sarifLoc(f *token.File, pos, end token.Pos) sarifLocation {
	r := region(f, pos, end)
	return sarifLocation{PhysicalLocation: sarifPhysicalLocation{ArtifactLocation: artifact(f.Name), Region: &r}}
}

func region(f *token.File, pos, end token.Pos) sarifRegion {
	l1, c1 := runeColumn(f, pos)
	l2, c2 := runeColumn(f, end)
	return sarifRegion{StartLine: l1, StartColumn: c1, EndLine: l2, EndColumn: c2}
}

func sarifLevel(s diag.Severity) string {
	switch s {
	case diag.Error:
		return "error"
	case diag.Warning:
		return "warning"
	}
	return "note"
}

// artifact names a file: relative names relative to SRCROOT, absolute
// ones as file URIs.
func artifact(name string) sarifArtifactLoc {
	if filepath.IsAbs(name) {
		return sarifArtifactLoc{URI: fileURI(name)}
	}
	return sarifArtifactLoc{URI: pathURI(filepath.ToSlash(filepath.Clean(name))), URIBaseID: srcRoot}
}

func fileURI(abs string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
}

func pathURI(p string) string { return (&url.URL{Path: p}).String() }
