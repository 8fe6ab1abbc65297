// Package relay is the daemon's side of the extension protocol: it turns
// native-messaging frames into requests, responses and notifications,
// matches responses to the requests the daemon sent, splits messages too
// large for one frame into chunks, and hands everything else to a Handler.
// protocol.go holds the messages themselves.
package relay

import (
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
)

// DefaultTimeout bounds a request to the extension whose context has no
// deadline of its own.
const DefaultTimeout = 30 * time.Second

// ErrClosed is returned for requests on a connection that has ended.
var ErrClosed = errors.New("the extension disconnected")

// Handler receives what the extension sends on its own initiative.
type Handler interface {
	// Notify is called for each notification, in the order they arrived,
	// on the connection's read loop: it must not wait on the extension.
	Notify(method string, params json.RawMessage)
	// Request is called for each request, on a goroutine of its own; what
	// it returns is sent back as the response.
	Request(ctx context.Context, method string, params json.RawMessage) (any, error)
}

// Conn is one native-messaging port to the extension.
type Conn struct {
	r       *nativemsg.Reader
	w       *nativemsg.Writer
	h       Handler
	log     *slog.Logger
	mu      sync.Mutex
	nextID  int64
	pending map[int64]chan *Message
	closed  error
	stream  int64
}

// New returns a connection reading frames from r and writing them to w.
func New(r io.Reader, w io.Writer, h Handler, log *slog.Logger) *Conn {
	return &Conn{
		r:       nativemsg.NewReader(r, nativemsg.MaxFromBrowser),
		w:       nativemsg.NewWriter(w, nativemsg.MaxToBrowser),
		h:       h,
		log:     log,
		pending: map[int64]chan *Message{},
	}
}

// Run reads until the extension closes the port (it returns nil) or the
// stream breaks (it returns why). A frame that is not a valid message is
// logged and skipped; when it had an id the extension gets an error back.
// When Run returns, requests still waiting fail with ErrClosed.
func (c *Conn) Run(ctx context.Context) error {
	err := c.read(ctx)
	c.mu.Lock()
	c.closed = ErrClosed
	for id, ch := range c.pending {
		close(ch)
		delete(c.pending, id)
	}
	c.mu.Unlock()
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
		var m Message
		if err := json.Unmarshal(frame, &m); err != nil {
			c.malformed(frame, err)
			continue
		}
		switch {
		case m.Method != "" && m.ID != 0:
			go c.serve(ctx, m)
		case m.Method != "":
			c.notify(m)
		case m.ID != 0:
			c.mu.Lock()
			ch := c.pending[m.ID]
			delete(c.pending, m.ID)
			c.mu.Unlock()
			if ch == nil {
				c.log.Debug("a response nobody waits for", "id", m.ID)
				continue
			}
			ch <- &m
		default:
			c.log.Warn("ignoring a message with neither id nor method")
		}
	}
}

// malformed skips a frame that is not a valid message. When it still
// carries an id, whoever waits on that id hears of it now rather than at
// its timeout: a request of the extension gets an error back, a call of
// ours fails.
func (c *Conn) malformed(frame []byte, err error) {
	c.log.Warn("ignoring a malformed message from the extension", "err", err, "bytes", len(frame))
	var probe struct {
		ID     int64           `json:"id"`
		Method json.RawMessage `json:"method"`
	}
	if json.Unmarshal(frame, &probe) != nil || probe.ID == 0 {
		return
	}
	bad := &Error{Message: fmt.Sprintf("malformed message: %v", err)}
	if probe.Method != nil {
		go func() {
			if err := c.send(Message{ID: probe.ID, Error: bad}); err != nil {
				c.log.Warn("answering a malformed request", "err", err)
			}
		}()
		return
	}
	c.mu.Lock()
	ch := c.pending[probe.ID]
	delete(c.pending, probe.ID)
	c.mu.Unlock()
	if ch != nil {
		ch <- &Message{ID: probe.ID, Error: bad}
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

// request runs the handler for one request, turning a panic into an error.
func (c *Conn) request(ctx context.Context, m Message) (res any, err error) {
	defer func() {
		if p := recover(); p != nil {
			c.log.Error("serving a request failed", "method", m.Method, "panic", p)
			err = fmt.Errorf("%s failed inside tabtap (%v); the captures are unharmed", m.Method, p)
		}
	}()
	return c.h.Request(ctx, m.Method, m.Params)
}

func (c *Conn) serve(ctx context.Context, m Message) {
	res, err := c.request(ctx, m)
	out := Message{ID: m.ID}
	if err == nil {
		out.Result, err = json.Marshal(res)
	}
	if err != nil {
		out.Result = nil
		out.Error = &Error{Message: err.Error()}
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

// CallRaw sends a request and returns its result undecoded.
func (c *Conn) CallRaw(ctx context.Context, method string, params any) (json.RawMessage, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultTimeout)
		defer cancel()
	}
	p, err := json.Marshal(params)
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %w", method, err)
	}
	ch := make(chan *Message, 1)
	c.mu.Lock()
	if c.closed != nil {
		c.mu.Unlock()
		return nil, c.closed
	}
	c.nextID++
	id := c.nextID
	c.pending[id] = ch
	c.mu.Unlock()
	if err := c.send(Message{ID: id, Method: method, Params: p}); err != nil {
		c.forget(id)
		return nil, err
	}
	select {
	case m, ok := <-ch:
		if !ok {
			return nil, ErrClosed
		}
		if m.Error != nil {
			return nil, m.Error
		}
		return m.Result, nil
	case <-ctx.Done():
		c.forget(id)
		return nil, fmt.Errorf("%s: no answer from the extension: %w", method, ctx.Err())
	}
}

func (c *Conn) forget(id int64) {
	c.mu.Lock()
	delete(c.pending, id)
	c.mu.Unlock()
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
	b, err := json.Marshal(m)
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
		ch, err := json.Marshal(Message{Method: MethodChunk, Params: mustJSON(Chunk{
			Stream: stream, Seq: seq, Final: n == len(b), Data: base64.StdEncoding.EncodeToString(b[:n]),
		})})
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
