package ops

import (
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/urlmatch"
)

// Descriptions of arguments several tools share.
var (
	sessionIDText      = "The session id from initialize_session or list_captures, e.g. s-3f2a-1."
	captureIDText      = "One of the session's captures, by the captureId start_network_capture or list_captures gave; the latest by default. A new capture keeps the previous ones readable."
	maxResultBytesText = fmt.Sprintf("Most bytes this result may take, text and structured content together (default %d, from %d to %d). Larger captures are paged, never cut silently.",
		api.ResultBytes.Default, api.ResultBytes.Min, api.ResultBytes.Max)
	urlFilterText = fmt.Sprintf("Keep only URLs containing this substring, or matching it when written as /regex/ (Go RE2 syntax), e.g. /api\\/v[12]\\//. At most %d characters.", urlmatch.MaxFilterLen)
)

func sessionParam() mcp.ToolOption {
	return mcp.WithString("sessionId", mcp.Required(), mcp.Description(sessionIDText))
}

func captureParam() mcp.ToolOption {
	return mcp.WithString("captureId", mcp.Description(captureIDText))
}

func maxResultParam() mcp.ToolOption {
	return bounded("maxResultBytes", maxResultBytesText, api.ResultBytes)
}

// bounded is an integer argument whose schema says b's minimum and
// maximum.
func bounded(name, description string, b api.Bound) mcp.ToolOption {
	opts := []mcp.PropertyOption{mcp.Description(description), mcp.Min(float64(b.Min))}
	if b.Max > 0 {
		opts = append(opts, mcp.Max(float64(b.Max)))
	}
	return mcp.WithInteger(name, opts...)
}

// limitText says a bound's default and maximum, for a description.
func limitText(b api.Bound) string {
	return fmt.Sprintf("(default %d, at most %d)", b.Default, b.Max)
}
