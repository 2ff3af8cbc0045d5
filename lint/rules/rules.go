// Package rules holds btlint's rules, one file per rule. Each is a
// *lint.Rule value; [All] lists them in code order.
package rules

import (
	"github.com/bt-tools/bt/lint"
)

//go:generate go test -run TestRulesFile -update .

// All returns every rule, BT000 included, in code order.
func All() []*lint.Rule {
	return []*lint.Rule{
		lint.SuppressionRule,
		MixedProbeArgs,
		SystemUnsafe,
		ShellInjection,
		UnguardedStartLookup,
		StartNotDeleted,
		StartKeyedByPid,
		ProfileLockstep,
		ForeignContext,
		PrintfHotProbe,
		LiteralPid,
		TargetSyntax,
		DeprecatedSyntax,
		StringNeverEqual,
		ReversedDelta,
		StartPrintedAtExit,
		UnusedVariable,
		UnboundedLoop,
		StackTooLarge,
	}
}
