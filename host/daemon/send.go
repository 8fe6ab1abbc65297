package daemon

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"mime"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/capture"
	"github.com/tabtap/tabtap/host/extension"
	"github.com/tabtap/tabtap/host/ops"
	"github.com/tabtap/tabtap/host/reproduce"
)

// send_request sends a captured request again, as the person: from the
// session's tab, through the extension (extension.MethodTabsFetch), with
// the credentials the original carried. Only to the sites the person
// allows (Policy.SendSites), and only requests that read unless the
// person allows more (Policy.SendChanges). The extension checks both again
// (extension/lib/policy.js, sendRefusal) before it sends anything.

// readMethods change nothing on a server: agents may send them again
// without Policy.SendChanges.
var readMethods = []string{"GET", "HEAD", "OPTIONS"}

// sendRefusal says why the person's settings refuse that an agent sends
// method to rawURL as them, or returns nil when they allow it.
func sendRefusal(p extension.Policy, method, rawURL string) error {
	host := redactedHost(rawURL)
	if site := blockedSite(parseSites(p.BlockedSites), rawURL); site != "" {
		return api.Errorf(api.CodeForbidden, "send_request is refused: the person's tabtap settings keep agents away from %s (blocked site %q); %s", host, site, whereToChange)
	}
	if blockedSite(parseSites(p.SendSites), rawURL) == "" {
		return api.Errorf(api.CodeForbidden, "send_request is refused: the person's tabtap settings do not let agents send requests as them to %s (“Sites where agents may send requests as you”, none by default); %s", host, whereToChange)
	}
	m := strings.ToUpper(method)
	for _, r := range readMethods {
		if m == r {
			return nil
		}
	}
	if !p.SendChanges {
		return api.Errorf(api.CodeForbidden, "send_request is refused: %s can change things, and the person's tabtap settings let agents send only GET, HEAD and OPTIONS requests as them (“Including requests that change things”, off by default); %s", method, whereToChange)
	}
	return nil
}

// Bounds of what a request sent as the person brings back.
const (
	// maxSendBody bounds the answer's body the extension returns: with
	// base64, it stays well under the 64 MiB browser → host message.
	maxSendBody = 32 << 20
	// joinWait bounds the wait for the running capture to record the
	// request once the page has its answer (its events may be in flight).
	joinWait = 2 * time.Second
)

// sendRequest sends a captured request again as the person, changed as
// the arguments say, and returns the exchange, secrets hidden.
func (d *Daemon) sendRequest(ctx context.Context, a api.SendRequestArgs) (ops.Sent, error) {
	if a.RequestID == "" {
		return ops.Sent{}, api.Errorf(api.CodeInvalid, "requestId is required: the request to send again (get_network_capture_data lists the request ids)")
	}
	timeout, err := api.SendSeconds.Or(a.TimeoutSeconds)
	if err != nil {
		return ops.Sent{}, api.Errorf(api.CodeInvalid, "%v", err)
	}
	s, err := d.lookup(a.SessionID)
	if err != nil {
		return ops.Sent{}, err
	}
	c, orig, shown, err := d.sentFrom(s, a.RequestID)
	if err != nil {
		return ops.Sent{}, err
	}
	out, err := planSend(orig, shown, a)
	if err != nil {
		return ops.Sent{}, err
	}
	if err := sendRefusal(d.policyNow(), out.method, out.url); err != nil {
		return ops.Sent{}, err
	}
	d.mu.Lock()
	tabID, tabClosed, live := s.tabID, s.tabClosed, s.capture
	d.mu.Unlock()
	if tabClosed {
		return ops.Sent{}, api.Errorf(api.CodeConflict, "the tab of session %s was closed: send_request sends from the session's tab; open the page again with initialize_session and capture the request there", s.id)
	}
	opts := c.Options()
	maxBody := min(opts.MaxBodyBytes, maxSendBody)
	if !opts.CaptureBodies {
		maxBody = 0
		out.notes = append(out.notes, "the capture keeps no bodies (captureBodies: false): the answer's body is left out")
	}
	tag := "tabtap-send-" + randomTag()
	joins := live != nil && live.ExpectSent(tag)
	if joins {
		defer live.ForgetSent(tag)
	}
	began := time.Now().UTC()
	cctx, cancel := context.WithTimeout(ctx, time.Duration(timeout)*time.Second+10*time.Second)
	defer cancel()
	var res extension.FetchResult
	err = d.conn.Call(cctx, extension.MethodTabsFetch, extension.Fetch{
		TabID: tabID, Method: out.method, URL: out.url, Headers: out.headers, BodyBase64: base64.StdEncoding.EncodeToString(out.body),
		Tag: tag, TimeoutMs: timeout * 1000, MaxBodyBytes: maxBody,
	}, &res)
	if joins && api.CodeOf(err) != extension.CodeForbidden {
		live.CountSent()
		d.pushState()
	}
	if err != nil {
		if api.CodeOf(err) == extension.CodeForbidden {
			return ops.Sent{}, api.Errorf(api.CodeForbidden, "send_request is refused by the extension: %s", strings.TrimPrefix(err.Error(), "forbidden: "))
		}
		return ops.Sent{}, browserError("send_request", err)
	}
	sent := ops.Sent{SessionID: s.id, ID: tag, From: res.Origin, NotSent: res.NotSent}
	view := c
	if joins {
		if id, ok := joinedAs(live, tag); ok {
			sent.ID, sent.Joined, sent.CaptureID = id, true, live.ID()
			view = live // it learned what this exchange carried
		} else {
			out.notes = append(out.notes, "the session's capture did not record the request (its filter, or its limits, may have left it out)")
		}
	}
	sent.Notes = out.notes
	sent.Data = view.ViewSent(api.Data{
		Requests:  []api.Request{sentRecord(sent.ID, tabID, out, began)},
		Responses: []api.Response{answerRecord(sent.ID, tabID, res)},
	})
	return sent, nil
}

