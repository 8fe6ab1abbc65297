package har_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"github.com/tabtap/tabtap/host/redact"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/har"
	"github.com/tabtap/tabtap/host/har/hartest"
)

var t0 = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// at is t0 plus ms milliseconds.
func at(ms float64) time.Time { return t0.Add(time.Duration(ms * float64(time.Millisecond))) }

const (
	mainTab  = 101
	popupTab = 202
)

var (
	page  = api.Source{TabID: mainTab, Target: "page"}
	popup = api.Source{TabID: popupTab, Target: "page"}
	png   = []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0x0d}
)

func timing(wait, receive float64) *api.Timing {
	return &api.Timing{Blocked: 1.5, DNS: -1, Connect: -1, SSL: -1, Send: 0.2, Wait: wait, Receive: receive, Total: 1.7 + wait + receive}
}

// fixture is a capture of a page exercising every kind of record.
func fixture() api.StopResult {
	d := &api.Data{
		Requests: []api.Request{
			// The popup's document, listed out of order: entries sort by time.
			{RequestID: "2000.1", URL: "https://auth.test/signin", Method: "GET", ResourceType: "Document",
				Headers: map[string]string{"Accept": "text/html"}, Timestamp: at(900), Source: popup},
			// A redirect chain: 302, then 200.
			{RequestID: "1000.1:redirected.1", URL: "http://app.test/login?next=%2Fhome", Method: "GET", ResourceType: "Document",
				Headers: map[string]string{"Accept": "text/html", "Cookie": redact.Redacted}, Timestamp: at(10), Source: page},
			{RequestID: "1000.1", URL: "https://app.test/home#top", Method: "GET", ResourceType: "Document",
				Headers: map[string]string{"Accept": "text/html"}, Timestamp: at(40), Source: page,
				RedirectedFrom: "http://app.test/login?next=%2Fhome"},
			// GET JSON with cookies and a query string.
			{RequestID: "1000.2", URL: "https://app.test/api/items?page=2&q=hello%20world&flag", Method: "GET", ResourceType: "Fetch",
				Headers:   map[string]string{"Accept": "application/json", "Cookie": "sid=abc123; theme=dark"},
				Timestamp: at(100), Source: page,
				Initiator: &api.Initiator{Type: "script", URL: "https://app.test/app.js", LineNumber: ptr(41.0)}},
			// POST with a JSON body and custom headers.
			{RequestID: "1000.3", URL: "https://app.test/api/items", Method: "POST", ResourceType: "XHR",
				Headers:  map[string]string{"Content-Type": "application/json", "X-Trace": "t-1", "X-Multi": "one\ntwo"},
				PostData: `{"name":"widget","n":3}`, Timestamp: at(120), Source: page},
			{RequestID: "1000.4", URL: "https://app.test/missing", Method: "GET", ResourceType: "Fetch",
				Headers: map[string]string{}, Timestamp: at(140), Source: page},
			{RequestID: "1000.5", URL: "https://app.test/logo.png", Method: "GET", ResourceType: "Image",
				Headers: map[string]string{}, Timestamp: at(150), Source: page},
			{RequestID: "1000.6", URL: "https://down.test/", Method: "GET", ResourceType: "Fetch",
				Headers: map[string]string{}, Timestamp: at(160), Source: page},
			{RequestID: "1000.7", URL: "https://app.test/slow", Method: "GET", ResourceType: "Fetch",
				Headers: map[string]string{}, Timestamp: at(170), Source: page},
			{RequestID: "1000.8", URL: "wss://app.test/ws", Method: "GET", ResourceType: "WebSocket",
				Headers: map[string]string{"Upgrade": "websocket"}, Timestamp: at(200), Source: page},
			{RequestID: "1000.9", URL: "https://app.test/events", Method: "GET", ResourceType: "EventSource",
				Headers: map[string]string{"Accept": "text/event-stream"}, Timestamp: at(300), Source: page},
			{RequestID: "1000.10", URL: "https://app.test/stream", Method: "GET", ResourceType: "Fetch",
				Headers: map[string]string{}, Timestamp: at(400), Source: page},
			// A binary upload.
			{RequestID: "1000.11", URL: "https://app.test/upload", Method: "PUT", ResourceType: "Fetch",
				Headers:        map[string]string{"Content-Type": "application/octet-stream"},
				PostDataBase64: base64.StdEncoding.EncodeToString(png), Timestamp: at(500), Source: page},
			// A form post from an iframe.
			{RequestID: "3000.1", URL: "https://ads.test/form", Method: "POST", ResourceType: "Document",
				Headers:  map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
				PostData: "a=1&b=x%20y", Timestamp: at(600), Source: api.Source{TabID: mainTab, Target: "iframe", TargetID: "T1"}},
		},
		Responses: []api.Response{
			{RequestID: "1000.1:redirected.1", URL: "http://app.test/login?next=%2Fhome", Status: 302, StatusText: "Found",
				Headers:     map[string]string{"Location": "https://app.test/home"},
				RedirectURL: "https://app.test/home#top", Protocol: "http/1.1", RemoteAddress: "10.0.0.5:80",
				Timing: timing(20, -1), Timestamp: at(38), Source: page},
			{RequestID: "1000.1", URL: "https://app.test/home", Status: 200, StatusText: "",
				Headers: map[string]string{"content-type": "text/html; charset=utf-8"}, MimeType: "text/html",
				Protocol: "h2", RemoteAddress: "[2001:db8::1]:443", EncodedDataLength: 512,
				Body: "<!doctype html><title>Home</title>", BodySize: 34,
				Timing: timing(30, 5), Timestamp: at(75), Source: page},
			{RequestID: "1000.2", URL: "https://app.test/api/items?page=2&q=hello%20world&flag", Status: 200, StatusText: "",
				Headers: map[string]string{
					"Content-Type": "application/json",
					"Set-Cookie":   "a=1; Path=/; HttpOnly; Secure; SameSite=Lax\nb=2; Max-Age=3600; Domain=app.test\nc=3; Expires=Wed, 21 Oct 2037 07:28:00 GMT",
				},
				MimeType: "application/json", Protocol: "h2", RemoteAddress: "[2001:db8::1]:443",
				Body: `{"items":[1,2,3]}`, Timing: timing(12, 3), Timestamp: at(115), Source: page},
			{RequestID: "1000.3", URL: "https://app.test/api/items", Status: 201, StatusText: "Created",
				Headers: map[string]string{"Content-Type": "application/json"}, MimeType: "application/json",
				Body: `{"id":7}`, Timing: timing(8, 1), Timestamp: at(130), Source: page},
			{RequestID: "1000.4", URL: "https://app.test/missing", Status: 404, StatusText: "Not Found",
				Headers: map[string]string{"Content-Type": "text/plain"}, MimeType: "text/plain",
				Body: "not found", Timing: timing(4, 0.5), Timestamp: at(146), Source: page},
			{RequestID: "1000.5", URL: "https://app.test/logo.png", Status: 200, StatusText: "OK",
				Headers: map[string]string{"Content-Type": "image/png"}, MimeType: "image/png",
				BodyBase64: base64.StdEncoding.EncodeToString(png), BodySize: 4096, BodyTruncated: true,
				FromCache: true, Timing: timing(1, 1), Timestamp: at(152), Source: page},
			{RequestID: "1000.6", URL: "https://down.test/", Headers: map[string]string{},
				Failed: true, ErrorText: "net::ERR_CONNECTION_REFUSED", Timestamp: at(165), Source: page},
			{RequestID: "1000.8", URL: "wss://app.test/ws", Status: 101, StatusText: "Switching Protocols",
				Headers: map[string]string{"Upgrade": "websocket"}, Timestamp: at(210), Source: page,
				WebSocket: &api.WebSocketState{}},
			{RequestID: "1000.9", URL: "https://app.test/events", Status: 200, StatusText: "OK",
				Headers: map[string]string{"Content-Type": "text/event-stream"}, MimeType: "text/event-stream",
				Timestamp: at(310), Source: page},
			{RequestID: "1000.10", URL: "https://app.test/stream", Status: 200, StatusText: "OK",
				Headers: map[string]string{"Content-Type": "application/x-ndjson"}, MimeType: "application/x-ndjson",
				Body: "{\"a\":1}\n{\"a\":2}\n", Timestamp: at(410), Source: page},
			{RequestID: "1000.11", URL: "https://app.test/upload", Status: 204, StatusText: "No Content",
				Headers: map[string]string{}, Timestamp: at(520), Source: page},
			{RequestID: "3000.1", URL: "https://ads.test/form", Status: 200, StatusText: "OK",
				Headers: map[string]string{}, MimeType: "text/html", Timestamp: at(620),
				Source: api.Source{TabID: mainTab, Target: "iframe", TargetID: "T1"}},
			{RequestID: "2000.1", URL: "https://auth.test/signin", Status: 200, StatusText: "OK",
				Headers: map[string]string{}, MimeType: "text/html", Timestamp: at(950), Source: popup},
		},
		WSFrames: []api.WSFrame{
			// A socket opened before the capture: no request, no URL.
			{RequestID: "999.1", Direction: "received", Opcode: 1, Payload: "tick", Length: 4, Timestamp: at(5), Source: page},
			{RequestID: "1000.8", URL: "wss://app.test/ws", Direction: "sent", Opcode: 1, Payload: "hello", Length: 5, Timestamp: at(220), Source: page},
			{RequestID: "1000.8", URL: "wss://app.test/ws", Direction: "received", Opcode: 1, Payload: `{"n":1}`, Length: 7, Timestamp: at(230), Source: page},
			{RequestID: "1000.8", URL: "wss://app.test/ws", Direction: "sent", Opcode: 2, Payload: "AAEC", Binary: true, Length: 3, Timestamp: at(240), Source: page},
			{RequestID: "999.1", Direction: "received", Opcode: 1, Payload: "tock", Length: 4, Timestamp: at(245), Source: page},
			{RequestID: "1000.8", URL: "wss://app.test/ws", Direction: "received", Opcode: 2, Payload: "/w==", Binary: true, Length: 1, Timestamp: at(250), Source: page},
		},
		StreamingResponses: []api.StreamingResponse{
			{RequestID: "1000.9", URL: "https://app.test/events", Kind: "eventsource", Timestamp: at(310), Source: page,
				Messages: []api.StreamMessage{
					{Timestamp: at(320), EventName: "message", EventID: "1", Data: "first"},
					{Timestamp: at(330), EventName: "update", EventID: "2", Data: `{"x":2}`},
				}},
			{RequestID: "1000.10", URL: "https://app.test/stream", Kind: "chunked", Complete: true, Timestamp: at(410), Source: page,
				Chunks: []api.StreamChunk{
					{Timestamp: at(411), Data: "{\"a\":1}\n", Length: 8},
					{Timestamp: at(412), DataBase64: "/wA=", Length: 2},
				}},
		},
	}
	return api.StopResult{
		SessionID: "s-1", CaptureID: "capture_1", StartTime: t0, EndTime: at(1000), Data: d,
		Dropped: api.Dropped{WSFrames: 2, Reasons: []string{"wsFrames: maxEntries (10) frames reached"}},
	}
}

