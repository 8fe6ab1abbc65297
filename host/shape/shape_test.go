package shape

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/har"
)

var t0 = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

// capture is a capture of n requests (a few failing, posting, redirected,
// with bodies of every size), a socket with frames frames, and a stream.
func capture(n, frames int) *api.Data {
	d := &api.Data{}
	for i := range n {
		id := fmt.Sprintf("%d.1", i)
		at := t0.Add(time.Duration(i) * time.Millisecond)
		typ := []string{"Fetch", "Script", "Image", "XHR", "Stylesheet"}[i%5]
		req := api.Request{RequestID: id, URL: fmt.Sprintf("https://host%d.test/api/item/%d?x=%s", i%7, i, strings.Repeat("q", i%50)),
			Method: "GET", Headers: map[string]string{"Accept": "*/*", "User-Agent": "Mozilla/5.0 (X11; Linux x86_64)"}, ResourceType: typ, Timestamp: at}
		if i%9 == 4 {
			req.Method, req.PostData = "POST", `{"order":`+fmt.Sprint(i)+`}`
		}
		resp := api.Response{RequestID: id, URL: req.URL, Status: 200, StatusText: "OK", MimeType: "application/json",
			Headers: map[string]string{"Content-Type": "application/json"}, Timestamp: at.Add(5 * time.Millisecond),
			Timing: &api.Timing{Total: float64(i % 300)}, Body: strings.Repeat("b", []int{20, 1500, 9000}[i%3])}
		resp.BodySize = int64(len(resp.Body))
		switch {
		case i%31 == 5:
			resp.Status = 500
		case i%37 == 6:
			resp.Failed, resp.ErrorText, resp.Status, resp.Body, resp.BodySize = true, "net::ERR_CONNECTION_RESET", 0, "", 0
		case i == 3:
			resp.Body, resp.BodyBase64 = "", base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0, 1, 2, 255}, 3000))
		}
		d.Requests = append(d.Requests, req)
		d.Responses = append(d.Responses, resp)
	}
	if frames > 0 {
		d.Requests = append(d.Requests, api.Request{RequestID: "ws.1", URL: "wss://live.test/socket", Method: "GET", ResourceType: "WebSocket", Headers: map[string]string{}, Timestamp: t0})
		d.Responses = append(d.Responses, api.Response{RequestID: "ws.1", URL: "wss://live.test/socket", Status: 101, Headers: map[string]string{}, Timestamp: t0, WebSocket: &api.WebSocketState{}})
	}
	for i := range frames {
		dir := []string{"sent", "received"}[i%2]
		p := fmt.Sprintf(`{"seq":%d,"price":101.25}`, i)
		d.WSFrames = append(d.WSFrames, api.WSFrame{RequestID: "ws.1", URL: "wss://live.test/socket", Direction: dir, Opcode: 1, Payload: p, Length: len(p), Timestamp: t0.Add(time.Duration(i) * time.Millisecond)})
	}
	d.StreamingResponses = append(d.StreamingResponses, api.StreamingResponse{RequestID: "es.1", URL: "https://live.test/events", Kind: "eventsource", Complete: true,
		Messages: []api.StreamMessage{{Timestamp: t0, EventName: "tick", EventID: "1", Data: "one"}, {Timestamp: t0, EventName: "tick", EventID: "2", Data: "two"}}})
	return d
}

func base(d *api.Data) api.StopResult {
	opts, _ := api.Settings{}.Resolve()
	return api.StopResult{SessionID: "s-ab12cd34-1", CaptureID: "capture_ab12cd34_2", Format: "json", StartTime: t0, EndTime: t0.Add(time.Minute), Options: opts,
		Summary: api.Summary{TotalRequests: len(d.Requests), TotalResponses: len(d.Responses), TotalWsFrames: len(d.WSFrames), StreamingResponses: len(d.StreamingResponses)}}
}

func TestStopFitsEveryBudget(t *testing.T) {
	for _, n := range []int{1, 50, 2000, 20000} {
		d := capture(n, n)
		for _, budget := range []int{1500, 10_000, Share(api.DefaultResultBytes), 500_000} {
			res := Stop(base(d), d, budget, nil)
			if got := Size(res); got > budget {
				t.Errorf("%d records, budget %d: %d bytes", n, budget, got)
			}
			if res.Summary.TotalRequests != len(d.Requests) {
				t.Errorf("%d records: the totals changed", n)
			}
			// Both halves of an exchange travel together.
			ids := map[string]int{}
			for _, r := range res.Data.Requests {
				ids[r.RequestID]++
			}
			for _, r := range res.Data.Responses {
				ids[r.RequestID]--
			}
			for id, c := range ids {
				if c != 0 {
					t.Errorf("%d records, budget %d: %s lost one half", n, budget, id)
				}
			}
			if t := res.Truncated; t != nil && t.Requests != len(d.Requests)-len(res.Data.Requests) {
				panic("truncated counts are wrong")
			}
		}
	}
}

