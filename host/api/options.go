package api

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/tabtap/tabtap/host/urlmatch"
)

// Defaults and bounds of the capture options.
const (
	// DefaultMaxBodyBytes fits the bundles of real applications whole.
	DefaultMaxBodyBytes = 10 << 20
	// DefaultMaxEntries is generous: the byte budget (maxTotalBytes) is
	// what bounds a capture's memory.
	DefaultMaxEntries = 1_000_000
	// DefaultMaxTotalBytes is a capture's byte budget: its records and
	// their contents together.
	DefaultMaxTotalBytes = 256 << 20
	// MaxMaxBodyBytes bounds maxBodyBytes: one body never holds more.
	MaxMaxBodyBytes = 64 << 20
	// MinMaxTotalBytes and MaxMaxTotalBytes bound maxTotalBytes.
	MinMaxTotalBytes = 1 << 20
	MaxMaxTotalBytes = 2 << 30
)

// Settings are the capture options as a caller gives them: every field is
// optional, and the names of the reference tool (urlFilters,
// capturePostOnly, captureStreaming, maxCaptures) are accepted beside
// tabtap's own. Resolve turns them into Options.
type Settings struct {
	CaptureBodies    *bool    `json:"captureBodies,omitempty"`
	MaxBodyBytes     *int     `json:"maxBodyBytes,omitempty"`
	URLFilter        string   `json:"urlFilter,omitempty"`
	URLFilters       []string `json:"urlFilters,omitempty"`
	ResourceTypes    []string `json:"resourceTypes,omitempty"`
	IncludeWebSocket *bool    `json:"includeWebSocket,omitempty"`
	IncludeStreaming *bool    `json:"includeStreaming,omitempty"`
	RedactSecrets    *bool    `json:"redactSecrets,omitempty"`
	MaxEntries       *int     `json:"maxEntries,omitempty"`
	MaxTotalBytes    *int64   `json:"maxTotalBytes,omitempty"`
	MaxCaptures      *int     `json:"maxCaptures,omitempty"`
	CapturePostOnly  bool     `json:"capturePostOnly,omitempty"`
	CaptureStreaming bool     `json:"captureStreaming,omitempty"`
	FollowPopups     *bool    `json:"followPopups,omitempty"`
	URL              string   `json:"url,omitempty"`
	Reload           bool     `json:"reload,omitempty"`
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

// Resolve checks the settings and applies the defaults. Its errors name
// the option and say what would be accepted.
func (s Settings) Resolve() (Options, error) {
	o := Options{
		CaptureBodies:    boolOr(s.CaptureBodies, true),
		MaxBodyBytes:     DefaultMaxBodyBytes,
		URLFilter:        s.URLFilter,
		IncludeWebSocket: boolOr(s.IncludeWebSocket, true),
		IncludeStreaming: boolOr(s.IncludeStreaming, true),
		RedactSecrets:    boolOr(s.RedactSecrets, true),
		MaxEntries:       DefaultMaxEntries,
		MaxTotalBytes:    DefaultMaxTotalBytes,
		CapturePostOnly:  s.CapturePostOnly,
		CaptureStreaming: s.CaptureStreaming,
		FollowPopups:     boolOr(s.FollowPopups, true),
		URL:              s.URL,
		Reload:           s.Reload,
	}
	if s.MaxBodyBytes != nil {
		if *s.MaxBodyBytes < 0 || *s.MaxBodyBytes > MaxMaxBodyBytes {
			return Options{}, fmt.Errorf("maxBodyBytes must be between 0 and %d, not %d", MaxMaxBodyBytes, *s.MaxBodyBytes)
		}
		o.MaxBodyBytes = *s.MaxBodyBytes
	}
	if s.MaxTotalBytes != nil {
		if *s.MaxTotalBytes < MinMaxTotalBytes || *s.MaxTotalBytes > MaxMaxTotalBytes {
			return Options{}, fmt.Errorf("maxTotalBytes must be between %d (1 MiB) and %d (2 GiB), not %d", MinMaxTotalBytes, MaxMaxTotalBytes, *s.MaxTotalBytes)
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
		if *p.v < 1 {
			return Options{}, fmt.Errorf("%s must be at least 1, not %d", p.name, *p.v)
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
