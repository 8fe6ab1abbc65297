package daemon

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/extension"
	"github.com/tabtap/tabtap/host/mcplink"
	"github.com/tabtap/tabtap/host/nativemsg"
	"github.com/tabtap/tabtap/host/ops"
	"github.com/tabtap/tabtap/host/rpc"
)

// wait bounds every wait of these tests.
const wait = 5 * time.Second

// fakeExtension speaks the relay protocol as the extension's service
// worker does: it answers tabs.* and debugger.* from a table of tabs,
// sends notifications, calls the popup's ui.* requests, and reassembles
// chunked messages.
type fakeExtension struct {
	t  *testing.T
	w  *nativemsg.Writer // the daemon's stdin
	in io.Closer         // closing it closes the port

	mu       sync.Mutex
	tabs     map[int64]extension.Tab
	active   int64
	focused  int64 // tabs.active's focusedAt
	attached map[int64]bool
	bodies   map[string]string  // response bodies by CDP request id
	requests []string           // "method tabId" of each request from the daemon
	state    extension.State    // the last state notification
	welcome  *extension.Welcome // the daemon's answer to hello
	replies  map[int64]chan extension.Message
	nextID   int64
	streams  map[int64]*bytes.Buffer
	held     map[string]chan struct{} // requests (or CDP commands) that wait to be released
	fetched  []extension.Fetch        // the tabs.fetch requests, in order
	// readBodies is each tab's debugger.bodies; with readsBodies set, load
	// reads the bodies of such a tab as the service worker does, and sends
	// them after their loadingFinished.
	readBodies  map[int64]int
	readsBodies bool
}

// rig is a daemon run over a fake extension, with an MCP-side client.
type rig struct {
	t      *testing.T
	ext    *fakeExtension
	client *mcplink.Client
	dir    string
	done   chan error // Run's result
	d      atomic.Pointer[Daemon]
}

// daemon is the daemon under test.
func (r *rig) daemon() *Daemon { return r.d.Load() }

// start runs a daemon for a profile with tabs 1 (active), 2, and 3 (a
// browser page that cannot be debugged).
func start(t *testing.T) *rig {
	t.Helper()
	return startWith(t, extension.Hello{ProtocolVersion: extension.ProtocolVersion, ExtensionID: "ext", ExtensionVersion: "1", Browser: "Chromium 156", ProfileID: "profile-1"})
}

// startWith is start with the extension introducing itself with hello.
func startWith(t *testing.T, hello extension.Hello) *rig {
	t.Helper()
	parent, err := os.MkdirTemp("", "tt") // short: socket paths are limited
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(parent) })
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ext := &fakeExtension{
		t: t, w: nativemsg.NewWriter(inW, nativemsg.MaxFromBrowser), in: inW,
		tabs: map[int64]extension.Tab{
			1: {TabID: 1, WindowID: 1, Title: "App", URL: "https://app.test/", Active: true},
			2: {TabID: 2, WindowID: 1, Title: "Docs", URL: "https://docs.test/"},
			3: {TabID: 3, WindowID: 1, Title: "Settings", URL: "chrome://settings/"},
		},
		active: 1, attached: map[int64]bool{}, bodies: map[string]string{},
		replies: map[int64]chan extension.Message{}, streams: map[int64]*bytes.Buffer{}, held: map[string]chan struct{}{},
	}
	go ext.read(outR)
	r := &rig{t: t, ext: ext, dir: parent + "/run", done: make(chan error, 1)}
	go func() {
		r.done <- Run(context.Background(), inR, outW, Options{RuntimeDir: r.dir, Version: "test", Log: slog.New(slog.DiscardHandler), created: func(d *Daemon) { r.d.Store(d) }})
	}()
	ext.notify(extension.MethodHello, hello)
	var reg mcplink.Registration
	eventually(t, "the daemon registers", func() bool {
		regs, _ := mcplink.Discover(r.dir)
		if len(regs) == 1 {
			reg = regs[0]
		}
		return len(regs) == 1
	})
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if r.client, err = mcplink.Dial(ctx, reg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r.client.Close()
		r.ext.disconnect()
		r.stopped()
		outW.Close()
	})
	return r
}

// stopped waits for Run to return and returns its result.
func (r *rig) stopped() error {
	r.t.Helper()
	select {
	case err := <-r.done:
		r.done <- err
		return err
	case <-time.After(2 * wait):
		r.t.Fatal("the daemon did not stop")
	}
	return nil
}

