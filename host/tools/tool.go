package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/shape"
)

// tool is one MCP tool and its handler.
type tool struct {
	tool    mcp.Tool
	handler server.ToolHandlerFunc
}

// spec is what a tool file declares.
type spec[A, R any] struct {
	name, title, description string
	// readOnly tools only read; writes tools change something (a tab, a
	// capture, a file); destructive ones may lose data or replace a file.
	readOnly, destructive bool
	params                []mcp.ToolOption
	// run does the work; share is how many bytes of JSON the result's
	// structured content may take.
	run func(ctx context.Context, a A, share int) (R, error)
	// headline is the first line of the text: a sentence for the reader.
	headline func(R) string
}

// define builds the tool a spec declares. Arguments decode strictly (an
// unknown or misspelt argument is an error that names it). The result
// goes out as structured content and as text (the headline, then the same
// JSON), both together within the caller's maxResultBytes (default
// api.DefaultResultBytes).
func define[A, R any](s spec[A, R]) tool {
	opts := []mcp.ToolOption{
		mcp.WithDescription(s.description),
		mcp.WithToolAnnotation(mcp.ToolAnnotation{
			Title: s.title, ReadOnlyHint: mcp.ToBoolPtr(s.readOnly), DestructiveHint: mcp.ToBoolPtr(s.destructive),
			IdempotentHint: mcp.ToBoolPtr(s.readOnly), OpenWorldHint: mcp.ToBoolPtr(false),
		}),
	}
	t := mcp.NewTool(s.name, append(opts, s.params...)...)
	return tool{tool: t, handler: func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		var args A
		if err := checkEnums(t, req); err != nil {
			return mcp.NewToolResultError(fmt.Sprintf("invalid arguments for %s: %v", s.name, err)), nil
		}
		if err := bindArgs(req, &args); err != nil {
			return mcp.NewToolResultError(fmt.Sprintf("invalid arguments for %s: %v", s.name, err)), nil
		}
		total := api.DefaultResultBytes
		if l, ok := any(args).(interface{ ResultLimit() *int }); ok && l.ResultLimit() != nil {
			total = *l.ResultLimit()
			if total < api.MinResultBytes || total > api.MaxResultBytes {
				return mcp.NewToolResultError(fmt.Sprintf("invalid arguments for %s: maxResultBytes must be between %d and %d, not %d",
					s.name, api.MinResultBytes, api.MaxResultBytes, total)), nil
			}
		}
		share := api.StructuredShare(total)
		var out *mcp.CallToolResult
		// The text repeats the JSON, escaped: a result whose escaping costs
		// more than expected is asked for again, smaller.
		for range 4 {
			res, err := s.run(ctx, args, share)
			if err != nil {
				return mcp.NewToolResultError(err.Error()), nil
			}
			out = mcp.NewToolResultStructured(res, render(s.headline(res), res))
			n := shape.Size(out) // as the client receives it
			if n <= total {
				break
			}
			share = max(share*total/n*95/100, 256)
		}
		return out, nil
	}}
}

// withLimit sets the structured share in arguments that take a
// maxResultBytes, for the daemon.
func withLimit(share int) *int { return &share }

// render is a result's text: the headline, then its JSON (not escaped
// for HTML, so a body's "<" stays "<").
func render(headline string, res any) string {
	b, err := api.Encode(res, false)
	if err != nil {
		return fmt.Sprintf("%s\n\n(the result could not be encoded: %v)", headline, err)
	}
	return headline + "\n\n" + string(b)
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

// checkEnums refuses a string argument whose schema lists the values it
// may take when the call gives another, in the schema's own words.
func checkEnums(t mcp.Tool, req mcp.CallToolRequest) error {
	var args map[string]any
	raw, err := json.Marshal(req.GetRawArguments())
	if err != nil || json.Unmarshal(raw, &args) != nil {
		return nil // bindArgs says what is wrong
	}
	for name, v := range args {
		prop, _ := t.InputSchema.Properties[name].(map[string]any)
		values, _ := prop["enum"].([]string)
		got, isString := v.(string)
		if len(values) == 0 || !isString || slices.Contains(values, got) {
			continue
		}
		return fmt.Errorf("%s must be %s, not %q", name, oneOf(values), got)
	}
	return nil
}

// oneOf lists values for a sentence: "a", "a or b", "a, b or c".
func oneOf(values []string) string {
	if len(values) == 1 {
		return values[0]
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

// forward runs one operation on the daemon that holds a session.
func forward[A, R any](ctx context.Context, r router, method, session string, a A) (R, error) {
	var res R
	d, err := r.bySession(ctx, session)
	if err != nil {
		return res, err
	}
	return res, d.Call(ctx, method, a, &res)
}

// Descriptions of arguments several tools share.
const (
	sessionIDText      = "The session id from initialize_session or list_captures, e.g. s-3f2a-1."
	captureIDText      = "One of the session's captures, by the captureId start_network_capture or list_captures gave; the latest by default. A new capture keeps the previous ones readable."
	maxResultBytesText = "Most bytes this result may take, text and structured content together (default 80000, from 4000 to 16777216). Larger captures are paged, never cut silently."
	urlFilterText      = "Keep only URLs containing this substring, or matching it when written as /regex/ (Go RE2 syntax), e.g. /api\\/v[12]\\//. At most 1024 characters."
)

func sessionParam() mcp.ToolOption {
	return mcp.WithString("sessionId", mcp.Required(), mcp.Description(sessionIDText))
}

func maxResultParam() mcp.ToolOption {
	return mcp.WithInteger("maxResultBytes", mcp.Description(maxResultBytesText), mcp.Min(api.MinResultBytes), mcp.Max(api.MaxResultBytes))
}
