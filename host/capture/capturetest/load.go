package capturetest

import (
	"fmt"
	"strings"
	"time"

	"github.com/tabtap/tabtap/host/api"
)

// Load is a synthetic capture of a busy single-page app, the shape of the
// end-to-end load test at scale (at 10, 20,000 requests and 200,000
// WebSocket frames): the browser's real header sets, JSON bodies of a few
// API endpoints with ids in their paths (about bodyBytes each), and a
// socket pushing small JSON messages. Every record is distinct, so that a
// value searched for is where the test put it.
func Load(scale, bodyBytes int) *api.Data {
	n, frames := 2000*scale, 20000*scale
	d := &api.Data{
		Requests:  make([]api.Request, 0, n+1),
		Responses: make([]api.Response, 0, n+1),
		WSFrames:  make([]api.WSFrame, 0, frames),
	}
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	const origin = "https://app.example"
	for i := range n {
		id := fmt.Sprintf("1000.%d", i)
		var url, method, body string
		switch i % 4 {
		case 0:
			url, method = fmt.Sprintf("%s/api/projects/%d/items?page=%d", origin, i%97, i%5), "GET"
			body = itemsBody(i, bodyBytes)
		case 1:
			url, method = fmt.Sprintf("%s/api/items/%08x-1f2e-4d3c-9b8a-%012x", origin, i, i*7919), "GET"
			body = itemBody(i)
		case 2:
			url, method = fmt.Sprintf("%s/api/items/%08x-1f2e-4d3c-9b8a-%012x/comments", origin, i, i*7919), "POST"
			body = fmt.Sprintf(`{"id":%d,"ok":true}`, i)
		default:
			url, method = fmt.Sprintf("%s/api/users/%d", origin, 100+i%13), "GET"
			body = fmt.Sprintf(`{"id":%d,"name":"user %d","email":"u%d@example.com","roles":["reader"]}`, 100+i%13, i%13, i%13)
		}
		ts := t0.Add(time.Duration(i) * time.Millisecond)
		q := api.Request{RequestID: id, URL: url, Method: method, ResourceType: "Fetch", Timestamp: ts, HeadersRaw: true,
			Headers: requestHeaders(i), Source: api.Source{TabID: 1, Target: "page"}}
		if method == "POST" {
			q.Headers["Content-Type"] = "application/json"
			q.PostData = fmt.Sprintf(`{"text":"comment %d on the item","mentions":[%d,%d]}`, i, i%7, i%11)
		}
		d.Requests = append(d.Requests, q)
		d.Responses = append(d.Responses, api.Response{RequestID: id, URL: url, Status: 200, StatusText: "OK", MimeType: "application/json",
			Headers: responseHeaders(i, len(body)), Body: body, BodySize: int64(len(body)), Timestamp: ts.Add(20 * time.Millisecond),
			EncodedDataLength: int64(len(body) + 400), HeadersRaw: true, Protocol: "h2", Source: api.Source{TabID: 1, Target: "page"}})
	}
	ws := "1000.ws"
	d.Requests = append(d.Requests, api.Request{RequestID: ws, URL: "wss://app.example/live", Method: "GET", ResourceType: "WebSocket",
		Timestamp: t0, Headers: requestHeaders(-1)})
	d.Responses = append(d.Responses, api.Response{RequestID: ws, URL: "wss://app.example/live", Status: 101, StatusText: "Switching Protocols",
		Timestamp: t0, Headers: map[string]string{"Upgrade": "websocket", "Connection": "Upgrade"}, WebSocket: &api.WebSocketState{}})
	for i := range frames {
		p := fmt.Sprintf(`{"type":"tick","seq":%d,"price":%d.25,"symbol":"SYM%d"}`, i, 100+i%50, i%20)
		dir := "received"
		if i%100 == 0 {
			p, dir = fmt.Sprintf(`{"type":"ack","seq":%d}`, i), "sent"
		}
		d.WSFrames = append(d.WSFrames, api.WSFrame{RequestID: ws, URL: "wss://app.example/live", Direction: dir, Opcode: 1,
			Payload: p, Length: len(p), Timestamp: t0.Add(time.Duration(i) * 100 * time.Microsecond), Source: api.Source{TabID: 1, Target: "page"}})
	}
	return d
}

func requestHeaders(i int) map[string]string {
	return map[string]string{
		":authority": "app.example", ":method": "GET", ":path": "/api", ":scheme": "https",
		"Accept": "application/json, text/plain, */*", "Accept-Encoding": "gzip, deflate, br, zstd", "Accept-Language": "en-US,en;q=0.9",
		"Cookie":             "session=[redacted]; theme=dark",
		"Referer":            "https://app.example/projects",
		"Sec-Ch-Ua":          `"Not:A-Brand";v="8", "Chromium";v="156"`,
		"Sec-Ch-Ua-Mobile":   "?0",
		"Sec-Ch-Ua-Platform": `"Linux"`,
		"Sec-Fetch-Dest":     "empty", "Sec-Fetch-Mode": "cors", "Sec-Fetch-Site": "same-origin",
		"User-Agent":   "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
		"X-Request-Id": fmt.Sprintf("req-%06d", i),
	}
}

func responseHeaders(i, size int) map[string]string {
	return map[string]string{
		"Content-Type": "application/json; charset=utf-8", "Content-Length": fmt.Sprint(size), "Cache-Control": "no-store",
		"Date": "Tue, 01 Dec 2026 12:00:00 GMT", "Server": "nginx", "Vary": "Accept-Encoding",
		"Strict-Transport-Security": "max-age=63072000", "X-Trace-Id": fmt.Sprintf("trace-%06d", i),
	}
}

func itemBody(i int) string {
	return fmt.Sprintf(`{"id":"%08x-1f2e-4d3c-9b8a-%012x","title":"Item %d","status":"%s","created":"2026-11-%02dT10:00:00Z","owner":{"id":%d,"name":"user %d"},"tags":["a","b"]}`,
		i, i*7919, i, []string{"open", "closed", "draft"}[i%3], 1+i%28, 100+i%13, i%13)
}

// itemsBody is a page of items, about size bytes.
func itemsBody(i, size int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `{"page":%d,"total":%d,"items":[`, i%5, 1000+i)
	for j := 0; b.Len() < size; j++ {
		if j > 0 {
			b.WriteByte(',')
		}
		b.WriteString(itemBody(i*1000 + j))
	}
	b.WriteString(`]}`)
	return b.String()
}