func ptr[T any](v T) *T { return &v }

func build(t *testing.T) (*har.HAR, []byte) {
	t.Helper()
	h := har.Build(fixture(), "1.2.3")
	doc, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	return h, doc
}

func entryByID(t *testing.T, h *har.HAR, id string) har.Entry {
	t.Helper()
	for _, e := range h.Log.Entries {
		if e.RequestID == id {
			return e
		}
	}
	t.Fatalf("no entry for request %s", id)
	return har.Entry{}
}

func TestBuildValidates(t *testing.T) {
	_, doc := build(t)
	hartest.Check(t, doc)
	if bytes.Contains(doc, []byte("null")) {
		t.Errorf("HAR holds a null: %s", doc)
	}
}

func TestLogAndPages(t *testing.T) {
	h, _ := build(t)
	l := h.Log
	if l.Version != "1.2" || l.Creator != (har.Creator{Name: "tabtap", Version: "1.2.3"}) {
		t.Errorf("version %q, creator %+v", l.Version, l.Creator)
	}
	want := []har.Page{
		{StartedDateTime: "2026-11-24T10:00:00.000Z", ID: "page_101", Title: "https://app.test/home",
			PageTimings: har.PageTimings{OnContentLoad: -1, OnLoad: -1}, TabID: mainTab},
		{StartedDateTime: "2026-11-24T10:00:00.900Z", ID: "page_202", Title: "https://auth.test/signin",
			PageTimings: har.PageTimings{OnContentLoad: -1, OnLoad: -1}, TabID: popupTab},
	}
	if !reflect.DeepEqual(l.Pages, want) {
		t.Errorf("pages\n got %+v\nwant %+v", l.Pages, want)
	}
	for _, e := range l.Entries {
		if want := map[int64]string{mainTab: "page_101", popupTab: "page_202"}[e.TabID]; e.Pageref != want {
			t.Errorf("%s: pageref %q, want %q", e.RequestID, e.Pageref, want)
		}
	}
	if !strings.Contains(l.Comment, "capture_1") || !strings.Contains(l.Comment, "2 WebSocket frames") {
		t.Errorf("log comment %q", l.Comment)
	}
}

