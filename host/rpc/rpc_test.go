package rpc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// peer answers what a Calls sends, when the test says so.
type peer struct {
	mu   sync.Mutex
	sent []Message
	got  chan Message
}

func newPeer() *peer { return &peer{got: make(chan Message, 10)} }

func (p *peer) send(m Message) error {
	p.mu.Lock()
	p.sent = append(p.sent, m)
	p.mu.Unlock()
	p.got <- m
	return nil
}

type outcome struct {
	res json.RawMessage
	err error
}

func call(c *Calls, ctx context.Context, p *peer, method string) <-chan outcome {
	ch := make(chan outcome, 1)
	go func() {
		res, err := c.Call(ctx, method, map[string]int{"n": 1}, p.send)
		ch <- outcome{res, err}
	}()
	return ch
}

func await(t *testing.T, ch <-chan outcome) outcome {
	t.Helper()
	select {
	case o := <-ch:
		return o
	case <-time.After(5 * time.Second):
		t.Fatal("the call did not return")
	}
	return outcome{}
}

func TestRepliesFindTheirCallsInAnyOrder(t *testing.T) {
	var c Calls
	p := newPeer()
	a, b := call(&c, context.Background(), p, "a"), call(&c, context.Background(), p, "b")
	reqs := map[string]Message{}
	for range 2 {
		m := <-p.got
		reqs[m.Method] = m
	}
	if reqs["a"].ID == reqs["b"].ID || reqs["a"].ID == 0 || string(reqs["a"].Params) != `{"n":1}` {
		t.Fatalf("requests %+v", reqs)
	}
	c.Deliver(Message{ID: reqs["b"].ID, Error: Errorf("no_tab", "No tab with id: 9.")})
	c.Deliver(Message{ID: reqs["a"].ID, Result: json.RawMessage(`"A"`)})
	if o := await(t, a); o.err != nil || string(o.res) != `"A"` {
		t.Errorf("a got %s, %v", o.res, o.err)
	}
	var e *Error
	if o := await(t, b); !errors.As(o.err, &e) || e.Code != "no_tab" {
		t.Errorf("b got %v, want its *Error", o.err)
	}
	if c.Deliver(Message{ID: reqs["a"].ID}) || c.Waiting() != 0 {
		t.Error("a reply was delivered twice")
	}
}

func TestFailEndsTheCallAtOnce(t *testing.T) {
	var c Calls
	p := newPeer()
	ch := call(&c, context.Background(), p, "tabs.list")
	m := <-p.got
	if !c.Fail(m.ID, errors.New("bad json")) {
		t.Fatal("Fail found no call")
	}
	o := await(t, ch)
	if CodeOf(o.err) != CodeInternal || !strings.Contains(o.err.Error(), "the reply to tabs.list could not be read: bad json") {
		t.Errorf("got %v", o.err)
	}
}

func TestCallsEndWithTheirContextAndTheLink(t *testing.T) {
	var c Calls
	p := newPeer()
	ctx, cancel := context.WithCancel(context.Background())
	canceled := call(&c, ctx, p, "slow")
	<-p.got
	cancel()
	if o := await(t, canceled); !errors.Is(o.err, context.Canceled) || c.Waiting() != 0 {
		t.Errorf("got %v with %d waiting", o.err, c.Waiting())
	}
	gone := errors.New("the link went away")
	pending := call(&c, context.Background(), p, "x")
	<-p.got
	c.Close(gone)
	if o := await(t, pending); !errors.Is(o.err, gone) {
		t.Errorf("a pending call got %v", o.err)
	}
	if _, err := c.Call(context.Background(), "later", nil, p.send); !errors.Is(err, gone) {
		t.Errorf("a later call got %v", err)
	}
	sendErr := errors.New("write failed")
	var d Calls
	if _, err := d.Call(context.Background(), "x", nil, func(Message) error { return sendErr }); !errors.Is(err, sendErr) || d.Waiting() != 0 {
		t.Errorf("a failed send gave %v", err)
	}
}

