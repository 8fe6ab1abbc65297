package ops

import (
	"context"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/shape"
)

var sendRequest = New(Spec[api.SendRequestArgs, Sent, api.SendResult]{
	Name:  api.SendRequest,
	Title: "Send a request again as the person",
	Description: "Send a captured request again as the person: from the session's tab, with their cookies and the credentials it carried, which you never see. " +
		"Change method, url (same origin), headers or body; a [redacted] left in place keeps its value. " +
		"Only to sites the person allows in tabtap's options, and only GET, HEAD, OPTIONS unless they allow more. " +
		"Returns the exchange as get_request does, secrets hidden; it joins the session's running capture.",
	Destructive: true,
	OpenWorld:   true,
	Params: []mcp.ToolOption{
		sessionParam(),
		mcp.WithString("requestId", mcp.Required(), mcp.Description("The captured request.")),
		mcp.WithString("method", mcp.Description("Another method.")),
		mcp.WithString("url", mcp.Description("Another URL on its origin.")),
		mcp.WithObject("headers", mcp.Description("Headers to set by name; null removes one. Cookie, Origin, Referer, Sec-* are the browser's."),
			mcp.AdditionalProperties(map[string]any{"type": []string{"string", "null"}})),
		mcp.WithString("body", mcp.Description("Another body, as text.")),
		bounded("timeoutSeconds", "Longest wait for the answer "+limitText(api.SendSeconds)+".", api.SendSeconds),
		maxResultParam(),
	},
	Run: func(ctx context.Context, b Backend, a api.SendRequestArgs) (Sent, error) {
		return b.SendRequest(ctx, a)
	},
	Shape: Sent.shape,
	Headline: func(r api.SendResult) string {
		s := "Sent as the person from " + r.From + ": " + requestHeadline(r.RequestDetail)
		if r.Joined {
			s += fmt.Sprintf(" It joined capture %s as request %s.", r.CaptureID, r.Request.RequestID)
		}
		return s
	},
})

// Sent is a request sent again as the person and its answer, as the
// daemon made them (Backend.SendRequest): scrubbed, not yet shaped.
type Sent struct {
	SessionID string
	// CaptureID is the running capture that recorded the exchange, when
	// Joined.
	CaptureID string
	// Data holds the request as it was sent and the answer, both as
	// request ID.
	Data api.Data
	ID   string
	// From, Joined, NotSent and Notes are api.SendResult's.
	From           string
	Joined         bool
	NotSent, Notes []string
}

func (s Sent) shape(budget int) (api.SendResult, error) {
	out := api.SendResult{From: s.From, Joined: s.Joined, NotSent: s.NotSent, Notes: s.Notes}
	budget -= shape.Size(out)
	f, ok := shape.Find(&s.Data, s.ID)
	if !ok {
		return out, fmt.Errorf("the exchange sent holds no request %s", s.ID)
	}
	detail, err := shape.Request(f, api.GetRequestArgs{SessionID: s.SessionID, RequestID: s.ID}, budget)
	if err != nil {
		return out, err
	}
	detail.SessionID, detail.CaptureID = s.SessionID, s.CaptureID
	out.RequestDetail = detail
	return out, nil
}
