package tools

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/ops"
)

var update = flag.Bool("update", false, "rewrite testdata/toolsnaps from the tools (or set UPDATE_TOOLSNAPS=1)")

// TestToolsListTheRegistry checks what tools/list gives a client: every
// tool of the registry, in its order, each with a description, a title
// and its hints, an input schema whose arguments are described and typed,
// no output schema, and all of it lean.
func TestToolsListTheRegistry(t *testing.T) {
	s := connect(t)
	var names, want []string
	listed := 0
	for _, tool := range s.tools {
		names = append(names, tool.Name)
		if tool.Description == "" || tool.Annotations.Title == "" || tool.Annotations.ReadOnlyHint == nil || tool.Annotations.DestructiveHint == nil {
			t.Errorf("%s: description, title, readOnlyHint or destructiveHint missing", tool.Name)
		}
		var sch struct {
			Type       string                    `json:"type"`
			Properties map[string]map[string]any `json:"properties"`
		}
		if err := json.Unmarshal(field(t, tool, "inputSchema"), &sch); err != nil || sch.Type != "object" {
			t.Errorf("%s: the input schema is not an object schema (%v)", tool.Name, err)
		}
		for name, p := range sch.Properties {
			if p["description"] == nil || p["type"] == nil {
				t.Errorf("%s: argument %s lacks a description or a type", tool.Name, name)
			}
		}
		// Output schemas cost every client context on each tools/list.
		if out := field(t, tool, "outputSchema"); len(out) > 0 {
			t.Errorf("%s has an output schema (%d bytes)", tool.Name, len(out))
		}
		b, _ := json.Marshal(tool)
		listed += len(b)
	}
	for _, op := range ops.All() {
		want = append(want, op.Name())
	}
	slices.Sort(names)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("tools %v, want %v", names, want)
	}
	// The tool definitions are read on every turn: keep them lean (about
	// 1.5 KB a tool; raised from 16000 as send_request, then
	// search_network_capture and describe_api joined).
	if listed > 22_000 {
		t.Errorf("tools/list takes %d bytes; keep it under 22000", listed)
	}
	t.Logf("tools/list: %d tools, %d bytes", len(s.tools), listed)
}

