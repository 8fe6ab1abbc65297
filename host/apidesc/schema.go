package apidesc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/mail"
	"net/url"
	"slices"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/tabtap/tabtap/host/redact"
)

// Schema is a JSON Schema (draft 2020-12, as OpenAPI 3.1 reads it)
// inferred from examples.
type Schema struct {
	// Type is one type name, or a list of them when examples differed.
	Type   any    `json:"type,omitempty"`
	Format string `json:"format,omitempty"`
	// Enum lists the values of a string seen many times with few values.
	Enum       []string `json:"enum,omitempty"`
	Properties Props    `json:"properties,omitempty"`
	// Required are the properties present in every example.
	Required []string `json:"required,omitempty"`
	// AdditionalProperties is the schema of an object's values when its
	// keys are ids (a map), not names.
	AdditionalProperties *Schema `json:"additionalProperties,omitempty"`
	Items                *Schema `json:"items,omitempty"`
	// MorePropertiesSeen counts properties left out (beyond maxProps, or
	// deeper than maxDepth); an object's schema then says nothing of them.
	MorePropertiesSeen int `json:"x-unlisted,omitempty"`
}

// Props are an object's properties in the order they were first seen.
type Props []Prop

// Prop is one property of an object.
type Prop struct {
	Name   string
	Schema *Schema
}

// MarshalJSON writes the properties as a JSON object, in order.
func (p Props) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, pr := range p {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(pr.Name)
		v, err := json.Marshal(pr.Schema)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads properties written by MarshalJSON, in order.
func (p *Props) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("properties must be an object")
	}
	*p = nil
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		name, _ := t.(string)
		s := &Schema{}
		if err := dec.Decode(s); err != nil {
			return err
		}
		*p = append(*p, Prop{name, s})
	}
	_, err := dec.Token()
	return err
}

// Bounds of inference.
const (
	// maxDepth is the deepest nesting described; deeper values are
	// counted, not described.
	maxDepth = 16
	// maxProps is the most properties one object's schema lists.
	maxProps = 200
	// Enums: at most maxEnum values of at most maxEnumLen bytes, each seen
	// minEnumSeen times on average, at least minEnumTotal strings in all.
	maxEnum      = 8
	maxEnumLen   = 32
	minEnumSeen  = 3
	minEnumTotal = 10
)

// Formats a string can have, as bits: a node keeps those every string it
// saw had.
const (
	fmtDateTime = 1 << iota
	fmtDate
	fmtUUID
	fmtEmail
	fmtURI
	fmtAll = fmtDateTime | fmtDate | fmtUUID | fmtEmail | fmtURI
)

// node sums up every value seen at one place of the examples.
type node struct {
	nulls, bools, ints, nums, strs, objs, arrs int
	present                                    int // objects of the parent that had this property

	formats int            // the fmt bits every string had
	values  map[string]int // distinct strings, while few and short
	tooMany bool           // more distinct strings than an enum has, or long ones
	props   map[string]*node
	order   []string // property names, as first seen
	nodes   []*node  // their nodes, in that order
	next    int      // the index in order of the property expected next in an object being read
	byID    *node    // the values of an object's keys that are ids (a map)
	items   *node
	// unlisted counts properties not described: past maxProps, or deeper
	// than maxDepth.
	unlisted int
}

func newNode() *node { return &node{formats: fmtAll} }

// reader reads JSON examples into nodes, reusing one decoder.
type reader struct {
	dec jsontext.Decoder
	buf []byte
}