// joinedAs waits a little for a running capture to record the request
// the script tag sent, and returns its id there.
func joinedAs(c *capture.Capture, tag string) (string, bool) {
	for deadline := time.Now().Add(joinWait); ; time.Sleep(20 * time.Millisecond) {
		if id, ok := c.SentRequest(tag); ok {
			return id, true
		}
		if time.Now().After(deadline) {
			return "", false
		}
	}
}

// sentFrom finds a request in a session's captures, the latest first: the
// capture, the request as the browser sent it, and as the agent saw it.
func (d *Daemon) sentFrom(s *session, id string) (*capture.Capture, api.Request, api.Request, error) {
	d.mu.Lock()
	cs := []*capture.Capture{s.capture}
	for i := len(s.earlier) - 1; i >= 0; i-- {
		cs = append(cs, s.earlier[i])
	}
	d.mu.Unlock()
	var lastErr error
	for _, c := range cs {
		if c == nil {
			continue
		}
		orig, err := c.Unredacted(id)
		if err != nil {
			lastErr = err
			continue
		}
		for _, r := range c.Records(id).Requests {
			if r.RequestID == id {
				return c, orig, r, nil
			}
		}
	}
	if lastErr != nil && strings.Contains(lastErr.Error(), "disk") {
		return nil, api.Request{}, api.Request{}, api.Errorf(api.CodeConflict, "%v", lastErr)
	}
	return nil, api.Request{}, api.Request{}, api.Errorf(api.CodeNotFound, "request %s not found in the captures of session %s (get_network_capture_data lists the request ids; a request known only by its response cannot be sent again)", id, s.id)
}

// outgoing is the request to send, as the browser will be asked to.
type outgoing struct {
	method, url string
	headers     []extension.Header
	body        []byte
	notes       []string
}

// browserOwn reports whether a header is one the browser sets itself: a
// page may not, and the captured value was the browser's of that moment
// (Cookie among them: the person's current cookies go instead).
func browserOwn(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "accept-charset", "accept-encoding", "connection", "content-length", "cookie", "cookie2", "date", "dnt",
		"expect", "host", "keep-alive", "origin", "referer", "te", "trailer", "transfer-encoding", "upgrade", "via":
		return true
	}
	return strings.HasPrefix(n, ":") || strings.HasPrefix(n, "sec-") || strings.HasPrefix(n, "proxy-") || strings.HasPrefix(n, "access-control-request-")
}