func TestStopOverviewNamesOrGroups(t *testing.T) {
	small := capture(40, 4)
	res := Stop(base(small), small, Share(api.DefaultResultBytes), nil)
	if o := res.Overview; o == nil || len(o.Requests) != len(small.Requests) || o.Groups != nil {
		t.Fatalf("40 requests are not all named: %+v", res.Overview)
	}
	if len(res.Overview.WebSockets) != 1 || res.Overview.WebSockets[0].Sent != 2 || res.Overview.WebSockets[0].Last == nil {
		t.Errorf("socket summary: %+v", res.Overview.WebSockets)
	}
	flags := map[string]bool{}
	for _, r := range res.Overview.Requests {
		for _, f := range r.Flags {
			flags[f] = true
		}
	}
	if !flags["failed"] || !flags["sentBody"] {
		t.Errorf("flags seen: %v", flags)
	}
	// Failures and API calls come first in data; large bodies are left out.
	for _, r := range res.Data.Responses {
		if len(r.Body) > StopContentBytes {
			t.Errorf("%s kept a body of %d bytes", r.RequestID, len(r.Body))
		}
	}

	big := capture(2000, 2000)
	res = Stop(base(big), big, Share(api.DefaultResultBytes), nil)
	o := res.Overview
	if o == nil || o.Groups == nil || len(o.Notable) == 0 || o.Unlisted == nil || o.Unlisted.Requests != len(big.Requests)-len(o.Notable) {
		t.Fatalf("2000 requests: %+v", o)
	}
	total := 0
	for _, g := range o.Groups.ByStatus {
		total += g.Count
	}
	if total != len(big.Requests) {
		t.Errorf("the status groups count %d of %d requests", total, len(big.Requests))
	}
	failures := 0
	for _, r := range o.Notable {
		if failedOrError(r) {
			failures++
		}
	}
	if failures == 0 {
		t.Error("no failure among the notable rows")
	}
	if res.Truncated == nil || !strings.Contains(res.Truncated.Hint, "get_network_capture_data") {
		t.Errorf("truncated: %+v", res.Truncated)
	}
}

// TestEveryRequestIsReachable pages through a capture as an agent would,
// from the default stop result: every request comes back whole.
func TestEveryRequestIsReachable(t *testing.T) {
	d := capture(700, 10)
	seen := map[string]bool{}
	next := 0
	for pages := 0; ; pages++ {
		p, err := Page(d, api.GetDataArgs{Offset: next}, Share(api.DefaultResultBytes))
		if err != nil {
			t.Fatal(err)
		}
		if Size(p) > Share(api.DefaultResultBytes) {
			t.Fatalf("page at %d: %d bytes", next, Size(p))
		}
		if len(p.Data.Requests) != len(p.Data.Responses) {
			t.Fatalf("page at %d: %d requests, %d responses", next, len(p.Data.Requests), len(p.Data.Responses))
		}
		for _, r := range p.Data.Requests {
			seen[r.RequestID] = true
		}
		if p.NextOffset == nil {
			break
		}
		if *p.NextOffset <= next {
			t.Fatalf("no progress at offset %d", next)
		}
		next = *p.NextOffset
	}
	if len(seen) != len(d.Requests) {
		t.Errorf("paging reached %d of %d requests", len(seen), len(d.Requests))
	}
}

