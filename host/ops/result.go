package ops

import (
	"encoding/json"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/shape"
)

// maxShapes bounds how many times one result is shaped.
const maxShapes = 6

// overshot is told of each shape of a result that came out too large;
// tests watch it.
var overshot = func(tool string, size, total int) {}

// fit makes the result of v within total bytes, its text and structured
// content together as the client receives them. The text repeats the JSON
// after the headline, escaped as a JSON string: when that costs more than
// the share the first shape assumed, v is shaped again, smaller. Shaping
// is pure; the operation is not run again.
func (e *entry[A, V, R]) fit(v V, total int) (*mcp.CallToolResult, error) {
	share := shape.Share(total)
	for try := 1; ; try++ {
		r, err := e.shape(v, share)
		if err != nil {
			return nil, err
		}
		out, err := render(e.Headline(r), r)
		if err != nil {
			return nil, err
		}
		n := shape.Size(out)
		if n <= total || e.Shape == nil || try == maxShapes {
			return out, nil
		}
		overshot(e.Spec.Name, n, total)
		share = max(share*total/n*95/100, 256)
	}
}

func (e *entry[A, V, R]) shape(v V, budget int) (R, error) {
	if e.Shape == nil {
		return any(v).(R), nil
	}
	r, err := e.Shape(v, budget)
	return r, argumentError(err)
}

// render is a result as the client receives it: the structured content,
// and as text the headline, then the same JSON (not escaped for HTML, so
// that a body's "<" stays "<").
func render(headline string, r any) (*mcp.CallToolResult, error) {
	structured, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encoding the result: %w", err)
	}
	text, err := api.Encode(r, false)
	if err != nil {
		return nil, fmt.Errorf("encoding the result: %w", err)
	}
	return &mcp.CallToolResult{
		Content:              []mcp.Content{mcp.NewTextContent(headline + "\n\n" + string(text))},
		StructuredContent:    json.RawMessage(structured),
		RawStructuredContent: structured,
	}, nil
}
