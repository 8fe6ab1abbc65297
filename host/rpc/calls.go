package rpc

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
)

// Calls is the table of one link's calls waiting for their replies. The
// zero value is ready to use. The link's read loop hands it every response
// (Deliver) or broken response (Fail), and Close when the link ends.
type Calls struct {
	mu      sync.Mutex
	next    int64
	pending map[int64]waiting
	closed  error
}

// waiting is one call waiting for its response.
type waiting struct {
	method string
	reply  chan Message
}

// Call sends a request through send and waits for its response, for ctx,
// or for the link to close (then it returns Close's error). A failed
// response comes back as *Error. send must not block for long: it is given
// the request with its id set.
func (c *Calls) Call(ctx context.Context, method string, params any, send func(Message) error) (json.RawMessage, error) {
	p, err := json.Marshal(params)
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %w", method, err)
	}
	ch := make(chan Message, 1)
	c.mu.Lock()
	if c.closed != nil {
		err := c.closed
		c.mu.Unlock()
		return nil, err
	}
	if c.pending == nil {
		c.pending = map[int64]waiting{}
	}
	c.next++
	id := c.next
	c.pending[id] = waiting{method: method, reply: ch}
	c.mu.Unlock()
	if err := send(Message{ID: id, Method: method, Params: p}); err != nil {
		c.forget(id)
		return nil, err
	}
	select {
	case m, ok := <-ch:
		if !ok {
			return nil, c.closedErr()
		}
		if m.Error != nil {
			return nil, m.Error
		}
		return m.Result, nil
	case <-ctx.Done():
		c.forget(id)
		return nil, ctx.Err()
	}
}

// Deliver hands a response to the call waiting for it. It reports false
// when no call waits for that id (it gave up, or never was).
func (c *Calls) Deliver(m Message) bool {
	c.mu.Lock()
	w, ok := c.pending[m.ID]
	delete(c.pending, m.ID)
	c.mu.Unlock()
	if ok {
		w.reply <- m
	}
	return ok
}

// Fail ends the call waiting on id at once with an internal error saying
// why its response could not be read, instead of leaving it to its
// timeout. It reports false when no call waits for id.
func (c *Calls) Fail(id int64, why error) bool {
	c.mu.Lock()
	w, ok := c.pending[id]
	delete(c.pending, id)
	c.mu.Unlock()
	if ok {
		w.reply <- Message{ID: id, Error: Errorf(CodeInternal, "the reply to %s could not be read: %v", w.method, why)}
	}
	return ok
}

// Close fails every waiting call, and every later one, with err.
func (c *Calls) Close(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed == nil {
		c.closed = err
	}
	for id, w := range c.pending {
		close(w.reply)
		delete(c.pending, id)
	}
}

// Waiting counts the calls waiting for their responses.
func (c *Calls) Waiting() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pending)
}

func (c *Calls) forget(id int64) {
	c.mu.Lock()
	delete(c.pending, id)
	c.mu.Unlock()
}

func (c *Calls) closedErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}
