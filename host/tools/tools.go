// Package tools is the MCP face of tabtap: the tool definitions of the
// outside contract and their handlers, thin over the daemons that hold the
// captures. It is what `tabtap mcp` serves, over stdio or Streamable HTTP.
package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/tabtap/tabtap/host/api"
)

// instructions tell the model how the tools fit together.
const instructions = `tabtap captures the network traffic of the user's real, signed-in browser tabs.
Typical flow: list_tabs → initialize_session (tabId, or url to open a new tab) → start_network_capture (reload: true or url to capture the page load) → let the page or the user act → get_network_capture_status → stop_network_capture.
stop_network_capture returns requests, responses (with bodies), WebSocket frames and streaming responses; use outputPath or format "har" for large captures, get_network_capture_data to page through one and get_request for one request in full.
Captures the user started from the extension's popup appear in list_captures with a sessionId usable with every tool.`

// NewServer returns the MCP server with every tool registered.
func NewServer(b Backend, version string) *server.MCPServer {
	s := server.NewMCPServer("tabtap", version,
		server.WithToolCapabilities(false),
		server.WithInstructions(instructions),
		server.WithRecovery(),
	)
	r := router{b: b}
	for _, t := range definitions(r) {
		s.AddTool(t.tool, t.handler)
	}
	return s
}

// definition is one tool and its handler.
type definition struct {
	tool    mcp.Tool
	handler server.ToolHandlerFunc
}

func definitions(r router) []definition {
	readOnly := func(title string) mcp.ToolOption {
		return mcp.WithToolAnnotation(mcp.ToolAnnotation{Title: title, ReadOnlyHint: mcp.ToBoolPtr(true), OpenWorldHint: mcp.ToBoolPtr(false)})
	}
	acting := func(title string, destructive bool) mcp.ToolOption {
		return mcp.WithToolAnnotation(mcp.ToolAnnotation{Title: title, ReadOnlyHint: mcp.ToBoolPtr(false),
			DestructiveHint: mcp.ToBoolPtr(destructive), OpenWorldHint: mcp.ToBoolPtr(true)})
	}
	return []definition{
		typed(api.ListTabs, "List every tab of every connected browser (tabId, windowId, title, url, active, browser). A tab being captured shows its sessionId.",
			readOnly("List browser tabs"), func(ctx context.Context, _ api.None) (api.ListTabsResult, error) { return listTabs(ctx, r) }),
		typed(api.InitializeSession, "Choose the tab to capture and get a sessionId. Give tabId (from list_tabs), or url to open a new tab there, or nothing for the active tab. Nothing is attached yet: the browser's debugging bar appears only once a capture starts.",
			acting("Choose a tab", false), func(ctx context.Context, a api.InitializeSessionArgs) (api.Session, error) {
				return r.initialize(ctx, a)
			}),
		typed(api.StartCapture, "Start capturing the session's tab: requests, responses with bodies, WebSocket frames, EventSource and streamed responses, from the page, its iframes and workers, and popups it opens. Pass reload: true or url to capture the page load itself. Secrets (Authorization, Cookie, Set-Cookie) are redacted unless redactSecrets is false.",
			acting("Start capturing", false), bySession[api.StartCaptureArgs, api.StartCaptureResult](r, api.StartCapture, func(a api.StartCaptureArgs) string { return a.SessionID })),
		typed(api.CaptureStatus, "Whether the session's capture runs, for how long, what it holds (currentStats), what it dropped to stay within its limits and why, and the state of its tab.",
			readOnly("Capture status"), bySession[api.SessionArgs, api.StatusResult](r, api.CaptureStatus, sessionOf)),
		typed(api.StopCapture, "Stop the session's capture (the debugger detaches) and return it: summary plus data {requests, responses, wsFrames, streamingResponses}. format: \"har\" returns HAR 1.2 instead; outputPath writes everything to a file and returns the summary; maxResultBytes bounds the returned data (the rest stays readable with get_network_capture_data and get_request). Calling it again on a stopped capture returns the same capture.",
			acting("Stop capturing", false), func(ctx context.Context, a api.StopCaptureArgs) (api.StopResult, error) { return stop(ctx, r, a) }),
		typed(api.ClearCapture, "Drop what the session's running capture holds so far and keep capturing (a stopped capture is kept as it is).",
			acting("Clear the capture", true), bySession[api.SessionArgs, api.ClearResult](r, api.ClearCapture, sessionOf)),
		typed(api.ListCaptures, "List the captures the connected browsers hold, running or stopped, including ones a person started from the extension's popup, each with a sessionId usable with the other tools.",
			readOnly("List captures"), func(ctx context.Context, _ api.None) (api.ListCapturesResult, error) { return listCaptures(ctx, r) }),
		typed(api.CloseSession, "End a session: stops and detaches a running capture. A capture already taken stays readable with its sessionId.",
			acting("Close a session", false), bySession[api.SessionArgs, api.CloseSessionResult](r, api.CloseSession, sessionOf)),
		typed(api.GetCaptureData, "Read a page of a capture's records (running or stopped), filtered by urlFilter, method, status, resourceType or kind, with offset and limit. Use it on captures too large to return at once.",
			readOnly("Read capture records"), func(ctx context.Context, a api.GetDataArgs) (api.GetDataResult, error) { return getData(ctx, r, a) }),
		typed(api.GetRequest, "Everything known about one request: request, response with body, redirect hops, WebSocket frames or stream messages.",
			readOnly("Read one request"), bySession[api.GetRequestArgs, api.RequestDetail](r, api.GetRequest, func(a api.GetRequestArgs) string { return a.SessionID })),
	}
}

