package capture

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"

	"github.com/tabtap/tabtap/host/api"
)

// The events of events.go must carry what cdproto's types carried for every
// field the engine reads. Each event is decoded both ways, with the JSON
// package into cdproto's type and with the capture's reader into the
// capture's, cdproto's is projected onto the capture's type, and the two
// are compared; headers as the strings the engine made of cdproto's
// map[string]any.

// oldHeaders turns cdproto's headers into strings as the engine did.
func oldHeaders(h network.Headers) map[string]string {
	if h == nil {
		return nil
	}
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[k] = headerString(v)
	}
	return out
}

func oldRequest(r *network.Request) *request {
	if r == nil {
		return nil
	}
	out := &request{URL: r.URL, URLFragment: r.URLFragment, Method: r.Method, Headers: oldHeaders(r.Headers), HasPostData: r.HasPostData}
	if r.PostDataEntries != nil {
		out.PostDataEntries = []postDataEntry{}
	}
	for _, p := range r.PostDataEntries {
		var e postDataEntry
		if p != nil {
			e.Bytes = p.Bytes
		}
		out.PostDataEntries = append(out.PostDataEntries, e)
	}
	return out
}

func oldStack(s *runtime.StackTrace) *stackTrace {
	if s == nil {
		return nil
	}
	out := &stackTrace{Parent: oldStack(s.Parent)}
	if s.CallFrames != nil {
		out.CallFrames = []callFrame{}
	}
	for _, f := range s.CallFrames {
		var cf callFrame
		if f != nil {
			cf.URL = f.URL
		}
		out.CallFrames = append(out.CallFrames, cf)
	}
	return out
}

func oldInitiator(in *network.Initiator) *initiator {
	if in == nil {
		return nil
	}
	return &initiator{Type: string(in.Type), Stack: oldStack(in.Stack), URL: in.URL, LineNumber: in.LineNumber, RequestID: string(in.RequestID)}
}

func oldResponse(r *network.Response) *response {
	if r == nil {
		return nil
	}
	out := &response{URL: r.URL, Status: r.Status, StatusText: r.StatusText, Headers: oldHeaders(r.Headers), MimeType: r.MimeType,
		RequestHeaders: oldHeaders(r.RequestHeaders), RemoteIPAddress: r.RemoteIPAddress, RemotePort: r.RemotePort,
		FromDiskCache: r.FromDiskCache, FromServiceWorker: r.FromServiceWorker, FromPrefetchCache: r.FromPrefetchCache,
		EncodedDataLength: r.EncodedDataLength, Protocol: r.Protocol}
	if t := r.Timing; t != nil {
		out.Timing = &resourceTiming{RequestTime: t.RequestTime, DNSStart: t.DNSStart, DNSEnd: t.DNSEnd, ConnectStart: t.ConnectStart,
			ConnectEnd: t.ConnectEnd, SslStart: t.SslStart, SslEnd: t.SslEnd, SendStart: t.SendStart, SendEnd: t.SendEnd,
			ReceiveHeadersEnd: t.ReceiveHeadersEnd}
	}
	return out
}

func oldName(c *network.Cookie) cookieName {
	if c == nil {
		return cookieName{}
	}
	return cookieName{Name: c.Name}
}

func strs[S ~string](in []S) []string {
	if in == nil {
		return nil
	}
	out := []string{}
	for _, s := range in {
		out = append(out, string(s))
	}
	return out
}

