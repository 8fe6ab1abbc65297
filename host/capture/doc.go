// Package capture is the capture engine: DevTools Protocol events of one
// tab (and of the iframes, workers and popups it brings along) go in, the
// records of the outside contract come out — requests, responses with
// bodies, WebSocket frames and streaming responses, with wall-clock
// timestamps, redacted secrets and bounded memory.
//
// A Capture never blocks the caller that feeds it events: commands it needs
// to send back to the browser (fetching a body, enabling the network domain
// of a new iframe) run on their own goroutines through a Commander. It knows
// nothing of native messaging, sockets or MCP.
package capture
