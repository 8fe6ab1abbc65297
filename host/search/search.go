// Package search finds a string or a /regex/ in a capture's records, as
// they leave the capture engine (secrets already hidden): URLs, request
// and response headers, request and response bodies (decoded), WebSocket
// payloads and stream items. It is what search_network_capture runs; it
// neither reads the engine nor sizes a tool result beyond its own page.
//
// A search reads the records where they are: it copies no body, builds a
// snippet only for the matches it returns, and counts the others.
package search

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/shape"
)

// Where a match can be: the values of In.
const (
	InURL          = "url"
	InHeaders      = "headers"
	InRequestBody  = "requestBody"
	InResponseBody = "responseBody"
	InFrames       = "frames"
	InStreams      = "streams"
)

// Places is every value In takes, in the order a search looks.
var Places = []string{InURL, InHeaders, InRequestBody, InResponseBody, InFrames, InStreams}

// Args are what to find and which page of matches to return.
type Args struct {
	// Query is a substring, found whatever its case, or a regular
	// expression written /regex/ (RE2 syntax, case as written; (?i)
	// ignores case). At most 1024 bytes.
	Query string `json:"query"`
	// In limits where to look (Places); everywhere by default.
	In []string `json:"in,omitempty"`
	// Offset skips that many matches (nextOffset of the previous page).
	Offset int `json:"offset,omitempty"`
	// Limit is the most matches returned: api.SearchMatches says the
	// default and the bounds.
	Limit *int `json:"limit,omitempty"`
}

// Match is one place the query was found.
type Match struct {
	// RequestID is the record's id: get_request reads it whole.
	RequestID string `json:"requestId"`
	// Kind is the record: request, response, wsFrame or stream.
	Kind string `json:"kind"`
	// Where is the part of it: url, requestHeader, responseHeader,
	// requestBody, responseBody, payload or streamItem.
	Where string `json:"where"`
	// Name is the header's name, for a header.
	Name   string `json:"name,omitempty"`
	Method string `json:"method,omitempty"`
	URL    string `json:"url"`
	// Status is the response's status, when its headers came.
	Status int64 `json:"status,omitempty"`
	// Snippet is the match in its context, cut to a few dozen bytes
	// either side ("…" marks a cut).
	Snippet string `json:"snippet"`
	// BodyOffset is where the match starts in the body, in bytes of the
	// decoded body as get_request's bodyOffset counts them; absent when
	// the search decompressed the body (get_request shows it compressed).
	BodyOffset *int64 `json:"bodyOffset,omitempty"`
	// Item is the frame's index among its socket's frames, or the stream
	// item's among its stream's: get_request's offset pages to it.
	Item *int `json:"item,omitempty"`
	// Direction is a frame's: sent or received.
	Direction string `json:"direction,omitempty"`
}

// Result is one page of matches.
type Result struct {
	Query   string  `json:"query"`
	Matches []Match `json:"matches"`
	// Total counts every match in the capture, before paging.
	Total    int `json:"total"`
	Offset   int `json:"offset"`
	Returned int `json:"returned"`
	// NextOffset is where the next page starts; absent on the last.
	NextOffset *int     `json:"nextOffset,omitempty"`
	Searched   Searched `json:"searched"`
	// Incomplete says why the search stopped before the end of the
	// capture (it ran out of time): Total then counts what it found.
	Incomplete string `json:"incomplete,omitempty"`
}

// Searched says how much the search read.
type Searched struct {
	// Records are the requests, responses, frames and stream items read.
	Records int `json:"records"`
	// Bytes is the text read, decoded.
	Bytes int64 `json:"bytes"`
	// Skipped counts binary bodies and payloads (images, fonts, …) not
	// searched, and compressed ones past the search's bounds.
	Skipped int `json:"skipped,omitempty"`
}

// Snippet bounds.
const (
	snippetContext = 40  // bytes either side of a match
	snippetMatch   = 120 // longest part of a match shown
	urlBytes       = 300 // longest URL of a match
)

// Search finds a.Query in d and returns the page a.Offset and a.Limit
// choose (Fit sizes it to a budget).
// Matches are in the capture's order: each exchange's URL, request
// headers, request body, response headers and response body, then the
// WebSocket frames, then the streams' items; a header's matches in the
// order of the headers' names.
func Search(ctx context.Context, d *api.Data, a Args) (Result, error) {
	s, err := newSearcher(a)
	if err != nil {
		return Result{}, err
	}
	if err := s.run(ctx, d); errors.Is(err, errTimeUp) {
		s.res.Incomplete = fmt.Sprintf("the search stopped after %s, %d records in: narrow it with in, or give a /regex/ a literal part (a regex without one reads every byte slowly)", TimeLimit, s.res.Searched.Records)
	} else if err != nil {
		return Result{}, err
	}
	r := s.res
	r.Searched.Skipped = s.dec.skipped
	return r.Fit(-1), nil
}

