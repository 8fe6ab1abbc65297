package daemon

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/extension"
)

func TestSendRefusal(t *testing.T) {
	allowed := extension.Policy{SendSites: []string{"*.app.test", "https://other.test/x"}}
	changes := allowed
	changes.SendChanges = true
	blocked := changes
	blocked.BlockedSites = []string{"api.app.test"}
	for _, c := range []struct {
		p           extension.Policy
		method, url string
		want        string // "" when allowed
	}{
		{extension.Policy{}, "GET", "https://app.test/", "Sites where agents may send requests as you"},
		{allowed, "GET", "https://app.test/api", ""},
		{allowed, "head", "https://www.app.test/", ""},
		{allowed, "OPTIONS", "http://other.test:8080/", ""},
		{allowed, "GET", "https://app.test.evil/", "to app.test.evil"},
		{allowed, "GET", "https://notapp.test/", "to notapp.test"},
		{allowed, "POST", "https://app.test/", "POST can change things"},
		{allowed, "DELETE", "https://app.test/", "Including requests that change things"},
		{allowed, "PROPFIND", "https://app.test/", "can change things"},
		{changes, "POST", "https://app.test/", ""},
		{changes, "PATCH", "https://app.test/", ""},
		{blocked, "GET", "https://api.app.test/", "keep agents away"},
	} {
		err := sendRefusal(c.p, c.method, c.url)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s %s: %v, want it allowed", c.method, c.url, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s %s: %v, want a refusal with %q", c.method, c.url, err, c.want)
		case err != nil && (api.CodeOf(err) != api.CodeForbidden || !strings.Contains(err.Error(), "Extension options")):
			t.Errorf("%s %s: %v: want code forbidden, saying where the person changes it", c.method, c.url, err)
		}
	}
}

// Secrets the page of TestSendRequest's capture carried.
const (
	sendToken  = "bearer-0123456789abcdef"
	sendCookie = "cookie-0123456789abcdef"
	sendQuery  = "query-0123456789abcdef"
)

// loadSigned sends the events of one signed-in call of tab 1: a bearer
// token, a cookie, a token parameter.
func (x *fakeExtension) loadSigned(id, method string) {
	url := "https://app.test/api/items?page=1&token=" + sendQuery
	ev := func(m string, params map[string]any) extension.Event {
		p, _ := json.Marshal(params)
		return extension.Event{TabID: 1, Method: m, Params: p}
	}
	x.mu.Lock()
	x.bodies[id] = `{"items":[1]}`
	x.mu.Unlock()
	x.notify(extension.MethodCDPEvents, extension.EventBatch{Events: []extension.Event{
		ev("Network.requestWillBeSent", map[string]any{"requestId": id, "loaderId": "L1", "documentURL": "https://app.test/",
			"request": map[string]any{"url": url, "method": method, "headers": map[string]any{
				"Accept": "application/json", "Authorization": "Bearer " + sendToken, "Cookie": "sid=" + sendCookie, "Sec-Fetch-Mode": "cors",
				"Content-Type": "application/json",
			}, "hasPostData": method == "POST", "postDataEntries": postEntries(method)},
			"timestamp": 1000.0, "wallTime": 1764000000.0, "initiator": map[string]any{"type": "script"}, "type": "Fetch", "frameId": "F1"}),
		ev("Network.responseReceived", map[string]any{"requestId": id, "loaderId": "L1", "timestamp": 1000.1, "type": "Fetch",
			"response": map[string]any{"url": url, "status": 200, "statusText": "OK", "headers": map[string]any{"Content-Type": "application/json"},
				"mimeType": "application/json", "encodedDataLength": 50, "protocol": "http/1.1"}}),
		ev("Network.loadingFinished", map[string]any{"requestId": id, "timestamp": 1000.2, "encodedDataLength": 80}),
	}})
}

func postEntries(method string) []any {
	if method != "POST" {
		return nil
	}
	return []any{map[string]any{"bytes": base64.StdEncoding.EncodeToString([]byte(`{"csrf":"csrf-0123456789abcdef","n":1}`))}}
}

