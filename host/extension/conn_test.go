package extension

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/tabtap/tabtap/host/nativemsg"
	"github.com/tabtap/tabtap/host/rpc"
)

// wait bounds every wait of these tests; nothing here should take long.
const wait = 5 * time.Second

// fakeHandler records notifications and serves requests with serve.
type fakeHandler struct {
	notes chan Message
	serve func(ctx context.Context, method string, params json.RawMessage) (any, error)
}

func (h *fakeHandler) Notify(method string, params json.RawMessage) {
	h.notes <- Message{Method: method, Params: params}
}

func (h *fakeHandler) Request(ctx context.Context, method string, params json.RawMessage) (any, error) {
	if h.serve == nil {
		return nil, fmt.Errorf("no request expected, got %s", method)
	}
	return h.serve(ctx, method, params)
}

// extension is the extension's end of a Conn under test: it reads the
// frames the Conn writes and writes the frames the Conn reads.
type extension struct {
	t      *testing.T
	w      *nativemsg.Writer
	raw    *io.PipeWriter // the Conn's input; closing it ends the port
	frames chan []byte    // what the Conn wrote, frame by frame
	ran    chan error     // Run's result
}

// open starts a Conn with handler h and returns it with the extension's
// end. Frames the Conn writes are read with the browser's own limit, so a
// frame over 1 MB fails the test.
func open(t *testing.T, h *fakeHandler) (*Conn, *extension) {
	t.Helper()
	if h.notes == nil {
		h.notes = make(chan Message, 1000)
	}
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	c := New(inR, outW, h, slog.New(slog.DiscardHandler))
	e := &extension{t: t, w: nativemsg.NewWriter(inW, nativemsg.MaxFromBrowser), raw: inW,
		frames: make(chan []byte, 100), ran: make(chan error, 1)}
	go func() {
		r := nativemsg.NewReader(outR, nativemsg.MaxToBrowser)
		for {
			f, err := r.Read()
			if err != nil {
				if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrClosedPipe) {
					t.Errorf("a frame from the Conn: %v", err)
				}
				close(e.frames)
				return
			}
			e.frames <- f
		}
	}()
	go func() { e.ran <- c.Run(context.Background()) }()
	t.Cleanup(func() {
		inW.Close()
		outR.Close()
		select {
		case <-e.ran:
		case <-time.After(wait):
			t.Error("Run did not return once the port closed")
		}
	})
	return c, e
}

// send writes one frame holding v (a Message, or raw bytes as they are).
func (e *extension) send(v any) {
	e.t.Helper()
	b, ok := v.([]byte)
	if !ok {
		var err error
		if b, err = json.Marshal(v); err != nil {
			e.t.Fatal(err)
		}
	}
	if err := e.w.Write(b); err != nil {
		e.t.Fatalf("writing to the Conn: %v", err)
	}
}

// next returns the next frame the Conn wrote, decoded.
func (e *extension) next() Message {
	e.t.Helper()
	var m Message
	if err := json.Unmarshal(e.nextFrame(), &m); err != nil {
		e.t.Fatalf("the Conn wrote a frame that is not a message: %v", err)
	}
	return m
}

func (e *extension) nextFrame() []byte {
	e.t.Helper()
	select {
	case f, ok := <-e.frames:
		if !ok {
			e.t.Fatal("the Conn's output ended")
		}
		return f
	case <-time.After(wait):
		e.t.Fatal("no frame from the Conn")
	}
	return nil
}

// outcome is what a Call returned.
type outcome struct {
	res json.RawMessage
	err error
}

func callAsync(ctx context.Context, c *Conn, method string, params any) <-chan outcome {
	ch := make(chan outcome, 1)
	go func() {
		res, err := c.CallRaw(ctx, method, params)
		ch <- outcome{res, err}
	}()
	return ch
}

func (e *extension) await(ch <-chan outcome) outcome {
	e.t.Helper()
	select {
	case o := <-ch:
		return o
	case <-time.After(wait):
		e.t.Fatal("the call did not return")
	}
	return outcome{}
}

func pendingCount(c *Conn) int { return c.calls.Waiting() }