func TestEntriesOrder(t *testing.T) {
	h, _ := build(t)
	var got []string
	for _, e := range h.Log.Entries {
		got = append(got, e.RequestID)
	}
	want := []string{"999.1", "1000.1:redirected.1", "1000.1", "1000.2", "1000.3", "1000.4", "1000.5",
		"1000.6", "1000.7", "1000.8", "1000.9", "1000.10", "1000.11", "3000.1", "2000.1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("entries\n got %v\nwant %v", got, want)
	}
	if s := h.Log.Entries[1].StartedDateTime; s != "2026-11-24T10:00:00.010Z" {
		t.Errorf("startedDateTime %q", s)
	}
}

func TestRedirect(t *testing.T) {
	h, _ := build(t)
	hop, final := entryByID(t, h, "1000.1:redirected.1"), entryByID(t, h, "1000.1")
	if hop.Response.Status != 302 || hop.Response.RedirectURL != "https://app.test/home#top" {
		t.Errorf("hop response %d %q", hop.Response.Status, hop.Response.RedirectURL)
	}
	if hop.Request.URL != "http://app.test/login?next=%2Fhome" || hop.Request.HTTPVersion != "http/1.1" {
		t.Errorf("hop request %q %q", hop.Request.URL, hop.Request.HTTPVersion)
	}
	if got := hop.Request.QueryString; !reflect.DeepEqual(got, []har.Query{{Name: "next", Value: "%2Fhome"}}) {
		t.Errorf("hop query %+v", got)
	}
	// The capture redacted the Cookie header: no cookie can be parsed.
	if len(hop.Request.Cookies) != 0 {
		t.Errorf("cookies from a redacted header: %+v", hop.Request.Cookies)
	}
	if hop.ServerIPAddress != "10.0.0.5" || hop.Timings.Receive != 0 {
		t.Errorf("hop ip %q receive %v", hop.ServerIPAddress, hop.Timings.Receive)
	}
	if final.Request.URL != "https://app.test/home" || final.Response.RedirectURL != "" {
		t.Errorf("final %q redirect %q", final.Request.URL, final.Response.RedirectURL)
	}
	if final.Response.HTTPVersion != "http/2.0" || final.ServerIPAddress != "2001:db8::1" {
		t.Errorf("final version %q ip %q", final.Response.HTTPVersion, final.ServerIPAddress)
	}
	if c := final.Response.Content; c.Text != "<!doctype html><title>Home</title>" || c.Size != 34 || c.MimeType != "text/html" || c.Encoding != "" {
		t.Errorf("final content %+v", c)
	}
	if final.ResourceType != "document" || final.Response.TransferSize != 512 {
		t.Errorf("final type %q transfer %d", final.ResourceType, final.Response.TransferSize)
	}
	tm := final.Timings
	if tm.Blocked != 1.5 || tm.DNS != -1 || tm.Send != 0.2 || tm.Wait != 30 || tm.Receive != 5 || final.Time != 36.7 {
		t.Errorf("timings %+v time %v", tm, final.Time)
	}
}

