package apidesc

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/tabtap/tabtap/host/shape"
)

// Document is an OpenAPI 3.1 document.
type Document struct {
	OpenAPI string               `json:"openapi"`
	Info    Info                 `json:"info"`
	Servers []Server             `json:"servers,omitempty"`
	Paths   map[string]*PathItem `json:"paths"`
	// WebSockets are the sockets the capture shows, with their messages:
	// OpenAPI has no words for them.
	WebSockets []WebSocket `json:"x-websockets,omitempty"`
	// Unlisted counts operations left out: methods OpenAPI cannot say,
	// paths two origins share, or what a budget left out.
	Unlisted int `json:"x-unlisted,omitempty"`
}

// Info is the document's title and version.
type Info struct {
	Title       string `json:"title"`
	Version     string `json:"version"`
	Description string `json:"description,omitempty"`
}

// Server is an origin the paths are served from.
type Server struct {
	URL string `json:"url"`
}

// PathItem is the operations of one path template.
type PathItem struct {
	Servers    []Server   `json:"servers,omitempty"`
	Parameters []Param    `json:"parameters,omitempty"`
	Get        *Operation `json:"get,omitempty"`
	Put        *Operation `json:"put,omitempty"`
	Post       *Operation `json:"post,omitempty"`
	Delete     *Operation `json:"delete,omitempty"`
	Options    *Operation `json:"options,omitempty"`
	Head       *Operation `json:"head,omitempty"`
	Patch      *Operation `json:"patch,omitempty"`
	Trace      *Operation `json:"trace,omitempty"`

	calls int // the operations' calls, for a budget to keep the most called
}

// op is the field of a path item for a method; nil for a method OpenAPI
// cannot say.
func (p *PathItem) op(method string) **Operation {
	switch method {
	case "GET":
		return &p.Get
	case "PUT":
		return &p.Put
	case "POST":
		return &p.Post
	case "DELETE":
		return &p.Delete
	case "OPTIONS":
		return &p.Options
	case "HEAD":
		return &p.Head
	case "PATCH":
		return &p.Patch
	case "TRACE":
		return &p.Trace
	}
	return nil
}

// Operation is one method on a path.
type Operation struct {
	OperationID string               `json:"operationId"`
	Summary     string               `json:"summary"`
	Parameters  []Param              `json:"parameters,omitempty"`
	RequestBody *RequestBody         `json:"requestBody,omitempty"`
	Responses   map[string]*Response `json:"responses"`
	// ExampleRequestID is a captured call of it.
	ExampleRequestID string `json:"x-example-request-id,omitempty"`
}

// Param is a path or query parameter.
type Param struct {
	Name     string  `json:"name"`
	In       string  `json:"in"`
	Required bool    `json:"required"`
	Schema   *Schema `json:"schema"`
	Example  any     `json:"example,omitempty"`
}

// RequestBody is what an operation's calls sent.
type RequestBody struct {
	Required bool                  `json:"required"`
	Content  map[string]*MediaType `json:"content"`
}

// MediaType is a body of one content type.
type MediaType struct {
	Schema  *Schema         `json:"schema,omitempty"`
	Example json.RawMessage `json:"example,omitempty"`
}

// Response is what came back with one status.
type Response struct {
	Description string                `json:"description"`
	Content     map[string]*MediaType `json:"content,omitempty"`
}

// OpenAPI is the API as an OpenAPI 3.1 document titled title (by
// default after its most called origin), whole; with budget > 0, within
// budget bytes of JSON, the least called paths left out (counted in
// x-unlisted).
func (a *API) OpenAPI(title string, budget int) *Document {
	doc := &Document{OpenAPI: "3.1.0", Paths: map[string]*PathItem{},
		Info: Info{Title: title, Version: "captured", Description: fmt.Sprintf("Inferred by tabtap from %d calls seen in the browser; schemas from every example, examples from scrubbed bodies.", a.calls)}}
	// The most called origin is the document's server; paths of others
	// carry their own.
	calls := map[string]int{}
	for _, e := range a.endpoints {
		calls[e.origin] += e.count
	}
	origins := slices.SortedFunc(maps.Keys(calls), func(x, y string) int { return cmp.Or(cmp.Compare(calls[y], calls[x]), cmp.Compare(x, y)) })
	if len(origins) > 0 {
		doc.Servers = []Server{{URL: origins[0]}}
	}
	if doc.Info.Title == "" {
		doc.Info.Title = "The API seen at " + cmp.Or(strings.Join(origins[:min(len(origins), 1)], ""), "no origin")
	}
	pathOrigin := map[string]string{}
	ids := map[string]bool{}
	for _, e := range a.endpoints {
		item := doc.Paths[e.path]
		if item == nil {
			item = &PathItem{Parameters: e.pathParams()}
			if e.origin != origins[0] {
				item.Servers = []Server{{URL: e.origin}}
			}
			doc.Paths[e.path] = item
			pathOrigin[e.path] = e.origin
		}
		slot := item.op(e.method)
		if slot == nil || *slot != nil || pathOrigin[e.path] != e.origin {
			doc.Unlisted++
			continue
		}
		*slot = e.operation(ids)
		item.calls += e.count
	}
	for _, s := range a.sockets {
		doc.WebSockets = append(doc.WebSockets, s.summary())
	}
	if budget > 0 {
		fit(doc, budget)
	}
	return doc
}

