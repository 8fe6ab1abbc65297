package shape

import (
	"strings"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/urlmatch"
)

// Paging bounds of get_network_capture_data.
const (
	DefaultPageRows = 25
	MaxPageRows     = 500
)

// Invalid is an argument error, written for the caller.
type Invalid string

// Error is the sentence for the caller.
func (e Invalid) Error() string { return string(e) }

// rowFilter selects rows by the filters of GetDataArgs.
type rowFilter struct {
	url          *urlmatch.Matcher
	method       string
	status       *int
	resourceType string
}

func newRowFilter(a api.GetDataArgs) (*rowFilter, error) {
	m, err := urlmatch.Parse("urlFilter", a.URLFilter)
	if err != nil {
		return nil, Invalid(err.Error())
	}
	return &rowFilter{url: m, method: strings.ToUpper(a.Method), status: a.Status, resourceType: strings.ToLower(a.ResourceType)}, nil
}

func (f *rowFilter) exchange(x exchange) bool {
	if !f.url.Match(x.url()) {
		return false
	}
	if f.method != "" && (x.req == nil || x.req.Method != f.method) {
		return false
	}
	if f.resourceType != "" && (x.req == nil || strings.ToLower(x.req.ResourceType) != f.resourceType) {
		return false
	}
	if f.status != nil {
		if x.resp == nil {
			return false
		}
		st := int(x.resp.Status)
		if x.resp.Failed {
			st = 0
		}
		if st != *f.status {
			return false
		}
	}
	return true
}

// Page returns one page of d's rows, within budget bytes of JSON.
func Page(d *api.Data, a api.GetDataArgs, budget int) (api.GetDataResult, error) {
	out := api.GetDataResult{SessionID: a.SessionID, Kind: a.Kind, Offset: a.Offset,
		Data: *api.EmptyData()}
	if out.Kind == "" {
		out.Kind = api.KindHTTP
	}
	limit := DefaultPageRows
	if a.Limit != nil {
		if *a.Limit < 1 || *a.Limit > MaxPageRows {
			return out, Invalid(sprintf("limit must be between 1 and %d, not %d", MaxPageRows, *a.Limit))
		}
		limit = *a.Limit
	}
	if a.Offset < 0 {
		return out, Invalid("offset must not be negative")
	}
	keep := PageContentBytes
	if a.IncludeBodies != nil && !*a.IncludeBodies {
		keep = 0
	}
	f, err := newRowFilter(a)
	if err != nil {
		return out, err
	}
	ix := newIndex(d)
	// The matching rows, each built (and sized) only when its page comes.
	var rows []func() (add func(*api.Data), size int)
	switch out.Kind {
	case api.KindHTTP, api.KindRequests, api.KindResponses:
		for _, x := range ix.exchanges {
			if !f.exchange(x) || (out.Kind == api.KindRequests && x.req == nil) || (out.Kind == api.KindResponses && x.resp == nil) {
				continue
			}
			rows = append(rows, func() (func(*api.Data), int) {
				req, resp := exchangeCopy(x, keep)
				switch out.Kind {
				case api.KindRequests:
					resp = nil
				case api.KindResponses:
					req = nil
				}
				return func(dst *api.Data) {
					if req != nil {
						dst.Requests = append(dst.Requests, *req)
					}
					if resp != nil {
						dst.Responses = append(dst.Responses, *resp)
					}
				}, sizeOf(req) + sizeOf(resp)
			})
		}
	case api.KindWSFrames:
		for i := range d.WSFrames {
			if !f.url.Match(d.WSFrames[i].URL) {
				continue
			}
			rows = append(rows, func() (func(*api.Data), int) {
				fr := d.WSFrames[i]
				if len(fr.Payload) > keep {
					omitFrame(&fr)
				}
				return func(dst *api.Data) { dst.WSFrames = append(dst.WSFrames, fr) }, Size(fr) + 1
			})
		}
	case api.KindStreams:
		for i := range d.StreamingResponses {
			if !f.url.Match(d.StreamingResponses[i].URL) {
				continue
			}
			rows = append(rows, func() (func(*api.Data), int) {
				s := d.StreamingResponses[i]
				if streamContent(&s) > keep {
					omitStream(&s)
				}
				return func(dst *api.Data) { dst.StreamingResponses = append(dst.StreamingResponses, s) }, Size(s) + 1
			})
		}
	default:
		return out, Invalid(sprintf("kind must be http, requests, responses, wsFrames or streamingResponses, not %q", a.Kind))
	}
	out.Total = len(rows)
	room := budget - Size(out) - 64
	end := a.Offset
	for end < len(rows) && end < a.Offset+limit {
		add, size := rows[end]()
		if size > room && end > a.Offset {
			break
		}
		add(&out.Data)
		room -= size
		end++
	}
	out.Returned = end - a.Offset
	if out.Returned < 0 {
		out.Returned = 0
	}
	if end < len(rows) {
		next := max(end, a.Offset)
		out.NextOffset = &next
	}
	// One row too large for the result on its own: cut it down, further
	// and further.
	for _, n := range []int{squeezeBytes, 100, 0} {
		if Size(out) <= budget {
			break
		}
		squeezeData(&out.Data, n)
	}
	out.ContentsOmitted = omittedIn(&out.Data)
	return out, nil
}

func sizeOf[T any](p *T) int {
	if p == nil {
		return 0
	}
	return Size(p) + 1
}

// squeezeData leaves out every content of d and cuts its strings to n
// bytes (see squeezeRequest).
func squeezeData(d *api.Data, n int) {
	for i := range d.Requests {
		omitRequest(&d.Requests[i])
		squeezeRequest(&d.Requests[i], n)
	}
	for i := range d.Responses {
		omitResponse(&d.Responses[i])
		squeezeResponse(&d.Responses[i], n)
	}
	for i := range d.WSFrames {
		omitFrame(&d.WSFrames[i])
		d.WSFrames[i].URL = Cut(d.WSFrames[i].URL, max(n, 200))
	}
	for i := range d.StreamingResponses {
		omitStream(&d.StreamingResponses[i])
		d.StreamingResponses[i].URL = Cut(d.StreamingResponses[i].URL, max(n, 200))
	}
}