func TestDecode(t *testing.T) {
	for frame, want := range map[string]*Invalid{
		`{"id":3,"method":"tabs.list"}`:               nil,
		`{"method":"state","params":{}}`:              nil,
		`{"id":3,"result":{}}`:                        nil,
		`{"id":3,"error":{"code":"x","message":"m"}}`: nil,
		`not json`:                      {},
		`{}`:                            {},
		`[1]`:                           {},
		`{"id":-2,"result":1}`:          {},
		`{"id":4,"method":5}`:           {ID: 4, Request: true},
		`{"id":5,"error":"boom"}`:       {ID: 5},
		`{"id":6,"error":{"code":"x"}}`: {ID: 6},
		`{"id":"7","method":"x"}`:       {},
	} {
		_, err := Decode([]byte(frame))
		var bad *Invalid
		switch {
		case want == nil && err != nil:
			t.Errorf("%s: %v", frame, err)
		case want != nil && !errors.As(err, &bad):
			t.Errorf("%s: got %v, want *Invalid", frame, err)
		case want != nil && (bad.ID != want.ID || bad.Request != want.Request || bad.Reason == ""):
			t.Errorf("%s: got %+v, want id %d request %v", frame, bad, want.ID, want.Request)
		}
	}
}

func TestAnswer(t *testing.T) {
	req := Message{ID: 9, Method: "ui.status"}
	if out, p := Answer(req, func() (any, error) { return map[string]int{"a": 1}, nil }); p != nil || out.ID != 9 || string(out.Result) != `{"a":1}` || out.Error != nil {
		t.Errorf("result: %+v", out)
	}
	wrapped := fmt.Errorf("finding tab 3: %w", Errorf("no_tab", "No tab with id: 3."))
	if out, _ := Answer(req, func() (any, error) { return nil, wrapped }); out.Result != nil || out.Error == nil ||
		out.Error.Code != "no_tab" || out.Error.Message != "finding tab 3: No tab with id: 3." {
		t.Errorf("a wrapped *Error: %+v", out.Error)
	}
	if out, _ := Answer(req, func() (any, error) { return nil, errors.New("plain") }); out.Error.Code != CodeInternal {
		t.Errorf("a plain error: %+v", out.Error)
	}
	out, p := Answer(req, func() (any, error) { panic("boom") })
	if p != "boom" || out.Error.Code != CodeInternal || !strings.Contains(out.Error.Message, "ui.status failed inside tabtap (boom)") {
		t.Errorf("a panic: %+v, %v", out.Error, p)
	}
	if out, _ := Answer(req, func() (any, error) { return func() {}, nil }); out.Error == nil || out.Result != nil {
		t.Errorf("a result that cannot be encoded: %+v", out)
	}
}

// TestAppendJSONWritesWhatMarshalWrites holds Message.AppendJSON, which
// Conn uses on the native port, to encoding/json's output for every kind
// of message.
func TestAppendJSONWritesWhatMarshalWrites(t *testing.T) {
	for _, m := range []Message{
		{ID: 1, Method: "debugger.send", Params: json.RawMessage(`{"tabId":7,"method":"Network.getResponseBody","params":{"requestId":"1.2"}}`)},
		{Method: "cdp.events", Params: json.RawMessage(`{"events":[]}`)},
		{ID: 42, Result: json.RawMessage(`{"body":"é \"q\" \u2028","base64Encoded":false}`)},
		{ID: 3, Error: &Error{Code: CodeInternal, Message: "it \"failed\" <here> & there"}},
		{ID: 9, Method: "a \"quoted\" méthode"},
		{ID: 5, Result: json.RawMessage(`null`)},
	} {
		got, err := m.AppendJSON(nil)
		if err != nil {
			t.Fatalf("%+v: %v", m, err)
		}
		want, _ := json.Marshal(m)
		var g, w any
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatalf("AppendJSON wrote invalid JSON %s: %v", got, err)
		}
		json.Unmarshal(want, &w)
		if !reflect.DeepEqual(g, w) {
			t.Errorf("AppendJSON wrote %s, json.Marshal %s", got, want)
		}
		if m.Error == nil && !strings.ContainsAny(m.Method, `"<>&`) && !bytes.Equal(got, want) {
			t.Errorf("AppendJSON wrote %s, json.Marshal %s", got, want)
		}
		if back, err := Decode(got); err != nil || back.ID != m.ID || back.Method != m.Method {
			t.Errorf("Decode(%s) = %+v, %v", got, back, err)
		}
	}
}
