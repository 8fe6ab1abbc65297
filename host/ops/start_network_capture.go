package ops

import (
	"context"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
)

// redactionText says exactly what redactSecrets hides, and what not
// (host/redact, docs/security.md).
const redactionText = "Hide secrets (name kept, value [redacted], the record's redacted says where): Authorization credentials; " +
	"headers named like secrets (X-API-Key, X-CSRF-Token); cookie values; secret URL parameters (token, code, sig…); " +
	"secret form, JSON and HTML-input fields; known token formats (JWTs, API keys); and, anywhere, values learned " +
	"from those headers, cookies, parameters and request or API-response fields that look like secrets (8+ random bytes). " +
	"Kept: words and short numbers (not under password names); ordinary headers; scripts and styles but for token formats and very random learned values; " +
	"secrets with no telling name never seen in a telling place (a token in a URL path or page text)."

// defaults are the options of a capture started without any.
var defaults = api.Defaults()

var startCapture = New(Spec[api.StartCaptureArgs, api.StartCaptureResult, api.StartCaptureResult]{
	Name:  api.StartCapture,
	Title: "Start capturing",
	Description: "Start capturing the session's tab: requests, responses with bodies, WebSocket frames, EventSource and streamed responses, " +
		"from the page, its iframes and workers, and the popups it opens. Pass reload: true or url to capture the page load itself. Secrets are hidden: see redactSecrets.",
	Params: []mcp.ToolOption{
		sessionParam(),
		mcp.WithBoolean("captureBodies", mcp.Description(fmt.Sprintf("Record response bodies (text as body, binary as bodyBase64). Default %t.", defaults.CaptureBodies))),
		bounded("maxBodyBytes", fmt.Sprintf("Largest body kept; larger ones are cut (bodyTruncated). Default %d.",
			api.BodyBytes.Default), api.BodyBytes),
		mcp.WithString("urlFilter", mcp.Description(urlFilterText)),
		mcp.WithArray("urlFilters", mcp.Description("Keep only URLs containing one of these substrings."), mcp.WithStringItems()),
		mcp.WithArray("resourceTypes", mcp.Description("Keep only these resource types."), mcp.WithStringEnumItems(api.ResourceTypes)),
		mcp.WithBoolean("includeWebSocket", mcp.Description(fmt.Sprintf("Record WebSocket connections and frames. Default %t.", defaults.IncludeWebSocket))),
		mcp.WithBoolean("includeStreaming", mcp.Description(fmt.Sprintf("Record EventSource messages and streamed bodies chunk by chunk. Default %t.", defaults.IncludeStreaming))),
		mcp.WithBoolean("redactSecrets", mcp.Description(fmt.Sprintf("%s Default %t; false is refused unless the person allowed it in the extension's options.", redactionText, defaults.RedactSecrets))),
		bounded("maxEntries", fmt.Sprintf("Most requests kept (and, separately, WebSocket frames and stream items); what is left out is counted under dropped. Default %d.",
			api.Entries.Default), api.Entries),
		mcp.WithInteger("maxTotalBytes", mcp.Description(fmt.Sprintf("Byte budget. Default %d.", api.TotalBytes.Default))),
		bounded("maxCaptures", "Same as maxEntries, by the name webscout-mcp's capture tools give it.", api.Entries),
		mcp.WithBoolean("capturePostOnly", mcp.Description("Keep only requests that send data: every POST, and any other request with a body (PUT, PATCH, DELETE…).")),
		mcp.WithBoolean("captureStreaming", mcp.Description("Keep only streaming traffic: EventSource, streamed bodies and WebSockets.")),
		mcp.WithBoolean("followPopups", mcp.Description(fmt.Sprintf("Also capture tabs and popups the captured tab opens (sign-in windows, target=_blank links). Default %t.", defaults.FollowPopups))),
		mcp.WithString("url", mcp.Description("Navigate the tab to this http(s) URL (or about:blank) once the capture is armed, so the page load itself is captured.")),
		mcp.WithBoolean("reload", mcp.Description("Reload the tab once the capture is armed, so the page load itself is captured.")),
	},
	Run: func(ctx context.Context, b Backend, a api.StartCaptureArgs) (api.StartCaptureResult, error) {
		return b.StartCapture(ctx, a)
	},
	Headline: func(r api.StartCaptureResult) string {
		s := fmt.Sprintf("Capturing tab %d as %s since %s.", r.TabID, r.CaptureID, r.StartTime.Format("15:04:05"))
		if r.PreviousCaptureID != "" {
			s += fmt.Sprintf(" The session's previous capture stays readable with captureId %q.", r.PreviousCaptureID)
		}
		return s
	},
})