// read infers the JSON example b into n, and reports whether b was JSON.
// What is not JSON is seen at once (a body that is not an object or an
// array, or that does not end like one, is not read); a body that breaks
// off inside leaves what was read before the break in n.
func (r *reader) read(n *node, b string) bool {
	t := strings.TrimSpace(b)
	if len(t) < 2 || !(t[0] == '{' && t[len(t)-1] == '}' || t[0] == '[' && t[len(t)-1] == ']') {
		return false
	}
	r.dec.Reset(strings.NewReader(t), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	if err := r.value(n, 0); err != nil {
		return false
	}
	_, err := r.dec.ReadToken()
	return err == io.EOF // one value, nothing after it
}

func tagField(name []byte) int {
	for i, f := range tagFields {
		if string(name) == f {
			return i
		}
	}
	return -1
}

// tag reads a message whole, and returns the field and value that name
// its kind (see tagFields), if it is an object that has one; ok is false
// when the message is not JSON.
func (r *reader) tag(b string) (tag string, ok bool) {
	r.dec.Reset(strings.NewReader(b), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	if r.dec.PeekKind() != '{' {
		if err := r.dec.SkipValue(); err != nil {
			return "", false
		}
		_, err := r.dec.ReadToken()
		return "", err == io.EOF
	}
	if _, err := r.dec.ReadToken(); err != nil {
		return "", false
	}
	rank := len(tagFields)
	for r.dec.PeekKind() != '}' {
		k, err := r.dec.ReadValue()
		if err != nil {
			return "", false
		}
		if i := tagField(r.unquote(k)); i >= 0 && i < rank && r.dec.PeekKind() == '"' {
			v, err := r.dec.ReadValue()
			if err != nil {
				return "", false
			}
			if val := r.unquote(v); len(val) <= maxEnumLen {
				if _, id := idKind(val); !id {
					tag, rank = tagFields[i]+"="+string(val), i
				}
			}
			continue
		}
		if err := r.dec.SkipValue(); err != nil {
			return "", false
		}
	}
	if _, err := r.dec.ReadToken(); err != nil {
		return "", false
	}
	_, err := r.dec.ReadToken()
	return tag, err == io.EOF
}

func (r *reader) value(n *node, depth int) error {
	switch r.dec.PeekKind() {
	case '{':
		if _, err := r.dec.ReadToken(); err != nil {
			return err
		}
		n.objs++
		n.next = 0
		for r.dec.PeekKind() != '}' {
			k, err := r.dec.ReadValue()
			if err != nil {
				return err
			}
			child := n.child(r.unquote(k), depth)
			if child == nil {
				if err := r.dec.SkipValue(); err != nil {
					return err
				}
				continue
			}
			if err := r.value(child, depth+1); err != nil {
				return err
			}
		}
		_, err := r.dec.ReadToken()
		return err
	case '[':
		if _, err := r.dec.ReadToken(); err != nil {
			return err
		}
		n.arrs++
		for r.dec.PeekKind() != ']' {
			if depth >= maxDepth {
				n.unlisted++
				if err := r.dec.SkipValue(); err != nil {
					return err
				}
				continue
			}
			if n.items == nil {
				n.items = newNode()
			}
			if err := r.value(n.items, depth+1); err != nil {
				return err
			}
		}
		_, err := r.dec.ReadToken()
		return err
	case 0:
		_, err := r.dec.ReadToken() // the error
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	v, err := r.dec.ReadValue()
	if err != nil {
		return err
	}
	switch v.Kind() {
	case 'n':
		n.nulls++
	case 't', 'f':
		n.bools++
	case '0':
		if bytes.ContainsAny(v, ".eE") {
			n.nums++
		} else {
			n.ints++
		}
	case '"':
		n.str(r.unquote(v))
	}
	return nil
}

// child is the node a property's value goes to: its own, or, when the
// key is an id (an object used as a map from ids to values), the one node
// of all such values. It is nil when the value is not described.
func (n *node) child(key []byte, depth int) *node {
	if depth >= maxDepth {
		n.unlisted++
		return nil
	}
	// Objects in a list have their properties in one order, most often:
	// the one expected next is checked first.
	if n.next < len(n.order) && n.order[n.next] == string(key) {
		p := n.nodes[n.next]
		n.next++
		p.present++
		return p
	}
	p, ok := n.props[string(key)] // a name seen before, out of order
	if ok {
		n.next = slices.Index(n.order, string(key)) + 1
		p.present++
		return p
	}
	if _, id := idKind(key); id {
		if n.byID == nil {
			n.byID = newNode()
		}
		return n.byID
	}
	if len(n.props) >= maxProps {
		n.unlisted++
		return nil
	}
	if n.props == nil {
		n.props = map[string]*node{}
	}
	p = newNode()
	k := string(key)
	n.props[k] = p
	n.order, n.nodes = append(n.order, k), append(n.nodes, p)
	n.next = len(n.order)
	p.present++
	return p
}

// unquote returns a JSON string's text, valid until the next read.
func (r *reader) unquote(v []byte) []byte {
	if len(v) >= 2 && bytes.IndexByte(v, '\\') < 0 {
		return v[1 : len(v)-1]
	}
	var err error
	r.buf, err = jsontext.AppendUnquote(r.buf[:0], v)
	if err != nil {
		return nil
	}
	return r.buf
}

func (n *node) str(s []byte) {
	n.strs++
	if n.formats != 0 {
		n.formats &= formatsOf(s)
	}
	if n.tooMany {
		return
	}
	if len(s) > maxEnumLen {
		n.tooMany, n.values = true, nil
		return
	}
	if c, ok := n.values[string(s)]; ok {
		n.values[string(s)] = c + 1
		return
	}
	if len(n.values) >= maxEnum {
		n.tooMany, n.values = true, nil
		return
	}
	if n.values == nil {
		n.values = map[string]int{}
	}
	n.values[string(s)] = 1
}

// merge adds what o saw to n; o is not used after.
func (n *node) merge(o *node) {
	n.nulls += o.nulls
	n.bools += o.bools
	n.ints += o.ints
	n.nums += o.nums
	n.present += o.present
	n.unlisted += o.unlisted
	n.objs += o.objs
	n.arrs += o.arrs
	if o.strs > 0 {
		n.formats &= o.formats
		n.tooMany = n.tooMany || o.tooMany
		if !n.tooMany {
			if n.values == nil {
				n.values = map[string]int{}
			}
			for s, c := range o.values {
				n.values[s] += c
			}
			n.tooMany = len(n.values) > maxEnum
		}
		if n.tooMany {
			n.values = nil
		}
	}
	n.strs += o.strs
	for _, k := range o.order {
		if p, ok := n.props[k]; ok {
			p.merge(o.props[k])
			continue
		}
		if len(n.props) >= maxProps {
			n.unlisted++
			continue
		}
		if n.props == nil {
			n.props = map[string]*node{}
		}
		n.props[k] = o.props[k]
		n.order, n.nodes = append(n.order, k), append(n.nodes, o.props[k])
	}
	n.byID = mergeNodes(n.byID, o.byID)
	n.items = mergeNodes(n.items, o.items)
}

// clone is a copy of n that shares nothing with it.
func (n *node) clone() *node {
	if n == nil {
		return nil
	}
	c := *n
	c.values = maps.Clone(n.values)
	c.order = slices.Clone(n.order)
	c.nodes = make([]*node, len(n.nodes))
	if n.props != nil {
		c.props = make(map[string]*node, len(n.props))
		for i, k := range n.order {
			c.nodes[i] = n.nodes[i].clone()
			c.props[k] = c.nodes[i]
		}
	}
	c.byID, c.items = n.byID.clone(), n.items.clone()
	return &c
}

func mergeNodes(a, b *node) *node {
	switch {
	case a == nil:
		return b
	case b != nil:
		a.merge(b)
	}
	return a
}

// schema renders what n saw; nil when it saw nothing.
func (n *node) schema() *Schema {
	if n == nil {
		return nil
	}
	var types []string
	s := &Schema{}
	if n.objs > 0 {
		types = append(types, "object")
		for _, k := range n.order {
			p := n.props[k]
			s.Properties = append(s.Properties, Prop{k, p.schema()})
			if p.present >= n.objs {
				s.Required = append(s.Required, k)
			}
		}
		s.AdditionalProperties = n.byID.schema()
		s.MorePropertiesSeen = n.unlisted
	}
	if n.arrs > 0 {
		types = append(types, "array")
		s.Items = n.items.schema()
	}
	if n.strs > 0 {
		types = append(types, "string")
		s.Format = formatName(n.formats)
		if s.Format == "" {
			s.Enum = n.enum()
		}
	}
	switch {
	case n.nums > 0:
		types = append(types, "number")
	case n.ints > 0:
		types = append(types, "integer")
	}
	if n.bools > 0 {
		types = append(types, "boolean")
	}
	if n.nulls > 0 {
		types = append(types, "null")
	}
	switch len(types) {
	case 0:
		if n.unlisted > 0 {
			return s
		}
		return nil
	case 1:
		s.Type = types[0]
	default:
		s.Type = types
	}
	return s
}

// enum lists a string's values when they are few (two at least: one is a
// constant that may well change), short, and each seen many times: a
// status, a kind. Ids and secrets are never enums.
func (n *node) enum() []string {
	if n.tooMany || len(n.values) < 2 || n.strs < minEnumTotal || n.strs < minEnumSeen*len(n.values) {
		return nil
	}
	out := make([]string, 0, len(n.values))
	for v := range n.values {
		if _, id := idKind(v); id || v == redact.Redacted || v == "" {
			return nil
		}
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

func formatName(bits int) string {
	switch {
	case bits == 0 || bits == fmtAll:
		return ""
	case bits&fmtUUID != 0:
		return "uuid"
	case bits&fmtDateTime != 0:
		return "date-time"
	case bits&fmtDate != 0:
		return "date"
	case bits&fmtEmail != 0:
		return "email"
	case bits&fmtURI != 0:
		return "uri"
	}
	return ""
}

// formatsOf is the formats a string has. Cheap looks at its bytes come
// first: most strings are none of these.
func formatsOf(b []byte) int {
	if len(b) < 6 || len(b) > 2048 {
		return 0
	}
	bits := 0
	if isUUID(b) {
		bits |= fmtUUID
	}
	if isDateTime(b) {
		bits |= fmtDateTime
	}
	if len(b) == 10 && isDate(b) {
		bits |= fmtDate
	}
	if at := bytes.IndexByte(b, '@'); at > 0 && bytes.IndexByte(b[at:], '.') > 0 && !bytes.ContainsAny(b, " <>") {
		if a, err := mail.ParseAddress(string(b)); err == nil && a.Address == string(b) {
			bits |= fmtEmail
		}
	}
	if i := bytes.Index(b, []byte("://")); i > 0 && i < 10 {
		if u, err := url.Parse(string(b)); err == nil && u.Scheme != "" && u.Host != "" {
			bits |= fmtURI
		}
	}
	return bits
}
