package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/capture"
	"github.com/tabtap/tabtap/host/ops"
)

// fakeDaemon is a browser profile whose tools run as a daemon runs them
// (package ops) over a fake backend: what the daemon itself would say
// (its tabs, sessions, statuses) comes from a table of answers, and its
// captures are sample data (hold).
type fakeDaemon struct {
	label, tag string
	ops        map[string]func(params json.RawMessage) (any, error)
	held       map[string]*capture.Capture // by session id
	// down, when set, is how every call fails: a daemon that does not
	// answer.
	down error
	// old answers as a daemon of an older tabtap: the tool's bare result.
	old bool

	mu    sync.Mutex
	calls []string // "method params", in order
}

func newFakeDaemon(tag string) *fakeDaemon {
	return &fakeDaemon{label: "Chromium 156 (" + tag + ")", tag: tag, ops: map[string]func(json.RawMessage) (any, error){},
		held: map[string]*capture.Capture{}}
}

func (d *fakeDaemon) Label() string { return d.label }
func (d *fakeDaemon) Tag() string   { return d.tag }

// Call goes through JSON both ways, as the link does.
func (d *fakeDaemon) Call(ctx context.Context, method string, params, result any) error {
	p, err := json.Marshal(params)
	if err != nil {
		return err
	}
	d.mu.Lock()
	d.calls = append(d.calls, method+" "+string(p))
	down := d.down
	d.mu.Unlock()
	if down != nil {
		return down
	}
	var res any
	if op, ok := ops.Find(method); ok && !d.old {
		res, err = op.Serve(ctx, fakeBackend{d, p}, p)
	} else {
		res, err = d.answerTo(method, p)
	}
	if err != nil {
		return err
	}
	b, err := json.Marshal(res)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, result)
}

func (d *fakeDaemon) answerTo(method string, params json.RawMessage) (any, error) {
	d.mu.Lock()
	op := d.ops[method]
	d.mu.Unlock()
	if op == nil {
		return nil, api.Errorf(api.CodeInvalid, "fake daemon %s: no %s", d.tag, method)
	}
	return op(params)
}

func (d *fakeDaemon) called() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.calls...)
}

// answer makes the daemon answer res to method, or to the part of the
// tool of that name that the daemon itself decides (ops.Backend).
func (d *fakeDaemon) answer(method string, res any) *fakeDaemon {
	d.ops[method] = func(json.RawMessage) (any, error) { return res, nil }
	return d
}

// hold makes the daemon hold data as the stopped capture of session.
func (d *fakeDaemon) hold(session string, data api.Data) {
	opts := api.Defaults()
	opts.RedactSecrets = false // sample data has no secrets: no need to scrub it
	d.held[session] = capture.Restore(capture.Saved{ID: "capture_" + d.tag + "_2", Options: opts, MainTab: 7,
		Start: t0, End: t0.Add(1500 * time.Millisecond), Data: data,
		Dropped: api.Dropped{Bodies: 1, Reasons: []string{"bodies: the capture's byte budget was spent"}}})
}

// fakeBackend is the daemon as a call's operation sees it: answers from
// the table, given the call's params, and the captures held.
type fakeBackend struct {
	d      *fakeDaemon
	params json.RawMessage
}

// answerAs is the table's answer to method, as a T.
func answerAs[T any](b fakeBackend, method string) (T, error) {
	var out T
	res, err := b.d.answerTo(method, b.params)
	if err != nil {
		return out, err
	}
	raw, err := json.Marshal(res)
	if err != nil {
		return out, err
	}
	return out, json.Unmarshal(raw, &out)
}