func TestResponsesFindTheirCallsInAnyOrder(t *testing.T) {
	c, e := open(t, &fakeHandler{})
	calls := map[int]<-chan outcome{}
	for i := 1; i <= 3; i++ {
		calls[i] = callAsync(context.Background(), c, MethodTabsGet, TabRef{TabID: int64(i)})
	}
	var reqs []Message
	for range 3 {
		m := e.next()
		if m.Method != MethodTabsGet || m.ID == 0 {
			t.Fatalf("got %+v, want a tabs.get request", m)
		}
		reqs = append(reqs, m)
	}
	// Answer the last first: each result echoes its request's tab.
	for i := len(reqs) - 1; i >= 0; i-- {
		var ref TabRef
		if err := json.Unmarshal(reqs[i].Params, &ref); err != nil {
			t.Fatal(err)
		}
		e.send(Message{ID: reqs[i].ID, Result: mustJSON(Tab{TabID: ref.TabID, Title: fmt.Sprint("tab ", ref.TabID)})})
	}
	for i, ch := range calls {
		o := e.await(ch)
		var tab Tab
		if o.err != nil || json.Unmarshal(o.res, &tab) != nil || tab.TabID != int64(i) {
			t.Errorf("call %d got %s, %v", i, o.res, o.err)
		}
	}
	if n := pendingCount(c); n != 0 {
		t.Errorf("%d calls still pending", n)
	}
}

func TestCallDecodesResultAndError(t *testing.T) {
	c, e := open(t, &fakeHandler{})
	ok := make(chan error, 1)
	var tab Tab
	go func() { ok <- c.Call(context.Background(), MethodTabsActive, nil, &tab) }()
	m := e.next()
	if string(m.Params) != "null" {
		t.Errorf("params %s, want null", m.Params)
	}
	e.send(Message{ID: m.ID, Result: json.RawMessage(`{"tabId":4,"url":"https://a.test/","active":true}`)})
	if err := <-ok; err != nil || tab.TabID != 4 || !tab.Active {
		t.Errorf("got %+v, %v", tab, err)
	}

	failed := callAsync(context.Background(), c, MethodDebuggerAttach, TabRef{TabID: 812})
	m = e.next()
	e.send(Message{ID: m.ID, Error: &Error{Code: CodeNoTab, Message: "No tab with id: 812."}})
	o := e.await(failed)
	var re *Error
	if !errors.As(o.err, &re) || re.Message != "No tab with id: 812." || re.Code != CodeNoTab {
		t.Errorf("got %v, want the extension's error", o.err)
	}
}

func TestCallGivesUpWithItsContext(t *testing.T) {
	c, e := open(t, &fakeHandler{})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	late := callAsync(ctx, c, MethodTabsList, nil)
	stale := e.next()
	o := e.await(late)
	if !errors.Is(o.err, context.DeadlineExceeded) || !strings.Contains(o.err.Error(), MethodTabsList) {
		t.Fatalf("got %v, want a deadline error naming the method", o.err)
	}
	if n := pendingCount(c); n != 0 {
		t.Errorf("%d calls still pending after the timeout", n)
	}

	// The answer nobody waits for any more is dropped; the next call gets
	// its own answer, not that one.
	e.send(Message{ID: stale.ID, Result: json.RawMessage(`"stale"`)})
	next := callAsync(context.Background(), c, MethodTabsList, nil)
	m := e.next()
	if m.ID == stale.ID {
		t.Fatalf("id %d reused", m.ID)
	}
	e.send(Message{ID: m.ID, Result: json.RawMessage(`"fresh"`)})
	if o := e.await(next); o.err != nil || string(o.res) != `"fresh"` {
		t.Errorf("got %s, %v", o.res, o.err)
	}

	// A context canceled by hand ends a call the same way.
	ctx, cancel = context.WithCancel(context.Background())
	canceled := callAsync(ctx, c, MethodTabsList, nil)
	e.next()
	cancel()
	if o := e.await(canceled); !errors.Is(o.err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", o.err)
	}
}

func TestPendingCallsFailWhenThePortCloses(t *testing.T) {
	c, e := open(t, &fakeHandler{})
	a := callAsync(context.Background(), c, MethodTabsList, nil)
	b := callAsync(context.Background(), c, MethodDebuggerAttach, TabRef{TabID: 1})
	e.next()
	e.next()
	e.raw.Close()
	for _, ch := range []<-chan outcome{a, b} {
		if o := e.await(ch); !errors.Is(o.err, ErrClosed) {
			t.Errorf("got %v, want ErrClosed", o.err)
		}
	}
	select {
	case err := <-e.ran:
		if err != nil {
			t.Errorf("Run returned %v on a clean close, want nil", err)
		}
		e.ran <- err // for the cleanup
	case <-time.After(wait):
		t.Fatal("Run did not return")
	}
	if _, err := c.CallRaw(context.Background(), MethodTabsList, nil); !errors.Is(err, ErrClosed) {
		t.Errorf("a call after the close got %v, want ErrClosed", err)
	}
}

