package apidesc

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/capture/capturetest"
)

// kernelsApp is the traffic of a notebook-like app whose API is known:
// ids in paths, JSON bodies with nested objects and arrays, optional
// fields, a socket with typed JSON messages, and static files around.
func kernelsApp() *api.Data {
	d := &api.Data{}
	n := 0
	add := func(method, url, rt, reqType, reqBody string, status int64, mime, body string) {
		n++
		id := fmt.Sprintf("r%d", n)
		h := map[string]string{"Accept": "*/*", "Authorization": "Bearer [redacted]"}
		if reqType != "" {
			h["Content-Type"] = reqType
		}
		d.Requests = append(d.Requests, api.Request{RequestID: id, URL: url, Method: method, ResourceType: rt, Headers: h, PostData: reqBody, Timestamp: time.Unix(int64(n), 0)})
		d.Responses = append(d.Responses, api.Response{RequestID: id, URL: url, Status: status, MimeType: mime, Body: body, Headers: map[string]string{}})
	}
	const o = "https://nb.example"
	kernel := func(i int, state string, extra string) string {
		return fmt.Sprintf(`{"id":"%08d-aaaa-4bbb-8ccc-%012d","name":"python3","state":%q,"last_activity":"2026-12-01T10:%02d:00Z","connections":%d,"owner":{"email":"u%d@example.com","url":"https://nb.example/u/%d"}%s}`,
			i, i, state, i, i%3, i, i, extra)
	}
	add("GET", o+"/app", "Document", "", "", 200, "text/html", "<html>")
	add("GET", o+"/static/main.js", "Script", "", "", 200, "application/javascript", "x()")
	add("GET", o+"/static/main.css", "Stylesheet", "", "", 200, "text/css", "a{}")
	add("GET", o+"/static/logo.png", "Image", "", "", 200, "image/png", "")
	add("GET", o+"/static/font.woff2", "Font", "", "", 200, "font/woff2", "")
	add("OPTIONS", o+"/api/kernels", "Preflight", "", "", 204, "", "")
	for i := range 12 {
		var list []string
		for j := range 3 {
			state := []string{"idle", "busy"}[(i+j)%2]
			extra := ""
			if j == 0 {
				extra = `,"env":{"PATH":"/bin"}`
			}
			list = append(list, kernel(i*3+j, state, extra))
		}
		add("GET", fmt.Sprintf("%s/api/kernels?page=%d", o, i%3+1), "Fetch", "", "", 200, "application/json", "["+strings.Join(list, ",")+"]")
	}
	for i := range 5 {
		add("GET", fmt.Sprintf("%s/api/kernels/%08d-aaaa-4bbb-8ccc-%012d", o, i, i), "XHR", "", "", 200, "application/json", kernel(i, "idle", ""))
	}
	add("GET", o+"/api/kernels/00000099-aaaa-4bbb-8ccc-000000000099", "Fetch", "", "", 404, "application/json", `{"message":"no such kernel","reason":null}`)
	add("DELETE", o+"/api/kernels/00000001-aaaa-4bbb-8ccc-000000000001", "Fetch", "", "", 204, "", "")
	add("POST", o+"/api/kernels", "Fetch", "application/json", `{"name":"python3","path":"a.ipynb","token":"[redacted]"}`, 201, "application/json", kernel(7, "starting", ""))
	add("POST", o+"/api/kernels", "Fetch", "application/json; charset=utf-8", `{"name":"ir","path":"b.ipynb","token":"[redacted]","env":{"X":"1"}}`, 201, "application/json", kernel(8, "starting", ""))
	for _, u := range []string{"alice", "bob", "carol", "dave"} {
		add("GET", o+"/api/users/"+u+"/repos", "Fetch", "", "", 200, "application/json", `[{"name":"r1","stars":3}]`)
	}
	for _, p := range []string{"profile", "billing"} {
		add("GET", o+"/api/settings/"+p, "Fetch", "", "", 200, "application/json", `{"ok":true}`)
	}
	for _, f := range []string{"report-2026.pdf", "data-1.csv"} {
		add("GET", o+"/api/files/"+f+"/meta", "Fetch", "", "", 200, "application/json", `{"size":1.5}`)
	}
	add("GET", o+"/api/v1/status", "Fetch", "", "", 200, "application/json", `{"up":true}`)
	add("GET", o+"/api/v2/status", "Fetch", "", "", 200, "application/json", `{"up":true,"version":"2"}`)
	add("GET", o+"/api/reports/2026-11-30", "Fetch", "", "", 200, "text/csv", "a,b")
	add("POST", o+"/login", "Document", "application/x-www-form-urlencoded", "user=ann&password=[redacted]", 302, "text/html", "")
	add("POST", "https://metrics.example/collect", "Ping", "text/plain", `{"event":"view","at":1}`, 204, "", "")

	// The socket: a handshake, then typed messages both ways.
	ws := "https://nb.example/api/kernels/00000001-aaaa-4bbb-8ccc-000000000001/channels"
	ws = "wss" + strings.TrimPrefix(ws, "https")
	d.Requests = append(d.Requests, api.Request{RequestID: "ws1", URL: ws, Method: "GET", ResourceType: "WebSocket", Headers: map[string]string{}})
	d.Responses = append(d.Responses, api.Response{RequestID: "ws1", URL: ws, Status: 101, Headers: map[string]string{}})
	frame := func(dir, payload string) {
		d.WSFrames = append(d.WSFrames, api.WSFrame{RequestID: "ws1", URL: ws, Direction: dir, Opcode: 1, Payload: payload})
	}
	frame("sent", `{"op":"execute","code":"1+1","msg_id":"m1"}`)
	for i := range 6 {
		frame("received", fmt.Sprintf(`{"type":"status","state":"%s","seq":%d}`, []string{"busy", "idle"}[i%2], i))
	}
	frame("received", `{"type":"output","text":"2","data":{"text/plain":"2"}}`)
	frame("received", "not json")
	d.WSFrames = append(d.WSFrames, api.WSFrame{RequestID: "ws1", URL: ws, Direction: "received", Opcode: 2, Binary: true, Payload: "AAE="})
	return d
}