func (b fakeBackend) ListTabs(context.Context) (api.ListTabsResult, error) {
	return answerAs[api.ListTabsResult](b, api.ListTabs)
}
func (b fakeBackend) InitializeSession(context.Context, api.InitializeSessionArgs) (api.Session, error) {
	return answerAs[api.Session](b, api.InitializeSession)
}
func (b fakeBackend) StartCapture(context.Context, api.StartCaptureArgs) (api.StartCaptureResult, error) {
	return answerAs[api.StartCaptureResult](b, api.StartCapture)
}
func (b fakeBackend) Status(string) (api.StatusResult, error) {
	return answerAs[api.StatusResult](b, api.CaptureStatus)
}
func (b fakeBackend) Clear(string) (api.ClearResult, error) {
	return answerAs[api.ClearResult](b, api.ClearCapture)
}
func (b fakeBackend) ListCaptures() api.ListCapturesResult {
	r, _ := answerAs[api.ListCapturesResult](b, api.ListCaptures)
	return r
}
func (b fakeBackend) CloseSession(string) (api.CloseSessionResult, error) {
	return answerAs[api.CloseSessionResult](b, api.CloseSession)
}
func (b fakeBackend) Capture(id, captureID string) (ops.Held, error) {
	c := b.d.held[id]
	if c == nil || (captureID != "" && captureID != c.ID()) {
		return ops.Held{}, api.Errorf(api.CodeNotFound, "session %s not found", id)
	}
	return ops.Held{SessionID: id, Capture: c}, nil
}
func (b fakeBackend) Stop(c *capture.Capture) { c.Stop("") }
func (b fakeBackend) Version() string         { return "test" }
func (b fakeBackend) SendRequest(context.Context, api.SendRequestArgs) (ops.Sent, error) {
	return answerAs[ops.Sent](b, api.SendRequest)
}

type fakePool struct{ daemons []Daemon }

func (b fakePool) Daemons(context.Context) ([]Daemon, error) { return b.daemons, nil }
func (b fakePool) Where() string                             { return "/run/user/1000/tabtap" }

// mcpSession is an MCP client on an in-process server over fake daemons. It
// checks that every result stays within its budget.
type mcpSession struct {
	t     *testing.T
	c     *client.Client
	tools []mcp.Tool
}

func connect(t *testing.T, daemons ...*fakeDaemon) *mcpSession {
	t.Helper()
	var ds []Daemon
	for _, d := range daemons {
		ds = append(ds, d)
	}
	c, err := client.NewInProcessClient(NewServer(fakePool{ds}, "test"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "tools-test", Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	list, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	return &mcpSession{t: t, c: c, tools: list.Tools}
}

// field is one field of a tool's JSON, as clients receive it.
func field(t *testing.T, tool mcp.Tool, name string) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(tool)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m[name]
}

// call calls a tool. A successful result must carry structured content,
// and fit its budget: maxResultBytes, or the default, over everything the
// client receives.
func (s *mcpSession) call(name string, args any) *mcp.CallToolResult {
	s.t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	res, err := s.c.CallTool(context.Background(), req)
	if err != nil {
		s.t.Fatalf("%s: %v", name, err)
	}
	if res.IsError {
		return res
	}
	if res.StructuredContent == nil {
		s.t.Fatalf("%s returned no structured content", name)
	}
	budget := api.DefaultResultBytes
	if m, ok := args.(map[string]any); ok {
		if n, ok := m["maxResultBytes"].(int); ok {
			budget = n
		}
	}
	if n := size(res); n > budget {
		s.t.Errorf("%s: the result takes %d bytes, over its budget of %d", name, n, budget)
	}
	return res
}

// size is the length of v's JSON, as the client receives it.
func size(v any) int {
	b, _ := json.Marshal(v)
	return len(b)
}

func structured(t *testing.T, res *mcp.CallToolResult) []byte {
	t.Helper()
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ok calls a tool that must succeed and decodes its structured result
// into out (when not nil). It returns the result's JSON.
func (s *mcpSession) ok(name string, args, out any) []byte {
	s.t.Helper()
	res := s.call(name, args)
	if res.IsError {
		s.t.Fatalf("%s(%v) failed: %s", name, args, text(res))
	}
	doc := structured(s.t, res)
	if out != nil {
		if err := json.Unmarshal(doc, out); err != nil {
			s.t.Fatal(err)
		}
	}
	return doc
}

// fails calls a tool that must fail and returns its error sentence.
func (s *mcpSession) fails(name string, args any) string {
	s.t.Helper()
	res := s.call(name, args)
	if !res.IsError {
		s.t.Fatalf("%s(%v) succeeded, want an error: %s", name, args, text(res))
	}
	return text(res)
}

func text(res *mcp.CallToolResult) string {
	var parts []string
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			parts = append(parts, tc.Text)
		} else {
			parts = append(parts, fmt.Sprint(c))
		}
	}
	return strings.Join(parts, "\n")
}

