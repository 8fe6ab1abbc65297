package api

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/tabtap/tabtap/host/urlmatch"
)

// Settings are the capture options as a caller gives them: every field is
// optional, and the names of the reference tool family, webscout-mcp's
// stop_network_capture and its siblings (urlFilters, capturePostOnly,
// captureStreaming, maxCaptures), are accepted beside tabtap's own, so that
// prompts written for it keep working. Resolve turns them into Options,
// with the defaults of Defaults and the bounds of limits.go.
type Settings struct {
	// CaptureBodies records response bodies. Default true.
	CaptureBodies *bool `json:"captureBodies,omitempty"`
	// MaxBodyBytes is the most kept of one body (BodyBytes: default
	// 10 MiB, from 0 to 64 MiB).
	MaxBodyBytes *int `json:"maxBodyBytes,omitempty"`
	// URLFilter keeps the URLs holding it, or matching it as /regex/.
	URLFilter string `json:"urlFilter,omitempty"`
	// URLFilters keeps the URLs holding any of them.
	URLFilters []string `json:"urlFilters,omitempty"`
	// ResourceTypes keeps requests of these types (ResourceTypes).
	ResourceTypes []string `json:"resourceTypes,omitempty"`
	// IncludeWebSocket records WebSockets and their frames. Default true.
	IncludeWebSocket *bool `json:"includeWebSocket,omitempty"`
	// IncludeStreaming records EventSource messages and streamed bodies.
	// Default true.
	IncludeStreaming *bool `json:"includeStreaming,omitempty"`
	// RedactSecrets hides secrets. Default true; the person's policy
	// decides whether an agent may turn it off.
	RedactSecrets *bool `json:"redactSecrets,omitempty"`
	// MaxEntries is the most requests, and apart the most frames and
	// stream items, kept (Entries: default 1,000,000, at least 1).
	MaxEntries *int `json:"maxEntries,omitempty"`
	// MaxTotalBytes is the capture's byte budget (TotalBytes: default
	// 256 MiB, from 1 MiB to 2 GiB).
	MaxTotalBytes *int64 `json:"maxTotalBytes,omitempty"`
	// MaxCaptures is MaxEntries by the reference tool family's name.
	MaxCaptures *int `json:"maxCaptures,omitempty"`
	// CapturePostOnly keeps only requests that send a body.
	CapturePostOnly bool `json:"capturePostOnly,omitempty"`
	// CaptureStreaming keeps only streaming traffic.
	CaptureStreaming bool `json:"captureStreaming,omitempty"`
	// FollowPopups captures the tabs the captured tab opens. Default true.
	FollowPopups *bool `json:"followPopups,omitempty"`
	// URL is loaded in the tab once the capture is armed.
	URL string `json:"url,omitempty"`
	// Reload reloads the tab once the capture is armed.
	Reload bool `json:"reload,omitempty"`
}

// Options are the options in force for a capture, every default applied.
type Options struct {
	CaptureBodies    bool     `json:"captureBodies"`
	MaxBodyBytes     int      `json:"maxBodyBytes"`
	URLFilter        string   `json:"urlFilter,omitempty"`
	URLFilters       []string `json:"urlFilters,omitempty"`
	ResourceTypes    []string `json:"resourceTypes,omitempty"`
	IncludeWebSocket bool     `json:"includeWebSocket"`
	IncludeStreaming bool     `json:"includeStreaming"`
	RedactSecrets    bool     `json:"redactSecrets"`
	MaxEntries       int      `json:"maxEntries"`
	// MaxTotalBytes is the capture's budget: its records (an estimate of
	// their size) and their contents (bodies, payloads, chunks) together.
	// Contents stop at 7/8 of it, so that the records that follow are
	// still kept without theirs; records stop at all of it.
	MaxTotalBytes    int64  `json:"maxTotalBytes"`
	CapturePostOnly  bool   `json:"capturePostOnly,omitempty"`
	CaptureStreaming bool   `json:"captureStreaming,omitempty"`
	FollowPopups     bool   `json:"followPopups"`
	URL              string `json:"url,omitempty"`
	Reload           bool   `json:"reload,omitempty"`
}

// ResourceTypes are the browser's resource types, as requests carry them,
// and as resourceTypes accepts them (case-insensitive).
var ResourceTypes = []string{"Document", "Stylesheet", "Image", "Media", "Font", "Script",
	"TextTrack", "XHR", "Fetch", "Prefetch", "EventSource", "WebSocket", "Manifest",
	"SignedExchange", "Ping", "CSPViolationReport", "Preflight", "FedCM", "Other"}

