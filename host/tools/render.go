package tools

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/tabtap/tabtap/host/api"
)

// explainJSON turns a decoding error into a sentence about the argument.
func explainJSON(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		// Field names embedded structs by their Go names
		// ("Settings.maxBodyBytes"); arguments are flat, so the last
		// element is the argument.
		name := te.Field[strings.LastIndex(te.Field, ".")+1:]
		if name == "" {
			name = "the arguments"
		}
		return fmt.Errorf("%s must be %s, not %s", name, jsonType(te.Type.Kind().String()), jsonValue(te.Value))
	}
	if msg, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return fmt.Errorf("unknown argument %s", msg)
	}
	return err
}

func jsonType(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"):
		return "an integer"
	case strings.HasPrefix(kind, "float"):
		return "a number"
	case kind == "bool":
		return "a boolean"
	case kind == "string":
		return "a string"
	case kind == "slice", kind == "array":
		return "a list"
	case kind == "struct", kind == "map", kind == "ptr":
		return "an object"
	}
	return kind
}

// jsonValue says what encoding/json found instead: "string", "number",
// "number 2.5", "bool", "array", "object".
func jsonValue(v string) string {
	switch v {
	case "string", "number":
		return "a " + v
	case "bool":
		return "a boolean"
	case "array":
		return "a list"
	case "object":
		return "an object"
	}
	if n, ok := strings.CutPrefix(v, "number "); ok {
		return n
	}
	return v
}

// render is a tool result's text: a sentence for a person, then the JSON
// for clients that read text only.
func render(tool string, res any) string {
	b, err := api.Encode(res, false)
	if err != nil {
		return fmt.Sprintf("%s: could not encode the result: %v", tool, err)
	}
	return headline(res) + "\n\n" + string(b)
}

func headline(res any) string {
	switch r := res.(type) {
	case api.ListTabsResult:
		return fmt.Sprintf("%d tabs in %s.", len(r.Tabs), strings.Join(r.Browsers, ", "))
	case api.Session:
		return fmt.Sprintf("Session %s is tab %d (%s). Call start_network_capture to capture it.", r.SessionID, r.TabID, r.URL)
	case api.StartCaptureResult:
		return fmt.Sprintf("Capturing tab %d as %s since %s.", r.TabID, r.CaptureID, r.StartTime.Format("15:04:05"))
	case api.StatusResult:
		return fmt.Sprintf("Capture %s is %s: %d requests, %d responses, %d WebSocket frames, %d streaming responses.",
			r.CaptureID, r.Status, r.CurrentStats.Requests, r.CurrentStats.Responses, r.CurrentStats.WSFrames, r.CurrentStats.StreamingResponses)
	case api.StopResult:
		s := fmt.Sprintf("Capture %s: %d requests, %d responses, %d WebSocket frames, %d streaming responses in %.1f s.",
			r.CaptureID, r.Summary.TotalRequests, r.Summary.TotalResponses, r.Summary.TotalWsFrames, r.Summary.StreamingResponses, float64(r.Duration)/1000)
		if r.EndReason != "" {
			s += " It ended because " + r.EndReason + "."
		}
		if n := r.Dropped.Total(); n > 0 {
			s += fmt.Sprintf(" %d items were dropped to stay within limits (see dropped).", n)
		}
		if r.OutputPath != "" {
			s += fmt.Sprintf(" Written to %s (%d bytes).", r.OutputPath, r.BytesWritten)
		}
		if r.Truncated != nil {
			s += " The data below was cut to fit maxResultBytes (see truncated)."
		}
		return s
	case api.ClearResult:
		return fmt.Sprintf("Cleared %d requests from %s; still %s.", r.Cleared.TotalRequests, r.CaptureID, r.Status)
	case api.ListCapturesResult:
		return fmt.Sprintf("%d captures.", len(r.Captures))
	case api.CloseSessionResult:
		return fmt.Sprintf("Session %s closed.", r.SessionID)
	case api.GetDataResult:
		return fmt.Sprintf("Records %d.. of capture %s (totals: %d requests, %d responses, %d frames, %d streams).",
			r.Offset, r.CaptureID, r.Totals.TotalRequests, r.Totals.TotalResponses, r.Totals.TotalWsFrames, r.Totals.StreamingResponses)
	case api.RequestDetail:
		if r.Request != nil {
			return fmt.Sprintf("%s %s", r.Request.Method, r.Request.URL)
		}
	}
	return "Done."
}
