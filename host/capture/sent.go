package capture

import (
	"fmt"

	"github.com/tabtap/tabtap/host/api"
)

// A request an agent sends again as the person (send_request) goes out
// from the capture's tab, and the capture records it as any other. The
// script that sends it is named by a tag of the call's own (its
// sourceURL), which the daemon registers first: the request whose
// initiator runs in that script is marked sentBy "agent", and its id is
// kept for the daemon to find. A page cannot pass a request of its own
// for one: it does not know the tag.

// maxSentTags bounds the tags held at once.
const maxSentTags = 64

// ExpectSent says a request is about to be sent as the person through the
// capture's tab, by a script named tag. It reports whether the capture
// runs (a stopped one records nothing more).
func (c *Capture) ExpectSent(tag string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state != StateActive || c.stopping {
		return false
	}
	if c.sentTags == nil {
		c.sentTags = map[string]string{}
	}
	if len(c.sentTags) < maxSentTags {
		c.sentTags[tag] = ""
	}
	return true
}

// CountSent counts one request sent as the person through the capture's
// tab (Status.Sent): one the browser sent, or tried to.
func (c *Capture) CountSent() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sent++
}

// SentRequest returns the id of the request sent by the script tag, once
// the capture has recorded it.
func (c *Capture) SentRequest(tag string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id := c.sentTags[tag]
	return id, id != ""
}

// ForgetSent lets go of a tag ExpectSent registered.
func (c *Capture) ForgetSent(tag string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.sentTags, tag)
}

// markSent marks r when its initiator runs in the script of a registered
// tag, under c.mu.
func (c *Capture) markSent(r *api.Request, in *initiator) {
	if len(c.sentTags) == 0 || in.Stack == nil {
		return
	}
	for st := in.Stack; st != nil; st = st.Parent {
		for _, f := range st.CallFrames {
			if id, ok := c.sentTags[f.URL]; ok && (id == "" || id == api.BaseID(r.RequestID)) {
				c.sentTags[f.URL] = api.BaseID(r.RequestID)
				r.SentBy = "agent"
				return
			}
		}
	}
}

// Unredacted returns a copy of the request id as the browser sent it,
// secrets and all. It is for send_request alone, which sends the request
// again from the person's browser: the copy must never leave the daemon.
func (c *Capture) Unredacted(id string) (api.Request, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.restored && c.opts.RedactSecrets {
		return api.Request{}, fmt.Errorf("capture %s was read back from disk after the extension restarted, and tabtap keeps no secrets on disk: capture the request again", c.id)
	}
	for _, r := range c.requests {
		if r.RequestID == id {
			cp := *r
			cp.Headers = make(map[string]string, len(r.Headers))
			for k, v := range r.Headers {
				cp.Headers[k] = v
			}
			return cp, nil
		}
	}
	return api.Request{}, fmt.Errorf("capture %s holds no request %s", c.id, id)
}

// ViewSent hides the secrets of an exchange the daemon made from what
// send_request got back, as this capture's own records are hidden (it
// learned what the request carried when it recorded the original): the
// records of a request sent as the person leave through the same view.
func (c *Capture) ViewSent(d api.Data) api.Data {
	return c.view(func() taken { return taken{data: d} })
}