func TestGetJSON(t *testing.T) {
	h, _ := build(t)
	e := entryByID(t, h, "1000.2")
	wantQ := []har.Query{{Name: "page", Value: "2"}, {Name: "q", Value: "hello%20world"}, {Name: "flag", Value: ""}}
	if !reflect.DeepEqual(e.Request.QueryString, wantQ) {
		t.Errorf("query %+v", e.Request.QueryString)
	}
	wantC := []har.Cookie{{Name: "sid", Value: "abc123"}, {Name: "theme", Value: "dark"}}
	if !reflect.DeepEqual(e.Request.Cookies, wantC) {
		t.Errorf("request cookies %+v", e.Request.Cookies)
	}
	wantSet := []har.Cookie{
		{Name: "a", Value: "1", Path: "/", HTTPOnly: true, Secure: true, SameSite: "Lax"},
		{Name: "b", Value: "2", Domain: "app.test", Expires: "2026-11-24T11:00:00.115Z"},
		{Name: "c", Value: "3", Expires: "2037-10-21T07:28:00.000Z"},
	}
	if !reflect.DeepEqual(e.Response.Cookies, wantSet) {
		t.Errorf("response cookies\n got %+v\nwant %+v", e.Response.Cookies, wantSet)
	}
	var setCookies int
	for _, hd := range e.Response.Headers {
		if hd.Name == "Set-Cookie" {
			setCookies++
		}
	}
	if setCookies != 3 {
		t.Errorf("%d Set-Cookie headers, want 3 (one per line)", setCookies)
	}
	if e.Response.Content.Text != `{"items":[1,2,3]}` || e.Response.Content.Size != 17 || e.ResourceType != "fetch" {
		t.Errorf("content %+v type %q", e.Response.Content, e.ResourceType)
	}
	if in := e.Initiator; in == nil || in.Type != "script" || in.URL != "https://app.test/app.js" || *in.LineNumber != 41 {
		t.Errorf("initiator %+v", in)
	}
	if e.Request.PostData != nil || e.Request.BodySize != 0 || e.Request.HeadersSize != -1 {
		t.Errorf("GET body %+v %d %d", e.Request.PostData, e.Request.BodySize, e.Request.HeadersSize)
	}
}