// projectOld returns what the engine read of an event of cdproto's type,
// as the capture's type.
func projectOld(v any) any {
	switch e := v.(type) {
	case *network.EventRequestWillBeSent:
		return &evRequestWillBeSent{RequestID: string(e.RequestID), DocumentURL: e.DocumentURL, Request: oldRequest(e.Request),
			Timestamp: float64(e.Timestamp), WallTime: float64(e.WallTime), Initiator: oldInitiator(e.Initiator),
			RedirectResponse: oldResponse(e.RedirectResponse), Type: string(e.Type), FrameID: string(e.FrameID)}
	case *network.EventResponseReceived:
		return &evResponseReceived{RequestID: string(e.RequestID), Timestamp: float64(e.Timestamp), Type: string(e.Type),
			Response: oldResponse(e.Response), FrameID: string(e.FrameID)}
	case *network.EventRequestWillBeSentExtraInfo:
		out := &evRequestExtraInfo{RequestID: string(e.RequestID), Headers: oldHeaders(e.Headers)}
		if e.AssociatedCookies != nil {
			out.AssociatedCookies = []associatedCookie{}
		}
		for _, ac := range e.AssociatedCookies {
			var a associatedCookie
			if ac != nil {
				a = associatedCookie{Cookie: oldName(ac.Cookie), BlockedReasons: strs(ac.BlockedReasons)}
			}
			out.AssociatedCookies = append(out.AssociatedCookies, a)
		}
		return out
	case *network.EventResponseReceivedExtraInfo:
		out := &evResponseExtraInfo{RequestID: string(e.RequestID), Headers: oldHeaders(e.Headers), StatusCode: e.StatusCode}
		if e.BlockedCookies != nil {
			out.BlockedCookies = []*blockedCookie{}
		}
		for _, bc := range e.BlockedCookies {
			var b *blockedCookie
			if bc != nil {
				b = &blockedCookie{BlockedReasons: strs(bc.BlockedReasons), CookieLine: bc.CookieLine, Cookie: oldName(bc.Cookie)}
			}
			out.BlockedCookies = append(out.BlockedCookies, b)
		}
		return out
	case *network.EventRequestServedFromCache:
		return &evServedFromCache{RequestID: string(e.RequestID)}
	case *network.EventDataReceived:
		return &evDataReceived{RequestID: string(e.RequestID), Timestamp: float64(e.Timestamp), Data: e.Data}
	case *network.EventLoadingFinished:
		return &evLoadingFinished{RequestID: string(e.RequestID), Timestamp: float64(e.Timestamp), EncodedDataLength: e.EncodedDataLength}
	case *network.EventLoadingFailed:
		out := &evLoadingFailed{RequestID: string(e.RequestID), Timestamp: float64(e.Timestamp), ErrorText: e.ErrorText,
			Canceled: e.Canceled, BlockedReason: string(e.BlockedReason)}
		if e.CorsErrorStatus != nil {
			out.CorsErrorStatus = &corsErrorStatus{CorsError: string(e.CorsErrorStatus.CorsError)}
		}
		return out
	case *network.EventWebSocketWillSendHandshakeRequest:
		out := &evWebSocketHandshake{RequestID: string(e.RequestID), Timestamp: float64(e.Timestamp), WallTime: float64(e.WallTime)}
		if e.Request != nil {
			out.Request = &wsRequest{Headers: oldHeaders(e.Request.Headers)}
		}
		return out
	case *network.EventWebSocketHandshakeResponseReceived:
		out := &evWebSocketResponse{RequestID: string(e.RequestID), Timestamp: float64(e.Timestamp)}
		if r := e.Response; r != nil {
			out.Response = &wsResponse{Status: r.Status, StatusText: r.StatusText, Headers: oldHeaders(r.Headers)}
		}
		return out
	}
	panic(fmt.Sprintf("no projection for %T", v))
}

// narrowed are the events whose types are the capture's own: for each
// method, a new value of cdproto's type and of the capture's.
var narrowed = map[string]func() (old, narrow any){
	"Network.requestWillBeSent": func() (any, any) { return new(network.EventRequestWillBeSent), new(evRequestWillBeSent) },
	"Network.requestWillBeSentExtraInfo": func() (any, any) {
		return new(network.EventRequestWillBeSentExtraInfo), new(evRequestExtraInfo)
	},
	"Network.responseReceived": func() (any, any) { return new(network.EventResponseReceived), new(evResponseReceived) },
	"Network.responseReceivedExtraInfo": func() (any, any) {
		return new(network.EventResponseReceivedExtraInfo), new(evResponseExtraInfo)
	},
	"Network.requestServedFromCache": func() (any, any) { return new(network.EventRequestServedFromCache), new(evServedFromCache) },
	"Network.dataReceived":           func() (any, any) { return new(network.EventDataReceived), new(evDataReceived) },
	"Network.loadingFinished":        func() (any, any) { return new(network.EventLoadingFinished), new(evLoadingFinished) },
	"Network.loadingFailed":          func() (any, any) { return new(network.EventLoadingFailed), new(evLoadingFailed) },
	"Network.webSocketWillSendHandshakeRequest": func() (any, any) {
		return new(network.EventWebSocketWillSendHandshakeRequest), new(evWebSocketHandshake)
	},
	"Network.webSocketHandshakeResponseReceived": func() (any, any) {
		return new(network.EventWebSocketHandshakeResponseReceived), new(evWebSocketResponse)
	},
}