// call runs an operation over the link; a tool's result is decoded from
// its structured content.
func (r *rig) call(method string, params, result any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*wait)
	defer cancel()
	if _, ok := ops.Find(method); !ok {
		return r.client.Call(ctx, method, params, result)
	}
	var res mcp.CallToolResult
	if err := r.client.Call(ctx, method, params, &res); err != nil || result == nil {
		return err
	}
	return json.Unmarshal(res.RawStructuredContent, result)
}

func (r *rig) must(method string, params, result any) {
	r.t.Helper()
	if err := r.call(method, params, result); err != nil {
		r.t.Fatalf("%s: %v", method, err)
	}
}

// fails runs an operation that must fail with code and returns its
// sentence.
func (r *rig) fails(method string, params any, code string) string {
	r.t.Helper()
	err := r.call(method, params, nil)
	var e *api.Error
	if !errors.As(err, &e) || e.Code != code {
		r.t.Fatalf("%s(%+v): got %v, want a %s error", method, params, err, code)
	}
	return e.Message
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(wait); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
	}
}

// send writes one frame: a extension.Message, or raw bytes.
func (x *fakeExtension) send(v any) {
	b, ok := v.([]byte)
	if !ok {
		var err error
		if b, err = json.Marshal(v); err != nil {
			panic(err)
		}
	}
	if err := x.w.Write(b); err != nil && !errors.Is(err, io.ErrClosedPipe) {
		x.t.Errorf("writing to the daemon: %v", err)
	}
}

func (x *fakeExtension) notify(method string, params any) {
	p, err := json.Marshal(params)
	if err != nil {
		panic(err)
	}
	x.send(extension.Message{Method: method, Params: p})
}

// disconnect closes the port, as a reloaded extension does.
func (x *fakeExtension) disconnect() { x.in.Close() }

// ui calls one of the popup's requests and decodes its result.
func (x *fakeExtension) ui(method string, params, result any) error {
	x.mu.Lock()
	x.nextID++
	id := x.nextID
	ch := make(chan extension.Message, 1)
	x.replies[id] = ch
	x.mu.Unlock()
	p, _ := json.Marshal(params)
	x.send(extension.Message{ID: id, Method: method, Params: p})
	select {
	case m := <-ch:
		if m.Error != nil {
			return m.Error
		}
		if result != nil {
			return json.Unmarshal(m.Result, result)
		}
		return nil
	case <-time.After(2 * wait):
		return fmt.Errorf("no answer to %s", method)
	}
}

// read handles what the daemon writes, reading with the browser's 1 MB cap.
func (x *fakeExtension) read(out io.Reader) {
	r := nativemsg.NewReader(out, nativemsg.MaxToBrowser)
	for {
		frame, err := r.Read()
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrClosedPipe) {
				x.t.Errorf("a frame from the daemon: %v", err)
			}
			return
		}
		x.handle(frame)
	}
}

func (x *fakeExtension) handle(frame []byte) {
	var m extension.Message
	if err := json.Unmarshal(frame, &m); err != nil {
		x.t.Errorf("the daemon wrote %q: %v", frame, err)
		return
	}
	switch {
	case m.Method == extension.MethodChunk:
		var c extension.Chunk
		if err := json.Unmarshal(m.Params, &c); err != nil {
			x.t.Errorf("chunk: %v", err)
			return
		}
		data, err := base64.StdEncoding.DecodeString(c.Data)
		if err != nil {
			x.t.Errorf("chunk: %v", err)
			return
		}
		x.mu.Lock()
		buf := x.streams[c.Stream]
		if buf == nil {
			buf = &bytes.Buffer{}
			x.streams[c.Stream] = buf
		}
		buf.Write(data)
		if c.Final {
			delete(x.streams, c.Stream)
		}
		x.mu.Unlock()
		if c.Final {
			x.handle(buf.Bytes())
		}
	case m.Method == extension.MethodWelcome:
		var w extension.Welcome
		if err := json.Unmarshal(m.Params, &w); err != nil {
			x.t.Errorf("welcome: %v", err)
		}
		x.mu.Lock()
		x.welcome = &w
		x.mu.Unlock()
	case m.Method == extension.MethodState:
		var st extension.State
		if err := json.Unmarshal(m.Params, &st); err != nil {
			x.t.Errorf("state: %v", err)
		}
		x.mu.Lock()
		x.state = st
		x.mu.Unlock()
	case m.Method != "" && m.ID != 0:
		// Answered concurrently, as chrome.* calls complete.
		go func() {
			res, err := x.answer(m.Method, m.Params)
			out := extension.Message{ID: m.ID}
			if err != nil {
				out.Error = rpc.AsError(err)
			} else {
				out.Result, _ = json.Marshal(res)
			}
			x.send(out)
		}()
	case m.ID != 0:
		x.mu.Lock()
		ch := x.replies[m.ID]
		delete(x.replies, m.ID)
		x.mu.Unlock()
		if ch != nil {
			ch <- m
		}
	default:
		x.t.Errorf("unexpected message from the daemon: %s", frame)
	}
}