func TestPost(t *testing.T) {
	h, _ := build(t)
	e := entryByID(t, h, "1000.3")
	body := `{"name":"widget","n":3}`
	if pd := e.Request.PostData; pd == nil || pd.MimeType != "application/json" || pd.Text != body || pd.Encoding != "" || pd.Params != nil {
		t.Errorf("postData %+v", pd)
	}
	if e.Request.BodySize != int64(len(body)) || e.Request.Method != "POST" || e.ResourceType != "xhr" {
		t.Errorf("bodySize %d method %q type %q", e.Request.BodySize, e.Request.Method, e.ResourceType)
	}
	want := []har.Header{
		{Name: "Content-Type", Value: "application/json"},
		{Name: "X-Multi", Value: "one"}, {Name: "X-Multi", Value: "two"},
		{Name: "X-Trace", Value: "t-1"},
	}
	if !reflect.DeepEqual(e.Request.Headers, want) {
		t.Errorf("headers %+v", e.Request.Headers)
	}
	if e.Response.Status != 201 || e.Response.HTTPVersion != "HTTP/1.1" {
		t.Errorf("response %d %q", e.Response.Status, e.Response.HTTPVersion)
	}

	form := entryByID(t, h, "3000.1")
	if pd := form.Request.PostData; pd == nil || pd.Text != "a=1&b=x%20y" ||
		!reflect.DeepEqual(pd.Params, []har.Param{{Name: "a", Value: "1"}, {Name: "b", Value: "x%20y"}}) {
		t.Errorf("form postData %+v", pd)
	}
	if form.Target != "iframe" || form.Pageref != "page_101" {
		t.Errorf("iframe entry target %q pageref %q", form.Target, form.Pageref)
	}
}

func TestBinaryBodies(t *testing.T) {
	h, _ := build(t)
	img := entryByID(t, h, "1000.5")
	c := img.Response.Content
	if c.Encoding != "base64" || c.Text != base64.StdEncoding.EncodeToString(png) || c.MimeType != "image/png" || c.Size != 4096 {
		t.Errorf("image content %+v", c)
	}
	if !strings.Contains(c.Comment, "cut") || img.FromCache != "disk" || img.Response.BodySize != 0 || img.ResourceType != "image" {
		t.Errorf("image comment %q fromCache %q bodySize %d", c.Comment, img.FromCache, img.Response.BodySize)
	}
	up := entryByID(t, h, "1000.11")
	pd := up.Request.PostData
	if pd == nil || pd.Encoding != "base64" || pd.Text != base64.StdEncoding.EncodeToString(png) || pd.MimeType != "application/octet-stream" {
		t.Fatalf("binary postData %+v", pd)
	}
	if up.Request.BodySize != int64(len(png)) || pd.Comment == "" {
		t.Errorf("binary bodySize %d comment %q", up.Request.BodySize, pd.Comment)
	}
}

