package tools

import (
	"context"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
)

// redactionText says exactly what redactSecrets hides.
const redactionText = "Secrets are hidden unless redactSecrets is false (names stay, values become [redacted]): " +
	"the credentials of Authorization and Proxy-Authorization; any header named like a token, secret, password, API key, auth, session, CSRF/XSRF, signature or JWT; " +
	"every cookie value; secret query and fragment parameters (token, access_token, code, sig, key, password, session…) in every URL field; " +
	"secret form, JSON and HTML-input fields in bodies, frames and streams; and any value learned as a secret wherever else it appears. " +
	"Not hidden: secrets with no telling name never seen in a telling place (a token in a URL path or page text). The person's settings may forbid redactSecrets false."

func startCapture(r router) tool {
	return define(spec[api.StartCaptureArgs, api.StartCaptureResult]{
		name:  api.StartCapture,
		title: "Start capturing",
		description: "Start capturing the session's tab: requests, responses with bodies, WebSocket frames, EventSource and streamed responses, " +
			"from the page, its iframes and workers, and the popups it opens. Pass reload: true or url to capture the page load itself. " + redactionText,
		params: []mcp.ToolOption{
			sessionParam(),
			mcp.WithBoolean("captureBodies", mcp.Description("Record response bodies (text as body, binary as bodyBase64). Default true.")),
			mcp.WithInteger("maxBodyBytes", mcp.Description(fmt.Sprintf("Largest body kept; larger ones are cut (bodyTruncated). Default %d.",
				api.DefaultMaxBodyBytes)), mcp.Min(0), mcp.Max(api.MaxMaxBodyBytes)),
			mcp.WithString("urlFilter", mcp.Description(urlFilterText)),
			mcp.WithArray("urlFilters", mcp.Description("Keep only URLs containing one of these substrings (the reference tool's option)."), mcp.WithStringItems()),
			mcp.WithArray("resourceTypes", mcp.Description("Keep only these resource types."), mcp.WithStringEnumItems(api.ResourceTypes)),
			mcp.WithBoolean("includeWebSocket", mcp.Description("Record WebSocket connections and frames. Default true.")),
			mcp.WithBoolean("includeStreaming", mcp.Description("Record EventSource messages and streamed bodies chunk by chunk. Default true.")),
			mcp.WithBoolean("redactSecrets", mcp.Description("Hide secrets, as the description says. Default true; false is refused unless the person allowed it in the extension's options.")),
			mcp.WithInteger("maxEntries", mcp.Description(fmt.Sprintf("Most requests kept (and, separately, WebSocket frames and stream items); what is left out is counted under dropped. Default %d.", api.DefaultMaxEntries)), mcp.Min(1)),
			mcp.WithInteger("maxTotalBytes", mcp.Description(fmt.Sprintf("Byte budget. Default %d.", api.DefaultMaxTotalBytes))),
			mcp.WithInteger("maxCaptures", mcp.Description("Same as maxEntries (the reference tool's name)."), mcp.Min(1)),
			mcp.WithBoolean("capturePostOnly", mcp.Description("Keep only requests that send data: every POST, and any other request with a body (PUT, PATCH, DELETE…). The reference tool's option.")),
			mcp.WithBoolean("captureStreaming", mcp.Description("Keep only streaming traffic: EventSource, streamed bodies and WebSockets.")),
			mcp.WithBoolean("followPopups", mcp.Description("Also capture tabs and popups the captured tab opens (sign-in windows, target=_blank links). Default true.")),
			mcp.WithString("url", mcp.Description("Navigate the tab to this http(s) URL (or about:blank) once the capture is armed, so the page load itself is captured.")),
			mcp.WithBoolean("reload", mcp.Description("Reload the tab once the capture is armed, so the page load itself is captured.")),
		},
		run: func(ctx context.Context, a api.StartCaptureArgs, _ int) (api.StartCaptureResult, error) {
			return forward[api.StartCaptureArgs, api.StartCaptureResult](ctx, r, api.StartCapture, a.SessionID, a)
		},
		headline: func(r api.StartCaptureResult) string {
			s := fmt.Sprintf("Capturing tab %d as %s since %s.", r.TabID, r.CaptureID, r.StartTime.Format("15:04:05"))
			if r.PreviousCaptureID != "" {
				s += fmt.Sprintf(" The session's previous capture stays readable with captureId %q.", r.PreviousCaptureID)
			}
			return s
		},
	})
}
