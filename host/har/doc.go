// Package har turns a stopped tabtap capture into an HTTP Archive: the
// HAR 1.2 types, and Build, which converts an api.StopResult the way
// Chrome DevTools' own "Export HAR" would, so that the file opens in
// DevTools, HAR viewers and analysers.
//
// What HAR 1.2 has no place for goes into custom fields whose names start
// with an underscore, as the format allows: WebSocket frames under
// _webSocketMessages (as DevTools writes them), EventSource messages under
// _eventSourceMessages, the chunks of a streamed body under _chunks, the
// failure of a request under response._error, and the tab, target and
// request id of every entry.
//
// The package only converts and describes: it does not capture, write
// files, or chunk a HAR for native messaging. Its sibling package hartest
// validates a HAR document against the HAR 1.2 JSON Schema, for tests.
//
// It deliberately does not use github.com/chromedp/cdproto/har, which
// writes body text without its encoding and null for required objects.
package har