// Fit keeps the matches that fit budget bytes of JSON (the first always
// comes; a negative budget keeps them all), the rest a page away.
func (r Result) Fit(budget int) Result {
	if budget >= 0 {
		room := budget - shape.Size(Result{Query: r.Query, Matches: []Match{}, Total: r.Total, Offset: r.Offset, NextOffset: &r.Total, Searched: r.Searched}) - 20
		for i, m := range r.Matches {
			room -= shape.Size(m) + 1
			if room < 0 && i > 0 {
				r.Matches = r.Matches[:i]
				break
			}
		}
	}
	r.Returned = len(r.Matches)
	r.NextOffset = nil
	if end := r.Offset + r.Returned; end < r.Total {
		r.NextOffset = &end
	}
	return r
}

// searcher is one search under way.
type searcher struct {
	find  finder
	in    map[string]bool
	limit int
	full  bool
	res   Result
	dec   decoder
	polls int
	until time.Time
}

func newSearcher(a Args) (*searcher, error) {
	if a.Query == "" {
		return nil, api.Errorf(api.CodeInvalid, "query is required: a substring, or /regex/")
	}
	f, err := newFinder(a.Query)
	if err != nil {
		return nil, api.Errorf(api.CodeInvalid, "%v", err)
	}
	s := &searcher{find: f, in: map[string]bool{}, limit: int(api.SearchMatches.Default), until: time.Now().Add(TimeLimit), res: Result{Query: a.Query, Offset: a.Offset, Matches: []Match{}}}
	if a.Offset < 0 {
		return nil, api.Errorf(api.CodeInvalid, "offset must not be negative")
	}
	if s.limit, err = api.SearchMatches.Or(a.Limit); err != nil {
		return nil, api.Errorf(api.CodeInvalid, "%v", err)
	}
	for _, p := range a.In {
		if !slices.Contains(Places, p) {
			return nil, api.Errorf(api.CodeInvalid, "in takes %s, not %q", strings.Join(Places, ", "), p)
		}
		s.in[p] = true
	}
	if len(a.In) == 0 {
		for _, p := range Places {
			s.in[p] = true
		}
	}
	return s, nil
}

// record is what a match is found in, turned into a Match only when the
// match is returned.
type record struct {
	req    *api.Request
	resp   *api.Response
	frame  *api.WSFrame
	stream *api.StreamingResponse
	kind   string
	where  string
	name   string
	item   int
	body   bool // offsets are body offsets, when the content is direct
}

func (s *searcher) run(ctx context.Context, d *api.Data) error {
	for _, x := range d.Exchanges() {
		if err := s.exchange(ctx, x.Request, x.Response); err != nil {
			return err
		}
	}
	if s.in[InFrames] {
		items := map[string]int{}
		for i := range d.WSFrames {
			f := &d.WSFrames[i]
			n := items[f.RequestID]
			items[f.RequestID] = n + 1
			if err := s.poll(ctx); err != nil {
				return err
			}
			s.res.Searched.Records++
			if c, ok := s.dec.decode(textUnless(f.Payload, f.Binary), base64If(f.Payload, f.Binary), "", ""); ok {
				s.text(c, record{frame: f, kind: "wsFrame", where: "payload", item: n})
			}
		}
	}
	if s.in[InStreams] {
		for i := range d.StreamingResponses {
			st := &d.StreamingResponses[i]
			for j := range st.Messages {
				if err := s.poll(ctx); err != nil {
					return err
				}
				s.res.Searched.Records++
				s.text(content{text: st.Messages[j].Data}, record{stream: st, kind: "stream", where: "streamItem", item: j})
			}
			if len(st.Messages) > 0 {
				continue // get_request pages a stream's messages, or else its chunks
			}
			for j := range st.Chunks {
				if err := s.poll(ctx); err != nil {
					return err
				}
				s.res.Searched.Records++
				ch := &st.Chunks[j]
				if c, ok := s.dec.decode(ch.Data, ch.DataBase64, "", ""); ok {
					s.text(c, record{stream: st, kind: "stream", where: "streamItem", item: j})
				}
			}
		}
	}
	return nil
}

func textUnless(payload string, binary bool) string {
	if binary {
		return ""
	}
	return payload
}

func base64If(payload string, binary bool) string {
	if binary {
		return payload
	}
	return ""
}

// TimeLimit bounds a search: one that takes longer returns what it found
// so far, and says so.
var TimeLimit = 20 * time.Second

// errTimeUp is a search past TimeLimit.
var errTimeUp = errors.New("time is up")

// poll gives up when the caller has, or the time is up, looking every
// few hundred records.
func (s *searcher) poll(ctx context.Context) error {
	s.polls++
	if s.polls%256 == 0 {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("searching the capture: %w", err)
		}
		if time.Now().After(s.until) {
			return errTimeUp
		}
	}
	return nil
}

