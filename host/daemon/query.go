package daemon

import (
	"strings"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/capture"
	"github.com/tabtap/tabtap/host/urlmatch"
)

// Paging bounds of get_network_capture_data.
const (
	defaultPage = 100
	maxPage     = 1000
)

// recordFilter selects records of a capture by the fields of GetDataArgs.
type recordFilter struct {
	url          func(string) bool
	method       string
	status       *int
	resourceType string
	// ids are the request ids whose request and response both pass; set
	// when a filter looks at one side only (method, status, type).
	ids map[string]bool
}

func newRecordFilter(a api.GetDataArgs, d api.Data) (*recordFilter, error) {
	f := &recordFilter{url: func(string) bool { return true }, method: strings.ToUpper(a.Method), status: a.Status, resourceType: strings.ToLower(a.ResourceType)}
	m, err := urlmatch.Parse("urlFilter", a.URLFilter)
	if err != nil {
		return nil, api.Errorf(api.CodeInvalid, "%v", err)
	}
	f.url = m.Match
	if f.method == "" && f.status == nil && f.resourceType == "" {
		return f, nil
	}
	f.ids = map[string]bool{}
	for _, r := range d.Requests {
		if (f.method == "" || r.Method == f.method) && (f.resourceType == "" || strings.ToLower(r.ResourceType) == f.resourceType) {
			f.ids[r.RequestID] = true
		}
	}
	if f.status != nil {
		byStatus := map[string]bool{}
		for _, r := range d.Responses {
			st := int(r.Status)
			if r.Failed {
				st = 0
			}
			if st == *f.status && f.ids[r.RequestID] {
				byStatus[r.RequestID] = true
			}
		}
		f.ids = byStatus
	}
	return f, nil
}

func (f *recordFilter) keep(id, url string) bool {
	if !f.url(url) {
		return false
	}
	return f.ids == nil || f.ids[id]
}

// page returns the part of xs that offset and limit select.
func page[T any](xs []T, offset, limit int) ([]T, bool) {
	if offset >= len(xs) {
		return []T{}, false
	}
	end := min(len(xs), offset+limit)
	return xs[offset:end], end < len(xs)
}

func filtered[T any](xs []T, keep func(T) bool) []T {
	out := []T{}
	for _, x := range xs {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}

func (d *Daemon) getData(a api.GetDataArgs) (api.GetDataResult, error) {
	s, c, err := d.captureOf(a.SessionID)
	if err != nil {
		return api.GetDataResult{}, err
	}
	limit := defaultPage
	if a.Limit != nil {
		if *a.Limit < 1 || *a.Limit > maxPage {
			return api.GetDataResult{}, api.Errorf(api.CodeInvalid, "limit must be between 1 and %d, not %d", maxPage, *a.Limit)
		}
		limit = *a.Limit
	}
	if a.Offset < 0 {
		return api.GetDataResult{}, api.Errorf(api.CodeInvalid, "offset must not be negative")
	}
	kinds := map[string]bool{"requests": true, "responses": true, "wsFrames": true, "streamingResponses": true}
	if a.Kind != "" {
		if !kinds[a.Kind] {
			return api.GetDataResult{}, api.Errorf(api.CodeInvalid, "kind must be requests, responses, wsFrames or streamingResponses, not %q", a.Kind)
		}
		kinds = map[string]bool{a.Kind: true}
	}
	st, all := c.Snapshot()
	f, err := newRecordFilter(a, all)
	if err != nil {
		return api.GetDataResult{}, err
	}
	sel := api.Data{Requests: []api.Request{}, Responses: []api.Response{}, WSFrames: []api.WSFrame{}, StreamingResponses: []api.StreamingResponse{}}
	if kinds["requests"] {
		sel.Requests = filtered(all.Requests, func(r api.Request) bool { return f.keep(r.RequestID, r.URL) })
	}
	if kinds["responses"] {
		sel.Responses = filtered(all.Responses, func(r api.Response) bool { return f.keep(r.RequestID, r.URL) })
	}
	if kinds["wsFrames"] {
		sel.WSFrames = filtered(all.WSFrames, func(r api.WSFrame) bool { return f.keep(r.RequestID, r.URL) })
	}
	if kinds["streamingResponses"] {
		sel.StreamingResponses = filtered(all.StreamingResponses, func(r api.StreamingResponse) bool { return f.keep(r.RequestID, r.URL) })
	}
	out := api.GetDataResult{
		SessionID: s.id, CaptureID: c.ID(), Status: string(st.State), Offset: a.Offset, Limit: limit,
		Totals: api.Summary{TotalRequests: len(sel.Requests), TotalResponses: len(sel.Responses),
			TotalWsFrames: len(sel.WSFrames), StreamingResponses: len(sel.StreamingResponses)},
	}
	var more [4]bool
	out.Data.Requests, more[0] = page(sel.Requests, a.Offset, limit)
	out.Data.Responses, more[1] = page(sel.Responses, a.Offset, limit)
	out.Data.WSFrames, more[2] = page(sel.WSFrames, a.Offset, limit)
	out.Data.StreamingResponses, more[3] = page(sel.StreamingResponses, a.Offset, limit)
	out.HasMore = more[0] || more[1] || more[2] || more[3]
	if a.IncludeBodies != nil && !*a.IncludeBodies {
		capture.OmitContent(&out.Data)
	}
	return out, nil
}

func (d *Daemon) getRequest(a api.GetRequestArgs) (api.RequestDetail, error) {
	s, c, err := d.captureOf(a.SessionID)
	if err != nil {
		return api.RequestDetail{}, err
	}
	if a.RequestID == "" {
		return api.RequestDetail{}, api.Errorf(api.CodeInvalid, "requestId is required")
	}
	all := c.Data()
	base := a.RequestID
	if i := strings.Index(base, ":"); i >= 0 {
		base = base[:i]
	}
	out := api.RequestDetail{SessionID: s.id}
	responses := map[string]*api.Response{}
	for i := range all.Responses {
		responses[all.Responses[i].RequestID] = &all.Responses[i]
	}
	for i := range all.Requests {
		r := &all.Requests[i]
		switch {
		case r.RequestID == base:
			out.Request, out.Response = r, responses[r.RequestID]
		case strings.HasPrefix(r.RequestID, base+":"):
			out.Redirects = append(out.Redirects, api.RedirectHop{Request: *r, Response: responses[r.RequestID]})
		}
	}
	if out.Request == nil && len(out.Redirects) > 0 {
		// The chain has not reached its last hop yet.
		last := out.Redirects[len(out.Redirects)-1]
		out.Request, out.Response = &last.Request, last.Response
		out.Redirects = out.Redirects[:len(out.Redirects)-1]
	}
	if out.Request == nil {
		out.Response = responses[base]
	}
	for _, f := range all.WSFrames {
		if f.RequestID == base {
			out.WSFrames = append(out.WSFrames, f)
		}
	}
	for i := range all.StreamingResponses {
		if all.StreamingResponses[i].RequestID == base {
			out.Stream = &all.StreamingResponses[i]
		}
	}
	if out.Request == nil && out.Response == nil && out.WSFrames == nil && out.Stream == nil {
		return api.RequestDetail{}, api.Errorf(api.CodeNotFound, "request %s not found in session %s (get_network_capture_data lists the request ids)", a.RequestID, s.id)
	}
	return out, nil
}