// planSend works out what to send: the captured request as the browser
// sent it (orig), changed by the arguments, whose [redacted] take the
// values hidden at their places in what the agent saw (shown).
func planSend(orig, shown api.Request, a api.SendRequestArgs) (outgoing, error) {
	out := outgoing{method: orig.Method, url: orig.URL}
	if a.Method != nil {
		out.method = strings.ToUpper(strings.TrimSpace(*a.Method))
	}
	if out.method == "" {
		return out, api.Errorf(api.CodeInvalid, "the method of request %s is unknown (it was under way before the capture began): pass method", orig.RequestID)
	}
	if !reproduce.IsToken(out.method) {
		return out, api.Errorf(api.CodeInvalid, "method %q is not an HTTP method", out.method)
	}
	if a.URL != nil {
		u, err := reproduce.Fill(reproduce.Field{Kind: "url"}, *a.URL, shown.URL, orig.URL)
		if err != nil {
			return out, api.Errorf(api.CodeInvalid, "url: %v", err)
		}
		if o, want := originOf(u), originOf(orig.URL); o == "" || o != want {
			return out, api.Errorf(api.CodeInvalid, "url must stay on the captured request's origin, %s: a request's credentials go only where the browser sent them (capture a request to the other site to send one there)", want)
		}
		out.url = u
	}
	// The captured headers, as the browser sent them, but its own.
	cookies := false
	for _, name := range sortedKeys(orig.Headers) {
		if browserOwn(name) {
			cookies = cookies || strings.EqualFold(name, "cookie")
			continue
		}
		for _, v := range strings.Split(orig.Headers[name], "\n") {
			out.headers = append(out.headers, extension.Header{Name: name, Value: v})
		}
	}
	if cookies {
		out.notes = append(out.notes, "Cookie is the browser's to send: it sent the person's current cookies for the site")
	}
	for _, name := range sortedKeys(a.Headers) {
		if !reproduce.IsToken(name) {
			return out, api.Errorf(api.CodeInvalid, "headers: %q is not a header name", name)
		}
		kept := out.headers[:0]
		for _, h := range out.headers {
			if !strings.EqualFold(h.Name, name) {
				kept = append(kept, h)
			}
		}
		out.headers = kept
		v := a.Headers[name]
		if v == nil {
			continue
		}
		if strings.ContainsAny(*v, "\r\n\x00") {
			return out, api.Errorf(api.CodeInvalid, "headers: the value of %s holds a line break or a NUL, which no header may", name)
		}
		value, err := reproduce.Fill(reproduce.Field{Kind: "header", Name: name}, *v, headerOf(shown.Headers, name), headerOf(orig.Headers, name))
		if err != nil {
			return out, api.Errorf(api.CodeInvalid, "headers: %v", err)
		}
		out.headers = append(out.headers, extension.Header{Name: name, Value: value})
	}
	contentType := ""
	for _, h := range out.headers {
		if strings.EqualFold(h.Name, "content-type") {
			contentType = h.Value
		}
	}
	switch {
	case a.Body != nil:
		b, err := reproduce.Fill(reproduce.Field{Kind: "body", Name: contentType}, *a.Body, shown.PostData, orig.PostData)
		if err != nil {
			return out, api.Errorf(api.CodeInvalid, "body: %v", err)
		}
		out.body = []byte(b)
	case orig.PostDataTruncated:
		return out, api.Errorf(api.CodeInvalid, "the capture cut the body of request %s (maxBodyBytes): pass body to send one", orig.RequestID)
	case orig.PostDataBase64 != "":
		b, err := base64.StdEncoding.DecodeString(orig.PostDataBase64)
		if err != nil {
			return out, api.Errorf(api.CodeInternal, "the captured body of request %s is not valid base64: %v", orig.RequestID, err)
		}
		out.body = b
	default:
		out.body = []byte(orig.PostData)
	}
	if len(out.body) > 0 && (out.method == "GET" || out.method == "HEAD") {
		out.body = nil
		out.notes = append(out.notes, "the body is left out: a "+out.method+" request cannot carry one")
	}
	return out, nil
}

func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return u.Scheme + "://" + strings.ToLower(u.Hostname()) + ":" + port
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// headerOf is a header's value by name, whatever its case.
func headerOf(h map[string]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// sentRecord is the request as it was sent, for the result.
func sentRecord(id string, tab int64, out outgoing, at time.Time) api.Request {
	r := api.Request{
		RequestID: id, URL: out.url, Method: out.method, Headers: map[string]string{}, ResourceType: "Fetch",
		Timestamp: at, SentBy: "agent", Source: api.Source{TabID: tab, Target: "page"},
	}
	joinHeaders(r.Headers, out.headers)
	if utf8.Valid(out.body) {
		r.PostData = string(out.body)
	} else {
		r.PostDataBase64 = base64.StdEncoding.EncodeToString(out.body)
	}
	return r
}

// joinHeaders puts headers in a record's map, repeated ones joined by
// newlines as the browser gives them.
func joinHeaders(m map[string]string, hs []extension.Header) {
	for _, h := range hs {
		if v, ok := m[h.Name]; ok {
			m[h.Name] = v + "\n" + h.Value
		} else {
			m[h.Name] = h.Value
		}
	}
}

// answerRecord is the answer the page read, for the result.
func answerRecord(id string, tab int64, res extension.FetchResult) api.Response {
	r := api.Response{
		RequestID: id, URL: res.URL, Status: int64(res.Status), StatusText: res.StatusText, Headers: map[string]string{},
		BodySize: res.BodySize, BodyTruncated: res.BodyTruncated, Timestamp: time.Now().UTC(),
		Source: api.Source{TabID: tab, Target: "page"},
	}
	joinHeaders(r.Headers, res.Headers)
	if mt, _, err := mime.ParseMediaType(headerOf(r.Headers, "content-type")); err == nil {
		r.MimeType = mt
	}
	body, err := base64.StdEncoding.DecodeString(res.BodyBase64)
	switch {
	case err != nil:
		r.BodyError = fmt.Sprintf("the extension gave a body that is not base64: %v", err)
	case utf8.Valid(body):
		r.Body = string(body)
	default:
		r.BodyBase64 = res.BodyBase64
	}
	return r
}

// randomTag names one call's script: unguessable, so that a page cannot
// pass a request of its own for the agent's.
func randomTag() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
