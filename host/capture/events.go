package capture

// The HTTP events, the commonest after WebSocket frames, as the capture
// reads them: only the fields the engine uses, with the Go types of
// cdproto's, which the engine used before. An eventReader reads them
// (reader.go) by the names the tags give, the protocol's: headers as
// shared strings, the values the JSON package would give, and the same
// errors for a field of another JSON kind than the protocol's. The fields
// left out are skipped. What the reader leaves to the JSON package (the
// parts of a request body, the stack, cookies, a chunk of a streamed body,
// the CORS error) the JSON package reads by the same tags.
//
// Some pointers of cdproto's types are values here, and a null for one is
// its zero value: the engine read a nil one as an empty one (a cookie, an
// associated cookie), or read through it unchecked (a call frame, a part of
// a request body: a null one made it panic). Blocked cookies of a response
// stay pointers: a null one is skipped.

// evRequestWillBeSent is Network.requestWillBeSent.
type evRequestWillBeSent struct {
	RequestID        string     `json:"requestId"`
	DocumentURL      string     `json:"documentURL"`
	Request          *request   `json:"request"`
	Timestamp        float64    `json:"timestamp"`
	WallTime         float64    `json:"wallTime"`
	Initiator        *initiator `json:"initiator"`
	RedirectResponse *response  `json:"redirectResponse"`
	Type             string     `json:"type"`
	FrameID          string     `json:"frameId"`
}

// request is Network.Request.
type request struct {
	URL             string            `json:"url"`
	URLFragment     string            `json:"urlFragment"`
	Method          string            `json:"method"`
	Headers         map[string]string `json:"headers"`
	HasPostData     bool              `json:"hasPostData"`
	PostDataEntries []postDataEntry   `json:"postDataEntries"`
}

// postDataEntry is Network.PostDataEntry: a part of a request body, in
// base64.
type postDataEntry struct {
	Bytes []byte `json:"bytes"`
}

// initiator is Network.Initiator.
type initiator struct {
	Type       string      `json:"type"`
	Stack      *stackTrace `json:"stack"`
	URL        string      `json:"url"`
	LineNumber float64     `json:"lineNumber"`
	RequestID  string      `json:"requestId"`
}

// stackTrace is Runtime.StackTrace: the scripts a request was sent from
// (markSent), and the async stack before them.
type stackTrace struct {
	CallFrames []callFrame `json:"callFrames"`
	Parent     *stackTrace `json:"parent"`
}

// callFrame is Runtime.CallFrame.
type callFrame struct {
	URL string `json:"url"`
}

// response is Network.Response.
type response struct {
	URL               string            `json:"url"`
	Status            int64             `json:"status"`
	StatusText        string            `json:"statusText"`
	Headers           map[string]string `json:"headers"`
	MimeType          string            `json:"mimeType"`
	RequestHeaders    map[string]string `json:"requestHeaders"`
	RemoteIPAddress   string            `json:"remoteIPAddress"`
	RemotePort        int64             `json:"remotePort"`
	FromDiskCache     bool              `json:"fromDiskCache"`
	FromServiceWorker bool              `json:"fromServiceWorker"`
	FromPrefetchCache bool              `json:"fromPrefetchCache"`
	EncodedDataLength float64           `json:"encodedDataLength"`
	Timing            *resourceTiming   `json:"timing"`
	Protocol          string            `json:"protocol"`
}

// resourceTiming is Network.ResourceTiming: RequestTime in seconds, the
// rest in milliseconds after it, -1 for what did not happen.
type resourceTiming struct {
	RequestTime       float64 `json:"requestTime"`
	DNSStart          float64 `json:"dnsStart"`
	DNSEnd            float64 `json:"dnsEnd"`
	ConnectStart      float64 `json:"connectStart"`
	ConnectEnd        float64 `json:"connectEnd"`
	SslStart          float64 `json:"sslStart"`
	SslEnd            float64 `json:"sslEnd"`
	SendStart         float64 `json:"sendStart"`
	SendEnd           float64 `json:"sendEnd"`
	ReceiveHeadersEnd float64 `json:"receiveHeadersEnd"`
}

// evRequestExtraInfo is Network.requestWillBeSentExtraInfo.
type evRequestExtraInfo struct {
	RequestID         string             `json:"requestId"`
	AssociatedCookies []associatedCookie `json:"associatedCookies"`
	Headers           map[string]string  `json:"headers"`
}

// associatedCookie is Network.AssociatedCookie.
type associatedCookie struct {
	Cookie         cookieName `json:"cookie"`
	BlockedReasons []string   `json:"blockedReasons"`
}

// cookieName is the name of a Network.Cookie.
type cookieName struct {
	Name string `json:"name"`
}

// evResponseReceived is Network.responseReceived.
type evResponseReceived struct {
	RequestID string    `json:"requestId"`
	Timestamp float64   `json:"timestamp"`
	Type      string    `json:"type"`
	Response  *response `json:"response"`
	FrameID   string    `json:"frameId"`
}