func TestPageFiltersAndKinds(t *testing.T) {
	d := capture(100, 30)
	st := 500
	p, err := Page(d, api.GetDataArgs{Status: &st}, Share(api.DefaultResultBytes))
	if err != nil || p.Total == 0 {
		t.Fatalf("status 500: %+v %v", p, err)
	}
	for _, r := range p.Data.Responses {
		if r.Status != 500 {
			t.Errorf("status filter let %d through", r.Status)
		}
	}
	p, _ = Page(d, api.GetDataArgs{Method: "post"}, Share(api.DefaultResultBytes))
	for _, r := range p.Data.Requests {
		if r.Method != "POST" {
			t.Errorf("method filter let %s through", r.Method)
		}
	}
	p, _ = Page(d, api.GetDataArgs{Kind: api.KindWSFrames, Offset: 10, Limit: ptr(5)}, Share(api.DefaultResultBytes))
	if p.Total != 30 || p.Returned != 5 || len(p.Data.WSFrames) != 5 || *p.NextOffset != 15 || len(p.Data.Requests) != 0 {
		t.Errorf("frames page: %+v", p)
	}
	if _, err := Page(d, api.GetDataArgs{URLFilter: "/a(/"}, Share(api.DefaultResultBytes)); err == nil {
		t.Error("a bad regex was accepted")
	}
	if _, err := Page(d, api.GetDataArgs{Kind: "frames"}, Share(api.DefaultResultBytes)); err == nil {
		t.Error("an unknown kind was accepted")
	}
}

func ptr[T any](v T) *T { return &v }

// TestBodyPagesReassemble reads a large body page by page, text and
// binary, and gets back exactly its bytes.
func TestBodyPagesReassemble(t *testing.T) {
	for _, binary := range []bool{false, true} {
		d := capture(5, 0)
		body := []byte(strings.Repeat("héllo <wörld> & \"quotes\"\n", 20000))
		if binary {
			body = bytes.Repeat([]byte{0, 200, 7, 255, 10}, 100000)
			d.Responses[1].Body, d.Responses[1].BodyBase64 = "", base64.StdEncoding.EncodeToString(body)
		} else {
			d.Responses[1].Body = string(body)
		}
		f, ok := Find(d, "1.1")
		if !ok {
			t.Fatal("not found")
		}
		var got []byte
		var off int64
		for pages := 0; pages < 1000; pages++ {
			det, err := Request(f, api.GetRequestArgs{RequestID: "1.1", BodyOffset: off}, Share(api.DefaultResultBytes))
			if err != nil {
				t.Fatal(err)
			}
			if Size(det) > Share(api.DefaultResultBytes) {
				t.Fatalf("a page of %d bytes", Size(det))
			}
			part := []byte(det.Response.Body)
			if binary {
				part, _ = base64.StdEncoding.DecodeString(det.Response.BodyBase64)
			}
			if det.BodyPage == nil || det.BodyPage.Offset != off || det.BodyPage.Total != int64(len(body)) || int(det.BodyPage.Length) != len(part) {
				t.Fatalf("bodyPage %+v at %d", det.BodyPage, off)
			}
			got = append(got, part...)
			if det.BodyPage.NextOffset == nil {
				break
			}
			off = *det.BodyPage.NextOffset
		}
		if !bytes.Equal(got, body) {
			t.Errorf("binary %v: reassembled %d bytes, want %d", binary, len(got), len(body))
		}
	}
}

func TestRequestFindsEveryRecord(t *testing.T) {
	d := capture(3, 120)
	d.Requests = append(d.Requests, api.Request{RequestID: "9.1:redirected.1", URL: "https://a.test/old", Method: "GET", Headers: map[string]string{}},
		api.Request{RequestID: "9.1", URL: "https://a.test/new", Method: "GET", Headers: map[string]string{}, RedirectedFrom: "https://a.test/old"})
	d.Responses = append(d.Responses, api.Response{RequestID: "9.1:redirected.1", Status: 302, RedirectURL: "https://a.test/new", Headers: map[string]string{}},
		api.Response{RequestID: "9.1", Status: 200, Headers: map[string]string{}, Body: "new"})
	f, _ := Find(d, "9.1:redirected.1")
	det, err := Request(f, api.GetRequestArgs{}, Share(api.DefaultResultBytes))
	if err != nil || det.Request.URL != "https://a.test/new" || len(det.Redirects) != 1 || det.Redirects[0].Response.Status != 302 {
		t.Errorf("redirect chain: %+v %v", det, err)
	}
	// Narrowed to the hop, the 302 is the answer and the final request
	// is left out.
	f, _ = Find(d, "9.1:redirected.1")
	if !f.Hop("9.1:redirected.1") {
		t.Fatal("the chain of 9.1 lacks its hop")
	}
	det, err = Request(f, api.GetRequestArgs{}, Share(api.DefaultResultBytes))
	if err != nil || det.Request.URL != "https://a.test/old" || det.Response.Status != 302 || len(det.Redirects) != 0 {
		t.Errorf("the hop: %+v %v", det, err)
	}
	if f, _ = Find(d, "9.1"); f.Hop("9.1:redirected.2") || f.Request.URL != "https://a.test/new" {
		t.Errorf("a hop that is not there narrowed the chain to %+v", f.Exchange)
	}
	f, _ = Find(d, "ws.1")
	det, _ = Request(f, api.GetRequestArgs{Offset: 100, Limit: ptr(50)}, Share(api.DefaultResultBytes))
	if det.Items == nil || det.Items.Total != 120 || det.Items.Returned != 20 || det.Items.NextOffset != nil || len(det.WSFrames) != 20 {
		t.Errorf("frames page: %+v", det.Items)
	}
	f, _ = Find(d, "es.1")
	det, _ = Request(f, api.GetRequestArgs{}, Share(api.DefaultResultBytes))
	if det.Stream == nil || len(det.Stream.Messages) != 2 {
		t.Errorf("stream: %+v", det.Stream)
	}
	if _, ok := Find(d, "nope"); ok {
		t.Error("found a request that is not there")
	}
	f, _ = Find(d, "0.1")
	if _, err := Request(f, api.GetRequestArgs{BodyOffset: 1 << 30}, Share(api.DefaultResultBytes)); err == nil {
		t.Error("an offset past the body was accepted")
	}
}