// answer serves the daemon's requests as chrome.tabs and chrome.debugger
// would.
func (x *fakeExtension) answer(method string, params json.RawMessage) (any, error) {
	var p struct {
		TabID  int64           `json:"tabId"`
		URL    string          `json:"url"`
		Method string          `json:"method"`
		Params json.RawMessage `json:"params"`
	}
	_ = json.Unmarshal(params, &p)
	x.mu.Lock()
	x.requests = append(x.requests, fmt.Sprintf("%s %d", method, p.TabID))
	held := x.held[method]
	if method == extension.MethodDebuggerSend {
		held = x.held[p.Method]
	}
	x.mu.Unlock()
	if held != nil {
		<-held
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	tab, known := x.tabs[p.TabID]
	noTab := rpc.Errorf(extension.CodeNoTab, "No tab with id: %d.", p.TabID)
	switch method {
	case extension.MethodTabsList:
		list := extension.TabList{Tabs: []extension.Tab{}}
		for _, id := range slices.Sorted(maps.Keys(x.tabs)) {
			list.Tabs = append(list.Tabs, x.tabs[id])
		}
		return list, nil
	case extension.MethodTabsActive:
		t := x.tabs[x.active]
		t.FocusedAt = x.focused
		return t, nil
	case extension.MethodTabsOpen:
		id := int64(100 + len(x.tabs))
		x.tabs[id] = extension.Tab{TabID: id, WindowID: 1, URL: p.URL, Active: true}
		x.active = id
		return x.tabs[id], nil
	case extension.MethodTabsGet, extension.MethodTabsNavigate, extension.MethodTabsReload, extension.MethodDebuggerAttach:
		if !known {
			return nil, noTab
		}
		switch method {
		case extension.MethodTabsNavigate:
			tab.URL = p.URL
			x.tabs[p.TabID] = tab
		case extension.MethodDebuggerAttach:
			if strings.HasPrefix(tab.URL, "chrome://") {
				return nil, rpc.Errorf(extension.CodeNotDebuggable, "Cannot access a chrome:// URL")
			}
			x.attached[p.TabID] = true
		}
		if method == extension.MethodTabsGet {
			return tab, nil
		}
		return struct{}{}, nil
	case extension.MethodTabsFetch:
		return x.fetch(params, known)
	case extension.MethodDebuggerDetach:
		delete(x.attached, p.TabID)
		delete(x.readBodies, p.TabID)
		return struct{}{}, nil
	case extension.MethodDebuggerBodies:
		if !x.readsBodies {
			return nil, rpc.Errorf(extension.CodeInvalidArgument, "fake extension: unknown method %s", method)
		}
		var b extension.Bodies
		_ = json.Unmarshal(params, &b)
		if x.readBodies == nil {
			x.readBodies = map[int64]int{}
		}
		x.readBodies[b.TabID] = b.MaxFieldLength
		return struct{}{}, nil
	case extension.MethodDebuggerDrain:
		// As the service worker does: the answer goes out after the
		// events sent before it (this fake sends them at once).
		if !x.attached[p.TabID] {
			return extension.Drained{Missed: []extension.DrainMiss{{Reason: fmt.Sprintf("Debugger is not attached to the tab with id: %d.", p.TabID)}}}, nil
		}
		return extension.Drained{Targets: 1}, nil
	case extension.MethodDebuggerSend:
		if !x.attached[p.TabID] {
			return nil, rpc.Errorf(extension.CodeBrowser, "Debugger is not attached to the tab with id: %d.", p.TabID)
		}
		if p.Method == "Network.getResponseBody" {
			var q struct {
				RequestID string `json:"requestId"`
			}
			_ = json.Unmarshal(p.Params, &q)
			body, ok := x.bodies[q.RequestID]
			if !ok {
				return nil, rpc.Errorf(extension.CodeBrowser, "No resource with given identifier found")
			}
			return map[string]any{"body": body, "base64Encoded": false}, nil
		}
		return struct{}{}, nil
	}
	return nil, rpc.Errorf(extension.CodeInvalidArgument, "fake extension: unknown method %s", method)
}

// hold makes a request of the daemon (debugger.detach, say), or a
// DevTools command sent through debugger.send, wait until release.
func (x *fakeExtension) hold(method string) (release func()) {
	ch := make(chan struct{})
	x.mu.Lock()
	x.held[method] = ch
	x.mu.Unlock()
	return sync.OnceFunc(func() { close(ch) })
}

// sent counts the daemon's requests of method for tab.
func (x *fakeExtension) sent(method string, tab int64) int {
	x.mu.Lock()
	defer x.mu.Unlock()
	n := 0
	for _, r := range x.requests {
		if r == fmt.Sprintf("%s %d", method, tab) {
			n++
		}
	}
	return n
}

func (x *fakeExtension) isAttached(tab int64) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.attached[tab]
}

