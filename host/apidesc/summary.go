package apidesc

import (
	"cmp"
	"maps"
	"slices"

	"github.com/tabtap/tabtap/host/shape"
)

// Description is the summary of an API: every endpoint and socket, with
// the schemas of their bodies and messages, as far as the budget allows.
type Description struct {
	// Calls counts the API calls described (static files aside).
	Calls      int         `json:"calls"`
	Endpoints  []Endpoint  `json:"endpoints"`
	WebSockets []WebSocket `json:"webSockets"`
	Static     Static      `json:"static"`
	// Unlisted says what the budget left out, and how to see it.
	Unlisted *Unlisted `json:"unlisted,omitempty"`
}

// Endpoint is one method on one path template of one origin.
type Endpoint struct {
	Method string `json:"method"`
	Origin string `json:"origin"`
	// Path is a template: ids and other values are {name} parameters.
	Path  string `json:"path"`
	Count int    `json:"count"`
	// Statuses counts the calls by status ("failed" for no response).
	Statuses map[string]int `json:"statuses"`
	// Query lists the query parameters' names.
	Query          []string `json:"query,omitempty"`
	RequestTypes   []string `json:"requestTypes,omitempty"`
	ResponseTypes  []string `json:"responseTypes,omitempty"`
	RequestSchema  *Schema  `json:"requestSchema,omitempty"`
	ResponseSchema *Schema  `json:"responseSchema,omitempty"`
	// ExampleRequestID is a call get_request shows whole: a successful
	// one when any was.
	ExampleRequestID string `json:"exampleRequestId"`
}

// Unlisted says what a summary left out to fit its budget.
type Unlisted struct {
	// Endpoints and WebSockets not listed: the least called.
	Endpoints  int `json:"endpoints"`
	WebSockets int `json:"webSockets"`
	// Schemas is "cut" when schemas were cut short (nested objects left
	// as "object"), "omitted" when they were left out.
	Schemas string `json:"schemas,omitempty"`
	Hint    string `json:"hint"`
}

// summaryHint says how to see what a summary left out.
const summaryHint = "narrow with urlFilter, or write everything to a file with format \"openapi\" and outputPath"

// Summary describes the API within budget bytes of JSON: whole when it
// fits; else with schemas cut short, then without schemas, then without
// the least called endpoints and sockets, counted in Unlisted.
func (a *API) Summary(budget int) Description {
	for _, depth := range []int{-1, 2, 0} {
		d := a.summary(depth)
		if depth != -1 {
			d.Unlisted = &Unlisted{Schemas: map[int]string{2: "cut", 0: "omitted"}[depth], Hint: summaryHint}
		}
		if shape.Size(d) <= budget {
			return d
		}
		if depth == 0 {
			return keepMost(d, a, budget)
		}
	}
	panic("unreachable")
}

// Whole is the summary with nothing left out, for a file.
func (a *API) Whole() Description { return a.summary(-1) }

// summary is every endpoint and socket, schemas cut at depth (-1 whole,
// 0 none).
func (a *API) summary(depth int) Description {
	d := Description{Calls: a.calls, Endpoints: []Endpoint{}, WebSockets: []WebSocket{}, Static: a.static}
	for _, e := range a.endpoints {
		d.Endpoints = append(d.Endpoints, e.summary(depth))
	}
	for _, s := range a.sockets {
		w := s.summary()
		for i := range w.Messages {
			w.Messages[i].Schema = w.Messages[i].Schema.cut(depth)
		}
		d.WebSockets = append(d.WebSockets, w)
	}
	return d
}

func (e *endpoint) summary(depth int) Endpoint {
	out := Endpoint{Method: e.method, Origin: e.origin, Path: e.path, Count: e.count, Statuses: e.statuses,
		Query: slices.Sorted(maps.Keys(e.query)), RequestTypes: e.reqTypes, ResponseTypes: e.respTypes, ExampleRequestID: e.example}
	out.RequestSchema = e.req.schema().cut(depth)
	out.ResponseSchema = e.successSchema().cut(depth)
	return out
}

// successSchema is the schema of the successful responses' bodies, or of
// all of them when none succeeded.
func (e *endpoint) successSchema() *Schema {
	var ok, all *node
	for _, status := range slices.Sorted(maps.Keys(e.resp)) {
		n := e.resp[status]
		all = mergeNodes(all, n.clone())
		if status >= "200" && status < "300" {
			ok = mergeNodes(ok, n.clone())
		}
	}
	if ok != nil {
		return ok.schema()
	}
	return all.schema()
}

// keepMost keeps the most called endpoints and sockets that fit budget.
func keepMost(d Description, a *API, budget int) Description {
	room := budget - shape.Size(Description{Calls: d.Calls, Endpoints: []Endpoint{}, WebSockets: []WebSocket{}, Static: d.Static,
		Unlisted: &Unlisted{Endpoints: len(d.Endpoints), WebSockets: len(d.WebSockets), Schemas: "omitted", Hint: summaryHint}})
	type item struct {
		count, size, index int
		socket             bool
	}
	var items []item
	for i, e := range d.Endpoints {
		items = append(items, item{e.Count, shape.Size(e) + 1, i, false})
	}
	for i, w := range d.WebSockets {
		items = append(items, item{w.Sent + w.Received, shape.Size(w) + 1, i, true})
	}
	slices.SortStableFunc(items, func(x, y item) int { return cmp.Compare(y.count, x.count) })
	keepE, keepW := map[int]bool{}, map[int]bool{}
	for _, it := range items {
		if it.size > room {
			continue
		}
		room -= it.size
		if it.socket {
			keepW[it.index] = true
		} else {
			keepE[it.index] = true
		}
	}
	out := d
	out.Endpoints, out.WebSockets = []Endpoint{}, []WebSocket{}
	for i, e := range d.Endpoints {
		if keepE[i] {
			out.Endpoints = append(out.Endpoints, e)
		}
	}
	for i, w := range d.WebSockets {
		if keepW[i] {
			out.WebSockets = append(out.WebSockets, w)
		}
	}
	out.Unlisted = &Unlisted{Endpoints: len(d.Endpoints) - len(out.Endpoints), WebSockets: len(d.WebSockets) - len(out.WebSockets),
		Schemas: "omitted", Hint: summaryHint}
	return out
}

// cut returns s with what is nested deeper than depth left as its type
// alone; depth -1 keeps everything, 0 nothing.
func (s *Schema) cut(depth int) *Schema {
	if s == nil || depth < 0 {
		return s
	}
	if depth == 0 {
		return nil
	}
	c := *s
	if depth == 1 {
		if len(c.Properties) > 0 || c.AdditionalProperties != nil {
			c.MorePropertiesSeen += len(c.Properties)
		}
		c.Properties, c.Required, c.AdditionalProperties, c.Items = nil, nil, nil, nil
		return &c
	}
	c.Properties = make(Props, len(s.Properties))
	for i, p := range s.Properties {
		c.Properties[i] = Prop{p.Name, p.Schema.cut(depth - 1)}
		if c.Properties[i].Schema == nil {
			c.Properties[i].Schema = &Schema{}
		}
	}
	c.AdditionalProperties = s.AdditionalProperties.cut(depth - 1)
	c.Items = s.Items.cut(depth - 1)
	return &c
}