// TestToolSnapshots keeps each tool's interface in testdata/toolsnaps, so
// that a change to a name, a description or a schema shows in review. Run
// with -update (or UPDATE_TOOLSNAPS=1) to accept a change.
func TestToolSnapshots(t *testing.T) {
	// The server's own tools, as it writes them on the wire (a client
	// decoding them would sort the input schema's properties).
	registered := NewServer(fakePool{}, "test").ListTools()
	dir := filepath.Join("testdata", "toolsnaps")
	rewrite := *update || os.Getenv("UPDATE_TOOLSNAPS") == "1"
	if rewrite {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	for _, name := range slices.Sorted(maps.Keys(registered)) {
		tool := registered[name].Tool
		var b bytes.Buffer
		b.WriteString("{")
		for i, f := range []string{"name", "description", "inputSchema", "annotations"} {
			if i > 0 {
				b.WriteString(",")
			}
			key, _ := json.Marshal(f)
			b.Write(key)
			b.WriteString(":")
			b.Write(field(t, tool, f))
		}
		b.WriteString("}")
		var snap bytes.Buffer
		if err := json.Indent(&snap, b.Bytes(), "", "  "); err != nil {
			t.Fatal(err)
		}
		snap.WriteString("\n")
		path := filepath.Join(dir, tool.Name+".snap")
		seen[filepath.Base(path)] = true
		if rewrite {
			if err := os.WriteFile(path, snap.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		old, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: no snapshot (%v); run go test ./host/tools -run TestToolSnapshots -update", tool.Name, err)
			continue
		}
		if !bytes.Equal(old, snap.Bytes()) {
			t.Errorf("%s changed; if that is meant, run go test ./host/tools -run TestToolSnapshots -update and review the diff.\n%s",
				tool.Name, firstDifference(old, snap.Bytes()))
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.snap"))
	for _, f := range files {
		if !seen[filepath.Base(f)] {
			if rewrite {
				os.Remove(f)
			} else {
				t.Errorf("%s is the snapshot of a tool that no longer exists", f)
			}
		}
	}
}

// firstDifference shows the first line where two snapshots differ.
func firstDifference(old, cur []byte) string {
	a, b := strings.Split(string(old), "\n"), strings.Split(string(cur), "\n")
	for i := range max(len(a), len(b)) {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, x, y)
		}
	}
	return ""
}

func TestArgumentsAreChecked(t *testing.T) {
	d := newFakeDaemon("aaaa")
	s := connect(t, d)
	cases := []struct {
		tool string
		args map[string]any
		want string
	}{
		{api.StartCapture, map[string]any{"sessionId": 5}, "sessionId must be a string, not a number"},
		{api.StartCapture, map[string]any{"sessionId": "s-aaaa-1", "maxBodyBytes": "big"}, "maxBodyBytes must be an integer, not a string"},
		{api.StartCapture, map[string]any{"sessionId": "s-aaaa-1", "maxEntries": 2.5}, "maxEntries must be an integer, not 2.5"},
		{api.StartCapture, map[string]any{"sessionId": "s-aaaa-1", "captureBodies": "yes"}, "captureBodies must be a boolean, not a string"},
		{api.StartCapture, map[string]any{"sessionId": "s-aaaa-1", "captureBody": false}, `unknown argument "captureBody"`},
		{api.InitializeSession, map[string]any{"tabId": "12"}, "tabId must be an integer, not a string"},
		{api.GetRequest, map[string]any{"sessionId": "s-aaaa-1", "requestId": []string{"x"}}, "requestId must be a string, not a list"},
		{api.CaptureStatus, map[string]any{}, "sessionId is required"},
		{api.CaptureStatus, nil, "sessionId is required"},
		{api.StopCapture, map[string]any{"sessionId": "s-aaaa-1", "format": "xml"}, `format must be json or har, not "xml"`},
		{api.GetCaptureData, map[string]any{"sessionId": "s-aaaa-1", "kind": "frames"}, `kind must be http, requests, responses, wsFrames or streamingResponses, not "frames"`},
		{api.StopCapture, map[string]any{"sessionId": "s-aaaa-1", "maxResultBytes": 10}, "maxResultBytes must be between 4000 and 16777216, not 10"},
	}
	for _, c := range cases {
		got := s.fails(c.tool, c.args)
		if !strings.Contains(got, c.want) {
			t.Errorf("%s(%v): got %q, want %q", c.tool, c.args, got, c.want)
		}
		if strings.Contains(got, "Settings") {
			t.Errorf("%s(%v): %q names a Go type", c.tool, c.args, got)
		}
	}
	if calls := d.called(); len(calls) != 0 {
		t.Errorf("invalid arguments reached the daemon: %v", calls)
	}
}

// TestAnOlderDaemonIsNamed: a daemon of an older tabtap answers a tool
// with its bare result; the call says so and what to do.
func TestAnOlderDaemonIsNamed(t *testing.T) {
	d := newFakeDaemon("aaaa")
	d.old = true
	d.answer(api.CaptureStatus, api.StatusResult{SessionID: "s-aaaa-1", Status: "inactive"})
	s := connect(t, d)
	if got := s.fails(api.CaptureStatus, map[string]any{"sessionId": "s-aaaa-1"}); !strings.Contains(got, "runs an older tabtap") || !strings.Contains(got, "restart the browser") {
		t.Errorf("got %q", got)
	}
}

func TestNoBrowserIsConnected(t *testing.T) {
	s := connect(t)
	for _, c := range []struct {
		tool string
		args map[string]any
	}{
		{api.ListTabs, nil}, {api.ListCaptures, nil}, {api.InitializeSession, map[string]any{"tabId": 3}},
		{api.InitializeSession, nil}, {api.CaptureStatus, map[string]any{"sessionId": "s-aaaa-1"}},
		{api.StopCapture, map[string]any{"sessionId": "s-aaaa-1"}},
	} {
		got := s.fails(c.tool, c.args)
		if !strings.HasPrefix(got, "no browser is connected: start Chrome") || !strings.Contains(got, "/run/user/1000/tabtap") || !strings.Contains(got, "run `tabtap doctor`") {
			t.Errorf("%s: %q", c.tool, got)
		}
	}
}

func TestCallsGoToTheDaemonOfTheSession(t *testing.T) {
	status := func(tag string) func(json.RawMessage) (any, error) {
		return func(p json.RawMessage) (any, error) {
			var a api.SessionArgs
			json.Unmarshal(p, &a)
			if a.SessionID != "s-"+tag+"-2" {
				return nil, api.Errorf(api.CodeNotFound, "session %s not found (list_captures shows the sessions held)", a.SessionID)
			}
			return api.StatusResult{SessionID: a.SessionID, Status: "inactive", Tab: api.TabState{TabID: 4}}, nil
		}
	}
	a, b := newFakeDaemon("aaaa"), newFakeDaemon("bbbb")
	a.ops[api.CaptureStatus], b.ops[api.CaptureStatus] = status("aaaa"), status("bbbb")
	s := connect(t, a, b)

	var st api.StatusResult
	s.ok(api.CaptureStatus, map[string]any{"sessionId": "s-bbbb-2"}, &st)
	if st.SessionID != "s-bbbb-2" || len(a.called()) != 0 || len(b.called()) != 1 {
		t.Errorf("got %+v; calls a=%v b=%v", st, a.called(), b.called())
	}
	// The daemon's own sentence comes back as it is.
	if got := s.fails(api.CaptureStatus, map[string]any{"sessionId": "s-aaaa-9"}); got != "session s-aaaa-9 not found (list_captures shows the sessions held)" {
		t.Errorf("got %q", got)
	}
	got := s.fails(api.CaptureStatus, map[string]any{"sessionId": "s-cccc-1"})
	if !strings.HasPrefix(got, "session s-cccc-1 not found: it belongs to a browser that is not connected now") ||
		!strings.Contains(got, `"Chromium 156 (aaaa)", "Chromium 156 (bbbb)"`) {
		t.Errorf("unknown tag: %q", got)
	}
	if got := s.fails(api.CaptureStatus, map[string]any{"sessionId": "capture_1"}); !strings.HasPrefix(got, "session capture_1 not found: session ids look like s-3f2a-1") {
		t.Errorf("malformed id: %q", got)
	}
	if n := len(a.called()) + len(b.called()); n != 2 {
		t.Errorf("%d daemon calls, want 2", n)
	}
}

func TestTabsAndSessionsAcrossBrowsers(t *testing.T) {
	a, b := newFakeDaemon("aaaa"), newFakeDaemon("bbbb")
	a.answer(api.ListTabs, api.ListTabsResult{Tabs: []api.Tab{{TabID: 1, WindowID: 1, Title: "A", URL: "https://a.test/", Active: true, Browser: a.label}}, Browsers: []string{a.label}})
	b.answer(api.ListTabs, api.ListTabsResult{Tabs: []api.Tab{{TabID: 2, WindowID: 5, Title: "B", URL: "https://b.test/", Browser: b.label, SessionID: "s-bbbb-1"}}, Browsers: []string{b.label}})
	a.ops[api.InitializeSession] = func(json.RawMessage) (any, error) {
		return nil, api.Errorf(api.CodeNotFound, "finding tab 2: No tab with id: 2.")
	}
	b.answer(api.InitializeSession, api.Session{SessionID: "s-bbbb-3", TabID: 2, URL: "https://b.test/", Title: "B", Browser: b.label})
	a.answer(api.ListCaptures, api.ListCapturesResult{Captures: []api.CaptureInfo{{SessionID: "s-aaaa-1", CaptureID: "capture_aaaa_1",
		Browser: a.label, TabID: 1, Status: "stopped", StartedBy: "popup", StartTime: t0, Duration: 10, EndReason: "tab 1 was closed during the capture; 0 requests kept"}}, Evicted: 1})
	b.answer(api.ListCaptures, api.ListCapturesResult{Captures: []api.CaptureInfo{}, Evicted: 2})
	s := connect(t, a, b)

	var tabs api.ListTabsResult
	s.ok(api.ListTabs, nil, &tabs)
	if len(tabs.Tabs) != 2 || tabs.Tabs[1].SessionID != "s-bbbb-1" || !slices.Equal(tabs.Browsers, []string{a.label, b.label}) {
		t.Errorf("list_tabs: %+v", tabs)
	}
	var caps api.ListCapturesResult
	s.ok(api.ListCaptures, nil, &caps)
	if len(caps.Captures) != 1 || caps.Evicted != 3 {
		t.Errorf("list_captures: %+v", caps)
	}
	// A browser that stops answering is named, with why; the others still list.
	dead := api.Errorf(api.CodeNoBrowser, "%s (pid 9) does not answer: connecting to /run/user/1000/tabtap/bbbb.sock: connection refused", b.label)
	b.down = dead
	s.ok(api.ListTabs, nil, &tabs)
	s.ok(api.ListCaptures, nil, &caps)
	if len(tabs.Tabs) != 1 || len(tabs.Unreachable) != 1 || tabs.Unreachable[0] != dead.Error() || len(caps.Unreachable) != 1 {
		t.Errorf("an unreachable browser: tabs %+v, captures %+v", tabs, caps)
	}
	b.down = nil
	var sess api.Session
	s.ok(api.InitializeSession, map[string]any{"tabId": 2}, &sess)
	if sess.SessionID != "s-bbbb-3" {
		t.Errorf("initialize_session by tab: %+v", sess)
	}
	s.ok(api.InitializeSession, map[string]any{"url": "https://b.test/x", "browser": "bbbb"}, &sess)
	if last := b.called()[len(b.called())-1]; last != `initialize_session {"browser":"bbbb","url":"https://b.test/x"}` {
		t.Errorf("initialize_session by browser went to b as %s", last)
	}
	if got := s.fails(api.InitializeSession, map[string]any{"browser": "Firefox"}); !strings.Contains(got, `browser "Firefox" is not one of the connected browsers`) {
		t.Errorf("unknown browser: %q", got)
	}
	b.ops[api.InitializeSession] = a.ops[api.InitializeSession]
	if got := s.fails(api.InitializeSession, map[string]any{"tabId": 2}); !strings.HasPrefix(got, "tab 2 is in none of the connected browsers") {
		t.Errorf("unknown tab: %q", got)
	}
}

// TestResultsFitTheirBudget runs every tool against a daemon that shapes
// real records as the daemon does, for captures of every size, and checks
// (in call) that each whole result fits the default budget or the one
// asked for, while the totals stay true.
func TestResultsFitTheirBudget(t *testing.T) {
	for _, n := range []int{1, 50, 2000, 20000} {
		data := sampleData(n, func(i int) int {
			if i%500 == 7 {
				return 200_000
			}
			return []int{10, 3000, 40}[i%3]
		})
		d := shapingDaemon("aaaa", data)
		s := connect(t, d)
		for _, limit := range []int{0, api.MinResultBytes, 20_000, 300_000} {
			args := func(kv ...any) map[string]any {
				m := map[string]any{"sessionId": "s-aaaa-1"}
				if limit > 0 {
					m["maxResultBytes"] = limit
				}
				for i := 0; i < len(kv); i += 2 {
					m[kv[i].(string)] = kv[i+1]
				}
				return m
			}
			var res api.StopResult
			s.ok(api.StopCapture, args(), &res)
			if res.Summary != summaryOf(data) {
				t.Errorf("%d records, limit %d: summary %+v, want the true totals", n, limit, res.Summary)
			}
			if limit != api.MinResultBytes && (res.Overview == nil || (res.Overview.Requests == nil && res.Overview.Groups == nil)) {
				t.Errorf("%d records, limit %d: no overview", n, limit)
			}
			s.ok(api.StopCapture, args("format", "har"), nil)
			var page api.GetDataResult
			s.ok(api.GetCaptureData, args(), &page)
			if page.Returned == 0 {
				t.Errorf("%d records, limit %d: an empty first page", n, limit)
			}
			s.ok(api.GetCaptureData, args("kind", "wsFrames"), nil)
			s.ok(api.GetRequest, args("requestId", "r0"), nil)
		}
		for _, tool := range []string{api.ListTabs, api.ListCaptures, api.InitializeSession} {
			s.ok(tool, nil, nil)
		}
		s.ok(api.CaptureStatus, map[string]any{"sessionId": "s-aaaa-1"}, nil)
	}
}

// shapingDaemon answers as a daemon holding data would.
func shapingDaemon(tag string, data api.Data) *fakeDaemon {
	d := newFakeDaemon(tag)
	var tabs []api.Tab
	var caps []api.CaptureInfo
	for i := range 400 {
		tabs = append(tabs, api.Tab{TabID: int64(i), Title: strings.Repeat("A long tab title ", 4), URL: fmt.Sprintf("https://app.test/%d?q=%s", i, strings.Repeat("x", 80)), Browser: d.label})
		caps = append(caps, api.CaptureInfo{SessionID: fmt.Sprintf("s-%s-%d", tag, i), CaptureID: fmt.Sprintf("capture_%s_%d", tag, i),
			Browser: d.label, URL: "https://app.test/" + strings.Repeat("p", 100), Status: "stopped", StartedBy: "agent", StartTime: t0, Summary: summaryOf(data)})
	}
	d.answer(api.ListTabs, api.ListTabsResult{Tabs: tabs, Browsers: []string{d.label}})
	d.answer(api.ListCaptures, api.ListCapturesResult{Captures: caps})
	d.answer(api.InitializeSession, api.Session{SessionID: "s-aaaa-1", TabID: 1, URL: "https://a.test/", Browser: d.label})
	d.answer(api.CaptureStatus, api.StatusResult{SessionID: "s-aaaa-1", CaptureID: "capture_aaaa_2", Status: "stopped", CurrentStats: api.Stats{Requests: len(data.Requests)}})
	d.hold("s-aaaa-1", data)
	return d
}
