// Package shape turns a capture into results sized for an agent's
// context: the overview and the records that fit for stop_network_capture,
// the pages of get_network_capture_data, and one request with its body and
// frames paged for get_request. Every function keeps to a budget in bytes
// of JSON, counts what it leaves out, and says how to read it.
//
// It runs in the daemon, where the records live, so that only what is
// returned crosses the socket to `tabtap mcp`. It knows nothing of MCP,
// sockets or the browser.
package shape
