package ops

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
)

// Route says which daemon serves a call.
type Route int

const (
	// BySession: the daemon holding the session the sessionId argument
	// names (session ids carry their daemon's tag).
	BySession Route = iota
	// ByTab: the daemon of the browser the arguments name, or of the
	// tab, or the one focused last (initialize_session).
	ByTab
	// Everyone: every daemon, their results merged (the list_* tools).
	Everyone
)

// Op is one operation of the registry, whatever its types.
type Op interface {
	// Name is the tool's name, and the operation's on the link.
	Name() string
	// Tool is the MCP tool: name, description, input schema, annotations.
	Tool() mcp.Tool
	// Route says which daemon serves a call.
	Route() Route
	// Check decodes a call's arguments as Serve will and says what is
	// wrong with them, so that a bad call is refused before it travels.
	Check(args json.RawMessage) error
	// Serve runs the operation once on b, in the daemon, and returns its
	// result fitted to the call's maxResultBytes: what the client gets.
	Serve(ctx context.Context, b Backend, args json.RawMessage) (*mcp.CallToolResult, error)
	// Merge combines what several daemons returned for one call (Route
	// Everyone) and fits it again; unreachable names the daemons that did
	// not answer, each with why.
	Merge(args json.RawMessage, parts []*mcp.CallToolResult, unreachable []string) (*mcp.CallToolResult, error)

	// types are the Go types of the arguments and of the result.
	types() (args, result reflect.Type)
}

// Spec declares one operation. A is its arguments, as the tool's input
// schema describes them; R its result, the structured content the client
// gets; V what Run produces and Shape turns into R.
type Spec[A, V, R any] struct {
	Name, Title string
	// Description is what the model reads: defaults and bounds come from
	// package api, never typed again here.
	Description string
	// ReadOnly operations only read; the others change something (a tab,
	// a capture, a file). Destructive ones may lose data or replace a
	// file.
	ReadOnly, Destructive bool
	// OpenWorld operations reach beyond the browser's tabs and the
	// captures: send_request sends to a real site, as the person.
	OpenWorld bool
	// Params are the input schema's properties, one per field of A: the
	// registry test holds them to A.
	Params []mcp.ToolOption
	Route  Route
	// Run does the work, once per call: every side effect (a stop, a
	// wait, a file written) happens here.
	Run func(ctx context.Context, b Backend, a A) (V, error)
	// Shape makes the result from what Run produced, within budget bytes
	// of structured JSON. It must be pure: it runs again, with a smaller
	// budget, when the whole result comes out too large. Nil when V is R
	// and small whatever happens.
	Shape func(v V, budget int) (R, error)
	// Headline is the first line of the result's text: a sentence for the
	// reader.
	Headline func(R) string
	// Merge combines the results of several daemons (Route Everyone).
	Merge func(parts []R, unreachable []string) V
}

// entry is a Spec with its MCP tool built.
type entry[A, V, R any] struct {
	Spec[A, V, R]
	tool mcp.Tool
}

// New makes an Op of a Spec. It panics on a Spec that cannot work (the
// registry's variables are built at start-up, and its test runs them).
func New[A, V, R any](s Spec[A, V, R]) Op {
	if s.Run == nil || s.Headline == nil || s.Name == "" || s.Title == "" || s.Description == "" {
		panic(fmt.Sprintf("ops: %s lacks a name, title, description, Run or Headline", s.Name))
	}
	if s.Shape == nil && reflect.TypeFor[V]() != reflect.TypeFor[R]() {
		panic(fmt.Sprintf("ops: %s has no Shape to make its result of what Run returns", s.Name))
	}
	if (s.Route == Everyone) != (s.Merge != nil) {
		panic(fmt.Sprintf("ops: %s: Merge goes with Route Everyone", s.Name))
	}
	opts := []mcp.ToolOption{
		mcp.WithDescription(s.Description),
		mcp.WithToolAnnotation(mcp.ToolAnnotation{
			Title: s.Title, ReadOnlyHint: mcp.ToBoolPtr(s.ReadOnly), DestructiveHint: mcp.ToBoolPtr(s.Destructive),
			IdempotentHint: mcp.ToBoolPtr(s.ReadOnly), OpenWorldHint: mcp.ToBoolPtr(s.OpenWorld),
		}),
	}
	return &entry[A, V, R]{Spec: s, tool: mcp.NewTool(s.Name, append(opts, s.Params...)...)}
}

func (e *entry[A, V, R]) Name() string   { return e.Spec.Name }
func (e *entry[A, V, R]) Tool() mcp.Tool { return e.tool }
func (e *entry[A, V, R]) Route() Route   { return e.Spec.Route }

func (e *entry[A, V, R]) types() (reflect.Type, reflect.Type) {
	return reflect.TypeFor[A](), reflect.TypeFor[R]()
}

func (e *entry[A, V, R]) Check(raw json.RawMessage) error {
	_, _, err := e.decode(raw)
	return err
}

func (e *entry[A, V, R]) Serve(ctx context.Context, b Backend, raw json.RawMessage) (*mcp.CallToolResult, error) {
	a, total, err := e.decode(raw)
	if err != nil {
		return nil, err
	}
	v, err := e.Run(ctx, b, a)
	if err != nil {
		return nil, err
	}
	return e.fit(v, total)
}

func (e *entry[A, V, R]) Merge(raw json.RawMessage, parts []*mcp.CallToolResult, unreachable []string) (*mcp.CallToolResult, error) {
	if e.Spec.Merge == nil {
		return nil, fmt.Errorf("%s is served by one browser at a time", e.Spec.Name)
	}
	_, total, err := e.decode(raw)
	if err != nil {
		return nil, err
	}
	rs := make([]R, 0, len(parts))
	for _, p := range parts {
		var r R
		if err := json.Unmarshal(p.RawStructuredContent, &r); err != nil {
			return nil, fmt.Errorf("reading a browser's answer to %s: %w", e.Spec.Name, err)
		}
		rs = append(rs, r)
	}
	return e.fit(e.Spec.Merge(rs, unreachable), total)
}

// decode reads a call's arguments strictly and its maxResultBytes.
func (e *entry[A, V, R]) decode(raw json.RawMessage) (a A, total int, err error) {
	defer func() {
		if err != nil {
			err = api.Errorf(api.CodeInvalid, "invalid arguments for %s: %v", e.Spec.Name, err)
		}
	}()
	if err := checkEnums(e.tool, raw); err != nil {
		return a, 0, err
	}
	if err := strict(raw, &a); err != nil {
		return a, 0, err
	}
	total, err = resultLimit(raw)
	return a, total, err
}