func describe(t *testing.T, d *api.Data) (*API, Description) {
	t.Helper()
	a, err := Infer(d, "")
	if err != nil {
		t.Fatal(err)
	}
	return a, a.Summary(1 << 20)
}

func endpoints(d Description) string {
	var out []string
	for _, e := range d.Endpoints {
		out = append(out, e.Method+" "+strings.TrimPrefix(e.Origin, "https://")+e.Path)
	}
	return strings.Join(out, "\n")
}

func find(d Description, method, path string) *Endpoint {
	for i := range d.Endpoints {
		if d.Endpoints[i].Method == method && d.Endpoints[i].Path == path {
			return &d.Endpoints[i]
		}
	}
	return nil
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestTemplates(t *testing.T) {
	_, d := describe(t, kernelsApp())
	want := `POST metrics.example/collect
GET nb.example/api/files/{fileId}/meta
GET nb.example/api/kernels
POST nb.example/api/kernels
GET nb.example/api/kernels/{kernelId}
DELETE nb.example/api/kernels/{kernelId}
GET nb.example/api/reports/{reportDate}
GET nb.example/api/settings/billing
GET nb.example/api/settings/profile
GET nb.example/api/users/{userId}/repos
GET nb.example/api/v1/status
GET nb.example/api/v2/status
POST nb.example/login`
	if got := endpoints(d); got != want {
		t.Errorf("endpoints:\n%s\nwant:\n%s", got, want)
	}
	if d.Static.Scripts.Count != 1 || d.Static.Styles.Count != 1 || d.Static.Images.Count != 1 || d.Static.Fonts.Count != 1 ||
		d.Static.Documents.Count != 1 || d.Static.Other.Count != 1 {
		t.Errorf("static: %+v", d.Static)
	}
	e := find(d, "GET", "/api/kernels/{kernelId}")
	if e.Count != 6 || js(e.Statuses) != `{"200":5,"404":1}` || e.ExampleRequestID != "r19" {
		t.Errorf("GET kernel: %+v", e)
	}
	if e := find(d, "GET", "/api/kernels"); js(e.Query) != `["page"]` || js(e.ResponseTypes) != `["application/json"]` {
		t.Errorf("GET kernels: %+v", e)
	}
	if e := find(d, "POST", "/api/kernels"); js(e.RequestTypes) != `["application/json"]` {
		t.Errorf("POST kernels: %+v", e)
	}
}

func TestSchemas(t *testing.T) {
	_, d := describe(t, kernelsApp())
	list := find(d, "GET", "/api/kernels").ResponseSchema
	want := `{"type":"array","items":{"type":"object","properties":{"id":{"type":"string","format":"uuid"},"name":{"type":"string"},` +
		`"state":{"type":"string","enum":["busy","idle"]},"last_activity":{"type":"string","format":"date-time"},"connections":{"type":"integer"},` +
		`"owner":{"type":"object","properties":{"email":{"type":"string","format":"email"},"url":{"type":"string","format":"uri"}},"required":["email","url"]},` +
		`"env":{"type":"object","properties":{"PATH":{"type":"string"}},"required":["PATH"]}},` +
		`"required":["id","name","state","last_activity","connections","owner"]}}`
	if got := js(list); got != want {
		t.Errorf("the list:\n%s\nwant:\n%s", got, want)
	}
	// The successful responses' shape; the 404's is its own.
	one := find(d, "GET", "/api/kernels/{kernelId}").ResponseSchema
	if got := js(one.Required); got != `["id","name","state","last_activity","connections","owner"]` {
		t.Errorf("one kernel: %s", js(one))
	}
	// Request bodies: optional fields, and no enum of a secret.
	req := find(d, "POST", "/api/kernels").RequestSchema
	if got := js(req); got != `{"type":"object","properties":{"name":{"type":"string"},"path":{"type":"string"},"token":{"type":"string"},`+
		`"env":{"type":"object","properties":{"X":{"type":"string"}},"required":["X"]}},"required":["name","path","token"]}` {
		t.Errorf("POST body: %s", got)
	}
	form := find(d, "POST", "/login").RequestSchema
	if got := js(form); got != `{"type":"object","properties":{"password":{"type":"string"},"user":{"type":"string"}},"required":["password","user"]}` &&
		got != `{"type":"object","properties":{"user":{"type":"string"},"password":{"type":"string"}},"required":["user","password"]}` {
		t.Errorf("a form: %s", got)
	}
	// A JSON body sent as text/plain.
	if got := js(find(d, "POST", "/collect").RequestSchema); got != `{"type":"object","properties":{"event":{"type":"string"},"at":{"type":"integer"}},"required":["event","at"]}` {
		t.Errorf("a beacon: %s", got)
	}
}

func TestSockets(t *testing.T) {
	_, d := describe(t, kernelsApp())
	if len(d.WebSockets) != 1 {
		t.Fatalf("sockets: %+v", d.WebSockets)
	}
	w := d.WebSockets[0]
	if w.URL != "wss://nb.example/api/kernels/{kernelId}/channels" || w.Connections != 1 || w.Sent != 1 || w.Received != 9 {
		t.Errorf("the socket: %+v", w)
	}
	var kinds []string
	for _, m := range w.Messages {
		kinds = append(kinds, fmt.Sprintf("%s %s %s %d", m.Direction, m.Format, m.Tag, m.Count))
	}
	if got := strings.Join(kinds, "; "); got != "sent json op=execute 1; received json type=status 6; received json type=output 1; received text  1; received binary  1" {
		t.Errorf("kinds: %s", got)
	}
	if got := js(w.Messages[1].Schema); got != `{"type":"object","properties":{"type":{"type":"string"},"state":{"type":"string"},"seq":{"type":"integer"}},"required":["type","state","seq"]}` {
		t.Errorf("status messages: %s", got)
	}
	if got := js(w.Messages[2].Schema.Properties[2].Schema); got != `{"type":"object","properties":{"text/plain":{"type":"string"}},"required":["text/plain"]}` {
		t.Errorf("output data: %s", got)
	}
}

func TestIDKinds(t *testing.T) {
	for seg, want := range map[string]string{
		"42": segNumber, "0": segNumber, "5f1c0e2a-3b4d-4c5e-8f90-a1b2c3d4e5f6": segUUID, "507f1f77bcf86cd799439011": segHex,
		"2026-11-30": segDate, "2026-11-30T10:00:00Z": segDate, "ann@example.com": segEmail,
		"dQw4w9WgXcQdQw4w9W": segToken, "eyJhbGciOiJIUzI1NiJ9abc": segToken,
		"kernels": "", "v1": "", "api": "", "deadbeef": "", "how-to-write-good-code": "", "getUser": "", "chat.postMessage": "", "oauth2": "",
	} {
		if got, _ := idKind(seg); got != want {
			t.Errorf("%q: %q, want %q", seg, got, want)
		}
	}
	for in, want := range map[string]string{"kernels": "kernel", "categories": "category", "work-items": "workItem", "boxes": "box",
		"status": "status", "user": "user", "addresses": "address", "news": "news"} {
		if got := singular(in); got != want {
			t.Errorf("singular(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRecorded describes what the engine made of Chromium's events for
// the end-to-end test page.
func TestRecorded(t *testing.T) {
	data := capturetest.Replay(t, capturetest.Testdata("http-page.jsonl"), api.Settings{}, map[string]capturetest.Body{
		"/api/get":   {Text: `{"items":[1,2,3]}`},
		"/api/final": {Text: `{"final":true}`},
	})
	_, d := describe(t, &data)
	got := endpoints(d)
	for _, want := range []string{"GET 127.0.0.1:36961/api/get", "POST 127.0.0.1:36961/api/post", "GET 127.0.0.1:36961/redirect", "GET 127.0.0.1:36961/missing"} {
		if !strings.Contains(strings.ReplaceAll(got, "http://", ""), want) {
			t.Errorf("no %s in\n%s", want, got)
		}
	}
	if e := find(d, "GET", "/api/get"); e == nil || js(e.ResponseSchema) != `{"type":"object","properties":{"items":{"type":"array","items":{"type":"integer"}}},"required":["items"]}` {
		t.Errorf("/api/get: %+v", e)
	}
	if e := find(d, "POST", "/api/post"); e == nil || js(e.RequestSchema) != `{"type":"object","properties":{"hello":{"type":"string"},"n":{"type":"integer"}},"required":["hello","n"]}` {
		t.Errorf("/api/post: %+v", e)
	}
	if e := find(d, "GET", "/redirect"); e == nil || js(e.Statuses) != `{"302":1}` {
		t.Errorf("/redirect: %+v", e)
	}
	if d.Static.Documents.Count != 1 || d.Static.Images.Count < 1 {
		t.Errorf("static: %+v", d.Static)
	}
	out := js(d)
	for _, secret := range []string{"s3cret-token-e2e", "cookie-secret-value-e2e"} {
		if strings.Contains(out, secret) {
			t.Errorf("the description holds %q", secret)
		}
	}
}

func TestBudget(t *testing.T) {
	a, whole := describe(t, kernelsApp())
	full := len(js(whole))
	for _, budget := range []int{full, full * 2 / 3, full / 3, 1500, 400} {
		d := a.Summary(budget)
		size := len(js(d))
		if size > budget && len(d.Endpoints)+len(d.WebSockets) > 0 {
			t.Errorf("budget %d: %d bytes", budget, size)
		}
		listed := len(d.Endpoints)
		if d.Unlisted != nil {
			listed += d.Unlisted.Endpoints
		}
		if listed != len(whole.Endpoints) || d.Calls != whole.Calls {
			t.Errorf("budget %d: %d endpoints accounted for, want %d", budget, listed, len(whole.Endpoints))
		}
		if budget < full && (d.Unlisted == nil || d.Unlisted.Hint == "") {
			t.Errorf("budget %d: nothing says what was left out", budget)
		}
	}
	if d := a.Summary(1500); d.Unlisted.Schemas != "omitted" || d.Unlisted.Endpoints == 0 || d.Endpoints[0].Count < 6 {
		t.Errorf("a tight budget keeps the most called: %+v", d)
	}
}

func TestFilter(t *testing.T) {
	a, err := Infer(kernelsApp(), "/kernels")
	if err != nil {
		t.Fatal(err)
	}
	if got := endpoints(a.Summary(1 << 20)); got != "GET nb.example/api/kernels\nPOST nb.example/api/kernels\nGET nb.example/api/kernels/{kernelId}\nDELETE nb.example/api/kernels/{kernelId}" {
		t.Errorf("filtered:\n%s", got)
	}
	if _, err := Infer(kernelsApp(), "/(/"); err == nil || api.CodeOf(err) != api.CodeInvalid {
		t.Errorf("a bad filter: %v", err)
	}
}

func TestOpenAPI(t *testing.T) {
	a, whole := describe(t, kernelsApp())
	doc := a.OpenAPI("nb.example", 0)
	if doc.OpenAPI != "3.1.0" || len(doc.Servers) != 1 || doc.Servers[0].URL != "https://nb.example" || len(doc.WebSockets) != 1 {
		t.Errorf("document: %+v", doc)
	}
	ops := 0
	for path, item := range doc.Paths {
		ops += item.operations()
		// Every {name} of a path is one of its parameters.
		for _, seg := range segments(path) {
			if strings.HasPrefix(seg, "{") {
				found := false
				for _, p := range item.Parameters {
					found = found || ("{"+p.Name+"}" == seg && p.In == "path" && p.Required)
				}
				if !found {
					t.Errorf("%s: no parameter for %s", path, seg)
				}
			}
		}
	}
	if ops+doc.Unlisted != len(whole.Endpoints) {
		t.Errorf("%d operations and %d unlisted for %d endpoints", ops, doc.Unlisted, len(whole.Endpoints))
	}
	item := doc.Paths["/api/kernels/{kernelId}"]
	if item.Get == nil || item.Delete == nil || item.Parameters[0].Schema.Format != "uuid" || item.Get.Responses["404"] == nil ||
		item.Get.Responses["200"].Content["application/json"].Schema == nil || item.Delete.Responses["204"].Content != nil {
		t.Errorf("kernel path: %s", js(item))
	}
	post := doc.Paths["/api/kernels"].Post
	if post.RequestBody == nil || string(post.RequestBody.Content["application/json"].Example) != `{"name":"python3","path":"a.ipynb","token":"[redacted]"}` {
		t.Errorf("POST kernels: %s", js(post))
	}
	if q := doc.Paths["/api/kernels"].Get.Parameters; len(q) != 1 || q[0].Name != "page" || q[0].In != "query" || !q[0].Required || q[0].Schema.Type != "integer" {
		t.Errorf("query: %s", js(q))
	}
	if item := doc.Paths["/collect"]; len(item.Servers) != 1 || item.Servers[0].URL != "https://metrics.example" {
		t.Errorf("another origin: %s", js(item))
	}
	if p := doc.Paths["/api/reports/{reportDate}"].Parameters[0]; p.Schema.Format != "date" || p.Example != "2026-11-30" {
		t.Errorf("a date: %s", js(p))
	}
	// Within a budget, the least called paths go first.
	small := a.OpenAPI("nb.example", 3000)
	if n := len(js(small)); n > 3000 || small.Unlisted == 0 || small.Paths["/api/kernels"] == nil {
		t.Errorf("budget: %d bytes, %d unlisted, paths %v", n, small.Unlisted, len(small.Paths))
	}
	if path := os.Getenv("TABTAP_OPENAPI_OUT"); path != "" {
		os.WriteFile(path, []byte(js(doc)), 0o644)
	}
}

func TestFormats(t *testing.T) {
	for s, want := range map[string]string{
		"2026-12-01T10:00:00Z": "date-time", "2026-12-01T10:00:00.123+01:00": "date-time", "2026-12-01": "date",
		"2026-13-01": "", "2026-12-01T25:00:00Z": "", "2026-12-01T10:00:00": "", "5f1c0e2a-3b4d-4c5e-8f90-a1b2c3d4e5f6": "uuid",
		"ann@example.com": "email", "Ann <ann@example.com>": "", "https://a.example/x?y": "uri", "a.example/x": "", "plain": "",
	} {
		if got := formatName(formatsOf([]byte(s))); got != want {
			t.Errorf("%q: %q, want %q", s, got, want)
		}
	}
}

// TestNotJSON: bodies that are not JSON, or break off, give no schema
// and no error.
func TestNotJSON(t *testing.T) {
	r := &reader{}
	for _, b := range []string{"", "<html>", `{"a":1`, `{"a":1}{"b":2}`, `[1,2,]`, "null", `"text"`, strings.Repeat("[", 100) + strings.Repeat("]", 100)} {
		n := newNode()
		ok := r.read(n, b)
		if ok && !strings.HasPrefix(b, "[[[") {
			t.Errorf("%q read as JSON", b)
		}
	}
	// Depth is bounded: what is deeper is counted.
	n := newNode()
	if !r.read(n, strings.Repeat("[", 100)+strings.Repeat("]", 100)) || js(n.schema()) == "" {
		t.Error("a deep array")
	}
}

// FuzzInfer: no body, path or message makes a description fail.
func FuzzInfer(f *testing.F) {
	f.Add("/api/items/42", `{"a":[1,{"b":null}],"c":"2026-12-01"}`, `{"type":"x","v":1}`)
	f.Add("/", "[", "")
	f.Fuzz(func(t *testing.T, path, body, frame string) {
		d := &api.Data{
			Requests:  []api.Request{{RequestID: "1", URL: "https://a.example" + path, Method: "POST", PostData: body, Headers: map[string]string{"Content-Type": "application/json"}}},
			Responses: []api.Response{{RequestID: "1", URL: "https://a.example" + path, Status: 200, Body: body, MimeType: "application/json"}},
			WSFrames:  []api.WSFrame{{RequestID: "2", URL: "wss://a.example" + path, Payload: frame, Direction: "sent", Opcode: 1}},
		}
		a, err := Infer(d, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := json.Marshal(a.Summary(1 << 20)); err != nil {
			t.Fatal(err)
		}
		if _, err := json.Marshal(a.OpenAPI("t", 0)); err != nil {
			t.Fatal(err)
		}
	})
}

// TestNotebook describes the end-to-end test's notebook app as Chromium
// showed it: exactly its API.
func TestNotebook(t *testing.T) {
	a, d := describe(t, capturetest.Saved(t, capturetest.Testdata("notebook-capture.json")))
	var got []string
	for _, e := range d.Endpoints {
		got = append(got, fmt.Sprintf("%s %s %s", e.Method, e.Path, js(e.Statuses)))
	}
	want := `GET /done {"200":1}
GET /nb/api/kernels {"200":1}
POST /nb/api/kernels {"201":1}
GET /nb/api/kernels/{kernelId} {"200":3,"404":1}
DELETE /nb/api/kernels/{kernelId} {"204":1}
POST /nb/api/login {"200":1}
GET /nb/api/users/{userId}/sessions {"200":2}`
	if strings.Join(got, "\n") != want {
		t.Errorf("endpoints:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
	if e := find(d, "GET", "/nb/api/users/{userId}/sessions"); js(e.Query) != `["cursor","limit"]` ||
		js(e.ResponseSchema) != `{"type":"object","properties":{"sessions":{"type":"array","items":{"type":"object","properties":{"id":{"type":"string"},"kernel":{"type":"string","format":"uuid"},"started":{"type":"string","format":"date-time"}},"required":["id","kernel","started"]}},"next":{"type":["string","null"]}},"required":["sessions","next"]}` {
		t.Errorf("sessions: %s", js(e))
	}
	one := find(d, "GET", "/nb/api/kernels/{kernelId}").ResponseSchema
	if js(one.Required) != `["id","name","state","created","owner","tags","resources"]` || len(one.Properties) != 8 {
		t.Errorf("a kernel (note is optional): %s", js(one))
	}
	if e := find(d, "POST", "/nb/api/login"); js(e.ResponseSchema) != `{"type":"object","properties":{"access_token":{"type":"string"},"token_type":{"type":"string"},"expires_in":{"type":"integer"}},"required":["access_token","token_type","expires_in"]}` {
		t.Errorf("login: %s", js(e.ResponseSchema))
	}
	if len(d.WebSockets) != 1 || !strings.HasSuffix(d.WebSockets[0].URL, "/nb/api/kernels/{kernelId}/channels") || len(d.WebSockets[0].Messages) != 3 {
		t.Errorf("socket: %s", js(d.WebSockets))
	}
	doc := a.OpenAPI("notebook", 0)
	if login := js(doc.Paths["/nb/api/login"]); !strings.Contains(login, `"access_token":"[redacted]"`) {
		t.Errorf("login example: %s", login)
	}
}

// TestSchemaRoundTrip: a client reads a schema back with its properties
// in order.
func TestSchemaRoundTrip(t *testing.T) {
	_, d := describe(t, kernelsApp())
	s := find(d, "GET", "/api/kernels").ResponseSchema
	var back Schema
	if err := json.Unmarshal([]byte(js(s)), &back); err != nil || js(&back) != js(s) {
		t.Errorf("%v\n%s\n%s", err, js(s), js(&back))
	}
}