// t0 is when the sample captures start.
var t0 = time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC)

// sampleData is a capture of n requests, each answered, with bodies of
// bodySize(i) bytes, a few WebSocket frames and two streams. Every
// optional field that a real capture can fill is filled somewhere.
func sampleData(n int, bodySize func(i int) int) api.Data {
	d := api.Data{}
	line := 12.0
	for i := range n {
		id := fmt.Sprintf("r%d", i)
		at := t0.Add(time.Duration(i) * time.Millisecond)
		src := api.Source{TabID: 7, Target: "page"}
		req := api.Request{RequestID: id, URL: fmt.Sprintf("https://app.test/api/%d", i), Method: "GET",
			Headers: map[string]string{"Accept": "*/*"}, ResourceType: "Fetch", Timestamp: at, FrameID: "F1",
			Initiator: &api.Initiator{Type: "script", URL: "https://app.test/app.js", LineNumber: &line}, Source: src}
		if i%4 == 1 {
			req.Method, req.PostData = "POST", `{"q":1}`
		}
		d.Requests = append(d.Requests, req)
		resp := api.Response{RequestID: id, URL: req.URL, Status: 200, StatusText: "OK",
			Headers: map[string]string{"Content-Type": "application/json"}, MimeType: "application/json",
			RemoteAddress: "127.0.0.1:8080", Protocol: "http/1.1", EncodedDataLength: 300,
			Timing:    &api.Timing{Blocked: 1, DNS: -1, Connect: -1, SSL: -1, Send: 0.5, Wait: 10, Receive: 2, Total: 13.5},
			Body:      strings.Repeat("b", bodySize(i)),
			Timestamp: at.Add(20 * time.Millisecond), Source: src}
		if i == 3 {
			resp.Body, resp.BodyBase64 = "", "AAEC"
		}
		d.Responses = append(d.Responses, resp)
	}
	closed := t0.Add(time.Second)
	d.Requests = append(d.Requests, api.Request{RequestID: "ws1", URL: "wss://app.test/socket", Method: "GET",
		Headers: map[string]string{}, ResourceType: "WebSocket", Timestamp: t0, Source: api.Source{TabID: 7, Target: "page"}})
	d.Responses = append(d.Responses, api.Response{RequestID: "ws1", URL: "wss://app.test/socket", Status: 101,
		Headers: map[string]string{"Upgrade": "websocket"}, Timestamp: t0, WebSocket: &api.WebSocketState{Closed: true, ClosedAt: &closed}},
		api.Response{RequestID: "gone", URL: "https://down.test/", Headers: map[string]string{}, Timestamp: t0,
			Failed: true, ErrorText: "net::ERR_NAME_NOT_RESOLVED"})
	for i := range 4 {
		dir := "sent"
		if i%2 == 1 {
			dir = "received"
		}
		d.WSFrames = append(d.WSFrames, api.WSFrame{RequestID: "ws1", URL: "wss://app.test/socket", Direction: dir,
			Opcode: 1, Payload: fmt.Sprintf(`{"n":%d}`, i), Length: 7, Timestamp: t0.Add(time.Duration(i) * time.Second),
			Source: api.Source{TabID: 7, Target: "page"}})
	}
	d.StreamingResponses = []api.StreamingResponse{
		{RequestID: "es1", URL: "https://app.test/events", Kind: "eventsource", Complete: true, Timestamp: t0,
			Messages: []api.StreamMessage{{Timestamp: t0, EventName: "tick", EventID: "1", Data: "one"}},
			Source:   api.Source{TabID: 7, Target: "page"}},
		{RequestID: "ch1", URL: "https://app.test/stream", Kind: "chunked", Timestamp: t0,
			Chunks: []api.StreamChunk{{Timestamp: t0, Data: "part", Length: 4}, {Timestamp: t0, DataBase64: "/w==", Length: 1}},
			Source: api.Source{TabID: 7, Target: "child", TargetID: "T9"}},
	}
	return d
}

func summaryOf(d api.Data) api.Summary {
	return api.Summary{TotalRequests: len(d.Requests), TotalResponses: len(d.Responses),
		TotalWsFrames: len(d.WSFrames), StreamingResponses: len(d.StreamingResponses)}
}
