// Package rpc matches requests to their replies on tabtap's two links: the
// native-messaging port between the extension and the daemon (package
// extension) and the socket between `tabtap mcp` and the daemon (package mcplink).
// Both speak the same envelope:
//
//	request:      {"id": 7, "method": "tabs.list", "params": {…}}
//	response:     {"id": 7, "result": {…}}
//	              {"id": 7, "error": {"code": "no_tab", "message": "No tab with id: 812."}}
//	notification: {"method": "cdp.events", "params": {…}}
//
// The package holds that envelope (Message), the one error type both links
// carry (Error: a stable code a program can branch on and a sentence for a
// person), the table of calls waiting for their replies (Calls), and the
// reading of a frame that may be malformed (Decode). It neither frames nor
// reads nor writes: each link brings its own transport, and its own list of
// error codes on top of the two every link shares (CodeInvalidArgument,
// CodeInternal).
package rpc
