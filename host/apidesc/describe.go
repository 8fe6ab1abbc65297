// Package apidesc describes the API a capture shows: its endpoints,
// grouped by method, origin and path template (ids become {name}
// parameters), with their statuses, query parameters, content types and
// JSON Schemas inferred from every example body; its WebSockets with the
// shapes of their messages; and, summed up, the static files around them.
// It is what describe_api runs, as a summary sized to a budget or as an
// OpenAPI 3.1 document. It reads records as they leave the capture engine
// (secrets already hidden), and never changes them.
package apidesc

import (
	"cmp"
	"encoding/base64"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/urlmatch"
)

// Formats of a description.
const (
	FormatSummary = "summary"
	FormatOpenAPI = "openapi"
)

// Args choose what to describe.
type Args struct {
	// URLFilter keeps the requests whose URL matches: a substring, or
	// /regex/.
	URLFilter string `json:"urlFilter,omitempty"`
	// Format is FormatSummary (the default) or FormatOpenAPI.
	Format string `json:"format,omitempty"`
}

// maxSchemaBody is the largest body whose schema is inferred; larger ones
// are counted in their endpoint's types, not read.
const maxSchemaBody = 8 << 20

// API is what a capture shows of the APIs it used, built once and then
// shown as a summary or as OpenAPI.
type API struct {
	endpoints []*endpoint
	sockets   []*socket
	static    Static
	calls     int
}

// endpoint is one method on one path template of one origin, and
// everything its calls showed.
type endpoint struct {
	method, origin, path string
	params               []param // as the first call filled them
	count                int
	statuses             map[string]int
	query                map[string]*queryParam
	queryOrder           []string
	reqTypes, respTypes  []string
	req                  *node
	resp                 map[string]*node // by status
	example              string           // a request id, a successful call's if any
	exampleOK            bool
	reqExample           []byte
	respExamples         map[string][]byte // by status
	respTypeOf           map[string]string // by status: the first response type
	reqTypeOf            string
}

type queryParam struct {
	present int
	values  *node
	text    bool // some value was not a whole number
}

// Infer builds the description of what d holds, of the requests
// urlFilter keeps.
func Infer(d *api.Data, urlFilter string) (*API, error) {
	m, err := urlmatch.Parse("urlFilter", urlFilter)
	if err != nil {
		return nil, api.Errorf(api.CodeInvalid, "%v", err)
	}
	a := &API{}
	type call struct {
		x      api.Exchange
		u      *url.URL
		origin string
		segs   []string
	}
	var calls []call
	var sockets []api.Exchange
	tries := map[string]*trie{}
	for _, x := range d.Exchanges() {
		if !m.Match(x.URL()) {
			continue
		}
		if x.Request != nil && x.Request.ResourceType == "WebSocket" {
			sockets = append(sockets, x)
			continue
		}
		u, err := url.Parse(x.URL())
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			a.static.add("other", bodyBytes(x.Response))
			continue
		}
		if kind := staticKind(x.Request, x.Response); kind != "" {
			a.static.add(kind, bodyBytes(x.Response))
			continue
		}
		if x.Request == nil || x.Request.Method == "" {
			a.static.add("other", bodyBytes(x.Response)) // known only by its response: its method is unknown
			continue
		}
		c := call{x: x, u: u, origin: u.Scheme + "://" + u.Host, segs: segments(u.EscapedPath())}
		t := tries[c.origin]
		if t == nil {
			t = newTrie("", nil)
			tries[c.origin] = t
		}
		t.add(c.segs)
		calls = append(calls, c)
	}
	for _, t := range tries {
		t.generalize()
	}
	byKey := map[string]*endpoint{}
	r := &reader{}
	for _, c := range calls {
		path, params := tries[c.origin].template(c.segs)
		key := c.x.Request.Method + " " + c.origin + path
		e := byKey[key]
		if e == nil {
			e = &endpoint{method: c.x.Request.Method, origin: c.origin, path: path, params: params, statuses: map[string]int{},
				query: map[string]*queryParam{}, resp: map[string]*node{}, respExamples: map[string][]byte{}, respTypeOf: map[string]string{}}
			byKey[key] = e
			a.endpoints = append(a.endpoints, e)
		}
		e.add(r, c.x, c.u)
		a.calls++
	}
	slices.SortFunc(a.endpoints, func(x, y *endpoint) int {
		return cmp.Or(cmp.Compare(x.origin, y.origin), cmp.Compare(x.path, y.path), cmp.Compare(methodRank(x.method), methodRank(y.method)), cmp.Compare(x.method, y.method))
	})
	a.sockets = describeSockets(d, sockets, m, r)
	return a, nil
}