// TestSendRequest: a captured request goes again from the session's tab
// with the credentials it carried, only as the person's settings allow;
// the agent sees none of them, and the running capture records it.
func TestSendRequest(t *testing.T) {
	r := start(t)
	sess, _ := r.capturing(1, api.Settings{})
	r.ext.loadSigned("1.1", "GET")
	r.ext.loadSigned("1.2", "POST")
	d := r.daemon()
	eventually(t, "the capture holds both requests", func() bool {
		st, _ := d.status(sess.SessionID)
		return st.CurrentStats.Requests == 2
	})
	send := func(a api.SendRequestArgs) (api.SendResult, error) {
		a.SessionID = sess.SessionID
		var res api.SendResult
		err := r.call(api.SendRequest, a, &res)
		return res, err
	}
	refused := func(a api.SendRequestArgs, code, want string) {
		t.Helper()
		_, err := send(a)
		if api.CodeOf(err) != code || !strings.Contains(fmt.Sprint(err), want) {
			t.Errorf("%+v: %v, want a %s error with %q", a, err, code, want)
		}
	}

	refused(api.SendRequestArgs{RequestID: "1.1"}, api.CodeForbidden, "Sites where agents may send requests as you")
	r.setPolicy(extension.Policy{SendSites: []string{"app.test"}})
	res, err := send(api.SendRequestArgs{RequestID: "1.1"})
	if err != nil {
		t.Fatal(err)
	}
	f := r.ext.lastFetch()
	sent := map[string]string{}
	for _, h := range f.Headers {
		sent[h.Name] = h.Value
	}
	if f.Method != "GET" || !strings.HasSuffix(f.URL, "token="+sendQuery) || sent["Authorization"] != "Bearer "+sendToken || f.TabID != 1 {
		t.Errorf("sent %+v", f)
	}
	for _, own := range []string{"Cookie", "Sec-Fetch-Mode"} {
		if _, ok := sent[own]; ok {
			t.Errorf("the browser's own %s was asked for", own)
		}
	}
	if !strings.HasPrefix(f.Tag, "tabtap-send-") || len(f.Tag) < 30 || f.TimeoutMs != int(api.SendSeconds.Default)*1000 || f.MaxBodyBytes != api.DefaultMaxBodyBytes {
		t.Errorf("tag, timeout, body bound: %+v", f)
	}
	b, _ := json.Marshal(res)
	for _, secret := range []string{sendToken, sendCookie, sendQuery} {
		if strings.Contains(string(b), secret) {
			t.Errorf("the result holds the secret %s: %s", secret, b)
		}
	}
	if !res.Joined || res.Request == nil || res.Request.RequestID != "9.1" || res.CaptureID == "" || res.Response == nil || res.Response.Status != 200 ||
		!strings.Contains(res.Response.Body, `"Authorization":"[redacted]"`) || res.From != "https://app.test" {
		t.Errorf("result %s", b)
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "current cookies") {
		t.Errorf("notes %q, want one about the person's cookies", res.Notes)
	}
	var detail api.RequestDetail
	r.must(api.GetRequest, api.GetRequestArgs{SessionID: sess.SessionID, RequestID: "9.1"}, &detail)
	if detail.Request == nil || detail.Request.SentBy != "agent" {
		t.Errorf("the capture's record of the sent request: %+v", detail.Request)
	}
	if st, _ := d.status(sess.SessionID); st.CurrentStats.Requests != 3 {
		t.Errorf("the capture holds %d requests, want 3", st.CurrentStats.Requests)
	}
	eventually(t, "the popup hears of the request sent", func() bool {
		st := r.ext.lastState()
		return len(st.Captures) == 1 && st.Captures[0].Sent == 1
	})

	// Changed: the page parameter, a header set, one removed; the hidden
	// token goes back in its place.
	_, err = send(api.SendRequestArgs{RequestID: "1.1",
		URL:     ptr("https://app.test/api/items?page=2&token=[redacted]"),
		Headers: map[string]*string{"accept": nil, "X-Extra": ptr("yes")}})
	if err != nil {
		t.Fatal(err)
	}
	f = r.ext.lastFetch()
	sent = map[string]string{}
	for _, h := range f.Headers {
		sent[h.Name] = h.Value
	}
	if !strings.HasSuffix(f.URL, "page=2&token="+sendQuery) || sent["X-Extra"] != "yes" || sent["Accept"] != "" || sent["Authorization"] != "Bearer "+sendToken {
		t.Errorf("changed: sent %+v", f)
	}

	refused(api.SendRequestArgs{RequestID: "1.2"}, api.CodeForbidden, "POST can change things")
	refused(api.SendRequestArgs{RequestID: "1.1", Method: ptr("delete")}, api.CodeForbidden, "DELETE can change things")
	refused(api.SendRequestArgs{RequestID: "1.1", URL: ptr("https://evil.test/?token=[redacted]")}, api.CodeInvalid, "stay on the captured request's origin")
	refused(api.SendRequestArgs{RequestID: "1.1", URL: ptr("http://app.test/api/items")}, api.CodeInvalid, "origin, https://app.test:443")
	refused(api.SendRequestArgs{RequestID: "1.1", URL: ptr("https://app.test/?q=[redacted]")}, api.CodeInvalid, "hid nothing")
	refused(api.SendRequestArgs{RequestID: "1.1", Headers: map[string]*string{"bad name": ptr("x")}}, api.CodeInvalid, "not a header name")
	refused(api.SendRequestArgs{RequestID: "1.1", Headers: map[string]*string{"X-A": ptr("x\r\nX-B: y")}}, api.CodeInvalid, "line break")
	refused(api.SendRequestArgs{RequestID: "7.7"}, api.CodeNotFound, "request 7.7 not found")
	refused(api.SendRequestArgs{RequestID: "1.1", TimeoutSeconds: ptr(0)}, api.CodeInvalid, "timeoutSeconds")
	refused(api.SendRequestArgs{}, api.CodeInvalid, "requestId is required")

	r.setPolicy(extension.Policy{SendSites: []string{"app.test"}, SendChanges: true})
	res, err = send(api.SendRequestArgs{RequestID: "1.2", Body: ptr(`{"n":2,"csrf":"[redacted]"}`)})
	if err != nil {
		t.Fatal(err)
	}
	f = r.ext.lastFetch()
	if body, _ := base64.StdEncoding.DecodeString(f.BodyBase64); f.Method != "POST" || string(body) != `{"n":2,"csrf":"csrf-0123456789abcdef"}` {
		t.Errorf("POST sent %s %q", f.Method, body)
	}
	if res.Request == nil || res.Request.PostData != `{"n":2,"csrf":"[redacted]"}` {
		t.Errorf("the result shows the body as %+v", res.Request)
	}

	// A stopped capture is not joined; a closed tab sends nothing.
	r.must(api.StopCapture, api.StopCaptureArgs{SessionID: sess.SessionID}, nil)
	res, err = send(api.SendRequestArgs{RequestID: "1.1"})
	if err != nil || res.Joined || res.CaptureID != "" || !strings.HasPrefix(res.Request.RequestID, "tabtap-send-") {
		t.Errorf("after the stop: %v %+v", err, res)
	}
	r.ext.closeTab(1)
	eventually(t, "the daemon hears the tab closed", func() bool {
		_, err := send(api.SendRequestArgs{RequestID: "1.1"})
		return api.CodeOf(err) == api.CodeConflict
	})
}

