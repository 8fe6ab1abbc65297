package shape

import (
	"strings"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/urlmatch"
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

func (f *rowFilter) exchange(x api.Exchange) bool {
	if !f.url.Match(x.URL()) {
		return false
	}
	if f.method != "" && (x.Request == nil || x.Request.Method != f.method) {
		return false
	}
	if f.resourceType != "" && (x.Request == nil || strings.ToLower(x.Request.ResourceType) != f.resourceType) {
		return false
	}
	if f.status != nil {
		if x.Response == nil {
			return false
		}
		st := int(x.Response.Status)
		if x.Response.Failed {
			st = 0
		}
		if st != *f.status {
			return false
		}
	}
	return true
}

// pageQuery is what GetDataArgs ask for, checked.
type pageQuery struct {
	kind   string
	offset int
	limit  int
	keep   int // the largest content kept inline
	filter *rowFilter
}

func newPageQuery(a api.GetDataArgs) (pageQuery, error) {
	q := pageQuery{kind: a.Kind, offset: a.Offset, keep: PageContentBytes}
	switch q.kind {
	case "":
		q.kind = api.KindHTTP
	case api.KindHTTP, api.KindRequests, api.KindResponses, api.KindWSFrames, api.KindStreams:
	default:
		return q, Invalid(sprintf("kind must be http, requests, responses, wsFrames or streamingResponses, not %q", a.Kind))
	}
	var err error
	if q.limit, err = api.PageRows.Or(a.Limit); err != nil {
		return q, Invalid(err.Error())
	}
	if a.Offset < 0 {
		return q, Invalid("offset must not be negative")
	}
	if a.IncludeBodies != nil && !*a.IncludeBodies {
		q.keep = 0
	}
	q.filter, err = newRowFilter(a)
	return q, err
}

// pageRow is one row of a page, built (and sized) only when its page
// comes: add puts it in a page's data.
type pageRow func() (add func(*api.Data), size int)

// rows lists the rows that match, in the capture's order.
func (q pageQuery) rows(ix *index) []pageRow {
	var rows []pageRow
	switch q.kind {
	case api.KindWSFrames:
		for i := range ix.d.WSFrames {
			if q.filter.url.Match(ix.d.WSFrames[i].URL) {
				rows = append(rows, q.frameRow(&ix.d.WSFrames[i]))
			}
		}
	case api.KindStreams:
		for i := range ix.d.StreamingResponses {
			if q.filter.url.Match(ix.d.StreamingResponses[i].URL) {
				rows = append(rows, q.streamRow(&ix.d.StreamingResponses[i]))
			}
		}
	default:
		for _, x := range ix.exchanges {
			if q.filter.exchange(x) && (q.kind != api.KindRequests || x.Request != nil) && (q.kind != api.KindResponses || x.Response != nil) {
				rows = append(rows, q.exchangeRow(x))
			}
		}
	}
	return rows
}

func (q pageQuery) exchangeRow(x api.Exchange) pageRow {
	return func() (func(*api.Data), int) {
		req, resp := exchangeCopy(x, q.keep)
		switch q.kind {
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
	}
}

func (q pageQuery) frameRow(f *api.WSFrame) pageRow {
	return func() (func(*api.Data), int) {
		fr := *f
		if len(fr.Payload) > q.keep {
			omitFrame(&fr)
		}
		return func(dst *api.Data) { dst.WSFrames = append(dst.WSFrames, fr) }, Size(fr) + 1
	}
}

func (q pageQuery) streamRow(s *api.StreamingResponse) pageRow {
	return func() (func(*api.Data), int) {
		st := *s
		if streamContent(&st) > q.keep {
			omitStream(&st)
		}
		return func(dst *api.Data) { dst.StreamingResponses = append(dst.StreamingResponses, st) }, Size(st) + 1
	}
}

// Page returns one page of d's rows, within budget bytes of JSON.
func Page(d *api.Data, a api.GetDataArgs, budget int) (api.GetDataResult, error) {
	q, err := newPageQuery(a)
	if err != nil {
		return api.GetDataResult{}, err
	}
	out := api.GetDataResult{SessionID: a.SessionID, Kind: q.kind, Offset: a.Offset, Data: *api.EmptyData()}
	rows := q.rows(newIndex(d))
	out.Total = len(rows)
	room := budget - Size(out) - 64
	end := a.Offset
	for end < len(rows) && end < a.Offset+q.limit {
		add, size := rows[end]()
		if size > room && end > a.Offset {
			break
		}
		add(&out.Data)
		room -= size
		end++
	}
	out.Returned = max(end-a.Offset, 0)
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
