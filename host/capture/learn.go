package capture

import "unsafe"

// Secrets are learned as events arrive, from every event of the capture's
// tabs, also those of requests the filter leaves out: a token a sign-in
// request carries is hidden in the responses that echo it. What is
// learned is hidden from the records when they leave the engine (data), so
// a value learned after the record that holds it is hidden too. With
// redactSecrets false c.secrets is nil and nothing is learned.

func (c *Capture) learnHeaders(h map[string]string) {
	if c.secrets == nil {
		return
	}
	for k, v := range h {
		c.secrets.LearnHeader(k, v)
	}
}

func (c *Capture) learnResponse(r *response) {
	if c.secrets == nil || r == nil {
		return
	}
	c.secrets.LearnURL(r.URL)
	c.learnHeaders(r.Headers)
	c.learnHeaders(r.RequestHeaders)
}

// learnRequest learns from a requestWillBeSent: its URL, document and
// initiator URLs, headers, body, and the redirect response it may carry.
func (c *Capture) learnRequest(e *evRequestWillBeSent) {
	if c.secrets == nil || e.Request == nil {
		return
	}
	c.secrets.LearnURL(e.Request.URL + e.Request.URLFragment)
	c.secrets.LearnURL(e.DocumentURL)
	if e.Initiator != nil {
		c.secrets.LearnURL(e.Initiator.URL)
	}
	c.learnHeaders(e.Request.Headers)
	if len(e.Request.PostDataEntries) > 0 {
		var body []byte
		for _, p := range e.Request.PostDataEntries {
			body = append(body, p.Bytes...)
		}
		ct, _ := headerValue(e.Request.Headers, "content-type")
		c.learnBody(ct, body)
	}
	c.learnResponse(e.RedirectResponse)
}

// learnBody learns from a text body; binary bodies teach nothing. The
// body is not copied: the Set keeps copies of what it learns.
func (c *Capture) learnBody(contentType string, body []byte) {
	if c.secrets == nil || len(body) == 0 || looksBinary(body) {
		return
	}
	c.secrets.LearnBody(contentType, unsafe.String(unsafe.SliceData(body), len(body)))
}

// learnFetched learns from a body fetched apart from the events, without
// holding the capture's lock while it reads it: a body can be tens of MB,
// and the events of every capture wait while one holds its lock. The
// content type is read under the lock.
func (c *Capture) learnFetched(body []byte, contentType func() string) {
	if c.secrets == nil {
		return
	}
	c.mu.Lock()
	ct := contentType()
	c.mu.Unlock()
	c.learnBody(ct, body)
}
