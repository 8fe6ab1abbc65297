package ops

import (
	"context"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/search"
	"github.com/tabtap/tabtap/host/shape"
	"github.com/tabtap/tabtap/host/urlmatch"
)

var searchCapture = New(Spec[searchArgs, searchResult, searchResult]{
	Name:  api.SearchCapture,
	Title: "Search a capture",
	Description: "Find where a value appears (\"where does this id come from?\") in one call: URLs, headers, request and response bodies (decoded), " +
		"WebSocket payloads, stream items. Each match: kind, where, requestId, method, url, status, snippet, and bodyOffset or item, " +
		"so get_request {requestId, bodyOffset} or {requestId, offset: item, limit: 1} opens it there. " +
		fmt.Sprintf("Pages %s; total counts all. Redacted secrets are never found. ", limitText(api.SearchMatches)) +
		`Example: {"sessionId":"s-3f2a-1","query":"inv_8842","in":["responseBody","frames"]}.`,
	ReadOnly: true,
	Params: []mcp.ToolOption{
		sessionParam(),
		mcp.WithString("query", mcp.Required(), mcp.Description(fmt.Sprintf("A substring, matched whatever its case, or /regex/ (Go RE2; (?i) ignores case; a literal part makes it fast). At most %d characters.", urlmatch.MaxFilterLen))),
		captureParam(),
		mcp.WithArray("in", mcp.Description("Where to look; everywhere by default."),
			mcp.WithStringEnumItems(search.Places)),
		mcp.WithInteger("offset", mcp.Description("Matches to skip: 0, or a nextOffset."), mcp.Min(0)),
		bounded("limit", "Most matches in the page "+limitText(api.SearchMatches)+".", api.SearchMatches),
		maxResultParam(),
	},
	Run: func(ctx context.Context, b Backend, a searchArgs) (searchResult, error) {
		h, err := b.Capture(a.SessionID, a.CaptureID)
		if err != nil {
			return searchResult{}, err
		}
		data := h.Data()
		r, err := search.Search(ctx, &data, a.Args)
		return searchResult{SessionID: h.SessionID, CaptureID: h.ID(), Result: r}, err
	},
	Shape: func(r searchResult, budget int) (searchResult, error) {
		r.Result = r.Fit(budget - shape.Size(searchResult{SessionID: r.SessionID, CaptureID: r.CaptureID}))
		return r, nil
	},
	Headline: searchHeadline,
})

// searchArgs are search_network_capture's arguments.
type searchArgs struct {
	SessionID string `json:"sessionId"`
	CaptureID string `json:"captureId,omitempty"`
	search.Args
	MaxResultBytes *int `json:"maxResultBytes,omitempty"`
}

// searchResult is search_network_capture's result: a page of matches.
type searchResult struct {
	SessionID string `json:"sessionId"`
	CaptureID string `json:"captureId"`
	search.Result
}

func searchHeadline(r searchResult) string {
	if r.Total == 0 {
		s := fmt.Sprintf("No match for %q in capture %s (%d records, %d bytes of text searched).", r.Query, r.CaptureID, r.Searched.Records, r.Searched.Bytes)
		if r.Searched.Skipped > 0 {
			s += fmt.Sprintf(" %d binary bodies or payloads were not searched.", r.Searched.Skipped)
		}
		return s + incomplete(r.Result)
	}
	s := fmt.Sprintf("%s for %q in capture %s; showing %d–%d.", count(r.Total, "match", "matches"), r.Query, r.CaptureID, r.Offset+min(1, r.Returned), r.Offset+r.Returned)
	if r.NextOffset != nil {
		s += fmt.Sprintf(" Next page: offset %d.", *r.NextOffset)
	}
	if r.Returned > 0 {
		m := r.Matches[0]
		switch m.Kind {
		case "wsFrame":
			s += fmt.Sprintf(" First: a frame %s on %s.", m.Direction, shape.Cut(m.URL, 120))
		case "stream":
			s += fmt.Sprintf(" First: an item of the stream %s.", shape.Cut(m.URL, 120))
		default:
			s += fmt.Sprintf(" First: %s of %s", m.Where, strings.TrimSpace(m.Method+" "+shape.Cut(m.URL, 120)))
			if m.Status != 0 {
				s += fmt.Sprintf(" → %d", m.Status)
			}
			s += "."
		}
	}
	return s + incomplete(r.Result)
}

func incomplete(r search.Result) string {
	if r.Incomplete == "" {
		return ""
	}
	return " Incomplete: " + r.Incomplete + "."
}

// count says n things: "1 match", "3 matches".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