// evResponseExtraInfo is Network.responseReceivedExtraInfo.
type evResponseExtraInfo struct {
	RequestID      string            `json:"requestId"`
	BlockedCookies []*blockedCookie  `json:"blockedCookies"`
	Headers        map[string]string `json:"headers"`
	StatusCode     int64             `json:"statusCode"`
}

// blockedCookie is Network.BlockedSetCookieWithReason.
type blockedCookie struct {
	BlockedReasons []string   `json:"blockedReasons"`
	CookieLine     string     `json:"cookieLine"`
	Cookie         cookieName `json:"cookie"`
}

// evServedFromCache is Network.requestServedFromCache.
type evServedFromCache struct {
	RequestID string `json:"requestId"`
}

// evDataReceived is Network.dataReceived; Data, in base64, comes only for
// a body being streamed.
type evDataReceived struct {
	RequestID string  `json:"requestId"`
	Timestamp float64 `json:"timestamp"`
	Data      []byte  `json:"data"`
}

// evLoadingFinished is Network.loadingFinished.
type evLoadingFinished struct {
	RequestID         string  `json:"requestId"`
	Timestamp         float64 `json:"timestamp"`
	EncodedDataLength float64 `json:"encodedDataLength"`
}

// evLoadingFailed is Network.loadingFailed.
type evLoadingFailed struct {
	RequestID       string           `json:"requestId"`
	Timestamp       float64          `json:"timestamp"`
	ErrorText       string           `json:"errorText"`
	Canceled        bool             `json:"canceled"`
	BlockedReason   string           `json:"blockedReason"`
	CorsErrorStatus *corsErrorStatus `json:"corsErrorStatus"`
}

// corsErrorStatus is Network.CorsErrorStatus.
type corsErrorStatus struct {
	CorsError string `json:"corsError"`
}

// evWebSocketHandshake is Network.webSocketWillSendHandshakeRequest.
type evWebSocketHandshake struct {
	RequestID string     `json:"requestId"`
	Timestamp float64    `json:"timestamp"`
	WallTime  float64    `json:"wallTime"`
	Request   *wsRequest `json:"request"`
}

// wsRequest is Network.WebSocketRequest.
type wsRequest struct {
	Headers map[string]string `json:"headers"`
}

// evWebSocketResponse is Network.webSocketHandshakeResponseReceived.
type evWebSocketResponse struct {
	RequestID string      `json:"requestId"`
	Timestamp float64     `json:"timestamp"`
	Response  *wsResponse `json:"response"`
}

// wsResponse is Network.WebSocketResponse.
type wsResponse struct {
	Status     int64             `json:"status"`
	StatusText string            `json:"statusText"`
	Headers    map[string]string `json:"headers"`
}

// Each type reads itself, member by member: a member it does not know is
// skipped.

func (e *evRequestWillBeSent) read(r *eventReader) error {
	return r.members(func(name []byte) error {
		switch string(name) {
		case "requestId":
			return r.str(&e.RequestID)
		case "documentURL":
			return r.word(&e.DocumentURL)
		case "request":
			return readObject(r, &e.Request)
		case "timestamp":
			return r.float(&e.Timestamp)
		case "wallTime":
			return r.float(&e.WallTime)
		case "initiator":
			return readObject(r, &e.Initiator)
		case "redirectResponse":
			return readObject(r, &e.RedirectResponse)
		case "type":
			return r.word(&e.Type)
		case "frameId":
			return r.word(&e.FrameID)
		}
		return r.skip()
	})
}

func (q *request) read(r *eventReader) error {
	return r.members(func(name []byte) error {
		switch string(name) {
		case "url":
			return r.str(&q.URL)
		case "urlFragment":
			return r.word(&q.URLFragment)
		case "method":
			return r.word(&q.Method)
		case "headers":
			return r.headers(&q.Headers)
		case "hasPostData":
			return r.boolean(&q.HasPostData)
		case "postDataEntries":
			return list(r, &q.PostDataEntries)
		}
		return r.skip()
	})
}

func (in *initiator) read(r *eventReader) error {
	return r.members(func(name []byte) error {
		switch string(name) {
		case "type":
			return r.word(&in.Type)
		case "stack":
			return r.other(&in.Stack)
		case "url":
			return r.word(&in.URL)
		case "lineNumber":
			return r.float(&in.LineNumber)
		case "requestId":
			return r.str(&in.RequestID)
		}
		return r.skip()
	})
}

func (p *response) read(r *eventReader) error {
	return r.members(func(name []byte) error {
		switch string(name) {
		case "url":
			return r.str(&p.URL)
		case "status":
			return r.integer(&p.Status)
		case "statusText":
			return r.word(&p.StatusText)
		case "headers":
			return r.headers(&p.Headers)
		case "mimeType":
			return r.word(&p.MimeType)
		case "requestHeaders":
			return r.headers(&p.RequestHeaders)
		case "remoteIPAddress":
			return r.word(&p.RemoteIPAddress)
		case "remotePort":
			return r.integer(&p.RemotePort)
		case "fromDiskCache":
			return r.boolean(&p.FromDiskCache)
		case "fromServiceWorker":
			return r.boolean(&p.FromServiceWorker)
		case "fromPrefetchCache":
			return r.boolean(&p.FromPrefetchCache)
		case "encodedDataLength":
			return r.float(&p.EncodedDataLength)
		case "timing":
			return readObject(r, &p.Timing)
		case "protocol":
			return r.word(&p.Protocol)
		}
		return r.skip()
	})
}