func sessionOf(a api.SessionArgs) string { return a.SessionID }

// typed builds a tool whose arguments and result are Go types: their JSON
// schemas become the tool's input and output schemas, the result becomes
// structured content plus a text rendering, and an error becomes a tool
// error with the error's sentence.
func typed[A, R any](name, description string, ann mcp.ToolOption, fn func(context.Context, A) (R, error)) definition {
	tool := mcp.NewTool(name, mcp.WithDescription(description), ann,
		mcp.WithInputSchema[A](), mcp.WithOutputSchema[R]())
	tool.RawInputSchema = plainTypes(tool.RawInputSchema)
	return definition{tool: tool, handler: func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		var args A
		if err := bindArgs(req, &args); err != nil {
			return mcp.NewToolResultError(fmt.Sprintf("invalid arguments for %s: %v", name, err)), nil
		}
		res, err := fn(ctx, args)
		if err != nil {
			return mcp.NewToolResultError(err.Error()), nil
		}
		return mcp.NewToolResultStructured(res, render(name, res)), nil
	}}
}

// nullableType matches a type list of a JSON type and "null", in either
// order, as optional pointer fields come out of the schema generator.
var nullableType = regexp.MustCompile(`"type":\["null","(\w+)"\]|"type":\["(\w+)","null"\]`)

// plainTypes rewrites an input schema's `"type": ["null", T]` as
// `"type": T`: an optional argument is simply left out, and some clients'
// function-calling converters refuse type lists. It works on the text so
// that the properties keep their order.
func plainTypes(schema json.RawMessage) json.RawMessage {
	return nullableType.ReplaceAll(schema, []byte(`"type":"$1$2"`))
}

// bindArgs decodes a call's arguments strictly: an unknown argument is an
// error that names it, so a misspelt option is not silently ignored.
func bindArgs(req mcp.CallToolRequest, into any) error {
	raw, err := json.Marshal(req.GetRawArguments())
	if err != nil {
		return err
	}
	if string(raw) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return explainJSON(err)
	}
	return nil
}

// bySession forwards a call to the daemon holding its session.
func bySession[A, R any](r router, method string, id func(A) string) func(context.Context, A) (R, error) {
	return func(ctx context.Context, a A) (R, error) {
		var res R
		d, err := r.bySession(ctx, id(a))
		if err != nil {
			return res, err
		}
		return res, d.Call(ctx, method, a, &res)
	}
}

func listTabs(ctx context.Context, r router) (api.ListTabsResult, error) {
	ds, err := r.all(ctx)
	if err != nil {
		return api.ListTabsResult{}, err
	}
	out := api.ListTabsResult{Tabs: []api.Tab{}, Browsers: []string{}}
	for _, d := range ds {
		var one api.ListTabsResult
		if err := d.Call(ctx, api.ListTabs, api.None{}, &one); err != nil {
			if len(ds) == 1 {
				return api.ListTabsResult{}, err
			}
			continue
		}
		out.Tabs = append(out.Tabs, one.Tabs...)
		out.Browsers = append(out.Browsers, one.Browsers...)
	}
	return out, nil
}

func listCaptures(ctx context.Context, r router) (api.ListCapturesResult, error) {
	ds, err := r.all(ctx)
	if err != nil {
		return api.ListCapturesResult{}, err
	}
	out := api.ListCapturesResult{Captures: []api.CaptureInfo{}}
	for _, d := range ds {
		var one api.ListCapturesResult
		if err := d.Call(ctx, api.ListCaptures, api.None{}, &one); err != nil {
			if len(ds) == 1 {
				return api.ListCapturesResult{}, err
			}
			continue
		}
		out.Captures = append(out.Captures, one.Captures...)
		out.Evicted += one.Evicted
	}
	return out, nil
}