func TestPlanSendBodies(t *testing.T) {
	bin := api.Request{RequestID: "1", Method: "PUT", URL: "https://a.test/", Headers: map[string]string{}, PostDataBase64: base64.StdEncoding.EncodeToString([]byte{0, 0xff, 1})}
	out, err := planSend(bin, bin, api.SendRequestArgs{})
	if err != nil || string(out.body) != "\x00\xff\x01" {
		t.Errorf("a binary body: %v %q", err, out.body)
	}
	cut := api.Request{RequestID: "2", Method: "POST", URL: "https://a.test/", Headers: map[string]string{}, PostData: "abc", PostDataTruncated: true}
	if _, err := planSend(cut, cut, api.SendRequestArgs{}); err == nil || !strings.Contains(err.Error(), "pass body") {
		t.Errorf("a cut body: %v", err)
	}
	if out, err := planSend(cut, cut, api.SendRequestArgs{Body: ptr("whole")}); err != nil || string(out.body) != "whole" {
		t.Errorf("a cut body replaced: %v %q", err, out.body)
	}
	if out, err := planSend(cut, cut, api.SendRequestArgs{Method: ptr("get"), Body: ptr("x")}); err != nil || out.body != nil || out.method != "GET" || len(out.notes) != 1 {
		t.Errorf("a GET with a body: %v %+v", err, out)
	}
	partial := api.Request{RequestID: "3", URL: "https://a.test/", Partial: true}
	if _, err := planSend(partial, partial, api.SendRequestArgs{}); err == nil || !strings.Contains(err.Error(), "pass method") {
		t.Errorf("a request known by its response only: %v", err)
	}
	if _, err := planSend(partial, partial, api.SendRequestArgs{Method: ptr("G ET")}); err == nil || !strings.Contains(err.Error(), "not an HTTP method") {
		t.Errorf("a malformed method: %v", err)
	}
}