// resourceTypes are ResourceTypes by lower-case name.
var resourceTypes = map[string]string{}

func init() {
	for _, t := range ResourceTypes {
		resourceTypes[strings.ToLower(t)] = t
	}
}

func boolOr(p *bool, def bool) bool {
	if p == nil {
		return def
	}
	return *p
}

// Defaults are the options of a capture started without any: what
// Resolve applies to every option left out.
func Defaults() Options {
	return Options{
		CaptureBodies:    true,
		MaxBodyBytes:     int(BodyBytes.Default),
		IncludeWebSocket: true,
		IncludeStreaming: true,
		RedactSecrets:    true,
		MaxEntries:       int(Entries.Default),
		MaxTotalBytes:    TotalBytes.Default,
		FollowPopups:     true,
	}
}

// Resolve checks the settings and applies the defaults. Its errors name
// the option and say what would be accepted.
func (s Settings) Resolve() (Options, error) {
	o := Defaults()
	o.CaptureBodies = boolOr(s.CaptureBodies, o.CaptureBodies)
	o.IncludeWebSocket = boolOr(s.IncludeWebSocket, o.IncludeWebSocket)
	o.IncludeStreaming = boolOr(s.IncludeStreaming, o.IncludeStreaming)
	o.RedactSecrets = boolOr(s.RedactSecrets, o.RedactSecrets)
	o.FollowPopups = boolOr(s.FollowPopups, o.FollowPopups)
	o.URLFilter, o.CapturePostOnly, o.CaptureStreaming, o.URL, o.Reload = s.URLFilter, s.CapturePostOnly, s.CaptureStreaming, s.URL, s.Reload
	if s.MaxBodyBytes != nil {
		if err := BodyBytes.Check(int64(*s.MaxBodyBytes)); err != nil {
			return Options{}, err
		}
		o.MaxBodyBytes = *s.MaxBodyBytes
	}
	if s.MaxTotalBytes != nil {
		if err := TotalBytes.Check(*s.MaxTotalBytes); err != nil {
			return Options{}, err
		}
		o.MaxTotalBytes = *s.MaxTotalBytes
	}
	for _, p := range []struct {
		name string
		v    *int
	}{{"maxEntries", s.MaxEntries}, {"maxCaptures", s.MaxCaptures}} {
		if p.v == nil {
			continue
		}
		if err := Entries.CheckAs(p.name, int64(*p.v)); err != nil {
			return Options{}, err
		}
		o.MaxEntries = *p.v
	}
	if s.MaxEntries != nil && s.MaxCaptures != nil && *s.MaxEntries != *s.MaxCaptures {
		return Options{}, fmt.Errorf("maxEntries (%d) and maxCaptures (%d) are the same option: give one", *s.MaxEntries, *s.MaxCaptures)
	}
	if _, err := urlmatch.Parse("urlFilter", s.URLFilter); err != nil {
		return Options{}, err
	}
	for _, f := range s.URLFilters {
		if f != "" {
			o.URLFilters = append(o.URLFilters, f)
		}
	}
	for _, t := range s.ResourceTypes {
		name, ok := resourceTypes[strings.ToLower(strings.TrimSpace(t))]
		if !ok {
			return Options{}, fmt.Errorf("resourceTypes: unknown type %q; known types are %s", t, strings.Join(ResourceTypes, ", "))
		}
		o.ResourceTypes = append(o.ResourceTypes, name)
	}
	if s.URL != "" && s.Reload {
		return Options{}, fmt.Errorf("url and reload both ask to load the page: give one")
	}
	if s.URL != "" {
		if err := CheckNavigable(s.URL); err != nil {
			return Options{}, err
		}
	}
	return o, nil
}

// CheckNavigable accepts the URLs an agent may send a tab to: http and
// https, and about:blank. Other schemes (file:, chrome:, data:,
// javascript:, …) would reach the person's files or the browser's own
// pages.
func CheckNavigable(raw string) error {
	if raw == "about:blank" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return fmt.Errorf("url %q is not an absolute URL (e.g. https://example.com/)", raw)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return fmt.Errorf("url %q has no host (e.g. https://example.com/)", raw)
		}
		return nil
	}
	return fmt.Errorf("url %q: only http:// and https:// URLs (and about:blank) can be opened by an agent, not %s: URLs", raw, u.Scheme)
}