func TestRunReportsABrokenStream(t *testing.T) {
	c, e := open(t, &fakeHandler{})
	pending := callAsync(context.Background(), c, MethodTabsList, nil)
	e.next()
	// A frame announcing 100 bytes that stops after 3.
	var head [4]byte
	binary.NativeEndian.PutUint32(head[:], 100)
	if _, err := e.raw.Write(append(head[:], `{"i`...)); err != nil {
		t.Fatal(err)
	}
	e.raw.Close()
	if o := e.await(pending); !errors.Is(o.err, ErrClosed) {
		t.Errorf("pending call got %v, want ErrClosed", o.err)
	}
	select {
	case err := <-e.ran:
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("Run returned %v, want an unexpected EOF", err)
		}
		e.ran <- err
	case <-time.After(wait):
		t.Fatal("Run did not return")
	}
}

func TestNotificationsArriveInOrder(t *testing.T) {
	h := &fakeHandler{}
	_, e := open(t, h)
	const n = 300
	for i := range n {
		e.send(Message{Method: MethodCDPEvents, Params: mustJSON(map[string]int{"i": i})})
	}
	for i := range n {
		select {
		case m := <-h.notes:
			var p map[string]int
			if m.Method != MethodCDPEvents || json.Unmarshal(m.Params, &p) != nil || p["i"] != i {
				t.Fatalf("notification %d is %s %s", i, m.Method, m.Params)
			}
		case <-time.After(wait):
			t.Fatalf("only %d of %d notifications arrived", i, n)
		}
	}
}

func TestRequestsAreServedConcurrentlyAndAnswered(t *testing.T) {
	gate := make(chan struct{})
	h := &fakeHandler{serve: func(ctx context.Context, method string, params json.RawMessage) (any, error) {
		switch method {
		case MethodUIStatus:
			// Waits for the next request: served one at a time, this
			// would never return.
			select {
			case <-gate:
				return UIStatus{Browser: "Chromium 156 (3f2a)", Captures: []CaptureState{}}, nil
			case <-time.After(wait):
				return nil, errors.New("the second request was not served meanwhile")
			}
		case MethodUIStop:
			close(gate)
			return nil, errors.New("session s-1 not found")
		}
		return nil, fmt.Errorf("unexpected %s", method)
	}}
	_, e := open(t, h)
	e.send(Message{ID: 1, Method: MethodUIStatus, Params: json.RawMessage(`{"tabId":0}`)})
	e.send(Message{ID: 2, Method: MethodUIStop, Params: json.RawMessage(`{"sessionId":"s-1"}`)})
	got := map[int64]Message{}
	for len(got) < 2 {
		m := e.next()
		got[m.ID] = m
	}
	var st UIStatus
	if m := got[1]; m.Error != nil || json.Unmarshal(m.Result, &st) != nil || st.Browser != "Chromium 156 (3f2a)" {
		t.Errorf("ui.status answered %+v (error %v)", m, m.Error)
	}
	if m := got[2]; m.Error == nil || m.Error.Message != "session s-1 not found" || m.Result != nil {
		t.Errorf("ui.stop answered %+v, want the handler's error", m)
	}
}