func (x *fakeExtension) lastState() extension.State {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.state
}

// Browser-side events.

// load sends the events of one request of tab answered with status and,
// when body is not empty, a body the daemon can fetch.
func (x *fakeExtension) load(tab int64, id, url string, status int, body string) {
	x.mu.Lock()
	if body != "" {
		x.bodies[id] = body
	}
	reads := x.readBodies[tab] > 0
	x.mu.Unlock()
	ts := 1000.0 + float64(len(id))
	ev := func(method string, params map[string]any) extension.Event {
		p, _ := json.Marshal(params)
		return extension.Event{TabID: tab, Method: method, Params: p}
	}
	x.notify(extension.MethodCDPEvents, extension.EventBatch{Events: []extension.Event{
		ev("Network.requestWillBeSent", map[string]any{"requestId": id, "loaderId": "L1", "documentURL": url,
			"request":   map[string]any{"url": url, "method": "GET", "headers": map[string]any{"Accept": "*/*"}},
			"timestamp": ts, "wallTime": 1764000000.0, "initiator": map[string]any{"type": "other"}, "type": "Fetch", "frameId": "F1"}),
		ev("Network.responseReceived", map[string]any{"requestId": id, "loaderId": "L1", "timestamp": ts + 0.1, "type": "Fetch",
			"response": map[string]any{"url": url, "status": status, "statusText": "", "headers": map[string]any{"Content-Type": "text/plain", "Content-Length": fmt.Sprint(len(body))},
				"mimeType": "text/plain", "encodedDataLength": 50, "protocol": "http/1.1"}}),
		func() extension.Event {
			e := ev("Network.loadingFinished", map[string]any{"requestId": id, "timestamp": ts + 0.2, "encodedDataLength": 50 + len(body)})
			e.BodyFollows = reads
			return e
		}(),
	}})
	if reads {
		x.notify(extension.MethodCDPEvents, extension.EventBatch{Events: []extension.Event{
			ev(extension.ResponseBodyEvent, map[string]any{"requestId": id, "body": body, "base64Encoded": false}),
		}})
	}
}

// redirect sends the events of a request of tab to from, answered with
// status (a redirect) to to, whose request the browser then sends: the
// chain is left in flight there.
func (x *fakeExtension) redirect(tab int64, id, method, from string, status int, to string) {
	ts := 1000.0 + float64(len(id))
	ev := func(method string, params map[string]any) extension.Event {
		p, _ := json.Marshal(params)
		return extension.Event{TabID: tab, Method: method, Params: p}
	}
	request := func(method, url string) map[string]any {
		return map[string]any{"url": url, "method": method, "headers": map[string]any{"Accept": "*/*"}}
	}
	x.notify(extension.MethodCDPEvents, extension.EventBatch{Events: []extension.Event{
		ev("Network.requestWillBeSent", map[string]any{"requestId": id, "loaderId": "L1", "documentURL": from,
			"request": request(method, from), "timestamp": ts, "wallTime": 1764000000.0,
			"initiator": map[string]any{"type": "other"}, "type": "Document", "frameId": "F1"}),
		ev("Network.requestWillBeSent", map[string]any{"requestId": id, "loaderId": "L1", "documentURL": to,
			"request": request("GET", to), "timestamp": ts + 0.1, "wallTime": 1764000000.1,
			"initiator": map[string]any{"type": "other"}, "type": "Document", "frameId": "F1",
			"redirectResponse": map[string]any{"url": from, "status": status, "statusText": "", "headers": map[string]any{"Location": to},
				"mimeType": "text/html", "encodedDataLength": 50, "protocol": "http/1.1"}}),
	}})
}