// exchange searches one request and its response (either may be nil).
func (s *searcher) exchange(ctx context.Context, q *api.Request, p *api.Response) error {
	if err := s.poll(ctx); err != nil {
		return err
	}
	if q != nil {
		s.res.Searched.Records++
		if s.in[InURL] {
			s.text(content{text: q.URL}, record{req: q, resp: p, kind: "request", where: "url"})
		}
		if s.in[InHeaders] {
			s.headers(q.Headers, record{req: q, resp: p, kind: "request", where: "requestHeader"})
		}
		if s.in[InRequestBody] {
			if c, ok := s.dec.decode(q.PostData, q.PostDataBase64, encodingOf(q.PostDataBase64, q.Headers), header(q.Headers, "content-type")); ok {
				s.text(c, record{req: q, resp: p, kind: "request", where: "requestBody", body: true})
			}
		}
	}
	if p == nil {
		return nil
	}
	s.res.Searched.Records++
	if q == nil && s.in[InURL] {
		s.text(content{text: p.URL}, record{resp: p, kind: "response", where: "url"})
	}
	if s.in[InHeaders] {
		s.headers(p.Headers, record{req: q, resp: p, kind: "response", where: "responseHeader"})
	}
	if s.in[InResponseBody] {
		if c, ok := s.dec.decode(p.Body, p.BodyBase64, encodingOf(p.BodyBase64, p.Headers), p.MimeType); ok {
			s.text(c, record{req: q, resp: p, kind: "response", where: "responseBody", body: true})
		}
	}
	return nil
}

// headers searches each header's name and value, in the order of their
// names, so that pages stay put from one call to the next.
func (s *searcher) headers(h map[string]string, r record) {
	var hit []string
	for k, v := range h {
		s.res.Searched.Bytes += int64(len(k) + len(v))
		if s.find.in(k) || s.find.in(v) {
			hit = append(hit, k)
		}
	}
	slices.Sort(hit)
	for _, k := range hit {
		r.name = k
		v := h[k]
		s.find.each(k, func(start, end int) bool {
			s.found(r, "", k+": "+v, start, end, -1)
			return true
		})
		s.find.each(v, func(start, end int) bool {
			s.found(r, k+": ", v, start, end, -1)
			return true
		})
	}
}

// text searches one content.
func (s *searcher) text(c content, r record) {
	s.res.Searched.Bytes += int64(len(c.text))
	if !s.find.in(c.text) {
		return
	}
	direct := r.body && c.direct
	s.find.each(c.text, func(start, end int) bool {
		at := int64(-1)
		if direct {
			at = int64(start)
		}
		s.found(r, "", c.text, start, end, at)
		return true
	})
}

// found counts the match text[start:end], and keeps it when it is on the
// page; its snippet shows pre before text (a header's name), and
// bodyOffset is -1 when it has none.
func (s *searcher) found(r record, pre, text string, start, end int, bodyOffset int64) {
	s.res.Total++
	if s.full || s.res.Total <= s.res.Offset {
		return
	}
	m := r.match()
	m.Snippet = snippet(pre, text, start, end)
	if bodyOffset >= 0 {
		m.BodyOffset = &bodyOffset
	}
	s.res.Matches = append(s.res.Matches, m)
	s.full = len(s.res.Matches) >= s.limit
}

func (r record) match() Match {
	m := Match{Kind: r.kind, Where: r.where, Name: r.name}
	switch {
	case r.frame != nil:
		item := r.item
		m.RequestID, m.URL, m.Item, m.Direction = r.frame.RequestID, r.frame.URL, &item, r.frame.Direction
	case r.stream != nil:
		item := r.item
		m.RequestID, m.URL, m.Item = r.stream.RequestID, r.stream.URL, &item
	default:
		if r.req != nil {
			m.RequestID, m.Method, m.URL = r.req.RequestID, r.req.Method, r.req.URL
		}
		if r.resp != nil {
			m.RequestID, m.URL = r.resp.RequestID, cmpOr(m.URL, r.resp.URL)
			m.Status = r.resp.Status // what came, even when loading then failed
		}
	}
	m.URL = shape.Cut(m.URL, urlBytes)
	return m
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// encodingOf is the Content-Encoding of a binary body (none is looked
// up for text, which needs none).
func encodingOf(b64 string, h map[string]string) string {
	if b64 == "" {
		return ""
	}
	return header(h, "content-encoding")
}

// header is a header's value, whatever the case of its name.
func header(h map[string]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// snippet is text[start:end] with up to snippetContext bytes either side,
// cut on character boundaries, "…" where it was cut, after pre.
func snippet(pre, text string, start, end int) string {
	from := max(0, start-snippetContext)
	for from > 0 && !isRuneStart(text[from]) {
		from--
	}
	to := min(len(text), end+snippetContext)
	for to < len(text) && !isRuneStart(text[to]) {
		to++
	}
	var b strings.Builder
	b.WriteString(pre)
	if from > 0 {
		b.WriteString("…")
	}
	b.WriteString(text[from:start])
	if end-start > snippetMatch {
		b.WriteString(shape.Cut(text[start:end], snippetMatch))
	} else {
		b.WriteString(text[start:end])
	}
	b.WriteString(text[end:to])
	if to < len(text) {
		b.WriteString("…")
	}
	return strings.ToValidUTF8(b.String(), "\uFFFD")
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
