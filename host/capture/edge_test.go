package capture

import (
	"encoding/json"
	"fmt"
)

// edgeEvents are HTTP and WebSocket events of tab 1 that the recordings
// lack: request bodies, cookies blocked both ways, a revalidated response,
// a redirect, failures, extra info that comes first, headers of every JSON
// kind (numbers, nulls, objects, escapes, invalid UTF-8), a stack with an
// async parent, and events the browser would never send (fields of
// another JSON kind than the protocol's) that the capture ignores.
func edgeEvents() []Event {
	var out []Event
	add := func(method string, params any) {
		b, ok := params.([]byte)
		if !ok {
			var err error
			if b, err = json.Marshal(params); err != nil {
				panic(err)
			}
		}
		out = append(out, Event{TabID: 1, Method: method, Params: b})
	}
	odd := map[string]any{
		"X-Num": 42, "X-Float": 1.5, "X-Big": 1e21, "X-Neg": -0.25, "X-Bool": true, "X-Null": nil,
		"X-Obj": map[string]any{"a": 1, "b": []any{"c"}}, "X-Arr": []any{"a", 2, nil}, "X-Empty": "",
		"X-Esc": "a\"b\\c\td", "X-Uni": "héllo ☃", "X-Long": fmt.Sprintf("%0100d", 7), "x-lower": "v",
		"Content-Type": "application/x-www-form-urlencoded", "Authorization": "Bearer edge-secret-1",
	}
	stack := map[string]any{
		"callFrames": []any{
			map[string]any{"functionName": "send", "scriptId": "9", "url": "https://app.test/app.js", "lineNumber": 3, "columnNumber": 1},
		},
		"parent": map[string]any{
			"description": "Promise.then",
			"callFrames": []any{
				map[string]any{"functionName": "", "scriptId": "10", "url": "tabtap-send-edge", "lineNumber": 0, "columnNumber": 0},
			},
		},
	}
	timing := func(ts float64) map[string]any {
		return map[string]any{"requestTime": ts - 0.01, "proxyStart": -1, "proxyEnd": -1, "dnsStart": 0.5, "dnsEnd": 1.25,
			"connectStart": 1.25, "connectEnd": 4, "sslStart": 2, "sslEnd": 4, "workerStart": -1, "workerReady": -1,
			"workerFetchStart": -1, "workerRespondWithSettled": -1, "sendStart": 4.5, "sendEnd": 4.75, "pushStart": 0, "pushEnd": 0,
			"receiveHeadersStart": 9, "receiveHeadersEnd": 9.5}
	}
	security := map[string]any{"protocol": "TLS 1.3", "keyExchange": "", "keyExchangeGroup": "X25519", "cipher": "AES_128_GCM",
		"certificateId": 0, "subjectName": "app.test", "sanList": []any{"app.test"}, "issuer": "R3", "validFrom": 1, "validTo": 2,
		"signedCertificateTimestampList": []any{}, "certificateTransparencyCompliance": "unknown", "encryptedClientHello": false}

	// A POST of a form, by a script whose async parent is a sent request's
	// tag, answered 200 from a revalidation (304 on the wire).
	add("Network.requestWillBeSent", map[string]any{
		"requestId": "e.1", "loaderId": "L1", "documentURL": "https://app.test/page#top",
		"request": map[string]any{"url": "https://app.test/form?q=1", "urlFragment": "#frag", "method": "POST", "headers": odd,
			"hasPostData": true, "postDataEntries": []any{map[string]any{"bytes": b64("a=1&")}, map[string]any{}, map[string]any{"bytes": b64("b=2")}},
			"mixedContentType": "none", "initialPriority": "High", "referrerPolicy": "no-referrer", "isSameSite": true},
		"timestamp": t0 + 1, "wallTime": wall0 + 1, "hasUserGesture": false, "redirectHasExtraInfo": false,
		"initiator": map[string]any{"type": "script", "stack": stack, "url": "https://app.test/app.js", "lineNumber": 3, "columnNumber": 1},
		"type":      "XHR", "frameId": "F1",
	})
	add("Network.requestWillBeSentExtraInfo", map[string]any{
		"requestId": "e.1", "headers": map[string]any{"Cookie": "sid=edge-cookie-1; theme=dark", "Host": "app.test", "X-Num": 7},
		"associatedCookies": []any{
			map[string]any{"cookie": map[string]any{"name": "sid", "value": "edge-cookie-1", "domain": "app.test", "path": "/", "expires": -1,
				"size": 7, "httpOnly": true, "secure": true, "session": true, "priority": "Medium", "sourceScheme": "Secure", "sourcePort": 443,
				"partitionKey": "https://app.test"}, "blockedReasons": []any{}},
			map[string]any{"cookie": map[string]any{"name": "track"}, "blockedReasons": []any{"SameSiteStrict", "SecureOnly"}},
			map[string]any{"blockedReasons": []any{"DomainMismatch"}},
			nil,
		},
		"connectTiming": map[string]any{"requestTime": t0 + 1},
	})
	add("Network.responseReceivedExtraInfo", map[string]any{
		"requestId": "e.1", "statusCode": 304, "resourceIPAddressSpace": "Public",
		"headers":            map[string]any{"ETag": `"v1"`, "Set-Cookie": "a=1\nb=edge-cookie-2", "X-Bool": false},
		"headersText":        "HTTP/1.1 304 Not Modified\r\n\r\n",
		"cookiePartitionKey": map[string]any{"topLevelSite": "https://app.test", "hasCrossSiteAncestor": false},
		"blockedCookies": []any{
			map[string]any{"blockedReasons": []any{"SameSiteLax"}, "cookieLine": "b=edge-cookie-2", "cookie": map[string]any{"name": "b"}},
			map[string]any{"blockedReasons": []any{"SyntaxError", "InvalidDomain"}, "cookieLine": "bad line"},
			nil,
		},
	})
	add("Network.responseReceived", map[string]any{
		"requestId": "e.1", "loaderId": "L1", "timestamp": t0 + 1.1, "type": "XHR", "hasExtraInfo": true, "frameId": "F1",
		"response": map[string]any{"url": "https://app.test/form?q=1", "status": 200, "statusText": "OK",
			"headers":        map[string]any{"Content-Type": "text/html", "Content-Length": " 12 ", "X-Num": 3},
			"requestHeaders": map[string]any{"Accept": "*/*"}, "mimeType": "text/html", "charset": "utf-8",
			"connectionReused": false, "connectionId": 12, "remoteIPAddress": "2001:db8::1", "remotePort": 443,
			"fromDiskCache": true, "fromServiceWorker": false, "fromPrefetchCache": false, "fromEarlyHints": false,
			"encodedDataLength": 321.5, "timing": timing(t0 + 1.1), "responseTime": 1.7e12, "protocol": "h2",
			"alternateProtocolUsage": "unspecifiedReason", "securityState": "secure", "securityDetails": security},
	})
	add("Network.requestServedFromCache", map[string]any{"requestId": "e.1"})
	add("Network.dataReceived", map[string]any{"requestId": "e.1", "timestamp": t0 + 1.15, "dataLength": 5, "encodedDataLength": 5, "data": b64("hello")})
	add("Network.loadingFinished", map[string]any{"requestId": "e.1", "timestamp": t0 + 1.2, "encodedDataLength": 400.25, "encodedBodyLength": 12})

	// A redirect chain, the redirect answered by a server that sent its
	// header values as numbers.
	add("Network.requestWillBeSent", req("e.2", "https://app.test/old", "GET", t0+2, nil))
	add("Network.requestWillBeSent", req("e.2", "https://app.test/new", "GET", t0+2.1, map[string]any{
		"redirectHasExtraInfo": false,
		"redirectResponse": map[string]any{"url": "https://app.test/old", "status": 301, "statusText": "Moved Permanently",
			"headers": map[string]any{"Location": "/new", "Content-Length": 0, "Age": 12.5}, "mimeType": "", "connectionId": 1,
			"remoteIPAddress": "10.0.0.1", "remotePort": 0, "encodedDataLength": 50, "timing": timing(t0 + 2.05), "securityState": "neutral"},
		"initiator": map[string]any{"type": "parser", "url": "https://app.test/page", "lineNumber": 17.5, "requestId": "e.0"},
	}))
	add("Network.responseReceived", resp("e.2", "https://app.test/new", 200, t0+2.2, map[string]any{"Content-Type": "application/json"}, "application/json"))
	add("Network.loadingFinished", finished("e.2", t0+2.3))

	// Failures: blocked by CORS, blocked by the inspector, canceled.
	add("Network.requestWillBeSent", req("e.3", "https://api.other.test/x", "GET", t0+3, nil))
	add("Network.loadingFailed", map[string]any{"requestId": "e.3", "timestamp": t0 + 3.1, "type": "Fetch", "errorText": "net::ERR_FAILED",
		"canceled": false, "corsErrorStatus": map[string]any{"corsError": "MissingAllowOriginHeader", "failedParameter": ""}})
	add("Network.requestWillBeSent", req("e.4", "https://ads.test/x", "GET", t0+3.2, map[string]any{
		"request": map[string]any{"url": "https://ads.test/x", "method": "GET", "headers": odd, "initialPriority": "Low", "referrerPolicy": "origin"},
	}))
	add("Network.loadingFailed", map[string]any{"requestId": "e.4", "timestamp": t0 + 3.3, "type": "Script", "errorText": "net::ERR_BLOCKED_BY_CLIENT",
		"canceled": true, "blockedReason": "inspector", "corsErrorStatus": map[string]any{"corsError": "InvalidResponse"}})

	// A response whose request came before the capture.
	add("Network.responseReceived", map[string]any{"requestId": "e.5", "loaderId": "L2", "timestamp": t0 + 4, "type": "Document", "frameId": "F2",
		"response": map[string]any{"url": "https://app.test/early", "status": 200, "statusText": "OK",
			"headers": map[string]any{"Content-Type": "text/html"}, "requestHeaders": map[string]any{"Accept": "text/html", "X-Num": 1},
			"mimeType": "text/html", "encodedDataLength": 10, "securityState": "secure"}})
	add("Network.loadingFinished", finished("e.5", t0+4.1))

	// Extra info before what it describes, and headers null, empty or
	// missing.
	add("Network.requestWillBeSentExtraInfo", map[string]any{"requestId": "e.6", "headers": map[string]any{"Accept": "*/*", "Cookie": "c=1"}, "associatedCookies": []any{}})
	add("Network.responseReceivedExtraInfo", map[string]any{"requestId": "e.6", "statusCode": 200, "headers": map[string]any{}, "blockedCookies": []any{}})
	add("Network.requestWillBeSent", req("e.6", "https://app.test/late", "GET", t0+5, map[string]any{
		"request":   map[string]any{"url": "https://app.test/late", "method": "GET", "headers": nil, "initialPriority": "Low", "referrerPolicy": "origin"},
		"initiator": nil, "type": nil,
	}))
	add("Network.responseReceived", map[string]any{"requestId": "e.6", "timestamp": t0 + 5.1, "type": "Other",
		"response": map[string]any{"url": "https://app.test/late", "status": 204, "statusText": "No Content", "mimeType": "", "encodedDataLength": 0}})
	add("Network.loadingFinished", map[string]any{"requestId": "e.6", "timestamp": t0 + 5.2})

	// A streamed body.
	add("Network.requestWillBeSent", req("e.7", "https://app.test/events", "GET", t0+6, nil))
	add("Network.responseReceived", resp("e.7", "https://app.test/events", 200, t0+6.1, map[string]any{"Content-Type": "text/event-stream"}, "text/event-stream"))
	add("Network.dataReceived", map[string]any{"requestId": "e.7", "timestamp": t0 + 6.2, "dataLength": 6, "encodedDataLength": 6, "data": b64("data:1")})
	add("Network.dataReceived", map[string]any{"requestId": "e.7", "timestamp": t0 + 6.3, "dataLength": 3, "encodedDataLength": 3, "data": b64("\xff\x00\x01")})
	add("Network.dataReceived", map[string]any{"requestId": "e.7", "timestamp": t0 + 6.35, "dataLength": 0, "encodedDataLength": 0})
	add("Network.loadingFinished", finished("e.7", t0+6.4))

	// Invalid UTF-8 in a URL, a header name and a header value.
	add("Network.requestWillBeSent", []byte(fmt.Sprintf("{\"requestId\":\"e.8\",\"documentURL\":\"https://app.test/\",\"request\":{\"url\":\"https://app.test/b\xffd\",\"method\":\"GET\","+
		"\"headers\":{\"X-B\xe9d\":\"v\xc3\x28al\",\"Accept\":\"*/*\"},\"initialPriority\":\"High\",\"referrerPolicy\":\"origin\"},"+
		"\"timestamp\":%v,\"wallTime\":%v,\"initiator\":{\"type\":\"other\"},\"type\":\"Fetch\",\"frameId\":\"F1\"}", t0+7, wall0+7)))
	add("Network.responseReceived", []byte(fmt.Sprintf("{\"requestId\":\"e.8\",\"timestamp\":%v,\"type\":\"Fetch\",\"response\":{\"url\":\"https://app.test/b\xffd\","+
		"\"status\":200,\"statusText\":\"OK\",\"headers\":{\"Content-Type\":\"text/plain; charset=\xe9\",\"X-\\u00e9sc\":\"\\u2603\\ud83d\\ude00 \\/x\"},"+
		"\"mimeType\":\"text/plain\",\"encodedDataLength\":1}}", t0+7.1)))
	add("Network.loadingFinished", finished("e.8", t0+7.2))

	// What the browser would never send, and the capture ignores: fields
	// of another JSON kind than the protocol's.
	add("Network.requestWillBeSent", []byte(`{"requestId":"e.10","request":{"url":"https://app.test/str","method":"GET","headers":"A: 1"},"timestamp":`+fmt.Sprint(t0+8)+`}`))
	add("Network.responseReceivedExtraInfo", []byte(`{"requestId":"e.2","statusCode":"200","headers":{}}`))
	add("Network.loadingFinished", []byte(`{"requestId":"e.3","timestamp":"soon"}`))
	add("Network.dataReceived", []byte(`{"requestId":"e.7","timestamp":1,"data":"not base64!"}`))

	// Valid JSON as the browser does not write it: spaces and new lines,
	// escaped names, numbers with exponents, nulls.
	pretty := func(method string, params any) {
		b, err := json.MarshalIndent(params, "", " \t ")
		if err != nil {
			panic(err)
		}
		add(method, append(append([]byte("\r\n "), b...), " \n"...))
	}
	pretty("Network.requestWillBeSent", req("e.11", "https://app.test/pretty", "GET", t0+8.1, nil))
	pretty("Network.responseReceived", resp("e.11", "https://app.test/pretty", 200, t0+8.2, map[string]any{"A": "b", "N": 1}, "text/plain"))
	pretty("Network.loadingFinished", finished("e.11", t0+8.3))
	add("Network.requestWillBeSent", []byte(`{"requestId":"e.12","\u0072equest":{"url":"https://app.test/esc\/aped","method":"G\u0045T","headers":{"\u0041ccept":"*\/*","X":"\u00e9\n"}},`+
		`"timestamp":1.0081e3,"wallTime":`+fmt.Sprint(wall0+8)+`,"initiator":{"type":"other","lineNumber":-0.0},"type":null,"frameId":null}`))
	add("Network.responseReceived", []byte(`{"requestId":"e.12","timestamp":1008.15E0,"type":"Fetch","response":{"url":"https://app.test/esc","status":2e2,"headers":{}}}`))
	add("Network.responseReceived", []byte(`{"requestId":"e.12","timestamp":1008.2,"type":"Fetch","response":{"url":"https://app.test/esc","status":200.0,"headers":{}}}`))
	add("Network.responseReceived", []byte(`{"requestId":"e.12","timestamp":1008.25,"type":"Fetch","response":null}`))
	add("Network.responseReceived", []byte(`{"requestId":"e.12","timestamp":1e400,"type":"Fetch","response":{"url":"https://app.test/esc","status":200}}`))
	add("Network.responseReceived", []byte(`{"requestId":"e.12","timestamp":1008.3,"type":"Fetch","response":{"url":"https://app.test/esc","status":9223372036854775808}}`))
	add("Network.responseReceived", []byte(`{"requestId":"e.12","timestamp":1008.35,"type":"Fetch","extra":[{"a":[1,{"b":null}]},"x",true,false,-1.5e-3],`+
		`"response":{"url":"https://app.test/esc","status":-0,"remotePort":12,"statusText":null,"fromDiskCache":null,"encodedDataLength":0.1234567890123456789,`+
		`"timing":{"requestTime":1008.3000000000001,"dnsStart":-1,"receiveHeadersEnd":123456789012345678}}}`))
	add("Network.loadingFinished", []byte(`{"requestId":"e.12","timestamp":1008.4,"encodedDataLength":1E3} `))

	// A WebSocket whose handshake response has a header of a number.
	add("Network.webSocketCreated", map[string]any{"requestId": "w.1", "url": "wss://app.test/ws", "initiator": map[string]any{"type": "script", "url": "https://app.test/app.js"}})
	add("Network.webSocketWillSendHandshakeRequest", map[string]any{"requestId": "w.1", "timestamp": t0 + 9, "wallTime": wall0 + 9,
		"request": map[string]any{"headers": map[string]any{"Sec-WebSocket-Key": "k==", "Cookie": "sid=edge-cookie-1", "X-Num": 5}}})
	add("Network.webSocketHandshakeResponseReceived", map[string]any{"requestId": "w.1", "timestamp": t0 + 9.1,
		"response": map[string]any{"status": 101, "statusText": "Switching Protocols", "headers": map[string]any{"Upgrade": "websocket", "X-Num": 2.5},
			"headersText": "HTTP/1.1 101\r\n", "requestHeaders": map[string]any{"A": "b"}}})
	add("Network.webSocketFrameSent", map[string]any{"requestId": "w.1", "timestamp": t0 + 9.2, "response": map[string]any{"opcode": 1, "mask": true, "payloadData": "hi"}})
	add("Network.webSocketClosed", map[string]any{"requestId": "w.1", "timestamp": t0 + 9.3})
	return out
}