func TestWriteCaptureIsTheWholeCapture(t *testing.T) {
	d := capture(30, 5)
	var buf bytes.Buffer
	if err := WriteCapture(&buf, base(d), d); err != nil {
		t.Fatal(err)
	}
	var back api.StopResult
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if back.Data == nil || len(back.Data.Requests) != len(d.Requests) || len(back.Data.WSFrames) != 5 || back.Data.Responses[1].Body != d.Responses[1].Body {
		t.Errorf("written capture differs")
	}
	if strings.Contains(buf.String(), `\u003c`) {
		t.Error("the file escapes HTML")
	}
}

// BenchmarkStop is the default stop result of a 2,000-request,
// 20,000-frame capture, as the daemon builds it.
func BenchmarkStop(b *testing.B) {
	d := capture(2000, 20000)
	res := base(d)
	for b.Loop() {
		Stop(res, d, Share(api.DefaultResultBytes), nil)
	}
}

// BenchmarkStopHAR is the same stop with format har: the records that fit
// come as HAR entries, which take more room than the records, so that
// some are dropped after the first measure.
func BenchmarkStopHAR(b *testing.B) {
	d := capture(2000, 20000)
	res := base(d)
	for b.Loop() {
		Stop(res, d, Share(api.DefaultResultBytes), harOf(res))
	}
}

// harOf makes the HAR of the records kept, as the daemon does.
func harOf(res api.StopResult) func(api.Data) any {
	return func(kept api.Data) any {
		r := res
		r.Data = &kept
		return har.Build(r, "test")
	}
}

// TestStopHARFitsEveryBudget: a HAR stop keeps to its budget too, its
// totals true.
func TestStopHARFitsEveryBudget(t *testing.T) {
	for _, n := range []int{1, 50, 2000} {
		d := capture(n, n)
		for _, budget := range []int{10_000, Share(api.DefaultResultBytes), 500_000} {
			res := Stop(base(d), d, budget, harOf(base(d)))
			if got := Size(res); got > budget {
				t.Errorf("%d records, budget %d: %d bytes", n, budget, got)
			}
			if res.HAR == nil || res.Data != nil || res.Summary.TotalRequests != len(d.Requests) {
				t.Errorf("%d records, budget %d: HAR %v, data %v, %d requests", n, budget, res.HAR != nil, res.Data != nil, res.Summary.TotalRequests)
			}
		}
	}
}

// BenchmarkWriteCapture writes the same capture whole, as outputPath does.
func BenchmarkWriteCapture(b *testing.B) {
	d := capture(2000, 20000)
	res := base(d)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := WriteCapture(&buf, res, d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len())/1e6, "MB")
}

// BenchmarkBodyPage is one default page of a 3 MB script.
func BenchmarkBodyPage(b *testing.B) {
	d := capture(300, 2000)
	d.Responses[1].Body = strings.Repeat("window.bundle.push(function f(x) { return x * 7 + \"abc\"; });\n", 3<<20/64)
	for b.Loop() {
		f, _ := Find(d, "1.1")
		if _, err := Request(f, api.GetRequestArgs{RequestID: "1.1", BodyOffset: 1 << 20}, Share(api.DefaultResultBytes)); err != nil {
			b.Fatal(err)
		}
	}
}
