package search

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/andybalholm/brotli"
)

// Bounds on the bodies a search decompresses: a body the browser handed
// over still compressed (a .gz file, a body a service worker passed on) is
// searched decompressed, up to these many bytes.
const (
	// MaxInflatedBytes is the most one body inflates to; the rest of it is
	// not searched.
	MaxInflatedBytes = 16 << 20
	// MaxInflatedPerSearch is the most all the bodies of one search
	// inflate to together; compressed bodies past it are not searched
	// (counted in Searched.Skipped).
	MaxInflatedPerSearch = 256 << 20
)

// content is a body or payload as the search sees it.
type content struct {
	text string
	// direct is true when offsets in text are offsets in the body as
	// get_request pages it (bytes of the decoded body); false when the
	// search decompressed it.
	direct bool
}

// decoder turns bodies into text, within one search's bounds.
type decoder struct {
	inflated int64 // bytes inflated so far
	skipped  int   // bodies and payloads not searched: binary, or past the bounds
}

// decode returns a record's content as text: text as it is; base64 decoded
// when that is text (UTF-8 without NUL bytes); gzip, deflate or br
// inflated when the bytes are compressed that way (by their magic bytes,
// or the Content-Encoding header the record carries). ok is false for
// binary content, which is not searched.
func (d *decoder) decode(text, b64, encoding, mime string) (c content, ok bool) {
	if b64 == "" {
		return content{text: text, direct: true}, text != ""
	}
	if media(mime) {
		d.skipped++
		return content{}, false
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		d.skipped++
		return content{}, false
	}
	if isText(raw) {
		return content{text: string(raw), direct: true}, true
	}
	if r := d.inflater(raw, encoding); r != nil {
		room := min(MaxInflatedBytes, MaxInflatedPerSearch-d.inflated)
		if room <= 0 {
			d.skipped++
			return content{}, false
		}
		out, _ := io.ReadAll(io.LimitReader(r, room)) // what inflated before an error is searched
		d.inflated += int64(len(out))
		if len(out) > 0 && isText(out) {
			return content{text: string(out)}, true
		}
	}
	d.skipped++
	return content{}, false
}

// inflater reads raw decompressed, or is nil when raw is not compressed
// in a way tabtap reads.
func (d *decoder) inflater(raw []byte, encoding string) io.Reader {
	encoding = strings.ToLower(encoding)
	switch {
	case len(raw) > 2 && raw[0] == 0x1f && raw[1] == 0x8b:
		r, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil
		}
		return r
	case strings.Contains(encoding, "br"):
		return brotli.NewReader(bytes.NewReader(raw))
	case strings.Contains(encoding, "deflate"):
		if r, err := zlib.NewReader(bytes.NewReader(raw)); err == nil {
			return r
		}
		return flate.NewReader(bytes.NewReader(raw))
	}
	return nil
}

// media reports whether a MIME type is images, sound, video or fonts,
// whose bytes a text search skips without decoding them.
func media(mime string) bool {
	mime = strings.ToLower(mime)
	if strings.HasPrefix(mime, "image/svg") {
		return false
	}
	for _, p := range []string{"image/", "audio/", "video/", "font/", "application/font", "application/vnd.ms-fontobject"} {
		if strings.HasPrefix(mime, p) {
			return true
		}
	}
	return false
}

// isText reports whether b reads as text: UTF-8, and no NUL byte in its
// first 8 KiB.
func isText(b []byte) bool {
	head := b[:min(len(b), 8<<10)]
	return bytes.IndexByte(head, 0) < 0 && utf8.Valid(b)
}
