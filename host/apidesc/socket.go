package apidesc

import (
	"cmp"
	"net/url"
	"slices"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/urlmatch"
)

// WebSocket is one WebSocket endpoint and the messages it carried.
type WebSocket struct {
	// URL is the socket's URL, its path a template as endpoints' are.
	URL string `json:"url"`
	// Connections counts the sockets opened to it.
	Connections int `json:"connections"`
	Sent        int `json:"sent"`
	Received    int `json:"received"`
	// Messages are the kinds of messages, by direction and by the value
	// of the field that tells them apart (type, event, op, …), each with
	// the schema of its JSON.
	Messages         []Message `json:"messages"`
	ExampleRequestID string    `json:"exampleRequestId"`
	// MoreKinds counts messages of kinds past the listed ones.
	MoreKinds int `json:"moreKinds,omitempty"`
}

// Message is one kind of WebSocket message.
type Message struct {
	Direction string `json:"direction"`
	// Tag is the field and value that tell this kind apart
	// ("type=tick"), when the messages have one.
	Tag   string `json:"tag,omitempty"`
	Count int    `json:"count"`
	// Format is json, text or binary.
	Format string  `json:"format"`
	Schema *Schema `json:"schema,omitempty"`
}

// tagFields are the fields whose value names a message's kind, in the
// order they are tried.
var tagFields = []string{"type", "event", "op", "action", "kind", "method", "cmd", "command", "channel", "topic", "msg", "t", "e"}

// maxKinds bounds the kinds listed per socket and direction.
const maxKinds = 24

type socket struct {
	url         string
	connections map[string]bool
	sent, recv  int
	kinds       map[string]*kind
	order       []string
	example     string
	more        int
}

type kind struct {
	direction, tag, format string
	count                  int
	node                   *node
}

// describeSockets sums up the sockets of d: by URL template, their
// messages by kind.
func describeSockets(d *api.Data, handshakes []api.Exchange, m *urlmatch.Matcher, r *reader) []*socket {
	urls := map[string]string{} // socket request id → URL
	var ids []string            // in order of first sight
	for _, x := range handshakes {
		if _, ok := urls[x.ID()]; !ok {
			urls[x.ID()] = x.URL()
			ids = append(ids, x.ID())
		}
	}
	for i := range d.WSFrames {
		f := &d.WSFrames[i]
		if _, ok := urls[f.RequestID]; !ok && m.Match(f.URL) {
			urls[f.RequestID] = f.URL
			ids = append(ids, f.RequestID)
		}
	}
	// Socket URLs are templated like endpoints, per origin.
	tries := map[string]*trie{}
	parsed := map[string]*url.URL{}
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			continue
		}
		parsed[raw] = u
		origin := u.Scheme + "://" + u.Host
		if tries[origin] == nil {
			tries[origin] = newTrie("", nil)
		}
		tries[origin].add(segments(u.EscapedPath()))
	}
	for _, t := range tries {
		t.generalize()
	}
	byURL := map[string]*socket{}
	var out []*socket
	of := func(id string) *socket {
		raw, ok := urls[id]
		if !ok {
			return nil
		}
		u := parsed[raw]
		if u == nil {
			return nil
		}
		origin := u.Scheme + "://" + u.Host
		path, _ := tries[origin].template(segments(u.EscapedPath()))
		s := byURL[origin+path]
		if s == nil {
			s = &socket{url: origin + path, connections: map[string]bool{}, kinds: map[string]*kind{}, example: id}
			byURL[origin+path] = s
			out = append(out, s)
		}
		s.connections[id] = true
		return s
	}
	for _, id := range ids {
		of(id)
	}
	for i := range d.WSFrames {
		f := &d.WSFrames[i]
		s := of(f.RequestID)
		if s == nil || f.Opcode > 2 { // control frames say nothing of the API
			continue
		}
		s.frame(r, f)
	}
	slices.SortFunc(out, func(a, b *socket) int { return cmp.Compare(a.url, b.url) })
	return out
}

// frame notes one message.
func (s *socket) frame(r *reader, f *api.WSFrame) {
	if f.Direction == "sent" {
		s.sent++
	} else {
		s.recv++
	}
	format, tag := "text", ""
	if f.Binary {
		format = "binary"
	} else if t, ok := r.tag(f.Payload); ok {
		format, tag = "json", t
	}
	key := f.Direction + " " + format + " " + tag
	k := s.kinds[key]
	if k == nil {
		if len(s.kinds) >= maxKinds {
			s.more++
			return
		}
		k = &kind{direction: f.Direction, tag: tag, format: format}
		s.kinds[key] = k
		s.order = append(s.order, key)
	}
	k.count++
	if format == "json" {
		if k.node == nil {
			k.node = newNode()
		}
		r.read(k.node, f.Payload)
	}
}

func (s *socket) summary() WebSocket {
	w := WebSocket{URL: s.url, Connections: len(s.connections), Sent: s.sent, Received: s.recv, ExampleRequestID: s.example, MoreKinds: s.more, Messages: []Message{}}
	for _, key := range s.order {
		k := s.kinds[key]
		w.Messages = append(w.Messages, Message{Direction: k.direction, Tag: k.tag, Count: k.count, Format: k.format, Schema: k.node.schema()})
	}
	return w
}