// fit drops the least called paths, then the sockets, until doc is
// within budget bytes.
func fit(doc *Document, budget int) {
	if shape.Size(doc) <= budget {
		return
	}
	paths := slices.SortedFunc(maps.Keys(doc.Paths), func(x, y string) int {
		return cmp.Or(cmp.Compare(doc.Paths[x].calls, doc.Paths[y].calls), cmp.Compare(y, x))
	})
	sizes := map[string]int{}
	for _, p := range paths {
		sizes[p] = shape.Size(doc.Paths[p]) + len(p) + 4
	}
	over := shape.Size(doc) - budget
	for len(doc.WebSockets) > 0 && over > 0 {
		last := doc.WebSockets[len(doc.WebSockets)-1]
		over -= shape.Size(last) + 1
		doc.WebSockets = doc.WebSockets[:len(doc.WebSockets)-1]
		doc.Unlisted++
	}
	for _, p := range paths {
		if over <= 0 {
			break
		}
		over -= sizes[p]
		doc.Unlisted += doc.Paths[p].operations()
		delete(doc.Paths, p)
	}
}

func (p *PathItem) operations() int {
	n := 0
	for _, m := range methods {
		if slot := p.op(m); slot != nil && *slot != nil {
			n++
		}
	}
	return n
}

// pathParams are the parameters of the endpoint's path, with the type
// their values showed and one of them as an example.
func (e *endpoint) pathParams() []Param {
	var out []Param
	for _, p := range e.params {
		s := &Schema{Type: "string"}
		kinds := p.node.kinds
		total := 0
		for _, n := range kinds {
			total += n
		}
		switch {
		case kinds[segNumber] == total:
			s.Type = "integer"
		case kinds[segUUID] == total:
			s.Format = "uuid"
		case kinds[segDate] == total:
			s.Format = "date"
		case kinds[segEmail] == total:
			s.Format = "email"
		}
		var example any = p.value
		if n, err := strconv.ParseInt(p.value, 10, 64); err == nil && s.Type == "integer" {
			example = n
		}
		out = append(out, Param{Name: p.name, In: "path", Required: true, Schema: s, Example: example})
	}
	return out
}

// operation is the endpoint as an OpenAPI operation; ids holds the
// operation ids already taken.
func (e *endpoint) operation(ids map[string]bool) *Operation {
	op := &Operation{OperationID: operationID(e.method, e.path, ids), Responses: map[string]*Response{}, ExampleRequestID: e.example}
	var st []string
	for _, s := range slices.Sorted(maps.Keys(e.statuses)) {
		st = append(st, fmt.Sprintf("%s ×%d", s, e.statuses[s]))
	}
	op.Summary = fmt.Sprintf("%s %s: %s seen (%s)", e.method, e.path, nCalls(e.count), strings.Join(st, ", "))
	for _, k := range slices.Sorted(maps.Keys(e.query)) {
		q := e.query[k]
		s := q.values.schema()
		if !q.text {
			s = &Schema{Type: "integer"}
		}
		op.Parameters = append(op.Parameters, Param{Name: k, In: "query", Required: q.present == e.count, Schema: cmp.Or(s, &Schema{Type: "string"})})
	}
	if e.req != nil {
		ctype := cmp.Or(e.reqTypeOf, "application/octet-stream")
		op.RequestBody = &RequestBody{Required: true, Content: map[string]*MediaType{ctype: {Schema: e.req.schema(), Example: e.reqExample}}}
	}
	for status := range e.statuses {
		if status == "failed" {
			continue
		}
		code := status
		if len(code) != 3 {
			code = "default"
		}
		r := &Response{Description: cmp.Or(http.StatusText(atoi(status)), "Status "+status)}
		if ctype := e.respTypeOf[status]; ctype != "" {
			mt := &MediaType{}
			if n := e.resp[status]; n != nil {
				mt.Schema = n.schema()
				mt.Example = e.respExamples[status]
			}
			r.Content = map[string]*MediaType{ctype: mt}
		}
		op.Responses[code] = r
	}
	if len(op.Responses) == 0 {
		op.Responses["default"] = &Response{Description: "No response was captured (the request failed or was still under way)."}
	}
	return op
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// operationID names an operation after its method and path
// ("getApiKernelsByKernelId"), unique in the document.
func operationID(method, path string, ids map[string]bool) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, seg := range segments(path) {
		if strings.HasPrefix(seg, "{") {
			seg = "by-" + strings.Trim(seg, "{}")
		}
		c := camel(seg)
		if c == "" {
			continue
		}
		b.WriteString(strings.ToUpper(c[:1]) + c[1:])
	}
	id := b.String()
	for i := 2; ids[id]; i++ {
		id = fmt.Sprintf("%s%d", b.String(), i)
	}
	ids[id] = true
	return id
}

// Examples are cut to stay small: at most exampleItems items per array,
// strings of exampleString bytes, exampleBytes in all (else none).
const (
	exampleItems  = 3
	exampleString = 200
	exampleBytes  = 4 << 10
)

// example is a JSON body made small enough to show, or nil.
func example(body string) json.RawMessage {
	if len(body) <= exampleBytes {
		var buf bytes.Buffer
		if json.Compact(&buf, []byte(body)) == nil {
			return buf.Bytes()
		}
		return nil
	}
	if len(body) > maxSchemaBody {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil
	}
	b, err := json.Marshal(shrink(v, 0))
	if err != nil || len(b) > exampleBytes {
		return nil
	}
	return b
}

func shrink(v any, depth int) any {
	switch x := v.(type) {
	case map[string]any:
		if depth > 6 {
			return map[string]any{}
		}
		for k, e := range x {
			x[k] = shrink(e, depth+1)
		}
	case []any:
		if depth > 6 {
			return []any{}
		}
		x = x[:min(len(x), exampleItems)]
		for i := range x {
			x[i] = shrink(x[i], depth+1)
		}
		return x
	case string:
		if len(x) > exampleString {
			return shape.Cut(x, exampleString)
		}
	}
	return v
}

func nCalls(n int) string {
	if n == 1 {
		return "1 call"
	}
	return fmt.Sprintf("%d calls", n)
}