func TestMalformedFramesAreSkipped(t *testing.T) {
	h := &fakeHandler{serve: func(context.Context, string, json.RawMessage) (any, error) { return "served", nil }}
	c, e := open(t, h)
	for _, f := range []string{`not json`, `{}`, `{"params":{"a":1}}`, `[1,2]`, `"hello"`, `{"id":"x","method":"hello"}`} {
		e.send([]byte(f))
	}
	// A request whose method is not a string still gets an answer, so the
	// extension does not wait for it.
	e.send([]byte(`{"id":9,"method":5}`))
	if m := e.next(); m.ID != 9 || m.Error == nil || m.Result != nil {
		t.Errorf("a malformed request was answered %+v, want an error for id 9", m)
	}
	e.send(Message{Method: MethodHello, Params: mustJSON(Hello{ProfileID: "p"})})
	select {
	case m := <-h.notes:
		if m.Method != MethodHello {
			t.Errorf("first notification delivered is %s, want hello", m.Method)
		}
	case <-time.After(wait):
		t.Fatal("the notification after the junk was not delivered")
	}

	// A response whose error is not an object fails its call at once
	// instead of leaving it to time out.
	broken := callAsync(context.Background(), c, MethodTabsList, nil)
	m := e.next()
	e.send([]byte(fmt.Sprintf(`{"id":%d,"error":"boom"}`, m.ID)))
	if o := e.await(broken); o.err == nil {
		t.Errorf("a malformed response gave %s, want an error", o.res)
	}

	// The connection still works both ways.
	ok := callAsync(context.Background(), c, MethodTabsList, nil)
	m = e.next()
	e.send(Message{ID: m.ID, Result: json.RawMessage(`{"tabs":[]}`)})
	if o := e.await(ok); o.err != nil || string(o.res) != `{"tabs":[]}` {
		t.Errorf("got %s, %v", o.res, o.err)
	}
	e.send(Message{ID: 10, Method: MethodUIStatus})
	if m := e.next(); m.ID != 10 || string(m.Result) != `"served"` {
		t.Errorf("request after the junk answered %+v", m)
	}
}

// reassemble reads chunk frames until the final one of a stream and
// returns the message they carry, checking the order of the pieces.
func (e *extension) reassemble() (whole []byte, stream int64, pieces int) {
	e.t.Helper()
	var buf bytes.Buffer
	for seq := 0; ; seq++ {
		f := e.nextFrame()
		if len(f) > nativemsg.MaxToBrowser {
			e.t.Fatalf("frame of %d bytes, over the 1 MB cap", len(f))
		}
		var m Message
		if err := json.Unmarshal(f, &m); err != nil || m.Method != MethodChunk || m.ID != 0 {
			e.t.Fatalf("frame %d is not a chunk notification: %.100s", seq, f)
		}
		var ch Chunk
		if err := json.Unmarshal(m.Params, &ch); err != nil {
			e.t.Fatal(err)
		}
		if seq == 0 {
			stream = ch.Stream
		}
		if ch.Stream != stream || ch.Seq != seq {
			e.t.Fatalf("chunk %d is stream %d seq %d, want stream %d seq %d", seq, ch.Stream, ch.Seq, stream, seq)
		}
		data, err := base64.StdEncoding.DecodeString(ch.Data)
		if err != nil {
			e.t.Fatalf("chunk %d: %v", seq, err)
		}
		buf.Write(data)
		if ch.Final {
			return buf.Bytes(), stream, seq + 1
		}
	}
}

func TestLargeMessagesTravelInChunks(t *testing.T) {
	big := strings.Repeat("0123456789abcdef", 100_000) // 1.6 MB
	h := &fakeHandler{serve: func(context.Context, string, json.RawMessage) (any, error) {
		return UIExportResult{FileName: "x.har", Content: mustJSON(map[string]string{"log": big})}, nil
	}}
	c, e := open(t, h)

	if err := c.Notify(MethodState, map[string]string{"big": big}); err != nil {
		t.Fatal(err)
	}
	whole, first, pieces := e.reassemble()
	want, _ := json.Marshal(Message{Method: MethodState, Params: mustJSON(map[string]string{"big": big})})
	if !bytes.Equal(whole, want) {
		t.Fatalf("reassembled %d bytes, want the %d bytes of the message", len(whole), len(want))
	}
	if pieces < 3 {
		t.Errorf("%d chunks for %d bytes", pieces, len(whole))
	}

	// A response too large for a frame is chunked too, in a new stream.
	e.send(Message{ID: 3, Method: MethodUIExport, Params: mustJSON(UIExport{SessionID: "s-1"})})
	whole, second, _ := e.reassemble()
	var m Message
	if err := json.Unmarshal(whole, &m); err != nil {
		t.Fatal(err)
	}
	var res UIExportResult
	if m.ID != 3 || json.Unmarshal(m.Result, &res) != nil || res.FileName != "x.har" || len(res.Content) < len(big) {
		t.Errorf("reassembled response: id %d, %d bytes of result", m.ID, len(m.Result))
	}
	if second == first {
		t.Errorf("two messages share stream %d", first)
	}
}