func TestFailures(t *testing.T) {
	h, _ := build(t)
	nf := entryByID(t, h, "1000.4")
	if nf.Response.Status != 404 || nf.Response.StatusText != "Not Found" || nf.Response.Error != "" {
		t.Errorf("404: %+v", nf.Response)
	}
	failed := entryByID(t, h, "1000.6")
	r := failed.Response
	if r.Status != 0 || r.StatusText != "" || r.Error != "net::ERR_CONNECTION_REFUSED" || r.HTTPVersion != "" || r.BodySize != -1 {
		t.Errorf("failed: %+v", r)
	}
	if failed.Time != 5 || failed.Timings.Wait != 5 {
		t.Errorf("failed time %v timings %+v", failed.Time, failed.Timings)
	}
	pending := entryByID(t, h, "1000.7")
	r = pending.Response
	if r.Status != 0 || !strings.Contains(r.Error, "pending") || r.Content.MimeType != "x-unknown" || r.Headers != nil {
		t.Errorf("pending: %+v", r)
	}
	if pending.Request.URL != "https://app.test/slow" || pending.Time != 0 {
		t.Errorf("pending request %+v time %v", pending.Request, pending.Time)
	}
}

func TestWebSocket(t *testing.T) {
	h, _ := build(t)
	e := entryByID(t, h, "1000.8")
	if e.ResourceType != "websocket" || e.Response.Status != 101 || e.Request.URL != "wss://app.test/ws" {
		t.Errorf("socket entry type %q status %d url %q", e.ResourceType, e.Response.Status, e.Request.URL)
	}
	want := []har.WebSocketMessage{
		{Type: "send", Time: float64(at(220).UnixMicro()) / 1e6, Opcode: 1, Data: "hello"},
		{Type: "receive", Time: float64(at(230).UnixMicro()) / 1e6, Opcode: 1, Data: `{"n":1}`},
		{Type: "send", Time: float64(at(240).UnixMicro()) / 1e6, Opcode: 2, Data: "AAEC"},
		{Type: "receive", Time: float64(at(250).UnixMicro()) / 1e6, Opcode: 2, Data: "/w=="},
	}
	if !reflect.DeepEqual(e.WebSocketMessages, want) {
		t.Errorf("messages\n got %+v\nwant %+v", e.WebSocketMessages, want)
	}
	if e.WebSocketMessages[0].Time != 1795514400.22 {
		t.Errorf("message time %v, want seconds since the epoch", e.WebSocketMessages[0].Time)
	}

	// Frames of a socket opened before the capture get an entry of
	// their own.
	o := entryByID(t, h, "999.1")
	if o.Request.Method != "GET" || o.Response.Status != 101 || o.ResourceType != "websocket" || o.Pageref != "page_101" {
		t.Errorf("orphan socket %+v", o)
	}
	if len(o.WebSocketMessages) != 2 || o.WebSocketMessages[1].Data != "tock" || !strings.Contains(o.Comment, "synthesized") {
		t.Errorf("orphan messages %+v comment %q", o.WebSocketMessages, o.Comment)
	}
	if o.StartedDateTime != "2026-11-24T10:00:00.005Z" {
		t.Errorf("orphan started %q", o.StartedDateTime)
	}

	// Only WebSocket entries carry _webSocketMessages, even when empty.
	_, doc := build(t)
	if n := bytes.Count(doc, []byte(`"_webSocketMessages"`)); n != 2 {
		t.Errorf("%d entries with _webSocketMessages, want 2", n)
	}
	empty := har.Build(api.StopResult{StartTime: t0, Data: &api.Data{
		Requests: []api.Request{{RequestID: "1", URL: "wss://x.test/", Method: "GET", ResourceType: "WebSocket", Timestamp: t0}},
	}}, "dev")
	doc, _ = json.Marshal(empty)
	if !bytes.Contains(doc, []byte(`"_webSocketMessages":[]`)) {
		t.Errorf("a socket without frames has no empty _webSocketMessages: %s", doc)
	}
	hartest.Check(t, doc)
}

