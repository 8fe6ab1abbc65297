package mcplink

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"

	"github.com/coder/websocket"

	"github.com/tabtap/tabtap/host/rpc"
)

// ErrGone is returned by a client whose daemon went away.
var ErrGone = errors.New("the browser's tabtap daemon went away (was the browser closed?)")

// Client is a connection to one daemon.
type Client struct {
	reg   Registration
	conn  *websocket.Conn
	calls rpc.Calls
	done  chan struct{}
}

// Dial connects to the daemon a registration describes. The process at
// the other end of the socket must run as this user.
func Dial(ctx context.Context, reg Registration) (*Client, error) {
	hc := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			c, err := d.DialContext(ctx, "unix", reg.Socket)
			if err != nil {
				return nil, err
			}
			if err := checkPeer(c); err != nil {
				c.Close()
				return nil, err
			}
			return c, nil
		},
	}}
	conn, _, err := websocket.Dial(ctx, "ws://tabtap/", &websocket.DialOptions{
		HTTPClient: hc,
		HTTPHeader: http.Header{"Authorization": {"Bearer " + reg.Token}},
	})
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", reg.Socket, err)
	}
	conn.SetReadLimit(maxResult)
	c := &Client{reg: reg, conn: conn, done: make(chan struct{})}
	go c.read()
	return c, nil
}

// Registration describes the daemon.
func (c *Client) Registration() Registration { return c.reg }

// Alive reports whether the connection still stands.
func (c *Client) Alive() bool {
	select {
	case <-c.done:
		return false
	default:
		return true
	}
}

// Close ends the connection.
func (c *Client) Close() error { return c.conn.CloseNow() }

func (c *Client) read() {
	defer close(c.done)
	defer c.calls.Close(ErrGone)
	for {
		_, b, err := c.conn.Read(context.Background())
		if err != nil {
			return
		}
		// The daemon only ever answers. A reply that cannot be read
		// fails its call now rather than at its timeout; what cannot be
		// tied to a call is dropped.
		m, err := rpc.Decode(b)
		var bad *rpc.Invalid
		switch {
		case errors.As(err, &bad):
			if bad.ID != 0 && !bad.Request {
				c.calls.Fail(bad.ID, bad)
			}
		case m.IsResponse():
			c.calls.Deliver(m)
		}
	}
}

// Call runs one operation on the daemon and decodes its result. A failure
// the daemon reports comes back as *api.Error.
func (c *Client) Call(ctx context.Context, method string, params, result any) error {
	raw, err := c.calls.Call(ctx, method, params, func(m rpc.Message) error {
		b, err := m.AppendJSON(nil)
		if err != nil {
			return fmt.Errorf("encoding %s: %w", method, err)
		}
		if err := c.conn.Write(ctx, websocket.MessageText, b); err != nil {
			return fmt.Errorf("%s: %w", method, ErrGone)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if result != nil {
		if err := json.Unmarshal(raw, result); err != nil {
			return fmt.Errorf("decoding the result of %s: %w", method, err)
		}
	}
	return nil
}

// Pool keeps connections to every daemon registered in a runtime
// directory, finding new ones and dropping dead ones each time it is asked.
type Pool struct {
	dir     string
	mu      sync.Mutex
	clients map[string]*Client // by tag
}

// NewPool returns a pool over the runtime directory dir.
func NewPool(dir string) *Pool {
	return &Pool{dir: dir, clients: map[string]*Client{}}
}

// Dir is the runtime directory the pool watches.
func (p *Pool) Dir() string { return p.dir }

// Unreachable is a registered daemon the pool could not connect to: a
// daemon that was killed leaves its registration behind, and one that runs
// may refuse the connection.
type Unreachable struct {
	Registration Registration
	// Err says why, naming the socket.
	Err error
}

// Error says which daemon does not answer and why.
func (u Unreachable) Error() string {
	return fmt.Sprintf("%s (pid %d) does not answer: %v", label(u.Registration), u.Registration.PID, u.Err)
}

// label names a registration for a person.
func label(r Registration) string {
	if r.Browser != "" {
		return r.Browser
	}
	return "the daemon " + r.Tag
}

// Daemons returns connections to the live daemons, newest first, and the
// registered daemons it could not connect to, each with the reason.
func (p *Pool) Daemons(ctx context.Context) ([]*Client, []Unreachable, error) {
	regs, err := Discover(p.dir)
	if err != nil {
		return nil, nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []*Client
	var failed []Unreachable
	seen := map[string]bool{}
	for _, r := range regs {
		seen[r.Tag] = true
		c := p.clients[r.Tag]
		if c != nil && (!c.Alive() || c.reg.Token != r.Token) {
			c.Close()
			c = nil
		}
		if c == nil {
			if err := checkSocket(p.dir, r.Socket); err != nil {
				delete(p.clients, r.Tag)
				failed = append(failed, Unreachable{Registration: r, Err: err})
				continue
			}
			if c, err = Dial(ctx, r); err != nil {
				delete(p.clients, r.Tag)
				failed = append(failed, Unreachable{Registration: r, Err: err})
				continue
			}
			p.clients[r.Tag] = c
		}
		out = append(out, c)
	}
	for tag, c := range p.clients {
		if !seen[tag] {
			c.Close()
			delete(p.clients, tag)
		}
	}
	return out, failed, nil
}

// Close ends every connection.
func (p *Pool) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for tag, c := range p.clients {
		c.Close()
		delete(p.clients, tag)
	}
}

// IsGone reports whether err means the daemon went away.
func IsGone(err error) bool {
	return errors.Is(err, ErrGone)
}