var methods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}

func methodRank(m string) int {
	if i := slices.Index(methods, m); i >= 0 {
		return i
	}
	return len(methods)
}

// add notes one call.
func (e *endpoint) add(r *reader, x api.Exchange, u *url.URL) {
	e.count++
	status := "failed"
	ok := false
	// A response whose headers came counts by its status, even when its
	// loading then failed (Chromium reports a fetch's 204 as aborted).
	if p := x.Response; p != nil && p.Status > 0 {
		status = strconv.FormatInt(p.Status, 10)
		ok = p.Status >= 200 && p.Status < 300
	}
	e.statuses[status]++
	if e.example == "" || (ok && !e.exampleOK) {
		e.example, e.exampleOK = x.ID(), ok
	}
	for k, vs := range u.Query() {
		q := e.query[k]
		if q == nil {
			q = &queryParam{values: newNode()}
			e.query[k] = q
			e.queryOrder = append(e.queryOrder, k)
		}
		q.present++
		q.values.str([]byte(vs[0]))
		if k, _ := idKind(vs[0]); k != segNumber {
			q.text = true
		}
	}
	if body, ctype := requestBody(x.Request); len(body) > 0 {
		e.reqTypes = addType(e.reqTypes, ctype)
		if e.reqTypeOf == "" {
			e.reqTypeOf = ctype
		}
		if e.req == nil {
			e.req = newNode()
		}
		if inferBody(r, e.req, body, ctype) && e.reqExample == nil {
			e.reqExample = example(body)
		}
	}
	p := x.Response
	if p == nil {
		return
	}
	if p.MimeType != "" {
		e.respTypes = addType(e.respTypes, p.MimeType)
		if e.respTypeOf[status] == "" {
			e.respTypeOf[status] = strings.ToLower(p.MimeType)
		}
	}
	body := responseBody(p)
	if len(body) == 0 || p.BodyTruncated {
		return
	}
	n := e.resp[status]
	if n == nil {
		n = newNode()
		e.resp[status] = n
	}
	if inferBody(r, n, body, p.MimeType) && e.respExamples[status] == nil {
		e.respExamples[status] = example(body)
	}
}

// inferBody reads one body into n when it is JSON (or a form), and
// reports whether it was.
func inferBody(r *reader, n *node, body, ctype string) bool {
	if len(body) > maxSchemaBody {
		return false
	}
	ctype = strings.ToLower(ctype)
	if strings.Contains(ctype, "x-www-form-urlencoded") {
		vals, err := url.ParseQuery(body)
		if err != nil {
			return false
		}
		fresh := newNode()
		fresh.objs++
		for k, vs := range vals {
			for _, v := range vs {
				fresh.child([]byte(k), 0).str([]byte(v))
			}
		}
		n.merge(fresh)
		return true
	}
	if !strings.Contains(ctype, "json") {
		// A JSON body sent as text/plain (fetch's default) still counts.
		i := 0
		for i < len(body) && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t') {
			i++
		}
		if i == len(body) || (body[i] != '{' && body[i] != '[') {
			return false
		}
	}
	return r.read(n, body)
}

// requestBody is a request's body and content type.
func requestBody(q *api.Request) (body, ctype string) {
	if q == nil {
		return "", ""
	}
	for k, v := range q.Headers {
		if strings.EqualFold(k, "content-type") {
			ctype = v
		}
	}
	if i := strings.IndexByte(ctype, ';'); i >= 0 {
		ctype = ctype[:i]
	}
	ctype = strings.ToLower(strings.TrimSpace(ctype))
	if q.PostDataBase64 != "" {
		b, err := base64.StdEncoding.DecodeString(q.PostDataBase64)
		if err != nil {
			return "", ctype
		}
		return string(b), ctype
	}
	return q.PostData, ctype
}

// responseBody is a response's body as text: a binary one only when it is
// JSON nevertheless.
func responseBody(p *api.Response) string {
	if p.BodyBase64 != "" {
		if !strings.Contains(strings.ToLower(p.MimeType), "json") {
			return ""
		}
		b, err := base64.StdEncoding.DecodeString(p.BodyBase64)
		if err != nil {
			return ""
		}
		return string(b)
	}
	return p.Body
}

func addType(types []string, t string) []string {
	t = strings.ToLower(t)
	if t == "" || slices.Contains(types, t) || len(types) >= 8 {
		return types
	}
	return append(types, t)
}
