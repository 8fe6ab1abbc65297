package link

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"

	"github.com/coder/websocket"
)

// ErrGone is returned by a client whose daemon went away.
var ErrGone = errors.New("the browser's tabtap daemon went away (was the browser closed?)")

// Client is a connection to one daemon.
type Client struct {
	reg     Registration
	conn    *websocket.Conn
	mu      sync.Mutex
	nextID  int64
	pending map[int64]chan message
	err     error
	done    chan struct{}
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
	c := &Client{reg: reg, conn: conn, pending: map[int64]chan message{}, done: make(chan struct{})}
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
	for {
		_, b, err := c.conn.Read(context.Background())
		if err != nil {
			c.mu.Lock()
			c.err = ErrGone
			for id, ch := range c.pending {
				close(ch)
				delete(c.pending, id)
			}
			c.mu.Unlock()
			return
		}
		var m message
		if json.Unmarshal(b, &m) != nil {
			continue
		}
		c.mu.Lock()
		ch := c.pending[m.ID]
		delete(c.pending, m.ID)
		c.mu.Unlock()
		if ch != nil {
			ch <- m
		}
	}
}

// Call runs one operation on the daemon and decodes its result. A failure
// the daemon reports comes back as *api.Error.
func (c *Client) Call(ctx context.Context, method string, params, result any) error {
	p, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", method, err)
	}
	ch := make(chan message, 1)
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return c.err
	}
	c.nextID++
	id := c.nextID
	c.pending[id] = ch
	c.mu.Unlock()
	b, _ := json.Marshal(message{ID: id, Method: method, Params: p})
	if err := c.conn.Write(ctx, websocket.MessageText, b); err != nil {
		c.forget(id)
		return fmt.Errorf("%s: %w", method, ErrGone)
	}
	select {
	case m, ok := <-ch:
		if !ok {
			return ErrGone
		}
		if m.Error != nil {
			return m.Error
		}
		if result != nil {
			if err := json.Unmarshal(m.Result, result); err != nil {
				return fmt.Errorf("decoding the result of %s: %w", method, err)
			}
		}
		return nil
	case <-ctx.Done():
		c.forget(id)
		return ctx.Err()
	}
}

func (c *Client) forget(id int64) {
	c.mu.Lock()
	delete(c.pending, id)
	c.mu.Unlock()
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

// Daemons returns connections to the live daemons, newest first.
// Registrations whose socket does not answer are skipped (a daemon that
// was killed leaves them behind).
func (p *Pool) Daemons(ctx context.Context) ([]*Client, error) {
	regs, err := Discover(p.dir)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []*Client
	seen := map[string]bool{}
	for _, r := range regs {
		seen[r.Tag] = true
		c := p.clients[r.Tag]
		if c != nil && (!c.Alive() || c.reg.Token != r.Token) {
			c.Close()
			c = nil
		}
		if c == nil {
			if checkSocket(p.dir, r.Socket) != nil {
				delete(p.clients, r.Tag)
				continue
			}
			if c, err = Dial(ctx, r); err != nil {
				delete(p.clients, r.Tag)
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
	return out, nil
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
