// Package mcplink connects `tabtap mcp` processes to the daemons that browsers
// start: each daemon listens on a unix socket in the runtime directory and
// registers itself beside it with a token; an MCP process finds the
// registrations, dials the sockets and speaks JSON requests over websocket
// framing. No TCP port is opened.
//
// The runtime directory is private to the user (0700), the sockets and
// registration files are 0600, and every connection must present the
// daemon's token, compared in constant time.
package mcplink
