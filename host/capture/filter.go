package capture

import (
	"strings"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/urlmatch"
)

// filter decides which requests a capture keeps.
type filter struct {
	opts  api.Options
	url1  *urlmatch.Matcher
	types map[string]bool
}

func newFilter(o api.Options) *filter {
	m, _ := urlmatch.Parse("urlFilter", o.URLFilter) // checked by Resolve
	f := &filter{opts: o, url1: m}
	if len(o.ResourceTypes) > 0 {
		f.types = map[string]bool{}
		for _, t := range o.ResourceTypes {
			f.types[t] = true
		}
	}
	return f
}

// narrowed reports whether the filter keeps only some traffic, so that a
// connection whose URL and type are unknown cannot be taken as wanted.
func (f *filter) narrowed() bool {
	return f.opts.URLFilter != "" || len(f.opts.URLFilters) > 0 || f.types != nil || f.opts.CapturePostOnly
}

// url reports whether a URL passes urlFilter and urlFilters.
func (f *filter) url(u string) bool {
	if !f.url1.Match(u) {
		return false
	}
	if len(f.opts.URLFilters) == 0 {
		return true
	}
	for _, s := range f.opts.URLFilters {
		if strings.Contains(u, s) {
			return true
		}
	}
	return false
}

// keep reports whether a request is recorded at all. streaming says
// whether it is known to be streaming traffic (a WebSocket or an
// EventSource); bodies streamed chunk by chunk are only known later, so
// captureStreaming keeps Fetch and XHR requests and drops them at the end
// if they did not stream.
func (f *filter) keep(u, resourceType, method string, hasBody bool) bool {
	if !f.url(u) {
		return false
	}
	if f.types != nil && !f.types[resourceType] {
		return false
	}
	switch resourceType {
	case "WebSocket":
		if !f.opts.IncludeWebSocket {
			return false
		}
	case "EventSource":
		if !f.opts.IncludeStreaming {
			return false
		}
	}
	if f.opts.CapturePostOnly && !hasBody && method != "POST" {
		return false
	}
	if f.opts.CaptureStreaming {
		switch resourceType {
		case "WebSocket", "EventSource", "Fetch", "XHR", "Other":
		default:
			return false
		}
	}
	return true
}
