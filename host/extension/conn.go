// Package extension is the daemon's side of the extension protocol: it turns
// native-messaging frames into requests, responses and notifications
// (matched to their calls by package rpc, as on the MCP side's link),
// splits messages too large for one frame into chunks, and hands
// everything else to a Handler. protocol.go holds the messages themselves;
// PROTOCOL.md shows each with an example.
package extension

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/tabtap/tabtap/host/nativemsg"
	"github.com/tabtap/tabtap/host/rpc"
)

// DefaultTimeout bounds a request to the extension whose context has no
// deadline of its own.
const DefaultTimeout = 30 * time.Second

// ErrClosed is returned for requests on a connection that has ended.
var ErrClosed = errors.New("the extension disconnected")

// Handler receives what the extension sends on its own initiative.
type Handler interface {
	// Notify is called for each notification, in the order they arrived,
	// on the connection's read loop: it must not wait on the extension. The
	// params of cdp.events come as the extension wrote them, not yet
	// checked: the handler decodes them once and refuses what is not a
	// batch.
	Notify(method string, params json.RawMessage)
	// Request is called for each request, on a goroutine of its own; what
	// it returns is sent back as the response.
	Request(ctx context.Context, method string, params json.RawMessage) (any, error)
}

// Conn is one native-messaging port to the extension.
type Conn struct {
	r      *nativemsg.Reader
	w      *nativemsg.Writer
	h      Handler
	log    *slog.Logger
	calls  rpc.Calls
	mu     sync.Mutex
	stream int64
}

// New returns a connection reading frames from r and writing them to w.
func New(r io.Reader, w io.Writer, h Handler, log *slog.Logger) *Conn {
	return &Conn{
		r:   nativemsg.NewReader(r, nativemsg.MaxFromBrowser),
		w:   nativemsg.NewWriter(w, nativemsg.MaxToBrowser),
		h:   h,
		log: log,
	}
}

// Run reads until the extension closes the port (it returns nil) or the
// stream breaks (it returns why). A frame that is not a valid message is
// logged and skipped; when it had an id the extension gets an error back.
// When Run returns, requests still waiting fail with ErrClosed.
func (c *Conn) Run(ctx context.Context) error {
	err := c.read(ctx)
	c.calls.Close(ErrClosed)
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

func (c *Conn) read(ctx context.Context) error {
	for {
		frame, err := c.r.Read()
		if err != nil {
			return err
		}
		if params, ok := eventsParams(frame); ok {
			c.notify(Message{Method: MethodCDPEvents, Params: params})
			continue
		}
		m, err := rpc.Decode(frame)
		var bad *rpc.Invalid
		switch {
		case errors.As(err, &bad):
			c.malformed(bad, len(frame))
		case m.IsRequest():
			go c.serve(ctx, m)
		case m.IsNotification():
			c.notify(m)
		default:
			if !c.calls.Deliver(m) {
				c.log.Debug("a response nobody waits for", "id", m.ID)
			}
		}
	}
}

// eventsFrame is how the extension's cdp.events notifications begin: it
// writes the envelope's method first, then its params, and nothing else.
var eventsFrame = []byte(`{"method":"` + MethodCDPEvents + `","params":`)

// eventsParams returns the params of a cdp.events notification without
// decoding it: most frames under load are such batches, and their events
// are decoded once, by the handler. A frame of another shape goes the
// general way.
func eventsParams(frame []byte) (json.RawMessage, bool) {
	if !bytes.HasPrefix(frame, eventsFrame) || len(frame) < len(eventsFrame)+3 || frame[len(frame)-1] != '}' {
		return nil, false
	}
	params := frame[len(eventsFrame) : len(frame)-1]
	if params[0] != '{' || params[len(params)-1] != '}' {
		return nil, false
	}
	return params, true
}

// malformed skips a frame that is not a valid message. When it still
// carries an id, whoever waits on that id hears of it now rather than at
// its timeout: a request of the extension gets an error back, a call of
// ours fails.
func (c *Conn) malformed(bad *rpc.Invalid, size int) {
	c.log.Warn("ignoring a malformed message from the extension", "err", bad, "bytes", size)
	switch {
	case bad.ID == 0:
	case bad.Request:
		go func() {
			if err := c.send(Message{ID: bad.ID, Error: rpc.Errorf(CodeInvalidArgument, "%v", bad)}); err != nil {
				c.log.Warn("answering a malformed request", "err", err)
			}
		}()
	default:
		c.calls.Fail(bad.ID, bad)
	}
}

// notify hands a notification to the handler. A panic in it is logged and
// the connection goes on: one bad message must not end every capture.
func (c *Conn) notify(m Message) {
	defer func() {
		if p := recover(); p != nil {
			c.log.Error("handling a notification failed", "method", m.Method, "panic", p)
		}
	}()
	c.h.Notify(m.Method, m.Params)
}

// serve answers one request of the extension. An error whose code the
// protocol does not list goes out as internal, with its message.
func (c *Conn) serve(ctx context.Context, m Message) {
	out, panicked := rpc.Answer(m, func() (any, error) { return c.h.Request(ctx, m.Method, m.Params) })
	if panicked != nil {
		c.log.Error("serving a request failed", "method", m.Method, "panic", panicked)
	}
	if out.Error != nil && !IsCode(out.Error.Code) {
		out.Error = &Error{Code: CodeInternal, Message: out.Error.Message}
	}
	if err := c.send(out); err != nil {
		c.log.Warn("answering the extension", "method", m.Method, "err", err)
	}
}

// Call sends a request and decodes its result into result (which may be
// nil). An error the extension reports comes back as *Error.
func (c *Conn) Call(ctx context.Context, method string, params, result any) error {
	raw, err := c.CallRaw(ctx, method, params)
	if err != nil {
		return err
	}
	if result == nil || len(raw) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, result); err != nil {
		return fmt.Errorf("decoding the result of %s: %w", method, err)
	}
	return nil
}

// CallRaw sends a request and returns its result undecoded. Without a
// deadline of its own, ctx gets DefaultTimeout.
func (c *Conn) CallRaw(ctx context.Context, method string, params any) (json.RawMessage, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultTimeout)
		defer cancel()
	}
	raw, err := c.calls.Call(ctx, method, params, c.send)
	if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return nil, fmt.Errorf("%s: no answer from the extension: %w", method, err)
	}
	return raw, err
}

// Notify sends a notification.
func (c *Conn) Notify(method string, params any) error {
	p, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", method, err)
	}
	return c.send(Message{Method: method, Params: p})
}

// send writes a message, in chunks when it is too large for one frame.
func (c *Conn) send(m Message) error {
	b, err := m.AppendJSON(nil)
	if err != nil {
		return fmt.Errorf("encoding a message for the extension: %w", err)
	}
	if len(b) <= c.w.Max() {
		return c.w.Write(b)
	}
	c.mu.Lock()
	c.stream++
	stream := c.stream
	c.mu.Unlock()
	for seq := 0; len(b) > 0; seq++ {
		n := min(len(b), MaxChunkData)
		ch, err := Message{Method: MethodChunk, Params: mustJSON(Chunk{
			Stream: stream, Seq: seq, Final: n == len(b), Data: base64.StdEncoding.EncodeToString(b[:n]),
		})}.AppendJSON(nil)
		if err != nil {
			return fmt.Errorf("encoding a chunk: %w", err)
		}
		if err := c.w.Write(ch); err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only called with types that always encode
	}
	return b
}