// closeTab closes a tab as Chrome reports it: tabs.removed first, then
// the tab's last events, then the debugger's detach notice.
func (x *fakeExtension) closeTab(tab int64, last ...extension.Event) {
	x.mu.Lock()
	delete(x.tabs, tab)
	delete(x.attached, tab)
	x.mu.Unlock()
	x.notify(extension.MethodTabsRemoved, extension.TabRef{TabID: tab})
	if len(last) > 0 {
		x.notify(extension.MethodCDPEvents, extension.EventBatch{Events: last})
	}
	x.notify(extension.MethodDebuggerDetached, extension.Detached{TabID: tab, Reason: "target_closed"})
}

// openPopup makes opener open a new tab, as window.open does.
func (x *fakeExtension) openPopup(opener, id int64) {
	t := extension.Tab{TabID: id, WindowID: 2, URL: "about:blank", OpenerTabID: opener}
	x.mu.Lock()
	x.tabs[id] = t
	x.mu.Unlock()
	x.notify(extension.MethodTabsCreated, t)
}

// fetch answers tabs.fetch, under x.mu, as the page would: the request
// goes out from the tab (a capture of it records the request, its
// initiator the script named by the tag), and the answer echoes what the
// server got, credentials included.
func (x *fakeExtension) fetch(params json.RawMessage, known bool) (any, error) {
	var f extension.Fetch
	if err := json.Unmarshal(params, &f); err != nil {
		return nil, rpc.Errorf(extension.CodeInvalidArgument, "tabs.fetch: %v", err)
	}
	if !known {
		return nil, rpc.Errorf(extension.CodeNoTab, "No tab with id: %d.", f.TabID)
	}
	x.fetched = append(x.fetched, f)
	body, _ := base64.StdEncoding.DecodeString(f.BodyBase64)
	headers := map[string]string{}
	for _, h := range f.Headers {
		headers[h.Name] = h.Value
	}
	echo, _ := json.Marshal(map[string]any{"method": f.Method, "url": f.URL, "headers": headers, "body": string(body)})
	if x.attached[f.TabID] {
		id := fmt.Sprintf("9.%d", len(x.fetched))
		p, _ := json.Marshal(map[string]any{"requestId": id, "loaderId": "L1", "documentURL": "https://app.test/",
			"request":   map[string]any{"url": f.URL, "method": f.Method, "headers": headers},
			"timestamp": 2000.0, "wallTime": 1764000100.0, "type": "Fetch", "frameId": "F1",
			"initiator": map[string]any{"type": "script", "stack": map[string]any{"callFrames": []any{map[string]any{"functionName": "", "scriptId": "7", "url": f.Tag, "lineNumber": 0, "columnNumber": 1}}}}})
		x.notify(extension.MethodCDPEvents, extension.EventBatch{Events: []extension.Event{{TabID: f.TabID, Method: "Network.requestWillBeSent", Params: p}}})
	}
	return extension.FetchResult{
		Status: 200, StatusText: "OK", URL: f.URL, Origin: "https://app.test",
		Headers:    []extension.Header{{Name: "content-type", Value: "application/json"}},
		BodyBase64: base64.StdEncoding.EncodeToString(echo), BodySize: int64(len(echo)),
	}, nil
}

// lastFetch is the last tabs.fetch request the daemon made.
func (x *fakeExtension) lastFetch() extension.Fetch {
	x.mu.Lock()
	defer x.mu.Unlock()
	if len(x.fetched) == 0 {
		x.t.Fatal("the daemon sent no tabs.fetch")
	}
	return x.fetched[len(x.fetched)-1]
}
