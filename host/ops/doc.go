// Package ops is the registry of tabtap's operations: every MCP tool is
// one entry, in a file of its own, holding its name, its arguments and
// result (Go types), its input schema, title and annotations, the
// description the model reads, the headline of its result, and the code
// that runs it in the daemon, where the records are.
//
// Both sides of the link are built from it. The daemon serves each call
// with Op.Serve: the arguments decoded strictly, the operation run once
// (Spec.Run, where every side effect happens: a stop, a wait, a file
// written), then its result shaped (Spec.Shape, pure) and fitted, text
// and structured content together, to the call's maxResultBytes. `tabtap
// mcp` (package tools) lists the tools, checks the arguments with
// Op.Check before they travel, picks the daemon (Op.Route) and forwards
// the result as it is; it merges the results of several daemons only for
// the list_* tools (Op.Merge).
//
// Adding a tool is one file here and one line in registry.go; see
// docs/architecture.md. Operations reach the daemon through Backend,
// which package daemon implements: ops never imports the daemon.
package ops
