// Package reproduce writes a captured request as code that runs as it is:
// a curl command (POSIX shell), a fetch snippet for Node 18 or later, or a
// Python 3 script of the standard library (urllib.request).
//
// It works from the request as it leaves the capture engine, secrets
// hidden. Every value redaction hid (a "[redacted]" in text, a "[****]"
// mask in binary content) becomes an environment variable that the code
// reads; Code.Secrets names each one and the place it was hidden
// (header:Authorization, cookie:sid, query:token, body:$.access_token).
// The code holds the scrubbed record and references to those variables,
// nothing else: a person sets the variables, an agent never sees them.
//
// The code sends what the browser sent, less what each client adds by
// itself (Host, Content-Length, Connection, Accept-Encoding, the browser's
// own Sec-Fetch-* and Sec-CH-* headers, HTTP/2 pseudo-headers), asks for a
// compressed response where the browser got one (curl's --compressed),
// and does not follow redirects: a capture records each hop on its own.
// Bodies go as text when the shell and the languages can carry them
// verbatim, else as base64 decoded by the code.
//
// The package is pure: no I/O. It does not know where a request came
// from, nor the values it hides.
package reproduce
