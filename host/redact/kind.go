package redact

import "strings"

// contentKind says how a body is read, by the type it is served with.
type contentKind uint8

const (
	// data is what APIs exchange (JSON, forms, text, XML, frames, event
	// streams, and anything of no known type): secret fields by name,
	// secret URL parameters, learned values and known token formats.
	data contentKind = iota
	// markup is an HTML (or SVG) page: secret inputs and meta tags by name,
	// secret URL parameters, learned values and known token formats, but
	// no guess from its scripts' names.
	markup
	// code is a script or a style: only high-confidence secrets (confident
	// learned values and known token formats), never a name-based guess.
	code
)

// kindOf reads a Content-Type (or a MIME type), and the browser's
// resource type of the request when it is known ("Script",
// "Stylesheet"), which wins over a type the server got wrong.
func kindOf(contentType, resourceType string) contentKind {
	switch resourceType {
	case "Script", "Stylesheet":
		return code
	}
	mt := contentType
	if i := strings.IndexByte(mt, ';'); i >= 0 {
		mt = mt[:i]
	}
	mt = lowerASCII(strings.TrimSpace(mt))
	switch {
	case strings.Contains(mt, "javascript"), strings.Contains(mt, "ecmascript"), mt == "text/css",
		mt == "application/wasm", mt == "text/jsx", mt == "text/typescript", mt == "application/typescript":
		return code
	case mt == "text/html", mt == "application/xhtml+xml", mt == "image/svg+xml":
		return markup
	}
	return data
}

// learnsFrom reports whether secrets are learned from a body of this
// kind: only from data, where credentials live, never from code.
func (k contentKind) learnsFrom() bool { return k == data }