// decodeBoth decodes an event of a narrowed kind with cdproto's type and
// with the capture's reader: it returns the errors of both, and how the
// values the engine reads differ ("" when they do not, or when one
// failed).
func decodeBoth(c *Capture, ev Event) (errOld, errNew error, diff string) {
	old, narrow := narrowed[ev.Method]()
	errOld = jsonv2.Unmarshal(ev.Params, old, eventJSON)
	c.mu.Lock()
	errNew = c.events.decode(ev.Params, narrow.(readable))
	c.mu.Unlock()
	if errOld != nil || errNew != nil {
		return errOld, errNew, ""
	}
	if want := projectOld(old); !reflect.DeepEqual(want, narrow) {
		return nil, nil, fmt.Sprintf("cdproto's %s\nthe capture's %s", dump(want), dump(narrow))
	}
	return nil, nil, ""
}

// eventsOfNarrowedKinds are the events of the kinds events.go defines, of
// the recordings, the edge events and the benchmarks' page load.
func eventsOfNarrowedKinds(t testing.TB) []Event {
	var evs []Event
	for _, name := range []string{"http-page.jsonl", "live-page.jsonl"} {
		evs = append(evs, recorded(t, name)...)
	}
	evs = append(evs, edgeEvents()...)
	evs = append(evs, recordedMix(20)...)
	return slices.DeleteFunc(evs, func(ev Event) bool { return narrowed[ev.Method] == nil })
}

// TestEventsDecodeAsCdproto decodes every event of the kinds events.go
// defines, with cdproto's types and with the capture's reader, and checks
// that the two carry the same values for every field the engine reads,
// and that an event one rejects the other rejects too.
func TestEventsDecodeAsCdproto(t *testing.T) {
	c, _ := started(t, api.Settings{})
	seen, rejected := map[string]int{}, 0
	for i, ev := range eventsOfNarrowedKinds(t) {
		seen[ev.Method]++
		errOld, errNew, diff := decodeBoth(c, ev)
		if (errOld == nil) != (errNew == nil) {
			diff = fmt.Sprintf("cdproto's decode says %v, the capture's %v", errOld, errNew)
		}
		if diff != "" {
			t.Errorf("event %d (%s) decodes differently: %s\n%s", i, ev.Method, diff, ev.Params)
		}
		if errOld != nil {
			rejected++
		}
	}
	for method := range narrowed {
		if seen[method] == 0 {
			t.Errorf("no %s among the events", method)
		}
	}
	if rejected < 8 {
		t.Errorf("%d events were rejected, the edge events have 8 that must be", rejected)
	}
}

// checkBroken decodes text that may not be JSON, nor what the browser
// sends, as an event of a kind the reader reads. The reader must not
// panic, and an event cdproto's decode takes it must take with the same
// values. It may take one that cdproto's rejects: it skips the fields the
// engine does not read without looking at their types, and it does not
// check again what the daemon checked (that the text is valid JSON).
func checkBroken(t *testing.T, c *Capture, ev Event) {
	t.Helper()
	errOld, errNew, diff := decodeBoth(c, ev)
	if errOld == nil && errNew != nil {
		diff = fmt.Sprintf("cdproto's decode takes it, the capture's says %v", errNew)
	}
	if diff != "" {
		t.Errorf("%s decodes differently: %s\n%q", ev.Method, diff, ev.Params)
	}
}