func TestChunkingStartsPastOneMegabyte(t *testing.T) {
	c, e := open(t, &fakeHandler{})
	overhead := len(mustJSON(Message{Method: "m", Params: mustJSON("")}))
	fits := strings.Repeat("x", nativemsg.MaxToBrowser-overhead)
	if err := c.Notify("m", fits); err != nil {
		t.Fatal(err)
	}
	if f := e.nextFrame(); len(f) != nativemsg.MaxToBrowser || !bytes.HasPrefix(f, []byte(`{"method":"m"`)) {
		t.Errorf("a message of exactly 1 MB came as a %d-byte frame %.30s, want itself", len(f), f)
	}
	if err := c.Notify("m", fits+"x"); err != nil {
		t.Fatal(err)
	}
	whole, _, pieces := e.reassemble()
	if len(whole) != nativemsg.MaxToBrowser+1 || pieces != 2 {
		t.Errorf("one byte over 1 MB: %d bytes in %d chunks", len(whole), pieces)
	}
}

// A handler that panics costs its one message, not the connection.
func TestHandlerPanicsAreContained(t *testing.T) {
	notes := make(chan Message, 10)
	h := &fakeHandler{notes: notes, serve: func(ctx context.Context, method string, params json.RawMessage) (any, error) {
		panic("broken request handler")
	}}
	_, e := open(t, h)
	e.send(Message{ID: 4, Method: "ui.status"})
	if m := e.next(); m.ID != 4 || m.Error == nil || !strings.Contains(m.Error.Message, "failed inside tabtap") {
		t.Fatalf("the panicking request's reply: %+v", m)
	}
	close(notes) // Notify now panics: sending on a closed channel
	e.send(Message{Method: "cdp.events", Params: json.RawMessage(`{}`)})
	e.send(Message{ID: 5, Method: "ui.status"})
	if m := e.next(); m.ID != 5 || m.Error == nil {
		t.Fatalf("after a panicking notification, the next request: %+v", m)
	}
}

// The extension gets the protocol's codes only: a failure with a code of
// its own (one of the MCP side's, say) goes out as internal, its message
// kept.
func TestRepliesCarryProtocolCodes(t *testing.T) {
	h := &fakeHandler{serve: func(_ context.Context, method string, _ json.RawMessage) (any, error) {
		switch method {
		case MethodUIStop:
			return nil, fmt.Errorf("stopping: %w", rpc.Errorf(CodeNotFound, "session s-1 not found"))
		case MethodUIStart:
			return nil, rpc.Errorf("no_browser", "the extension disconnected")
		}
		return nil, errors.New("plain failure")
	}}
	_, e := open(t, h)
	for id, want := range map[int64]Error{
		1: {Code: CodeNotFound, Message: "stopping: session s-1 not found"},
		2: {Code: CodeInternal, Message: "the extension disconnected"},
		3: {Code: CodeInternal, Message: "plain failure"},
	} {
		method := map[int64]string{1: MethodUIStop, 2: MethodUIStart, 3: MethodUIStatus}[id]
		e.send(Message{ID: id, Method: method})
		if m := e.next(); m.ID != id || m.Error == nil || *m.Error != want {
			t.Errorf("%s answered %+v, want error %+v", method, m, want)
		}
	}
}

// A cdp.events frame as the extension writes it hands its params over
// undecoded; any other shape goes the general way.
func TestEventsParams(t *testing.T) {
	for frame, want := range map[string]string{
		`{"method":"cdp.events","params":{"events":[]}}`:            `{"events":[]}`,
		`{"method":"cdp.events","params":{"events":[{"tabId":1}]}}`: `{"events":[{"tabId":1}]}`,
		`{"method":"cdp.events","params":{"events":[]},"id":3}`:     "",
		`{"params":{"events":[]},"method":"cdp.events"}`:            "",
		`{"method":"cdp.events","params":[]}`:                       "",
		`{"method":"cdp.events","params":}`:                         "",
		`{"method":"cdp.eventsX","params":{"events":[]}}`:           "",
		`{"method":"debugger.detached","params":{"tabId":1}}`:       "",
	} {
		got, ok := eventsParams([]byte(frame))
		if string(got) != want || ok != (want != "") {
			t.Errorf("eventsParams(%s) = %s, %v; want %q", frame, got, ok, want)
		}
	}
}
