// Package runtime runs a compiled [plan.Plan]: it loads the programs and
// maps, attaches the probes, opens the start gate, runs begin probes,
// reads the ring buffer and hands each event to its handler, and at the
// end detaches everything, runs end probes and prints the maps, with
// bpftrace's command-line behaviour and output.
//
// The lifecycle of [Run], in order:
//
//  1. remove the memlock limit (kernels before 5.11 charge BPF memory to
//     it) and mount tracefs when a probe needs it and it is missing;
//  2. load every map, then every program on its own, so that a verifier
//     rejection names its program and, through the instruction's source
//     tag ([plan.Span]), the script line ([VerifierError]);
//  3. write the boot time into the start map (for elapsed);
//  4. attach the probes in bpftrace's order (a forward pass for hooks that
//     run their programs in attach order, a reverse pass for the others),
//     honouring missing_probes, and say "Attached N probes";
//  5. open the start gate (plan.SyncStart), run the begin probes, then let
//     the -c child run;
//  6. read the ring buffer until exit(), Ctrl-C/SIGTERM (the caller's
//     context), the exit of the -p processes or of the -c child, or, for a
//     script with only begin/end probes, until it is empty;
//  7. stop: close the gate (or, without the gate, detach first), run the
//     end probes, drain the ring buffer, report lost events, print the
//     maps; detaching runs in parallel with that when the gate is closed,
//     and it always finishes before Run returns.
//
// Every kernel object belongs to a file descriptor of this process, and
// every path out of Run (error, cancellation, a panic in a handler)
// closes them: nothing stays loaded after Run returns, and nothing stays
// loaded if the process is killed.
//
// Rendering values is the [Printer]'s job (engine/output implements it);
// the runtime writes the messages that belong to the run itself
// ("Attached 2 probes", "Lost 5 events", errorf/warnf locations).
package runtime