// TestReaderOnBrokenText gives the reader prefixes of the events of the
// kinds it reads, and the events with a byte changed.
func TestReaderOnBrokenText(t *testing.T) {
	c, _ := started(t, api.Settings{})
	for k, ev := range eventsOfNarrowedKinds(t) {
		// Every position of some events, some positions of every event.
		step := 2
		if k%20 != 0 {
			step = 23
		}
		for n := k % step; n < len(ev.Params); n += step {
			checkBroken(t, c, Event{Method: ev.Method, Params: ev.Params[:n]})
			for _, b := range []byte(`"}]{,:\\0.e` + "\xff ") {
				p := slices.Clone(ev.Params)
				p[n] = b
				checkBroken(t, c, Event{Method: ev.Method, Params: p})
			}
		}
	}
}

// FuzzEventReader is TestReaderOnBrokenText for the fuzzer.
func FuzzEventReader(f *testing.F) {
	methods := slices.Sorted(maps.Keys(narrowed))
	for _, ev := range eventsOfNarrowedKinds(f) {
		f.Add(slices.Index(methods, ev.Method), []byte(ev.Params))
	}
	f.Fuzz(func(t *testing.T, method int, params []byte) {
		if method < 0 || method >= len(methods) {
			return
		}
		c, _ := started(t, api.Settings{})
		checkBroken(t, c, Event{Method: methods[method], Params: params})
	})
}

// dump shows a value, pointers followed.
func dump(v any) string {
	var b strings.Builder
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() {
				b.WriteString("nil")
				return
			}
			b.WriteString("&")
			walk(v.Elem())
		case reflect.Struct:
			b.WriteString("{")
			for i := range v.NumField() {
				if i > 0 {
					b.WriteString(" ")
				}
				b.WriteString(v.Type().Field(i).Name + ":")
				walk(v.Field(i))
			}
			b.WriteString("}")
		case reflect.Slice:
			if v.Type().Elem().Kind() == reflect.Uint8 {
				fmt.Fprintf(&b, "%q", v.Bytes())
				return
			}
			if v.IsNil() {
				b.WriteString("nil")
				return
			}
			b.WriteString("[")
			for i := range v.Len() {
				if i > 0 {
					b.WriteString(" ")
				}
				walk(v.Index(i))
			}
			b.WriteString("]")
		default:
			if v.CanInterface() {
				fmt.Fprintf(&b, "%#v", v.Interface())
			} else {
				fmt.Fprintf(&b, "%v", v)
			}
		}
	}
	walk(reflect.ValueOf(v))
	return b.String()
}

// TestReaderSharesStrings checks that headers read from two events share
// their names and short values through the capture's words, and that a
// request's URL read again in its response is the same string.
func TestReaderSharesStrings(t *testing.T) {
	c, _ := started(t, api.Settings{})
	evs := recordedMix(2) // request, extra info, response, data, end; twice
	read := func(ev Event, v readable) {
		c.mu.Lock()
		defer c.mu.Unlock()
		if err := c.events.decode(ev.Params, v); err != nil {
			t.Fatal(err)
		}
	}
	var a, b evRequestWillBeSent
	var resp evResponseReceived
	read(evs[0], &a)
	read(evs[5], &b)
	read(evs[2], &resp)
	same := func(x, y string) bool { return x == y && unsafe.StringData(x) == unsafe.StringData(y) }
	key := func(h map[string]string, name string) string {
		for k := range h {
			if k == name {
				return k
			}
		}
		t.Fatalf("no %s in %v", name, h)
		return ""
	}
	if ka, kb := key(a.Request.Headers, "Accept"), key(b.Request.Headers, "Accept"); !same(ka, kb) || !same(a.Request.Headers[ka], b.Request.Headers[kb]) {
		t.Errorf("the two requests' Accept headers are copies of one another")
	}
	if !same(a.Request.Method, b.Request.Method) || !same(a.Type, b.Type) {
		t.Errorf("the two requests' methods or types are copies of one another")
	}
	if a.Request.URL == b.Request.URL || !same(a.Request.URL, resp.Response.URL) {
		t.Errorf("the response's URL %q is a copy of its request's %q", resp.Response.URL, a.Request.URL)
	}
}