func TestStreams(t *testing.T) {
	h, _ := build(t)
	es := entryByID(t, h, "1000.9")
	want := []har.EventSourceMessage{
		{Time: float64(at(320).UnixMicro()) / 1e6, EventName: "message", EventID: "1", Data: "first"},
		{Time: float64(at(330).UnixMicro()) / 1e6, EventName: "update", EventID: "2", Data: `{"x":2}`},
	}
	if !reflect.DeepEqual(es.EventSourceMessages, want) || es.ResourceType != "eventsource" || es.Chunks != nil {
		t.Errorf("eventsource %q %+v %+v", es.ResourceType, es.EventSourceMessages, es.Chunks)
	}
	if !strings.Contains(es.Comment, "still open") {
		t.Errorf("eventsource comment %q", es.Comment)
	}
	ch := entryByID(t, h, "1000.10")
	wantC := []har.Chunk{
		{Time: float64(at(411).UnixMicro()) / 1e6, Size: 8, Data: "{\"a\":1}\n"},
		{Time: float64(at(412).UnixMicro()) / 1e6, Size: 2, Data: "/wA=", Encoding: "base64"},
	}
	if !reflect.DeepEqual(ch.Chunks, wantC) || ch.EventSourceMessages != nil || ch.Comment != "" {
		t.Errorf("chunks %+v comment %q", ch.Chunks, ch.Comment)
	}
	if ch.Response.Content.Text != "{\"a\":1}\n{\"a\":2}\n" {
		t.Errorf("streamed body %q", ch.Response.Content.Text)
	}
}

func TestEmptyCapture(t *testing.T) {
	for _, res := range []api.StopResult{{}, {CaptureID: "c", StartTime: t0, EndTime: t0, Data: &api.Data{}}} {
		doc, err := json.Marshal(har.Build(res, "dev"))
		if err != nil {
			t.Fatal(err)
		}
		hartest.Check(t, doc)
		if !bytes.Contains(doc, []byte(`"pages":[]`)) || !bytes.Contains(doc, []byte(`"entries":[]`)) {
			t.Errorf("empty capture: %s", doc)
		}
	}
}

func TestZeroValuesMarshalValid(t *testing.T) {
	// Types filled by hand, with nil slices, still give valid HAR.
	h := har.HAR{Log: har.Log{Version: har.Version, Creator: har.Creator{Name: "x", Version: "1"},
		Entries: []har.Entry{{StartedDateTime: "2026-11-24T10:00:00.000Z", Request: har.Request{Method: "GET", URL: "https://x.test/", HTTPVersion: "HTTP/1.1", HeadersSize: -1, BodySize: -1},
			Response: har.Response{Content: har.Content{MimeType: "x-unknown"}, HeadersSize: -1, BodySize: -1}}}}}
	hartest.CheckValue(t, h)
	hartest.CheckValue(t, &h)
}

// mutate builds the fixture's HAR, changes its JSON and returns it.
func mutate(t *testing.T, change func(log map[string]any)) []byte {
	t.Helper()
	_, doc := build(t)
	var v map[string]any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatal(err)
	}
	change(v["log"].(map[string]any))
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func entry(log map[string]any, i int) map[string]any {
	return log["entries"].([]any)[i].(map[string]any)
}

// TestValidatorBites proves the validator rejects broken HAR, so that a
// passing validation means something.
func TestValidatorBites(t *testing.T) {
	cases := []struct {
		name   string
		change func(log map[string]any)
		// want is part of the error expected, so that a case cannot pass
		// for another reason.
		want string
	}{
		{"request.headers removed", func(l map[string]any) { delete(entry(l, 0)["request"].(map[string]any), "headers") },
			"at '/log/entries/0/request': missing property 'headers'"},
		{"response.content removed", func(l map[string]any) { delete(entry(l, 1)["response"].(map[string]any), "content") },
			"missing property 'content'"},
		{"cookies null", func(l map[string]any) { entry(l, 2)["request"].(map[string]any)["cookies"] = nil },
			"cookies': got null, want array"},
		{"timings.wait removed", func(l map[string]any) { delete(entry(l, 2)["timings"].(map[string]any), "wait") },
			"missing property 'wait'"},
		{"status as string", func(l map[string]any) { entry(l, 2)["response"].(map[string]any)["status"] = "200" },
			"status': got string, want integer"},
		{"startedDateTime not a date", func(l map[string]any) { entry(l, 2)["startedDateTime"] = "yesterday" },
			"is not valid date-time"},
		{"serverIPAddress not an IP", func(l map[string]any) { entry(l, 2)["serverIPAddress"] = "[2001:db8::1]:443" },
			"serverIPAddress': 'oneOf' failed"},
		{"relative url", func(l map[string]any) { entry(l, 2)["request"].(map[string]any)["url"] = "/api/items" },
			"is not valid uri"},
		{"creator removed", func(l map[string]any) { delete(l, "creator") },
			"missing property 'creator'"},
		{"negative wait", func(l map[string]any) { entry(l, 2)["timings"].(map[string]any)["wait"] = -1 },
			"timings/wait is -1"},
		{"negative time", func(l map[string]any) { entry(l, 2)["time"] = -3 },
			"/log/entries/2/time is -3"},
		{"dangling pageref", func(l map[string]any) { entry(l, 2)["pageref"] = "page_9" },
			`pageref "page_9" names no page`},
		{"duplicate page id", func(l map[string]any) { l["pages"].([]any)[1].(map[string]any)["id"] = "page_101" },
			"is not unique"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := hartest.Validate(mutate(t, c.change))
			if err == nil {
				t.Fatalf("validation passed a HAR with %s", c.name)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("rejected for another reason than %q: %v", c.want, err)
			}
		})
	}
	if err := hartest.Validate(mutate(t, func(map[string]any) {})); err != nil {
		t.Errorf("an unchanged round trip fails: %v", err)
	}
	if err := hartest.Validate([]byte("{")); err == nil {
		t.Error("validation passed a broken JSON document")
	}
}