func (t *resourceTiming) read(r *eventReader) error {
	return r.members(func(name []byte) error {
		switch string(name) {
		case "requestTime":
			return r.float(&t.RequestTime)
		case "dnsStart":
			return r.float(&t.DNSStart)
		case "dnsEnd":
			return r.float(&t.DNSEnd)
		case "connectStart":
			return r.float(&t.ConnectStart)
		case "connectEnd":
			return r.float(&t.ConnectEnd)
		case "sslStart":
			return r.float(&t.SslStart)
		case "sslEnd":
			return r.float(&t.SslEnd)
		case "sendStart":
			return r.float(&t.SendStart)
		case "sendEnd":
			return r.float(&t.SendEnd)
		case "receiveHeadersEnd":
			return r.float(&t.ReceiveHeadersEnd)
		}
		return r.skip()
	})
}

func (e *evRequestExtraInfo) read(r *eventReader) error {
	return r.members(func(name []byte) error {
		switch string(name) {
		case "requestId":
			return r.str(&e.RequestID)
		case "associatedCookies":
			return list(r, &e.AssociatedCookies)
		case "headers":
			return r.headers(&e.Headers)
		}
		return r.skip()
	})
}

func (e *evResponseReceived) read(r *eventReader) error {
	return r.members(func(name []byte) error {
		switch string(name) {
		case "requestId":
			return r.str(&e.RequestID)
		case "timestamp":
			return r.float(&e.Timestamp)
		case "type":
			return r.word(&e.Type)
		case "response":
			return readObject(r, &e.Response)
		case "frameId":
			return r.word(&e.FrameID)
		}
		return r.skip()
	})
}

func (e *evResponseExtraInfo) read(r *eventReader) error {
	return r.members(func(name []byte) error {
		switch string(name) {
		case "requestId":
			return r.str(&e.RequestID)
		case "blockedCookies":
			return list(r, &e.BlockedCookies)
		case "headers":
			return r.headers(&e.Headers)
		case "statusCode":
			return r.integer(&e.StatusCode)
		}
		return r.skip()
	})
}

func (e *evServedFromCache) read(r *eventReader) error {
	return r.members(func(name []byte) error {
		if string(name) == "requestId" {
			return r.str(&e.RequestID)
		}
		return r.skip()
	})
}

func (e *evDataReceived) read(r *eventReader) error {
	return r.members(func(name []byte) error {
		switch string(name) {
		case "requestId":
			return r.str(&e.RequestID)
		case "timestamp":
			return r.float(&e.Timestamp)
		case "data":
			return r.other(&e.Data)
		}
		return r.skip()
	})
}

func (e *evLoadingFinished) read(r *eventReader) error {
	return r.members(func(name []byte) error {
		switch string(name) {
		case "requestId":
			return r.str(&e.RequestID)
		case "timestamp":
			return r.float(&e.Timestamp)
		case "encodedDataLength":
			return r.float(&e.EncodedDataLength)
		}
		return r.skip()
	})
}

func (e *evLoadingFailed) read(r *eventReader) error {
	return r.members(func(name []byte) error {
		switch string(name) {
		case "requestId":
			return r.str(&e.RequestID)
		case "timestamp":
			return r.float(&e.Timestamp)
		case "errorText":
			return r.word(&e.ErrorText)
		case "canceled":
			return r.boolean(&e.Canceled)
		case "blockedReason":
			return r.word(&e.BlockedReason)
		case "corsErrorStatus":
			return r.other(&e.CorsErrorStatus)
		}
		return r.skip()
	})
}

func (e *evWebSocketHandshake) read(r *eventReader) error {
	return r.members(func(name []byte) error {
		switch string(name) {
		case "requestId":
			return r.str(&e.RequestID)
		case "timestamp":
			return r.float(&e.Timestamp)
		case "wallTime":
			return r.float(&e.WallTime)
		case "request":
			return readObject(r, &e.Request)
		}
		return r.skip()
	})
}

func (q *wsRequest) read(r *eventReader) error {
	return r.members(func(name []byte) error {
		if string(name) == "headers" {
			return r.headers(&q.Headers)
		}
		return r.skip()
	})
}

func (e *evWebSocketResponse) read(r *eventReader) error {
	return r.members(func(name []byte) error {
		switch string(name) {
		case "requestId":
			return r.str(&e.RequestID)
		case "timestamp":
			return r.float(&e.Timestamp)
		case "response":
			return readObject(r, &e.Response)
		}
		return r.skip()
	})
}

func (p *wsResponse) read(r *eventReader) error {
	return r.members(func(name []byte) error {
		switch string(name) {
		case "status":
			return r.integer(&p.Status)
		case "statusText":
			return r.word(&p.StatusText)
		case "headers":
			return r.headers(&p.Headers)
		}
		return r.skip()
	})
}
