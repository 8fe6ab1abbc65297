package apidesc

import (
	"path"
	"strings"

	"github.com/tabtap/tabtap/host/api"
)

// Static sums up the files a page loaded (scripts, styles, images,
// fonts, media, documents) and the requests that are no API call
// (preflights, data: URLs, requests known only by their response): they
// are counted, not described.
type Static struct {
	Scripts   Files `json:"scripts,omitzero"`
	Styles    Files `json:"styles,omitzero"`
	Images    Files `json:"images,omitzero"`
	Fonts     Files `json:"fonts,omitzero"`
	Media     Files `json:"media,omitzero"`
	Documents Files `json:"documents,omitzero"`
	Other     Files `json:"other,omitzero"`
}

// Files counts files of one kind and their bytes.
type Files struct {
	Count int   `json:"count"`
	Bytes int64 `json:"bytes"`
}

func (s *Static) add(kind string, bytes int64) {
	f := &s.Other
	switch kind {
	case "scripts":
		f = &s.Scripts
	case "styles":
		f = &s.Styles
	case "images":
		f = &s.Images
	case "fonts":
		f = &s.Fonts
	case "media":
		f = &s.Media
	case "documents":
		f = &s.Documents
	}
	f.Count++
	f.Bytes += bytes
}

// staticKind says which kind of static file an exchange fetched, or ""
// when it is an API call: what the browser fetched for a script tag, a
// style sheet, an image, a font, a navigation; or what any request got
// when its type or its name says it is such a file.
func staticKind(q *api.Request, p *api.Response) string {
	rt, method, u := "", "GET", ""
	if q != nil {
		rt, method, u = q.ResourceType, q.Method, q.URL
	} else if p != nil {
		u = p.URL
	}
	switch rt {
	case "Script":
		return "scripts"
	case "Stylesheet":
		return "styles"
	case "Image":
		return "images"
	case "Font":
		return "fonts"
	case "Media":
		return "media"
	case "Document":
		if method == "GET" {
			return "documents"
		}
		return "" // a form sent
	case "Manifest", "TextTrack", "Prefetch", "SignedExchange", "CSPViolationReport", "Preflight":
		return "other"
	}
	mime := ""
	if p != nil {
		mime = strings.ToLower(p.MimeType)
	}
	switch {
	case strings.Contains(mime, "javascript") || strings.Contains(mime, "ecmascript"):
		return "scripts"
	case mime == "text/css":
		return "styles"
	case strings.HasPrefix(mime, "image/"):
		return "images"
	case strings.HasPrefix(mime, "font/") || strings.Contains(mime, "font-"):
		return "fonts"
	case strings.HasPrefix(mime, "audio/") || strings.HasPrefix(mime, "video/"):
		return "media"
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	switch strings.ToLower(path.Ext(u)) {
	case ".js", ".mjs", ".map":
		return "scripts"
	case ".css":
		return "styles"
	case ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg", ".ico", ".bmp":
		return "images"
	case ".woff", ".woff2", ".ttf", ".otf", ".eot":
		return "fonts"
	case ".mp4", ".webm", ".mp3", ".ogg", ".wav", ".m4a":
		return "media"
	}
	return ""
}

func bodyBytes(p *api.Response) int64 {
	if p == nil {
		return 0
	}
	if p.BodySize > 0 {
		return p.BodySize
	}
	if n := int64(len(p.Body)) + int64(len(p.BodyBase64))*3/4; n > 0 {
		return n
	}
	return p.EncodedDataLength
}