// TestRevalidatedResponseIsWrittenAsThePageUsedIt: a response the browser
// revalidated is the cached 200 with its body (a HAR consumer serves it as
// the page got it), and the network's 304 is in _revalidated.
func TestRevalidatedResponseIsWrittenAsThePageUsedIt(t *testing.T) {
	const doc = "<!doctype html><p>cached page</p>"
	res := api.StopResult{CaptureID: "capture_x", StartTime: t0, EndTime: at(100), Data: &api.Data{
		Requests: []api.Request{{RequestID: "1", URL: "https://app.test/", Method: "GET", ResourceType: "Document",
			Headers: map[string]string{"If-None-Match": `"v1"`}, Timestamp: at(1), Source: page,
			Redacted: []string{"cookie:sid"}}},
		Responses: []api.Response{{RequestID: "1", URL: "https://app.test/", Status: 304, StatusText: "Not Modified",
			Headers:  map[string]string{"ETag": `"v1"`, "Date": "Tue, 24 Nov 2026 10:00:00 GMT"},
			MimeType: "text/html", Body: doc, Timestamp: at(5), Source: page, Redacted: []string{"set-cookie:sid"},
			Revalidated: &api.CachedResponse{Status: 200, StatusText: "OK", Headers: map[string]string{
				"Content-Type": "text/html; charset=utf-8", "Content-Length": "33", "ETag": `"v1"`, "Set-Cookie": "sid=[redacted]; Path=/"}}}},
	}}
	h := har.Build(res, "1.2.3")
	b, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	hartest.Check(t, b)
	e := entryByID(t, h, "1")
	r := e.Response
	if r.Status != 200 || r.StatusText != "OK" || r.Content.Text != doc || r.Content.Size != int64(len(doc)) || r.BodySize != 0 {
		t.Errorf("the response the page used: %d %q, content %+v, bodySize %d", r.Status, r.StatusText, r.Content, r.BodySize)
	}
	if ct := headerOf(r.Headers, "Content-Type"); ct != "text/html; charset=utf-8" || len(r.Cookies) != 1 || r.Cookies[0].Name != "sid" {
		t.Errorf("the cached copy's headers: %+v, cookies %+v", r.Headers, r.Cookies)
	}
	if v := r.Revalidated; v == nil || v.Status != 304 || v.StatusText != "Not Modified" || headerOf(v.Headers, "ETag") != `"v1"` || headerOf(v.Headers, "Content-Type") != "" {
		t.Errorf("the network's 304: %+v", v)
	}
	if !reflect.DeepEqual(e.Request.Redacted, []string{"cookie:sid"}) || !reflect.DeepEqual(r.Redacted, []string{"set-cookie:sid"}) {
		t.Errorf("_redacted: request %q, response %q", e.Request.Redacted, r.Redacted)
	}
	if !strings.Contains(string(b), `"_revalidated":{"status":304`) || !strings.Contains(string(b), `"_redacted":["cookie:sid"]`) {
		t.Errorf("custom fields: %s", b)
	}
}

func headerOf(hs []har.Header, name string) string {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}
